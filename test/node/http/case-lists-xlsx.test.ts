import { mkdir, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { expect } from "chai";
import { startGateway, type Gateway } from "../../../node/gateway.js";
import { workbookSpoolDir } from "../../../node/services/workbook/spool.js";
import { ROLE, startConsortium, type TestConsortium } from "../../support/consortium.js";
import { sharedStringBomb, workbookBytes } from "../../support/workbook.js";
import { syntheticId18 } from "../domain/identity/synthetic-ids.js";

const ID = syntheticId18("19860204", "778", "440106");
const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const HEADER = ["合同编号", "姓名", "身份证号", "手机号", "本金", "欠款余额", "逾期天数"];

/** .xlsx case lists over real HTTP, on a gateway with real LevelDB, against a real anvil. */
describe("node/http: /v1/case-lists with .xlsx workbooks", function () {
  this.timeout(120_000);
  let consortium: TestConsortium;
  let gateway: Gateway;
  let token: string;

  let spoolDir: string;

  before(async () => {
    consortium = await startConsortium([{ name: "lender", roles: ROLE.LENDER }]);
    const config = consortium.member("lender").config;
    // A spool left by a crash mid-upload (ciphertext whose key died with the process): removed at start.
    spoolDir = workbookSpoolDir(config.dataDir);
    await mkdir(spoolDir, { recursive: true });
    await writeFile(join(spoolDir, "left-by-a-crash.spool"), Buffer.alloc(64, 1));
    // A smaller bound than the default on the upload's reader, so that a workbook past it is quick to make.
    gateway = await startGateway({ ...config, ingest: { ...config.ingest, workerHeapMb: 96 } }, { log: () => {} });
    token = (await gateway.tokens.create("lender", "clerk")).token;
  });
  after(async () => {
    await gateway?.close();
    await consortium?.stop();
  });

  // Response bodies are checked field by field below; `any` keeps the assertions readable.
  const upload = async (body: Uint8Array, query: string, type = XLSX): Promise<{ status: number; body: any }> => {
    const res = await fetch(`${gateway.url}/v1/case-lists?${query}`, { method: "POST", body, headers: { authorization: `Bearer ${token}`, "content-type": type } });
    return { status: res.status, body: await res.json() };
  };
  const get = async (path: string): Promise<any> => (await fetch(`${gateway.url}${path}`, { headers: { authorization: `Bearer ${token}` } })).json();

  it("removes at start the workbook spools a crash left behind", async () => {
    expect(await readdir(spoolDir)).to.deep.equal([]);
  });

  it("uploads a workbook's named sheet (201) with the report a CSV gets, lines the sheet's row numbers", async () => {
    const book = await workbookBytes([
      { name: "说明", rows: [["填写说明"]] },
      { name: "清单", rows: [HEADER, ["X-1", "测试甲", ID, "13800138000", 100.5, 100, 1], [], ["X-2", "测试乙", Number(ID.slice(0, 17)), "", 1, 1, 1]] },
    ]);
    const res = await upload(book, "name=list.xlsx&sheet=%E6%B8%85%E5%8D%95");
    expect(res.status).to.equal(201);
    expect(res.body).to.deep.include({ file: "list.xlsx", state: "ready" });
    expect(res.body.totals).to.deep.equal({ rows: 2, accepted: 1, duplicate: 0, rejected: 1, debtors: 1, updates: 0 });
    const report = await get(`/v1/case-lists/${res.body.id}/report`);
    expect(report.rows.map((r: { line: number; status: string }) => [r.line, r.status])).to.deep.equal([
      [2, "accepted"],
      [4, "rejected"],
    ]);
    expect(report.rows[1].errors[0]).to.include({ field: "id_number", code: "ID_NUMBER_NOT_TEXT" });
    expect(JSON.stringify(report)).to.not.include(ID);
  });

  it("takes an octet-stream upload named .xlsx as a workbook", async () => {
    const book = await workbookBytes([{ name: "Sheet1", rows: [HEADER, ["Y-1", "测试甲", ID, "", 1, 1, 1]] }]);
    const res = await upload(book, "name=book.xlsx", "application/octet-stream");
    expect(res.status).to.equal(201);
    expect(res.body.totals.accepted).to.equal(1);
  });

  it("refuses a workbook whose shared strings unpack past the reader's memory bound (413 UPLOAD_OUT_OF_MEMORY, the bound named), and still answers", async () => {
    const bomb = await sharedStringBomb();
    const res = await upload(bomb, "name=bomb.xlsx");
    expect(res.status).to.equal(413);
    expect(res.body.error).to.deep.include({ code: "UPLOAD_OUT_OF_MEMORY", details: { limitMb: 96 } });
    expect(res.body.error.message).to.include("CSV");
    const lists = (await get("/v1/case-lists")).lists.filter((l: { file: string }) => l.file === "bomb.xlsx");
    expect(lists.map((l: { state: string }) => l.state)).to.deep.equal(["failed"]);
    expect(await readdir(spoolDir)).to.deep.equal([]);
    const after = await upload(await workbookBytes([{ name: "s", rows: [HEADER, ["B-1", "测试甲", ID, "", 1, 1, 1]] }]), "name=after.xlsx");
    expect(after.status).to.equal(201);
  });

  it("refuses .xls bytes, a missing sheet and a cut-short workbook (400), leaving only a failed summary", async () => {
    const xls = await upload(Buffer.concat([Buffer.from("d0cf11e0a1b11ae1", "hex"), Buffer.alloc(1024)]), "name=old.xls", "application/vnd.ms-excel");
    expect(xls.status).to.equal(400);
    expect(xls.body.error.code).to.equal("WORKBOOK_UNSUPPORTED");
    expect(xls.body.error.message).to.include(".xlsx");
    const book = await workbookBytes([{ name: "s", rows: [HEADER, ...Array.from({ length: 3000 }, (_, i) => [`Z-${i}`, "测试甲", ID, "", 1, 1, 1])] }]);
    expect((await upload(book, "name=a.xlsx&sheet=nope")).body.error.code).to.equal("SHEET_NOT_FOUND");
    const cut = await upload(book.subarray(0, Math.floor(book.length * 0.8)), "name=cut.xlsx");
    expect(cut.status).to.equal(400);
    expect(cut.body.error.code).to.equal("WORKBOOK_CORRUPT");
    const lists = (await get("/v1/case-lists")).lists.filter((l: { file: string }) => l.file === "cut.xlsx");
    expect(lists.map((l: { state: string }) => l.state)).to.deep.equal(["failed"]);
    // Rows read before the cut were stored in batches of 2,000: rolled back, the report is empty.
    expect((await get(`/v1/case-lists/${lists[0].id}/report`)).rows).to.deep.equal([]);
    // Every upload's spool is gone with its read, accepted or refused.
    expect(await readdir(spoolDir)).to.deep.equal([]);
  });
});
