import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import { CaseListFileError } from "../../../../node/domain/errors.js";
import type { Pepper } from "../../../../node/domain/pseudonyms.js";
import { type GatewayDatabase, openDatabase } from "../../../../node/store/database.js";
import { PiiCipher } from "../../../../node/store/pii-cipher.js";
import { ingestCaseList } from "../../../../node/services/case-list-ingest.js";
import { caseListFormat, XLSX_TYPE } from "../../../../node/services/case-list-format.js";
import { inChunks, sharedStringBomb } from "../../../support/workbook.js";
import { syntheticId18 } from "../../domain/identity/synthetic-ids.js";

const enc = new TextEncoder();
const pepper: Pepper = { version: 1, secret: new Uint8Array(32).fill(4) };
const HEADER = "合同编号,姓名,身份证号,手机号,本金,欠款余额,逾期天数";

/** `rows` synthetic rows LN-0…, in chunks of about 64 KiB (as an HTTP body comes). */
function list(rows: number, principal = "100.00"): Uint8Array[] {
  const lines = [HEADER];
  for (let i = 0; i < rows; i++) {
    const id = syntheticId18(`19${String(50 + (i % 40))}0${1 + (i % 9)}1${i % 10}`, String(i % 1000).padStart(3, "0"), "440106");
    lines.push(`LN-${i},测试专用姓名,${id},,${principal},50.00,30`);
  }
  const bytes = enc.encode(`${lines.join("\n")}\n`);
  const chunks: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += 65_536) chunks.push(bytes.subarray(at, at + 65_536));
  return chunks;
}

describe("node/services/ingest-worker: an upload's worker thread that fails", function () {
  this.timeout(120_000);
  let dir: string;
  let store: GatewayDatabase;
  const cipher = new PiiCipher(randomBytes(32));
  const deps = (workerEntry?: URL, workerHeapMb?: number) => ({ store, cipher, pepper, memberId: 2, clock: Date.now, workerEntry, workerHeapMb });
  const count = async (iterable: AsyncIterable<unknown>) => {
    let n = 0;
    for await (const _ of iterable) n++;
    return n;
  };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "caseledger-ingest-worker-"));
    store = await openDatabase(dir);
  });
  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("starts in a gateway run with a heap bound on its command line (a process option a worker must not be given)", () => {
    const script = fileURLToPath(new URL("./ingest-once.ts", import.meta.url));
    const run = spawnSync(process.execPath, ["--max-old-space-size=256", "--import", "tsx", script, join(dir, "once")], { encoding: "utf8" });
    expect(run.stderr).to.equal("");
    expect(run.stdout.trim()).to.equal("ready 1");
  });

  for (const [how, file] of [
    ["crashes (an uncaught exception)", "./throwing-worker.ts"],
    ["exits", "./exiting-worker.ts"],
  ] as const) {
    it(`${how} after its first batch: the upload fails with nothing written but its failed summary, the earlier cases as they were; the next upload works`, async () => {
      const earlier = await ingestCaseList(deps(), { file: "earlier.csv", chunks: list(10), uploadedBy: "s" });
      expect(earlier.totals).to.include({ accepted: 10, updates: 0 });
      const before = [];
      for await (const stored of store.cases.all()) before.push(stored);

      let failure: unknown;
      // 5,000 rows: the first batch (2,000, ten of them updates of the earlier cases) is written before the crash.
      await ingestCaseList(deps(new URL(file, import.meta.url)), { file: "big.csv", chunks: list(5_000, "200.00"), uploadedBy: "s" }).catch(
        (error: unknown) => (failure = error),
      );
      expect(failure).to.be.instanceOf(Error);
      expect((failure as Error).message).to.match(/ingest worker (failed|stopped)/);

      const lists = [];
      for await (const summary of store.caseLists.all()) lists.push(summary);
      const failed = lists.find((s) => s.file === "big.csv")!;
      expect(failed).to.deep.include({ state: "failed", error: { code: "INGEST_FAILED", message: failed.error!.message } });
      expect(await store.reportRows.chunkCount(failed.id)).to.equal(0);
      expect(await count(store.staging.of(failed.id))).to.equal(0);
      const after = [];
      for await (const stored of store.cases.all()) after.push(stored);
      expect(after).to.deep.equal(before);
      expect(await store.loanRefs.caseKeyOf(2, "LN-2000")).to.equal(undefined);

      const next = await ingestCaseList(deps(), { file: "next.csv", chunks: list(3_000), uploadedBy: "s" });
      expect(next).to.deep.include({ state: "ready" });
      expect(next.totals).to.include({ rows: 3_000, accepted: 3_000, updates: 10 });
      expect(await count(store.cases.keys())).to.equal(3_000);
    });
  }

  it("outgrows its heap bound (ingest.workerHeapMb) after its first batch: UPLOAD_OUT_OF_MEMORY with the bound, rolled back; the gateway's own heap is untouched and the next upload works", async () => {
    const heapBefore = process.memoryUsage().heapUsed;
    let failure: unknown;
    await ingestCaseList(deps(new URL("./hogging-worker.ts", import.meta.url), 128), { file: "huge.csv", chunks: list(5_000), uploadedBy: "s" }).catch(
      (error: unknown) => (failure = error),
    );
    expect(failure).to.be.instanceOf(CaseListFileError);
    expect(failure).to.deep.include({ code: "UPLOAD_OUT_OF_MEMORY", details: { limitMb: 128 } });
    expect((failure as Error).message).to.contain("ingest.workerHeapMb");

    const lists = [];
    for await (const summary of store.caseLists.all()) lists.push(summary);
    expect(lists).to.have.length(1);
    expect(lists[0]).to.deep.include({ state: "failed" });
    expect(lists[0]!.error).to.deep.include({ code: "UPLOAD_OUT_OF_MEMORY", details: { limitMb: 128 } });
    expect(await store.reportRows.chunkCount(lists[0]!.id)).to.equal(0);
    expect(await count(store.cases.keys())).to.equal(0);
    // What the worker held was its own: the gateway's heap did not grow by the bound.
    expect(process.memoryUsage().heapUsed - heapBefore).to.be.below(64 * 2 ** 20);

    const next = await ingestCaseList(deps(undefined, 128), { file: "next.csv", chunks: list(3_000), uploadedBy: "s" });
    expect(next).to.deep.include({ state: "ready" });
    expect(next.totals).to.include({ rows: 3_000, accepted: 3_000 });
  });

  it("reads a workbook whose shared strings unpack past the bound (under 1 MB sent, 80 million characters): UPLOAD_OUT_OF_MEMORY, nothing kept", async () => {
    // Excel's zip packs repeated text a thousandfold: an upload far under the size limit can unpack into gigabytes of
    // shared strings, which the reader must hold (Excel's layout).
    const bytes = await sharedStringBomb();
    expect(bytes.length).to.be.below(2 ** 20);
    const format = caseListFormat(XLSX_TYPE, "huge.xlsx", undefined, join(dir, "spool"));
    let failure: unknown;
    await ingestCaseList(deps(undefined, 64), { file: "huge.xlsx", chunks: inChunks(bytes, 65_536), ...format, uploadedBy: "s" }).catch(
      (error: unknown) => (failure = error),
    );
    expect(failure).to.deep.include({ code: "UPLOAD_OUT_OF_MEMORY", details: { limitMb: 64 } });
    for await (const summary of store.caseLists.all()) expect(summary).to.deep.include({ state: "failed" });
    expect(await count(store.cases.keys())).to.equal(0);
  });
});
