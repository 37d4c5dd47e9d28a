import { createHash } from "node:crypto";
import { expect } from "chai";
import { checkStatement } from "../../../../node/domain/fees/statement-check.js";
import { canonicalJson } from "../../../../node/domain/canonical-json.js";
import { canonicalStatementChunks, isStatementDocument, statementDocument, statementHash } from "../../../../node/domain/fees/statement-document.js";
import { computeStatement } from "../../../../node/domain/fees/statement.js";
import { AGENCY_ID, agreed, CREDITOR_ID, caseKey, FULL_RISK } from "./helpers.js";

const V1 = agreed(1, "2026-10-01", FULL_RISK);
const PAIR = { creditorId: CREDITOR_ID, agencyId: AGENCY_ID };
const statement = computeStatement(
  { ...PAIR, month: "2026-11", schedules: [V1], assignments: [{ caseKey: caseKey(1), assignedAt: "2026-10-02T00:00:00Z", overdueDays: 100 }] },
  {
    confirmed: [
      { entryId: "r1", caseKey: caseKey(1), agencyId: AGENCY_ID, amountFen: 12_345n, paidAt: "2026-11-02T00:00:00Z", confirmedAt: "2026-11-03T00:00:00Z" },
      { entryId: "r2", caseKey: caseKey(1), agencyId: AGENCY_ID, amountFen: 999n, paidAt: "2026-11-04T00:00:00Z", confirmedAt: "2026-11-05T00:00:00Z" },
    ],
  },
);
const doc = statementDocument(statement, { issuedAt: "2026-12-01T01:00:00Z" });
const codes = (d: typeof doc, schedules = [V1]) => checkStatement(d, PAIR, schedules).map((p) => `${p.code} ${p.lineId}`);

describe("node/domain/fees: a statement as issued, and the agency's check of it", () => {
  it("survives JSON and hashes the same; the shape check takes it", () => {
    const copy: unknown = JSON.parse(JSON.stringify(doc));
    expect(isStatementDocument(copy)).to.equal(true);
    if (!isStatementDocument(copy)) return;
    expect(statementHash(copy)).to.equal(statementHash(doc));
    expect(codes(copy)).to.deep.equal([]);
    expect(doc.lines[0]).to.include({ amountFen: "12345", feeFen: "3086", bp: 2500 }); // 3086.25 → 3086
  });

  it("catches a tampered line: a fee, a rate the schedule does not have, a doubled line, totals that do not add up", () => {
    const [first, second] = doc.lines;
    const fee = { ...doc, lines: [{ ...first!, feeFen: "3087" }, second!] };
    expect(codes(fee)).to.deep.equal(["LINE_FEE repayment:r1", "TOTALS "]);
    const rate = { ...doc, lines: [{ ...first!, bp: 3000, feeFen: "3704" }, second!] };
    expect(codes(rate)).to.deep.equal(["LINE_RATE repayment:r1", "TOTALS "]);
    expect(codes({ ...doc, lines: [first!, first!] })).to.deep.equal(["LINE_DUPLICATE repayment:r1", "TOTALS "]);
    expect(codes({ ...doc, totals: { ...doc.totals, feeFen: "1" } })).to.deep.equal(["TOTALS "]);
    expect(codes({ ...doc, lines: [{ ...first!, amountFen: "-12345" }, second!] })).to.deep.equal(["LINE_KIND repayment:r1", "TOTALS "]);
  });

  it("refuses a statement of another pair or priced by a schedule the agency never signed", () => {
    expect(checkStatement(doc, { creditorId: CREDITOR_ID, agencyId: AGENCY_ID + 1 }, [V1]).map((p) => p.code)).to.deep.equal(["PAIR"]);
    const other = agreed(1, "2026-10-01", { kind: "full-risk", buckets: [{ fromDays: 0, toDays: null, bp: 2500 }] });
    expect(codes(doc, [other])).to.include("SCHEDULE_UNKNOWN schedule:1");
  });

  it("refuses shapes that are not a statement", () => {
    expect(isStatementDocument({ ...doc, format: "x" })).to.equal(false);
    expect(isStatementDocument({ ...doc, lines: [{ ...doc.lines[0], amountFen: 12 }] })).to.equal(false);
    expect(isStatementDocument({ ...doc, totals: { ...doc.totals, feeFen: "1.5" } })).to.equal(false);
  });
});

describe("node/domain/fees: statementHash", () => {
  it("hashes the bytes of canonicalJson, written in chunks", () => {
    const withApart = { ...doc, supersedes: "0x" + "ab".repeat(32), apart: [{ lineId: "repayment:o\"1", caseKey: caseKey(2), entryId: "o\"1", amountFen: "5", paidAt: "2026-11-01T00:00:00Z", state: "reported" as const }] };
    for (const d of [doc, withApart]) {
      expect([...canonicalStatementChunks(d)].join("")).to.equal(canonicalJson(d));
      expect(statementHash(d)).to.equal(`0x${createHash("sha256").update(canonicalJson(d)).digest("hex")}`);
    }
  });

  it("refuses a document with a key the hash would not cover", () => {
    expect(isStatementDocument({ ...doc, note: "x" })).to.equal(false);
    expect(isStatementDocument({ ...doc, lines: [{ ...doc.lines[0], note: "x" }] })).to.equal(false);
  });
});
