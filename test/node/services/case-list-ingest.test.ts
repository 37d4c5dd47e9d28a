import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { CaseListFileError } from "../../../node/domain/errors.js";
import type { Pepper } from "../../../node/domain/pseudonyms.js";
import type { CasePii, CaseListSummary, StoredCase, StoredReportRow } from "../../../node/store/case-records.js";
import { type GatewayDatabase, openDatabase } from "../../../node/store/database.js";
import { PiiCipher } from "../../../node/store/pii-cipher.js";
import { ingestCaseList, recoverCaseLists } from "../../../node/services/case-list-ingest.js";
import { ServiceError } from "../../../node/services/service-error.js";
import { syntheticId18 } from "../domain/identity/synthetic-ids.js";

const enc = new TextEncoder();
const pepper: Pepper = { version: 1, secret: new Uint8Array(32).fill(9) };
const HEADER = "合同编号,姓名,身份证号,手机号,本金,欠款余额,逾期天数";
const ID = syntheticId18("19790615", "246", "440106");
const NAME = "测试专用姓名";

async function collect<T>(iterator: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const value of iterator) out.push(value);
  return out;
}

describe("node/services/case-list-ingest (LevelDB on disk)", function () {
  this.timeout(60_000);
  let dir: string;
  let store: GatewayDatabase;
  const cipher = new PiiCipher(randomBytes(32));
  const deps = () => ({ store, cipher, pepper, memberId: 1, clock: Date.now });
  const rowsOf = async (listId: string) => {
    const rows: StoredReportRow[] = [];
    for await (const row of store.reportRows.rows(listId)) rows.push(row);
    return rows;
  };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "caseledger-ingest-"));
    store = await openDatabase(dir);
  });
  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("refuses an upload at a gateway without the pepper (a court's) with a clear error, writing nothing", async () => {
    let failure: unknown;
    await ingestCaseList({ ...deps(), pepper: undefined }, { file: "a.csv", chunks: [enc.encode(`${HEADER}\nA-1,${NAME},${ID},,1,1,1\n`)], uploadedBy: "s" }).catch(
      (e: unknown) => (failure = e),
    );
    expect(failure).to.be.instanceOf(ServiceError).and.include({ code: "FORBIDDEN", messageId: "api.NO_PEPPER", status: 403 });
    expect((failure as Error).message).to.include("holds no consortium pepper");
    const lists = [];
    for await (const list of store.caseLists.all()) lists.push(list);
    expect(lists).to.deep.equal([]);
  });

  it("stores accepted cases sealed, the report rows, and a ready summary; PII never in the files in clear", async () => {
    const csv = `${HEADER}\nA-1,${NAME},${ID},13912345678,"1,000.00",800,40\nA-2,测试乙,bad-id,,1,1,1\n`;
    const summary = await ingestCaseList(deps(), { file: "a.csv", chunks: [enc.encode(csv)], uploadedBy: "staff-1" });
    expect(summary.state).to.equal("ready");
    expect(summary.totals).to.deep.equal({ rows: 2, accepted: 1, duplicate: 0, rejected: 1, debtors: 1, updates: 0 });

    const rows = await rowsOf(summary.id);
    expect(rows.map((r) => [r.line, r.status])).to.deep.equal([
      [2, "accepted"],
      [3, "rejected"],
    ]);
    const caseKey = rows[0]!.caseKey!;
    const stored = (await store.cases.get(caseKey))!;
    expect(stored).to.include({ loanRef: "A-1", principalFen: "100000", outstandingFen: "80000", overdueDays: 40, creditorId: 1 });
    expect(cipher.openJson<CasePii>(stored.pii, caseKey)).to.deep.equal({ name: NAME, idNumber: ID, phone: "13912345678", extra: {} });
    expect(await store.loanRefs.caseKeyOf(1, "A-1")).to.equal(caseKey);
    expect(await collect(store.staging.all())).to.deep.equal([]);

    await store.close();
    const files = await readdir(join(dir, "store"));
    for (const file of files) {
      const bytes = await readFile(join(dir, "store", file));
      expect(bytes.includes(Buffer.from(ID)), file).to.equal(false);
      expect(bytes.includes(Buffer.from(NAME)), file).to.equal(false);
      expect(bytes.includes(Buffer.from("13912345678")), file).to.equal(false);
    }
    store = await openDatabase(dir);
  });

  it("treats a loan_ref the lender already has as an update of that case", async () => {
    await ingestCaseList(deps(), { file: "a.csv", chunks: [enc.encode(`${HEADER}\nA-1,${NAME},${ID},,100,100,1\n`)], uploadedBy: "s" });
    const second = await ingestCaseList(deps(), {
      file: "b.csv",
      chunks: [enc.encode(`${HEADER}\nA-1,${NAME},${ID},,100,50,31\nA-9,${NAME},${ID},,5,5,5\n`)],
      uploadedBy: "s",
    });
    expect(second.totals).to.include({ accepted: 2, updates: 1 });
    const rows = await rowsOf(second.id);
    expect(rows.map((r) => r.update ?? false)).to.deep.equal([true, false]);
    const caseKey = (await store.loanRefs.caseKeyOf(1, "A-1")) as string;
    const stored = (await store.cases.get(caseKey))!;
    expect(stored).to.include({ outstandingFen: "5000", overdueDays: 31, listId: second.id });
  });

  it("leaves nothing but a failed summary when the file turns out bad half-way", async () => {
    const good = Array.from({ length: 3_000 }, (_, i) => `R-${i},${NAME},${ID},,1,1,1`).join("\n");
    const chunks = [enc.encode(`${HEADER}\n${good}\n`), Uint8Array.from([0x52, 0x2d, 0xff, 0xfe, 0x2c, 0x0a])];
    let failure: unknown;
    await ingestCaseList(deps(), { file: "broken.csv", chunks, uploadedBy: "s" }).catch((e: unknown) => (failure = e));
    expect(failure).to.be.instanceOf(CaseListFileError);
    const lists = await collect<CaseListSummary>(store.caseLists.all());
    expect(lists).to.have.length(1);
    expect(lists[0]!).to.deep.include({ state: "failed" });
    expect(lists[0]!.error!.code).to.equal("FILE_ENCODING");
    expect(await collect(store.cases.all()), "cases").to.deep.equal([]);
    expect(await collect(store.staging.all()), "staging").to.deep.equal([]);
    expect(await store.reportRows.chunkCount(lists[0]!.id), "listRows").to.equal(0);
    expect(await collect(store.loanRefs.entries()), "loanRefs").to.deep.equal([]);
  });

  it("recovers after a crash: an interrupted read is rolled back, an interrupted commit finished", async () => {
    const done = await ingestCaseList(deps(), { file: "a.csv", chunks: [enc.encode(`${HEADER}\nA-1,${NAME},${ID},,1,1,1\n`)], uploadedBy: "s" });
    const known = (await store.cases.get((await store.loanRefs.caseKeyOf(1, "A-1"))!))!;
    // As if the process had died mid-read: a list with one new case written and its report chunk.
    const fresh: StoredCase = { ...known, caseKey: "0x02bb", loanRef: "C-1", debtorKey: "0x03cc", listId: "Lreading" };
    await store.caseLists.put({ ...done, id: "Lreading", state: "ingesting" });
    await store.cases.put(fresh);
    await store.loanRefs.put(1, "C-1", fresh.caseKey);
    await store.reportRows.put("Lreading", 0, [
      { line: 2, loanRef: "C-1", status: "accepted", caseKey: fresh.caseKey, debtorKey: fresh.debtorKey, warnings: [], errors: [] },
    ]);
    // …and mid-commit: a staged update not yet applied.
    await store.caseLists.put({ ...done, id: "Lcommitting", state: "committing" });
    await store.staging.put("Lcommitting", { ...known, outstandingFen: "7", listId: "Lcommitting" });
    const result = await recoverCaseLists(store, Date.now);
    expect(result).to.deep.equal({ discarded: ["Lreading"], finished: ["Lcommitting"] });
    expect((await store.caseLists.get("Lreading"))!.error!.code).to.equal("INTERRUPTED");
    expect((await store.caseLists.get("Lcommitting"))!.state).to.equal("ready");
    expect(await store.cases.get(fresh.caseKey)).to.equal(undefined);
    expect(await store.loanRefs.caseKeyOf(1, "C-1")).to.equal(undefined);
    expect((await store.cases.get(known.caseKey))!.outstandingFen).to.equal("7");
    expect(await collect(store.staging.all())).to.deep.equal([]);
    expect(await store.reportRows.chunkCount("Lreading")).to.equal(0);
  });
});
