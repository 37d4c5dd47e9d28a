import { expect } from "chai";
import { statementCsv } from "../../../../node/domain/fees/statement-csv.js";
import { statementDocument } from "../../../../node/domain/fees/statement-document.js";
import { computeStatement } from "../../../../node/domain/fees/statement.js";
import { AGENCY_ID, agreed, CREDITOR_ID, FULL_RISK } from "./helpers.js";

const R = { entryId: "=HYPERLINK(\"x\")", caseKey: "+cmd|' /C calc'!A0", agencyId: AGENCY_ID, amountFen: 5n, paidAt: "2026-11-02T00:00:00Z", confirmedAt: "2026-11-03T00:00:00Z" };

describe("node/domain/fees: statementCsv", () => {
  const statement = computeStatement(
    { creditorId: CREDITOR_ID, agencyId: AGENCY_ID, month: "2026-11", schedules: [agreed(1, "2026-10-01", FULL_RISK)], assignments: [{ caseKey: R.caseKey, assignedAt: "2026-10-02T00:00:00Z", overdueDays: 1 }] },
    { confirmed: [R], reversals: [{ entryId: "v1", reversedAt: "2026-11-04T00:00:00Z", reversed: R }] },
  );
  const text = [...statementCsv(statementDocument(statement, { issuedAt: "2026-12-01T00:00:00Z" }))].join("");
  const rows = text.slice(1).split("\r\n");

  it("starts with a BOM, ends records with CRLF, writes yuan from fen without floats, negative amounts as numbers", () => {
    expect(text.charCodeAt(0)).to.equal(0xfeff);
    expect(text.endsWith("\r\n")).to.equal(true);
    const reversal = rows.find((r) => r.includes("reversal:v1"))!;
    expect(reversal.split(",")[7]).to.equal("-0.05");
    expect(reversal.split(",")[11]).to.equal("-0.01"); // 5 fen × 15% = 0.75 → 1 fen, taken back
    expect(rows.find((r) => r.startsWith("total,fees,"))!.split(",")[11]).to.equal("0.00");
  });

  it("neutralizes text cells that a spreadsheet would run as formulas", () => {
    expect(text).to.not.match(/(^|,)[=+@]/m);
    expect(text).to.include(`'+cmd|' /C calc'!A0`);
    expect(text).to.include(`"'=HYPERLINK(""x"")"`);
  });
});
