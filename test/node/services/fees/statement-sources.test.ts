import { expect } from "chai";
import { monthBounds } from "../../../../node/domain/fees/month.js";
import { chainAssignments, ledgerEntries } from "../../../../node/services/fees/statement-sources.js";

describe("node/services/fees: where a statement's entries come from", () => {
  it("asks the repayment ledger for the pair's month as ISO instants, China Standard Time", async () => {
    const asked: unknown[] = [];
    const source = ledgerEntries({
      confirmedBetween: (...args) => {
        asked.push(args);
        return Promise.resolve({ confirmed: [], reversals: [], open: [] });
      },
    });
    const { start, end } = monthBounds("2026-11")!;
    await source.entries(1, 3, start, end);
    expect(asked).to.deep.equal([[1, 3, "2026-10-31T16:00:00.000Z", "2026-11-30T16:00:00.000Z"]]);
  });

  it("takes the creditor's cases assigned to the agency from the chain index, with overdue days at assignment", async () => {
    const record = (caseKey: string, agencyId: number, assignedAt: number) => ({ caseKey, agencyId, assignedAt });
    const pages = [
      { cases: [record("0xa", 3, Date.UTC(2026, 10, 11) / 1000), record("0xb", 4, 1)], next: "0xb" },
      { cases: [record("0xc", 3, 0), record("0xd", 3, Date.UTC(2026, 10, 1) / 1000)], next: undefined },
    ];
    let call = 0;
    const source = chainAssignments(
      { casesOfCreditor: () => Promise.resolve(pages[call++]!) },
      { get: (key: string) => Promise.resolve(key === "0xa" ? { overdueDays: 30, updatedAt: "2026-11-01T00:00:00.000Z" } : undefined) },
    );
    expect(await source.assignments(1, 3)).to.deep.equal([
      { caseKey: "0xa", assignedAt: "2026-11-11T00:00:00.000Z", overdueDays: 40 },
      { caseKey: "0xd", assignedAt: "2026-11-01T00:00:00.000Z", overdueDays: 0 },
    ]);
  });
});
