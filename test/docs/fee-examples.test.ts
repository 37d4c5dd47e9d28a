import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { feeScheduleHash, type FeeModel, type FeeSchedule } from "../../node/domain/fees/fee-schedule.js";
import { computeStatement } from "../../node/domain/fees/statement.js";
import type { ConfirmedRepayment } from "../../node/domain/fees/statement-input.js";
import { PROJECT_ROOT } from "../../node/paths.js";

interface Example {
  month: string;
  model: { kind: "full-risk" | "half-risk" | "no-risk"; caseFeeFen?: string; fixedFeeFen?: string; per?: "case" | "month"; buckets?: Array<{ fromDays: number; toDays: number | null; bp: number }> };
  cases: Array<{ case: string; assignedAt: string; overdueDays: number }>;
  repayments: Array<{ entry: string; case: string; amountFen: string; paidAt: string; confirmedAt: string }>;
  reversals?: Array<{ entry: string; reverses: string; reversedAt: string }>;
  lines: Array<{ kind: string; entry?: string; case?: string; amountFen: string; bp: number; feeFen: string }>;
  totals: { lines: number; repaidFen: string; commissionFen: string; fixedFeeFen: string; feeFen: string };
}

/** Every ```json fee-example <name> block of docs/design.md, by name. */
function examples(): Map<string, Example> {
  const text = readFileSync(join(PROJECT_ROOT, "docs", "design.md"), "utf8");
  const found = new Map<string, Example>();
  for (const m of text.matchAll(/^```json fee-example ([a-z-]+)\n([\s\S]*?)^```$/gm)) found.set(m[1]!, JSON.parse(m[2]!) as Example);
  return found;
}

function modelOf(raw: Example["model"]): FeeModel {
  if (raw.kind === "full-risk") return { kind: "full-risk", buckets: raw.buckets ?? [] };
  if (raw.kind === "half-risk") return { kind: "half-risk", caseFeeFen: BigInt(raw.caseFeeFen ?? "x"), buckets: raw.buckets ?? [] };
  return { kind: "no-risk", fixedFeeFen: BigInt(raw.fixedFeeFen ?? "x"), per: raw.per ?? "case" };
}

/** A case's label ("A") as a synthetic 32-byte case key, and back. */
const keyOf = (label: string) => `0x${createHash("sha256").update(`fee-example ${label}`).digest("hex")}`;

/**
 * The worked examples of docs/design.md §23 are computed by the statement code here: each block's lines and totals
 * must be exactly what computeStatement gives for its cases and repayments, so the documentation cannot drift from
 * the code (nor the code from the documentation).
 */
describe("docs: the worked fee examples of design §23 are what the statement code computes", () => {
  const all = examples();

  it("has an example for each model: full risk, half risk, no risk per case and per month", () => {
    expect([...all.keys()].sort()).to.deep.equal(["full-risk", "half-risk", "no-risk-per-case", "no-risk-per-month"]);
  });

  for (const [name, example] of all) {
    it(`${name}: the lines and totals written are the statement's`, () => {
      const schedule: FeeSchedule = { creditorId: 1, agencyId: 2, version: 1, effectiveFrom: "2026-01-01", model: modelOf(example.model) };
      const labels = new Map(example.cases.map((c) => [keyOf(c.case), c.case]));
      const confirmed = new Map<string, ConfirmedRepayment>(
        example.repayments.map((r) => [r.entry, { entryId: r.entry, caseKey: keyOf(r.case), agencyId: 2, amountFen: BigInt(r.amountFen), paidAt: r.paidAt, confirmedAt: r.confirmedAt }]),
      );
      const statement = computeStatement(
        {
          creditorId: 1,
          agencyId: 2,
          month: example.month,
          schedules: [{ schedule, hash: feeScheduleHash(schedule) }],
          assignments: example.cases.map((c) => ({ caseKey: keyOf(c.case), assignedAt: c.assignedAt, overdueDays: c.overdueDays })),
        },
        {
          confirmed: confirmed.values(),
          reversals: (example.reversals ?? []).map((v) => ({ entryId: v.entry, reversedAt: v.reversedAt, reversed: confirmed.get(v.reverses)! })),
        },
      );
      const computed = statement.lines.map((l) => ({
        kind: l.kind,
        ...(l.entryId ? { entry: l.entryId } : {}),
        ...(l.caseKey ? { case: labels.get(l.caseKey) } : {}),
        amountFen: l.amountFen.toString(),
        bp: l.bp,
        feeFen: l.feeFen.toString(),
      }));
      const order = (lines: Example["lines"]) => [...lines].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
      expect(order(computed)).to.deep.equal(order(example.lines));
      const t = statement.totals;
      expect({ lines: t.lines, repaidFen: `${t.repaidFen}`, commissionFen: `${t.commissionFen}`, fixedFeeFen: `${t.fixedFeeFen}`, feeFen: `${t.feeFen}` }).to.deep.equal(example.totals);
      expect(statement.apart).to.deep.equal([]);
    });
  }
});
