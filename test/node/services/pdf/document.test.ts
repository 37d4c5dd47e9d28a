import { expect } from "chai";
import { startPdf } from "../../../../node/services/pdf/document.js";
import { pdfText } from "../../../support/pdf-text.js";

describe("node/services/pdf/document: startPdf, the one start of every CaseLedger PDF", function () {
  this.timeout(30_000);

  it("gives an A4 page with 40 pt margins, the document's info, and Chinese text in the embedded CJK font", async () => {
    const { pdf, bytes } = startPdf({ Title: "CaseLedger test 2026-11", Subject: "0xabc", Keywords: "0xabc", CreationDate: new Date(Date.UTC(2026, 10, 5)) });
    expect([Math.round(pdf.page.width), Math.round(pdf.page.height)]).to.deep.equal([595, 842]);
    expect(pdf.page.margins).to.include({ left: 40, top: 40, right: 40, bottom: 40 });
    pdf.text("催收服务费对账单 / statement");
    pdf.end();
    const file = await bytes;
    expect(file.subarray(0, 5).toString()).to.equal("%PDF-");
    expect(pdfText(file)).to.include("催收服务费对账单 / statement");
    const raw = file.toString("latin1");
    expect(raw).to.include("NotoSansSC");
    expect(raw).to.include("CaseLedger test 2026-11");
  });

  it("makes the same bytes from the same input when the creation date is given", async () => {
    const one = async () => {
      const { pdf, bytes } = startPdf({ Title: "same", CreationDate: new Date(0) });
      pdf.text("同一份 / the same");
      pdf.end();
      return bytes;
    };
    expect((await one()).equals(await one())).to.equal(true);
  });
});
