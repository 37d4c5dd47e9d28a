import { expect } from "chai";
import fc from "fast-check";
import { type CommissionBucket, type FeeModel } from "../../../../node/domain/fees/fee-schedule.js";
import { instant, monthBounds } from "../../../../node/domain/fees/month.js";
import { computeStatement, StatementBuilder } from "../../../../node/domain/fees/statement.js";
import type { ConfirmedRepayment, RepaymentReversal } from "../../../../node/domain/fees/statement-input.js";
import { propertyParameters } from "../../../support/property.js";
import { AGENCY_ID, agreed, CREDITOR_ID, caseKey } from "./helpers.js";

const MONTH = "2026-11";
const { start, end } = monthBounds(MONTH)!;
const DAY = 86_400_000;
/** Instants from a month before to a month after the statement's month. */
const instantArb = fc.integer({ min: start - 31 * DAY, max: end + 31 * DAY }).map((ms) => new Date(ms).toISOString());

const bucketsArb: fc.Arbitrary<CommissionBucket[]> = fc
  .uniqueArray(fc.integer({ min: 1, max: 400 }), { maxLength: 4 })
  .chain((cuts) => {
    const sorted = [...cuts].sort((a, b) => a - b);
    return fc.array(fc.integer({ min: 0, max: 10_000 }), { minLength: sorted.length + 1, maxLength: sorted.length + 1 }).map((bps) =>
      bps.map((bp, i) => ({ fromDays: i === 0 ? 0 : sorted[i - 1]!, toDays: i < sorted.length ? sorted[i]! - 1 : null, bp })),
    );
  });
const feeArb = fc.bigInt({ min: 0n, max: 10n ** 8n });
const modelArb: fc.Arbitrary<FeeModel> = fc.oneof(
  bucketsArb.map((buckets) => ({ kind: "full-risk" as const, buckets })),
  fc.tuple(feeArb, bucketsArb).map(([caseFeeFen, buckets]) => ({ kind: "half-risk" as const, caseFeeFen, buckets })),
  fc.tuple(feeArb, fc.constantFrom("case" as const, "month" as const)).map(([fixedFeeFen, per]) => ({ kind: "no-risk" as const, fixedFeeFen, per })),
);
const dayArb = fc.integer({ min: -60, max: 45 }).map((d) => new Date(start + 8 * 3_600_000 + d * DAY).toISOString().slice(0, 10));

const worldArb = fc
  .record({
    schedules: fc.uniqueArray(dayArb, { minLength: 1, maxLength: 3 }).chain((days) =>
      fc.array(modelArb, { minLength: days.length, maxLength: days.length }).map((models) =>
        [...days].sort().map((day, i) => agreed(i + 1, day, models[i]!)),
      ),
    ),
    cases: fc.integer({ min: 1, max: 12 }),
    assignments: fc.array(fc.record({ c: fc.nat(11), at: instantArb, overdueDays: fc.integer({ min: 0, max: 500 }) }), { maxLength: 20 }),
    repayments: fc.array(
      fc.record({ c: fc.nat(11), amountFen: fc.bigInt({ min: 1n, max: 10n ** 12n }), paidAt: instantArb, lag: fc.integer({ min: 0, max: 40 * DAY }), other: fc.boolean() }),
      { maxLength: 60 },
    ),
    reversed: fc.array(fc.record({ i: fc.nat(59), at: instantArb }), { maxLength: 10 }),
    order: fc.array(fc.nat(), { minLength: 100, maxLength: 100 }),
    cuts: fc.array(fc.nat(60), { maxLength: 4 }),
  })
  .map((w) => {
    const confirmed: ConfirmedRepayment[] = w.repayments.map((r, i) => ({
      entryId: `r${i}`,
      caseKey: caseKey(r.c % w.cases),
      agencyId: r.other ? AGENCY_ID + 1 : AGENCY_ID,
      amountFen: r.amountFen,
      paidAt: r.paidAt,
      confirmedAt: new Date(instant(r.paidAt) + r.lag).toISOString(),
    }));
    const seen = new Set<number>();
    const reversals: RepaymentReversal[] = w.reversed.flatMap((v, k) => {
      if (confirmed.length === 0 || seen.has(v.i % confirmed.length)) return [];
      seen.add(v.i % confirmed.length);
      return [{ entryId: `v${k}`, reversedAt: v.at, reversed: confirmed[v.i % confirmed.length]! }];
    });
    const scope = {
      creditorId: CREDITOR_ID,
      agencyId: AGENCY_ID,
      month: MONTH,
      schedules: w.schedules,
      assignments: w.assignments.map((a) => ({ caseKey: caseKey(a.c % w.cases), assignedAt: a.at, overdueDays: a.overdueDays })),
    };
    return { scope, confirmed, reversals, order: w.order, cuts: w.cuts };
  });

function shuffled<T>(items: readonly T[], order: readonly number[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = (order[i % order.length] ?? 0) % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

const inMonth = (iso: string) => instant(iso) >= start && instant(iso) < end;

describe("node/domain/fees: statements, properties", function () {
  this.timeout(60_000);

  it("totals are sums of lines, fees are within 0…amount, no entry lost or doubled, and any split gives the same statement", () => {
    fc.assert(
      fc.property(worldArb, ({ scope, confirmed, reversals, order, cuts }) => {
        const statement = computeStatement(scope, { confirmed, reversals });
        const t = statement.totals;
        let repaid = 0n;
        let commission = 0n;
        let fixed = 0n;
        for (const line of statement.lines) {
          repaid += line.amountFen;
          if (line.kind === "repayment") {
            expect(line.feeFen >= 0n && line.feeFen <= line.amountFen, line.lineId).to.equal(true);
            expect(line.bp).to.be.within(0, 10_000);
            commission += line.feeFen;
          } else if (line.kind === "reversal") {
            expect(line.feeFen <= 0n && line.feeFen >= line.amountFen, line.lineId).to.equal(true);
            commission += line.feeFen;
          } else {
            expect(line.feeFen >= 0n).to.equal(true);
            fixed += line.feeFen;
          }
        }
        expect([t.repaidFen, t.commissionFen, t.fixedFeeFen, t.feeFen, t.lines]).to.deep.equal([repaid, commission, fixed, commission + fixed, statement.lines.length]);

        // Every entry of the pair dated in the month is on the statement once, as a line or apart; nothing else is.
        const ids = [...statement.lines, ...statement.apart].map((l) => l.lineId).filter((id) => !id.includes("fee"));
        expect(new Set(ids).size).to.equal(ids.length);
        const expected = [
          ...confirmed.filter((r) => r.agencyId === AGENCY_ID && inMonth(r.confirmedAt)).map((r) => `repayment:${r.entryId}`),
          ...reversals.filter((v) => v.reversed.agencyId === AGENCY_ID && inMonth(v.reversedAt)).map((v) => `reversal:${v.entryId}`),
        ];
        expect([...ids].sort()).to.deep.equal(expected.sort());

        // Shuffled, cut into parts computed apart and merged, with the parts overlapping: the same statement.
        const entries = shuffled([...confirmed.map((r) => ({ r })), ...reversals.map((v) => ({ v }))], order);
        const bounds = [0, ...cuts.map((c) => c % (entries.length + 1)).sort((a, b) => a - b), entries.length];
        const whole = new StatementBuilder(scope);
        for (let k = 0; k + 1 < bounds.length; k++) {
          const part = new StatementBuilder(scope);
          for (const e of entries.slice(Math.max(0, bounds[k]! - 1), bounds[k + 1])) {
            if ("r" in e) part.addConfirmed(e.r);
            else part.addReversal(e.v);
          }
          whole.merge(part);
        }
        expect(whole.finish()).to.deep.equal(statement);
      }),
      propertyParameters(300),
    );
  });
});
