import { expect } from "chai";
import { standardBuckets } from "../../../../node/domain/fees/fee-schedule.js";
import { overdueDaysAt } from "../../../../node/domain/fees/month.js";
import { computeStatement, StatementBuilder } from "../../../../node/domain/fees/statement.js";
import type { ConfirmedRepayment } from "../../../../node/domain/fees/statement-input.js";
import { AGENCY_ID, agreed, CREDITOR_ID, caseKey, FULL_RISK } from "./helpers.js";

const A = caseKey(0xa);
const B = caseKey(0xb);
const V1 = agreed(1, "2026-10-01", FULL_RISK);
const V2 = agreed(2, "2026-11-15", { kind: "half-risk", caseFeeFen: 5000n, buckets: standardBuckets(1000, 2000, 3000) });
const SCOPE = {
  creditorId: CREDITOR_ID,
  agencyId: AGENCY_ID,
  month: "2026-11",
  schedules: [V2, V1],
  assignments: [
    { caseKey: A, assignedAt: "2026-09-20T10:00:00+08:00", overdueDays: 45 },
    { caseKey: B, assignedAt: "2026-11-20T10:00:00+08:00", overdueDays: 200 },
  ],
};
const repayment = (entryId: string, key: string, amountFen: bigint, paidAt: string, confirmedAt: string): ConfirmedRepayment => ({
  entryId,
  caseKey: key,
  agencyId: AGENCY_ID,
  amountFen,
  paidAt,
  confirmedAt,
});
const R0 = repayment("r0", A, 5000n, "2026-10-30T09:00:00+08:00", "2026-10-31T09:00:00+08:00");
const R1 = repayment("r1", A, 10_000n, "2026-11-10T09:00:00+08:00", "2026-11-12T09:00:00+08:00");
const R2 = repayment("r2", A, 333n, "2026-11-16T09:00:00+08:00", "2026-11-30T23:59:59+08:00");
const R3 = repayment("r3", B, 100_001n, "2026-11-25T09:00:00+08:00", "2026-11-30T16:00:00Z"); // 1 December in China

describe("node/domain/fees: computeStatement", () => {
  const statement = computeStatement(SCOPE, {
    confirmed: [R0, R1, R2, R3, { ...R1, entryId: "other-agency", agencyId: 4 }],
    reversals: [{ entryId: "v0", reversedAt: "2026-11-20T12:00:00+08:00", reversed: R0 }],
    open: [
      { entryId: "o1", caseKey: B, agencyId: AGENCY_ID, amountFen: 700n, paidAt: "2026-11-26T09:00:00+08:00", state: "reported" },
      { entryId: "o2", caseKey: A, agencyId: AGENCY_ID, amountFen: 900n, paidAt: "2026-11-27T09:00:00+08:00", state: "disputed" },
    ],
  });

  it("prices each repayment confirmed in the month by the schedule in force on the day it was paid", () => {
    const byId = new Map(statement.lines.map((l) => [l.lineId, l]));
    expect(byId.get("repayment:r1")).to.include({ scheduleVersion: 1, bp: 1500, feeFen: 1500n, bucket: "0-90" });
    expect(byId.get("repayment:r2")).to.include({ scheduleVersion: 2, bp: 1000, feeFen: 33n }); // 33.3 → 33
    expect(byId.has("repayment:r0"), "confirmed in October").to.equal(false);
    expect(byId.has("repayment:r3"), "confirmed on 1 December, China time").to.equal(false);
    expect(byId.has("repayment:other-agency")).to.equal(false);
  });

  it("prices a confirmation held back until a cheaper schedule starts by the day of payment still", () => {
    const late = repayment("late", A, 10_000n, "2026-11-10T09:00:00+08:00", "2026-11-20T09:00:00+08:00"); // v2 from 15 Nov
    const s = computeStatement(SCOPE, { confirmed: [late] });
    expect(s.lines.find((l) => l.lineId === "repayment:late")).to.include({ scheduleVersion: 1, bp: 1500, feeFen: 1500n });
  });

  it("counts overdue days at assignment from the upload's days and the days since", () => {
    expect(overdueDaysAt(30, "2026-10-01T00:00:00Z", "2026-10-11T12:00:00Z")).to.equal(40);
    expect(overdueDaysAt(30, "2026-10-11T00:00:00Z", "2026-10-01T00:00:00Z")).to.equal(30);
  });

  it("takes a reversed repayment's fee back exactly, as a negative line naming what it reverses", () => {
    const line = statement.lines.find((l) => l.kind === "reversal");
    expect(line).to.include({ lineId: "reversal:v0", reverses: "r0", amountFen: -5000n, feeFen: -750n, scheduleVersion: 1 });
  });

  it("charges the half-risk fee for a case assigned in the month, and lists open repayments apart", () => {
    expect(statement.lines.find((l) => l.kind === "case-fee")).to.include({ caseKey: B, feeFen: 5000n, scheduleVersion: 2 });
    expect(statement.apart.map((l) => `${l.entryId} ${l.state}`)).to.deep.equal(["o2 disputed", "o1 reported"]);
    expect(statement.totals).to.deep.equal({
      lines: 4,
      repaidFen: 10_000n + 333n - 5000n,
      commissionFen: 1500n + 33n - 750n,
      fixedFeeFen: 5000n,
      feeFen: 1500n + 33n - 750n + 5000n,
      apartLines: 2,
      apartFen: 1600n,
    });
    expect(statement.schedules.map((s) => s.version)).to.deep.equal([1, 2]);
  });

  it("charges a no-risk month fee from the schedule in force on the month's last day", () => {
    const monthly = agreed(3, "2026-11-30", { kind: "no-risk", fixedFeeFen: 1_000_000n, per: "month" });
    const s = computeStatement({ ...SCOPE, schedules: [V1, monthly] }, { confirmed: [R1] });
    expect(s.lines.map((l) => `${l.lineId} ${l.feeFen}`)).to.deep.equal(["month-fee 1000000", "repayment:r1 1500"]);
  });

  it("lists apart a repayment no agreed schedule covers, outside the totals", () => {
    const s = computeStatement({ ...SCOPE, schedules: [V2] }, { confirmed: [R1] });
    expect(s.apart.map((l) => `${l.lineId} ${l.state}`)).to.deep.equal(["repayment:r1 unpriced"]);
    expect(s.totals.commissionFen).to.equal(0n);
  });

  it("ignores a schedule of another pair even if handed one", () => {
    const foreign = { ...V1, schedule: { ...V1.schedule, agencyId: 4 } };
    const s = computeStatement({ ...SCOPE, schedules: [foreign] }, { confirmed: [R1] });
    expect(s.lines).to.deep.equal([]);
  });

  it("refuses the same line id with different contents (a doubled entry is never counted twice)", () => {
    const builder = new StatementBuilder(SCOPE);
    builder.addConfirmed(R1);
    builder.addConfirmed(R1);
    expect(builder.finish().lines.filter((l) => l.kind === "repayment")).to.have.length(1);
    expect(() => builder.addConfirmed({ ...R1, amountFen: 1n })).to.throw(/added twice/);
  });
});
