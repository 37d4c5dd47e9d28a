import { expect } from "chai";
import { canonicalJson } from "../../../../node/domain/canonical-json.js";
import { statementDocument, statementHash } from "../../../../node/domain/fees/statement-document.js";
import { announcementFits, joinStatement, MAX_STATEMENT_PARTS, partDigest, splitStatement, statementHeader } from "../../../../node/domain/fees/statement-parts.js";
import { computeStatement } from "../../../../node/domain/fees/statement.js";
import { AGENCY_ID, agreed, caseKey, CREDITOR_ID, FULL_RISK } from "./helpers.js";

describe("node/domain/fees: a statement in parts", () => {
  const n = 1_200;
  const confirmed = Array.from({ length: n }, (_, i) => ({ entryId: `e${i}`, caseKey: caseKey(i), agencyId: AGENCY_ID, amountFen: BigInt(100 + i), paidAt: "2026-11-02T00:00:00Z", confirmedAt: "2026-11-03T00:00:00Z" }));
  // A tenth of the cases without an assignment: their repayments are lines apart, which travel in parts too.
  const assignments = confirmed.filter((_, i) => i % 10 !== 0).map((c) => ({ caseKey: c.caseKey, assignedAt: "2026-10-02T00:00:00Z", overdueDays: 5 }));
  const statement = computeStatement({ creditorId: CREDITOR_ID, agencyId: AGENCY_ID, month: "2026-11", schedules: [agreed(1, "2026-10-01", FULL_RISK)], assignments }, { confirmed });
  const doc = statementDocument(statement, { issuedAt: "2026-12-01T00:00:00Z" });

  it("cuts lines then lines apart in document order into parts under the byte budget, and joins them to the same hash", () => {
    expect(doc.apart.length).to.equal(n / 10);
    const parts = splitStatement(doc, 50_000);
    expect(parts.length).to.be.greaterThan(5);
    for (const { part } of parts) expect(canonicalJson(part.lines).length + canonicalJson(part.apart).length).to.be.at.most(50_000 + 4);
    const joined = joinStatement(statementHeader(doc), parts.map((p) => p.part));
    expect(statementHash(joined)).to.equal(statementHash(doc));
    expect(parts.every((p) => p.announced.sha256 === partDigest(p.part))).to.equal(true);
    expect(announcementFits(statementHeader(doc), parts.map((p) => p.announced))).to.equal(true);
  });

  it("makes one part of an empty statement, and refuses announcements that do not add up or run too long", () => {
    const empty = statementDocument(computeStatement({ creditorId: CREDITOR_ID, agencyId: AGENCY_ID, month: "2026-11", schedules: [agreed(1, "2026-10-01", FULL_RISK)], assignments: [] }, { confirmed: [] }), { issuedAt: "2026-12-01T00:00:00Z" });
    const parts = splitStatement(empty);
    expect(parts.map((p) => [p.announced.lines, p.announced.apart])).to.deep.equal([[0, 0]]);
    expect(announcementFits(statementHeader(empty), parts.map((p) => p.announced))).to.equal(true);
    const announced = splitStatement(doc, 50_000).map((p) => p.announced);
    const header = statementHeader(doc);
    expect(announcementFits(header, announced.slice(1))).to.equal(false);
    expect(announcementFits(header, [{ ...announced[0]!, lines: announced[0]!.lines + 1 }, ...announced.slice(1)])).to.equal(false);
    expect(announcementFits(header, [{ ...announced[0]!, sha256: "zz" }, ...announced.slice(1)])).to.equal(false);
    expect(announcementFits(header, [])).to.equal(false);
    const many = Array.from({ length: MAX_STATEMENT_PARTS + 1 }, () => ({ lines: 0, apart: 0, sha256: "0".repeat(64) }));
    expect(announcementFits({ ...header, totals: { ...header.totals, lines: 0, apartLines: 0 } }, many)).to.equal(false);
  });
});
