import { expect } from "chai";
import type { BankLine } from "../../../../node/domain/repayments/bank-statement.js";
import { chinaDay } from "../../../../node/domain/fees/month.js";
import { matchBankLines, type OpenRepayment } from "../../../../node/domain/repayments/reconcile.js";

const K = (n: number) => `0x${String(n).padStart(64, "0")}`;
const line = (row: number, loanRef: string, amountFen: bigint, day: string): BankLine => ({ row, loanRef, amountFen, day });
const open = (id: string, k: number, amountFen: bigint, day: string): OpenRepayment => ({ id, caseKey: K(k), amountFen, day });

describe("domain/repayments/reconcile", () => {
  const refs: Record<string, string> = { A: K(1), B: K(2), C: K(3) };
  const run = (lines: BankLine[], repayments: OpenRepayment[]) =>
    matchBankLines(lines, (ref) => refs[ref], (k) => repayments.filter((r) => r.caseKey === k));

  it("matches a line to the repayment of its case with the same amount in fen on the same day, each at most once", () => {
    const { matched, missed } = run(
      [line(2, "A", 100n, "2026-03-01"), line(3, "A", 100n, "2026-03-02"), line(4, "B", 5n, "2026-03-01")],
      [open("r1", 1, 100n, "2026-03-02"), open("r2", 1, 100n, "2026-03-01"), open("r3", 2, 5n, "2026-03-01")],
    );
    expect(matched.map((m) => [m.line.row, m.repaymentId])).to.deep.equal([[2, "r2"], [3, "r1"], [4, "r3"]]);
    expect(missed).to.deep.equal([]);
  });

  it("says why a line matched nothing", () => {
    const { matched, missed } = run(
      [line(2, "Z", 100n, "2026-03-01"), line(3, "C", 100n, "2026-03-01"), line(4, "A", 100n, "2026-03-02"), line(5, "A", 101n, "2026-03-01")],
      [open("r1", 1, 100n, "2026-03-01")],
    );
    expect(matched).to.deep.equal([]);
    expect(missed.map((m) => [m.line.row, m.code])).to.deep.equal([[2, "LOAN_REF_UNKNOWN"], [3, "NO_REPORTED_REPAYMENT"], [4, "DATE_DIFFERS"], [5, "AMOUNT_DIFFERS"]]);
  });

  it("pairs look-alike lines and repayments in order when there are as many of each, and calls them all AMBIGUOUS otherwise", () => {
    const two = [open("r1", 1, 100n, "2026-03-01"), open("r2", 1, 100n, "2026-03-01")];
    expect(run([line(2, "A", 100n, "2026-03-01"), line(3, "A", 100n, "2026-03-01")], two).matched.map((m) => m.repaymentId)).to.deep.equal(["r1", "r2"]);
    const one = run([line(2, "A", 100n, "2026-03-01")], two);
    expect([one.matched, one.missed.map((m) => m.code)]).to.deep.equal([[], ["AMBIGUOUS"]]);
    // Two bank lines for one reported repayment: the second is not a second confirmation of it.
    const twice = run([line(2, "A", 100n, "2026-03-01"), line(3, "A", 100n, "2026-03-01")], [two[0]!]);
    expect([twice.matched, twice.missed.map((m) => m.code)]).to.deep.equal([[], ["AMBIGUOUS", "AMBIGUOUS"]]);
  });

  it("is deterministic and never matches one repayment twice, whatever the lines (fuzz)", () => {
    let seed = 7;
    const rand = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    for (let round = 0; round < 300; round++) {
      const lines = Array.from({ length: rand(12) }, (_, i) => line(i + 2, "ABCZ"[rand(4)]!, BigInt(1 + rand(3)), `2026-03-0${1 + rand(2)}`));
      const reps = Array.from({ length: rand(10) }, (_, i) => open(`r${i}`, 1 + rand(3), BigInt(1 + rand(3)), `2026-03-0${1 + rand(2)}`));
      const a = run(lines, reps);
      expect(run(lines, reps)).to.deep.equal(a);
      const ids = a.matched.map((m) => m.repaymentId);
      expect(new Set(ids).size).to.equal(ids.length);
      expect(a.matched.length + a.missed.length).to.equal(lines.length);
      for (const m of a.matched) {
        const r = reps.find((x) => x.id === m.repaymentId)!;
        expect([r.caseKey, r.amountFen, r.day]).to.deep.equal([refs[m.line.loanRef], m.line.amountFen, m.line.day]);
      }
    }
  });

  it("takes the day of an instant in China Standard Time", () => {
    expect(chinaDay("2026-03-01T15:59:59.999Z")).to.equal("2026-03-01");
    expect(chinaDay("2026-03-01T16:00:00.000Z")).to.equal("2026-03-02");
  });
});
