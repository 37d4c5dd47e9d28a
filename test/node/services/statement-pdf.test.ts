import { expect } from "chai";
import { statementDocument, statementHash } from "../../../node/domain/fees/statement-document.js";
import { computeStatement } from "../../../node/domain/fees/statement.js";
import { renderStatementPdf } from "../../../node/services/statement-pdf.js";
import { AGENCY_ID, agreed, CREDITOR_ID, caseKey, FULL_RISK } from "../domain/fees/helpers.js";
import { pdfText } from "../../support/pdf-text.js";

describe("node/services/statement-pdf: renderStatementPdf", function () {
  this.timeout(30_000);
  const k = caseKey(7);
  const statement = computeStatement(
    { creditorId: CREDITOR_ID, agencyId: AGENCY_ID, month: "2026-11", schedules: [agreed(1, "2026-10-01", FULL_RISK)], assignments: [{ caseKey: k, assignedAt: "2026-10-02T00:00:00Z", overdueDays: 30 }] },
    {
      confirmed: [{ entryId: "r1", caseKey: k, agencyId: AGENCY_ID, amountFen: 1_234_567n, paidAt: "2026-11-02T00:00:00Z", confirmedAt: "2026-11-03T00:00:00Z" }],
      open: [{ entryId: "o1", caseKey: k, agencyId: AGENCY_ID, amountFen: 50n, paidAt: "2026-11-05T00:00:00Z", state: "disputed" }],
    },
  );
  const doc = statementDocument(statement, { issuedAt: "2026-12-01T00:00:00Z" });
  const hash = statementHash(doc);

  it("says who, which month, which schedule, the totals in yuan, each line, what is apart, the hash and the receipts", async () => {
    const pdf = await renderStatementPdf({ doc, hash, creditorName: "示例银行", agencyName: "示例催收", state: "accepted", receipts: ["member #1: leaf 12"] });
    expect(pdf.subarray(0, 5).toString()).to.equal("%PDF-");
    const text = pdfText(pdf);
    expect(text).to.include("债权人：示例银行（成员 #1）");
    expect(text).to.include("催收机构：示例催收（成员 #3）");
    expect(text).to.include("催收服务费对账单 2026-11");
    expect(text).to.include(`费率方案 第 1 版（full-risk，2026-10-01 起）${statement.schedules[0]!.hash}`);
    expect(text).to.include("回款合计 12345.67 元（1 行）");
    expect(text).to.include("佣金合计 1851.85 元"); // 1,234,567 × 15% = 185,185.05 fen → 185,185
    expect(text).to.match(/r1\n0x000000000000…00000007\n2026-11-02 08:00\n12345\.67\n0-90 15\.00%\nv1\n1851\.85/);
    expect(text).to.include("未计入合计（未确认、有争议或无适用费率）：1 行，0.50 元");
    expect(text).to.include(`对账单哈希 ${hash}`);
    expect(text).to.include("存证：member #1: leaf 12");
    // A subset of the font's glyphs, not the 10 MB font.
    expect(pdf.length).to.be.below(200_000);
  });
});
