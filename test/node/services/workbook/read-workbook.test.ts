import { mkdir, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { CaseListFileError } from "../../../../node/domain/errors.js";
import type { CaseListEvent, CaseListRowEvent } from "../../../../node/domain/csv/read-case-list.js";
import { readWorkbookBatches } from "../../../../node/services/workbook/read-workbook.js";
import { syntheticId18 } from "../../domain/identity/synthetic-ids.js";
import { inChunks, reorderZip, workbookBytes } from "../../../support/workbook.js";

const HEADER = ["合同编号", "姓名", "身份证号", "手机号", "本金", "欠款余额", "逾期天数"];
const ID = syntheticId18("19790615", "246", "440106");
const NAME = "测试专用姓名";
const PHONE = "13800000000";
let spoolDir = "";

async function events(bytes: Uint8Array, options: { sheet?: string; maxBytes?: number; spoolDir?: string } = {}): Promise<CaseListEvent[]> {
  const out: CaseListEvent[] = [];
  for await (const batch of readWorkbookBatches(inChunks(bytes), { spoolDir, ...options })) out.push(...batch);
  return out;
}
const rowsOf = (all: CaseListEvent[]) => all.filter((e): e is CaseListRowEvent => e.type === "row");

async function failure(bytes: Uint8Array, options: { sheet?: string; maxBytes?: number; spoolDir?: string } = {}): Promise<CaseListFileError> {
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
  let root = "";
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "caseledger-read-workbook-"));
    spoolDir = join(root, "spool");
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("reads the first sheet as the CSV reader's events: header columns by alias, a row per sheet row, its line the row number", async () => {
    const bytes = await workbookBytes([
      { name: "清单", rows: [HEADER, ["A-1", NAME, ID, PHONE, 1000, "900.5", 30], [], ["A-2", NAME, ID, "", 5, 5, 1]] },
      { name: "其他", rows: [["x"]] },
    ]);
    const all = await events(bytes);
    const header = all[0];
    expect(header).to.deep.include({ type: "header", line: 1, encoding: "utf-8" });
    expect(header?.type === "header" && header.columns.map((c) => c.field)).to.deep.equal(["loan_ref", "name", "id_number", "phone", "principal", "outstanding", "overdue_days"]);
    const rows = rowsOf(all);
    expect(rows.map((r) => r.line)).to.deep.equal([2, 4]);
    expect({ ...rows[0]!.values }).to.deep.equal({ loan_ref: "A-1", name: NAME, id_number: ID, phone: PHONE, principal: "1000", outstanding: "900.5", overdue_days: "30" });
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

/** Every file under `dir`, with its bytes. */
async function filesUnder(dir: string): Promise<Array<{ path: string; bytes: Buffer }>> {
  const out: Array<{ path: string; bytes: Buffer }> = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => [])) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    out.push({ path, bytes: await readFile(path).catch(() => Buffer.alloc(0)) });
  }
  return out;
}

/** The files under `dirs` that hold one of `values`, as UTF-8 or UTF-16: their paths (never the values). */
async function filesHolding(dirs: string[], values: string[]): Promise<string[]> {
  const needles = values.flatMap((v) => [Buffer.from(v, "utf8"), Buffer.from(v, "utf16le")]);
  const found: string[] = [];
  for (const dir of dirs) for (const file of await filesUnder(dir)) if (needles.some((n) => file.bytes.includes(n))) found.push(file.path);
  return found;
}

describe("node/services/workbook/read-workbook: nothing in clear on disk", function () {
  this.timeout(60_000);
  let root = "";
  let osTmp = "";
  let spool = "";
  let savedTmpdir: string | undefined;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "caseledger-workbook-disk-"));
    osTmp = join(root, "os-tmp");
    spool = join(root, "spool");
    await mkdir(osTmp);
    savedTmpdir = process.env.TMPDIR;
    // os.tmpdir(), which exceljs's temporary files go to, reads TMPDIR on every call.
    process.env.TMPDIR = osTmp;
    expect(tmpdir()).to.equal(osTmp);
  });
  afterEach(async () => {
    if (savedTmpdir === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = savedTmpdir;
    await rm(root, { recursive: true, force: true });
  });

  const HEADER_ROW = ["合同编号", "姓名", "身份证号", "手机号", "本金", "欠款余额", "逾期天数"];
  /**
   * Sheets before the shared strings and workbook.xml, as Excel stores them: exceljs parked such a sheet in clear. The
   * personal data is in the sheet's own XML, not only in the shared strings: the name and ID number as the cached
   * text of formulas, the phone typed as a number.
   */
  const excelOrdered = async (rows: number) =>
    reorderZip(
      await workbookBytes([
        { name: "lookup", rows: [["x", "y"]], state: "hidden" },
        {
          name: "清单",
          rows: [HEADER_ROW, ...Array.from({ length: rows }, (_, i) => [`D-${i}`, { formula: `"${NAME}"`, result: NAME }, { formula: `"${ID}"`, result: ID }, Number(PHONE), 1, 1, 1])],
        },
      ]),
      ["xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml"],
    );

  it("reads a workbook that stores its sheets before the shared strings and workbook.xml, writing no name, ID number or phone anywhere, during the read or after", async () => {
    const bytes = await excelOrdered(2_500);
    const rows: CaseListRowEvent[] = [];
    let spooledDuring = 0;
    for await (const batch of readWorkbookBatches(inChunks(bytes), { spoolDir: spool })) {
      rows.push(...batch.filter((e): e is CaseListRowEvent => e.type === "row"));
      expect(await filesHolding([root], [NAME, ID, PHONE]), "files holding personal data during the read").to.deep.equal([]);
      spooledDuring = Math.max(spooledDuring, (await filesUnder(spool)).length);
    }
    expect(rows).to.have.length(2_500);
    expect({ ...rows[0]!.values }).to.deep.include({ loan_ref: "D-0", name: NAME, id_number: ID, phone: PHONE });
    // The upload was spooled (as ciphertext: the scan above read it), and is gone; the OS temp directory is untouched.
    expect(spooledDuring).to.equal(1);
    expect(await filesUnder(spool)).to.deep.equal([]);
    expect(await filesUnder(osTmp)).to.deep.equal([]);
  });

  it("takes the first visible tab from workbook.xml whatever the zip's order, every time", async () => {
    const bytes = await excelOrdered(3);
    for (let run = 0; run < 10; run++) {
      const rows = rowsOf(await events(bytes, { spoolDir: spool }));
      expect(rows.map((r) => r.values.loan_ref), `run ${run}`).to.deep.equal(["D-0", "D-1", "D-2"]);
    }
  });

  it("leaves no spool behind when the upload is cut short, too large, or the read is abandoned", async () => {
    const bytes = await excelOrdered(1_500);
    const cut = await failure(bytes.subarray(0, Math.floor(bytes.length * 0.8)), { spoolDir: spool });
    expect(cut.code).to.equal("WORKBOOK_CORRUPT");
    expect(await filesUnder(spool)).to.deep.equal([]);
    expect((await failure(bytes, { spoolDir: spool, maxBytes: bytes.length - 1 })).code).to.equal("FILE_TOO_LARGE");
    expect(await filesUnder(spool)).to.deep.equal([]);
    // The caller stops after the first batch (its own failure): the spool goes with the read.
    for await (const batch of readWorkbookBatches(inChunks(bytes), { spoolDir: spool })) {
      expect(batch.length).to.be.greaterThan(0);
      expect(await filesUnder(spool)).to.have.length(1);
      break;
    }
    expect(await filesUnder(spool)).to.deep.equal([]);
    expect(await filesUnder(osTmp)).to.deep.equal([]);
  });

  it("reads a workbook whose entries carry data descriptors (sizes after the data) in the same order", async () => {
    const plain = await workbookBytes([{ name: "清单", rows: [HEADER_ROW, ["E-1", NAME, ID, PHONE, 1, 1, 1]] }]);
    const bytes = reorderZip(plain, ["xl/worksheets/sheet1.xml"], { dataDescriptors: true });
    const rows = rowsOf(await events(bytes, { spoolDir: spool }));
    expect({ ...rows[0]!.values }).to.deep.include({ loan_ref: "E-1", name: NAME, id_number: ID, phone: PHONE });
    expect(await filesHolding([root], [NAME, ID, PHONE])).to.deep.equal([]);
  });

  it("refuses a zip whose central directory points past its end as WORKBOOK_CORRUPT", async () => {
    const bytes = Buffer.from(await excelOrdered(3));
    // The end record's central-directory offset, made to point past the file.
    bytes.writeUInt32LE(bytes.length, bytes.length - 22 + 16);
    expect((await failure(bytes, { spoolDir: spool })).code).to.equal("WORKBOOK_CORRUPT");
  });
});
