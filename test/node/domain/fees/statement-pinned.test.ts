import { createHash } from "node:crypto";
import { expect } from "chai";
import { standardBuckets } from "../../../../node/domain/fees/fee-schedule.js";
import { statementCsv } from "../../../../node/domain/fees/statement-csv.js";
import { statementDocument, statementDocumentOf, statementHash } from "../../../../node/domain/fees/statement-document.js";
import { computeStatement, computeStatementBody } from "../../../../node/domain/fees/statement.js";
import type { ConfirmedRepayment, RepaymentReversal } from "../../../../node/domain/fees/statement-input.js";
import { AGENCY_ID, agreed, CREDITOR_ID, caseKey } from "./helpers.js";

/**
 * The bytes of a statement pinned: a fixed input of every line kind (repayments under two schedules, reversals, case
 * fees, lines apart) gives the same hash and the same CSV however the builder holds its lines. A statement's hash is
 * its name in both members' signatures and on chain, so a refactoring that changed a byte would orphan them all.
 */

const MONTH_START = Date.parse("2026-11-01T00:00:00+08:00");
const DAY = 86_400_000;
const CASES = 40;
const schedules = [
  agreed(1, "2026-01-01", { kind: "full-risk", buckets: standardBuckets(1500, 2500, 3500) }),
  agreed(2, "2026-11-16", { kind: "half-risk", caseFeeFen: 3000n, buckets: standardBuckets(1200, 2000, 3000) }),
];
const assignments = Array.from({ length: CASES - 2 }, (_, i) => ({
  caseKey: caseKey(i),
  assignedAt: new Date(i % 5 === 0 ? MONTH_START + 17 * DAY + i * 3_600_000 : MONTH_START - (1 + i) * DAY).toISOString(),
  overdueDays: (i * 37) % 400,
}));
const repayment = (i: number): ConfirmedRepayment => {
  const paid = MONTH_START + ((i * 7919) % (29 * 86_400)) * 1000;
  return {
    entryId: `r${i}`,
    caseKey: caseKey((i * 7) % CASES), // the last two cases are never assigned: their lines are apart, unpriced
    agencyId: AGENCY_ID,
    amountFen: BigInt(1 + ((i * 104_729) % 5_000_003)),
    paidAt: new Date(paid).toISOString(),
    confirmedAt: new Date(paid + 3_600_000).toISOString(),
  };
};
const confirmed = Array.from({ length: 300 }, (_, i) => repayment(i));
const reversals: RepaymentReversal[] = Array.from({ length: 12 }, (_, k) => ({
  entryId: `v${k}`,
  reversedAt: new Date(Date.parse(confirmed[k * 20]!.confirmedAt) + 60_000).toISOString(),
  reversed: confirmed[k * 20]!,
}));
const open = [{ entryId: "o1", caseKey: caseKey(3), agencyId: AGENCY_ID, amountFen: 777n, paidAt: "2026-11-20T10:00:00+08:00", state: "reported" as const }];
const scope = { creditorId: CREDITOR_ID, agencyId: AGENCY_ID, month: "2026-11", schedules, assignments };
const issue = { issuedAt: "2026-12-01T09:00:00+08:00", supersedes: `0x${"ab".repeat(32)}` };

describe("node/domain/fees: a statement's bytes, pinned", () => {
  const doc = statementDocument(computeStatement(scope, { confirmed, reversals, open }), issue);

  it("covers every line kind", () => {
    expect(new Set(doc.lines.map((l) => l.kind))).to.deep.equal(new Set(["repayment", "reversal", "case-fee"]));
    expect(new Set(doc.apart.map((l) => l.state))).to.deep.equal(new Set(["reported", "unpriced"]));
    expect(new Set(doc.lines.map((l) => l.scheduleVersion))).to.deep.equal(new Set([1, 2]));
  });

  it("hashes to the same SHA-256 as before", () => {
    expect(statementHash(doc)).to.equal("0x636291f8bb34c266afe88e45adbd7c395134bf84a4d4e2555645cc968a35d499");
  });

  it("is the same document whether issued from the lines' document form (as the gateway does) or their bigint form", () => {
    const issued = statementDocumentOf(computeStatementBody(scope, { confirmed, reversals, open }), issue);
    expect(issued).to.deep.equal(doc);
    expect(statementHash(issued)).to.equal(statementHash(doc));
  });

  it("writes the same CSV as before", () => {
    const csv = createHash("sha256");
    for (const chunk of statementCsv(doc)) csv.update(chunk);
    expect(csv.digest("hex")).to.equal("3a657de1c56930b54f4913d02bc400202b80ad90e15057e7b4486d852b52f2c8");
  });
});
