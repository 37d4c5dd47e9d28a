import { expect } from "chai";
import { CaseListFileError } from "../../../../node/domain/errors.js";
import type { CaseListEvent, CaseListRowEvent } from "../../../../node/domain/csv/read-case-list.js";
import { readWorkbookBatches } from "../../../../node/services/workbook/read-workbook.js";
import { syntheticId18 } from "../../domain/identity/synthetic-ids.js";
import { inChunks, workbookBytes } from "../../../support/workbook.js";

const HEADER = ["合同编号", "姓名", "身份证号", "手机号", "本金", "欠款余额", "逾期天数"];
const ID = syntheticId18("19790615", "246", "440106");
const NAME = "测试专用姓名";

async function events(bytes: Uint8Array, options: { sheet?: string; maxBytes?: number } = {}): Promise<CaseListEvent[]> {
  const out: CaseListEvent[] = [];
  for await (const batch of readWorkbookBatches(inChunks(bytes), options)) out.push(...batch);
  return out;
}
const rowsOf = (all: CaseListEvent[]) => all.filter((e): e is CaseListRowEvent => e.type === "row");

async function failure(bytes: Uint8Array, options: { sheet?: string; maxBytes?: number } = {}): Promise<CaseListFileError> {
  try {
    await events(bytes, options);
  } catch (error) {
    expect(error).to.be.instanceOf(CaseListFileError);
    return error as CaseListFileError;
  }
  throw new Error("expected the workbook to be refused");
}

describe("node/services/workbook/read-workbook", function () {
  this.timeout(20_000);

  it("reads the first sheet as the CSV reader's events: header columns by alias, a row per sheet row, its line the row number", async () => {
    const bytes = await workbookBytes([
      { name: "清单", rows: [HEADER, ["A-1", NAME, ID, "13800000000", 1000, "900.5", 30], [], ["A-2", NAME, ID, "", 5, 5, 1]] },
      { name: "其他", rows: [["x"]] },
    ]);
    const all = await events(bytes);
    const header = all[0];
    expect(header).to.deep.include({ type: "header", line: 1, encoding: "utf-8" });
    expect(header?.type === "header" && header.columns.map((c) => c.field)).to.deep.equal(["loan_ref", "name", "id_number", "phone", "principal", "outstanding", "overdue_days"]);
    const rows = rowsOf(all);
    expect(rows.map((r) => r.line)).to.deep.equal([2, 4]);
    expect({ ...rows[0]!.values }).to.deep.equal({ loan_ref: "A-1", name: NAME, id_number: ID, phone: "13800000000", principal: "1000", outstanding: "900.5", overdue_days: "30" });
    // Cells the sheet does not store are empty text, as a CSV row has every column.
    expect(rows[1]!.values.phone).to.equal("");
    expect(all.at(-1)).to.deep.include({ type: "end", rows: 2 });
  });

  it("marks a number in the ID number or loan ref column: the digits Excel kept are not the ones typed", async () => {
    const bytes = await workbookBytes([{ name: "s", rows: [HEADER, [123456, NAME, Number(ID), "", 1, 1, 1], ["A-2", NAME, ID, "", 1, 1, 1]] }]);
    const rows = rowsOf(await events(bytes));
    expect(rows[0]!.notText).to.deep.equal(["loan_ref", "id_number"]);
    expect(rows[1]!.notText).to.equal(undefined);
  });

  it("reads a sheet named by the caller, and refuses a name the workbook does not have", async () => {
    const bytes = await workbookBytes([
      { name: "说明", rows: [["本工作簿的第二个工作表是清单"]] },
      { name: "清单", rows: [HEADER, ["B-1", NAME, ID, "", 1, 1, 1]] },
    ]);
    expect(rowsOf(await events(bytes, { sheet: "清单" })).map((r) => r.values.loan_ref)).to.deep.equal(["B-1"]);
    const missing = await failure(bytes, { sheet: "Sheet9" });
    expect(missing.code).to.equal("SHEET_NOT_FOUND");
  });

  it("skips a hidden first tab when no sheet is named", async () => {
    const bytes = await workbookBytes([
      { name: "lookup", rows: [["x", "y"]], state: "hidden" },
      { name: "清单", rows: [HEADER, ["C-1", NAME, ID, "", 1, 1, 1]] },
    ]);
    expect(rowsOf(await events(bytes)).map((r) => r.values.loan_ref)).to.deep.equal(["C-1"]);
  });

  it("refuses .xls and encrypted workbooks (OLE compound files) with words that say to save as .xlsx or CSV", async () => {
    const ole = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(2048)]);
    const error = await failure(ole);
    expect(error.code).to.equal("WORKBOOK_UNSUPPORTED");
    expect(error.message).to.include(".xlsx").and.include("CSV");
  });

  it("refuses bytes that are not a zip, and a workbook cut short, as WORKBOOK_CORRUPT", async () => {
    expect((await failure(new TextEncoder().encode("合同编号,姓名\n"))).code).to.equal("WORKBOOK_CORRUPT");
    const bytes = await workbookBytes([{ name: "s", rows: [HEADER, ...Array.from({ length: 500 }, (_, i) => [`R-${i}`, NAME, ID, "", 1, 1, 1])] }]);
    for (const cut of [10, 100, Math.floor(bytes.length / 3), Math.floor(bytes.length / 2), bytes.length - 30]) {
      expect((await failure(bytes.subarray(0, cut))).code, `cut at ${cut}`).to.equal("WORKBOOK_CORRUPT");
    }
  });

  it("refuses a workbook larger than the upload limit as FILE_TOO_LARGE", async () => {
    const bytes = await workbookBytes([{ name: "s", rows: [HEADER, ...Array.from({ length: 200 }, (_, i) => [`R-${i}`, NAME, ID, "", 1, 1, 1])] }]);
    const error = await failure(bytes, { maxBytes: bytes.length - 1 });
    expect(error.code).to.equal("FILE_TOO_LARGE");
  });

  it("refuses an empty upload and a workbook without a header as FILE_EMPTY", async () => {
    expect((await failure(new Uint8Array(0))).code).to.equal("FILE_EMPTY");
    expect((await failure(await workbookBytes([{ name: "s", rows: [] }]))).code).to.equal("FILE_EMPTY");
  });
});
