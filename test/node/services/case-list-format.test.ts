import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import fc from "fast-check";
import { type ValidationReport, validateCaseList } from "../../../node/domain/case-list/report.js";
import type { ValidatedRow } from "../../../node/domain/case-list/validator.js";
import type { Pepper } from "../../../node/domain/pseudonyms.js";
import { caseListReader, XLSX_TYPE } from "../../../node/services/case-list-format.js";
import { readCaseListBatches } from "../../../node/domain/csv/read-case-list.js";
import { propertyParameters } from "../../support/property.js";
import { inChunks, workbookBytes } from "../../support/workbook.js";
import { syntheticId18 } from "../domain/identity/synthetic-ids.js";

const PEPPER: Pepper = { version: 1, secret: new Uint8Array(32).fill(7) };
const TODAY = new Date(Date.UTC(2026, 0, 15));
const HEADER = ["合同编号", "姓名", "身份证号", "手机号", "本金", "欠款余额", "逾期天数", "放款日"];
const ID = syntheticId18("19790615", "246", "440106");
const NAME = "测试专用姓名";
let spoolDir = "";

async function validate(file: string, contentType: string, bytes: Uint8Array, sheet?: string): Promise<{ report: ValidationReport; rows: ValidatedRow[] }> {
  const read = caseListReader(contentType, file, sheet, spoolDir);
  if (!read) throw new Error(`no reader for ${contentType}`);
  const rows: ValidatedRow[] = [];
  const report = await validateCaseList(file, inChunks(bytes), { pepper: PEPPER, originatorMemberId: 1, today: TODAY, read, onRow: (row) => void rows.push(row) });
  return { report, rows };
}
const xlsx = (bytes: Uint8Array, sheet?: string) => validate("list.xlsx", XLSX_TYPE, bytes, sheet);

describe("node/services/case-list-format", function () {
  this.timeout(60_000);
  before(async () => {
    spoolDir = await mkdtemp(join(tmpdir(), "caseledger-spool-"));
  });
  after(async () => {
    await rm(spoolDir, { recursive: true, force: true });
  });

  it("picks the reader from the media type, and from the file name when the type says nothing", () => {
    expect(caseListReader("text/csv", "list.xlsx", undefined, spoolDir)).to.equal(readCaseListBatches);
    expect(caseListReader("application/octet-stream", "list.csv", undefined, spoolDir)).to.equal(readCaseListBatches);
    expect(caseListReader("application/vnd.ms-excel", "清单.csv", undefined, spoolDir)).to.equal(readCaseListBatches);
    for (const [type, file] of [[XLSX_TYPE, "upload.csv"], ["application/octet-stream", "清单.XLSX"], ["application/octet-stream", "old.xls"]] as const) {
      const read = caseListReader(type, file, undefined, spoolDir);
      expect(read, `${type} ${file}`).to.be.a("function").and.not.equal(readCaseListBatches);
    }
    expect(caseListReader("application/json", "list.xlsx", undefined, spoolDir)).to.equal(undefined);
  });

  it("gives an .xlsx and the same list as CSV identical reports and totals (random lists)", async () => {
    const id = fc.constantFrom(ID, syntheticId18("19900101", "123", "110101"), `${ID.slice(0, 17)}0`, "12345");
    const amount = fc.oneof(
      fc.integer({ min: 0, max: 10_000_000 }).map((fen) => (fen / 100).toFixed(fen % 3 === 0 ? 2 : 1)),
      fc.constantFrom("1.005", "-3", "abc", ""),
    );
    const row = fc.record({
      ref: fc.constantFrom("A-1", "A-2", "A-3", "B-9", ""),
      name: fc.constantFrom(NAME, "测试乙", ""),
      id,
      phone: fc.constantFrom("13800000000", "", "123"),
      principal: amount,
      outstanding: amount,
      days: fc.constantFrom("0", "30", "-1", "x"),
      extra: fc.constantFrom("2024-01-31", "", "备注"),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(row, { minLength: 0, maxLength: 30 }), async (list) => {
        const cells = list.map((r) => [r.ref, r.name, r.id, r.phone, r.principal, r.outstanding, r.days, r.extra]);
        const csv = new TextEncoder().encode([HEADER, ...cells].map((c) => c.join(",")).join("\n"));
        // The workbook holds amounts and days as numbers where they are numbers, as Excel would.
        const sheetCells = cells.map((c) => c.map((v, i) => (i >= 4 && i <= 6 && /^\d+(\.\d+)?$/.test(v) && !/\.\d{3}/.test(v) ? Number(v) : v)));
        const book = await workbookBytes([{ name: "清单", rows: [HEADER, ...sheetCells] }]);
        const fromCsv = (await validate("list", "text/csv", csv)).report;
        const fromXlsx = (await xlsx(book)).report;
        expect(fromXlsx.totals).to.deep.equal(fromCsv.totals);
        expect(fromXlsx.rows).to.deep.equal(fromCsv.rows);
      }),
      propertyParameters(15),
    );
  });

  it("rejects an ID number or loan ref typed as a number, with the fix in the message", async () => {
    const book = await workbookBytes([
      {
        name: "s",
        rows: [HEADER, ["A-1", NAME, Number(ID.slice(0, 17)) * 10, "", 1, 1, 1, ""], [20240001, NAME, ID, "", 1, 1, 1, ""], ["A-3", NAME, ID, "", 1, 1, 1, ""]],
      },
    ]);
    const { report } = await xlsx(book);
    expect(report.rows.map((r) => [r.line, r.status, r.errors.map((e) => e.code)])).to.deep.equal([
      [2, "rejected", ["ID_NUMBER_NOT_TEXT"]],
      [3, "rejected", ["LOAN_REF_NOT_TEXT"]],
      [4, "accepted", []],
    ]);
    expect(report.rows[0]!.errors[0]!.message).to.include("Text").and.include("apostrophe").and.include("文本");
    expect(JSON.stringify(report)).to.not.include(ID.slice(0, 12));
  });

  it("reads amounts exactly in fen, refuses more than 2 decimals, and keeps dates and serial numbers as Excel stores them", async () => {
    const book = await workbookBytes([
      {
        name: "s",
        rows: [
          HEADER,
          ["A-1", NAME, ID, "", 1234.5, { formula: "E2*2", result: 2469 }, 30, new Date(Date.UTC(2024, 0, 31))],
          ["A-2", NAME, ID, "", 1234.567, 0.1, 1, 45322],
          ["A-3", NAME, ID, "", "1,234.50", 0.07, 1, { richText: [{ text: "备" }, { text: "注" }] }],
        ],
        formats: { 8: "yyyy-mm-dd" },
      },
    ]);
    const { report, rows } = await xlsx(book);
    const first = rows[0]!.accepted!;
    expect([first.principalFen, first.outstandingFen, first.overdueDays]).to.deep.equal([123450n, 246900n, 30]);
    expect(first.extra).to.deep.equal({ 放款日: "2024-01-31" });
    expect(report.rows[1]!.errors.map((e) => [e.field, e.code])).to.deep.equal([["principal", "AMOUNT_TOO_PRECISE"]]);
    // A serial number in a date-formatted column is a date cell; the rich text reads as its text.
    const third = rows[2]!.accepted!;
    expect([third.principalFen, third.outstandingFen]).to.deep.equal([123450n, 7n]);
    expect(third.extra).to.deep.equal({ 放款日: "备注" });
    const plain = await xlsx(await workbookBytes([{ name: "s", rows: [HEADER, ["A-1", NAME, ID, "", 1, 1, 1, 45322]] }]));
    expect(plain.rows[0]!.accepted!.extra).to.deep.equal({ 放款日: "45322" });
    const dated = await xlsx(await workbookBytes([{ name: "s", rows: [HEADER, ["A-1", NAME, ID, "", 1, 1, 1, 45322]], formats: { 8: "yyyy-mm-dd" } }]));
    expect(dated.rows[0]!.accepted!.extra).to.deep.equal({ 放款日: "2024-01-31" });
  });

  it("reads the named sheet through the upload's reader", async () => {
    const book = await workbookBytes([
      { name: "说明", rows: [["说明文字"]] },
      { name: "二月", rows: [HEADER, ["F-1", NAME, ID, "", 1, 1, 1, ""]] },
    ]);
    const { report } = await xlsx(book, "二月");
    expect(report.rows.map((r) => r.loanRef)).to.deep.equal(["F-1"]);
  });
});
