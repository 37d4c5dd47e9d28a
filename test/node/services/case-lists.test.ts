import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import type { Pepper } from "../../../node/domain/pseudonyms.js";
import { CaseListService } from "../../../node/services/case-lists.js";
import { IngestQueue } from "../../../node/services/ingest-queue.js";
import { type GatewayDatabase, openDatabase } from "../../../node/store/database.js";
import { PiiCipher } from "../../../node/store/pii-cipher.js";
import { syntheticId18 } from "../domain/identity/synthetic-ids.js";
import { rejected } from "./refusal.js";

const pepper: Pepper = { version: 1, secret: new Uint8Array(32).fill(5) };
const ID = syntheticId18("19850505", "111", "110101");

describe("node/services/case-lists (LevelDB on disk)", function () {
  this.timeout(30_000);
  let dir: string;
  let store: GatewayDatabase;
  let service: CaseListService;
  const csv = `合同编号,姓名,身份证号,手机号,本金,欠款余额,逾期天数\nA-1,测试甲,${ID},13912345678,100,80,40\nA-2,测试乙,bad-id,,1,1,1\n`;
  const upload = (fields: Partial<Parameters<CaseListService["upload"]>[0]> = {}) =>
    service.upload({ contentType: "text/csv", file: "a.csv", chunks: [new TextEncoder().encode(csv)], uploadedBy: "staff", owner: "token-1", ref: "upload-ref-1", ...fields });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "caseledger-case-lists-"));
    store = await openDatabase(dir);
    service = new CaseListService({ ingest: { store, cipher: new PiiCipher(randomBytes(32)), pepper, memberId: 1, clock: () => Date.UTC(2026, 0, 1) }, store, uploadLimitBytes: 1_000, spoolDir: join(dir, "spool"), queue: new IngestQueue({ maxConcurrent: 1, maxQueued: 1 }) });
  });
  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("refuses an upload that is not CSV or declared larger than allowed, before reading it", async () => {
    const notCsv = await rejected(upload({ contentType: "application/json" }));
    expect(notCsv.code).to.equal("UNSUPPORTED_MEDIA_TYPE");
    expect(notCsv.details).to.deep.equal({ contentType: "application/json" });
    const tooLarge = await rejected(upload({ contentLength: 1_001 }));
    expect(tooLarge.code).to.equal("PAYLOAD_TOO_LARGE");
    expect(tooLarge.details).to.deep.equal({ maxBytes: 1_000 });
    expect((await service.recent()).lists).to.deep.equal([]);
  });

  it("holds uploads beyond the running one unread, refuses beyond the queue, and drops a cancelled waiter without a trace", async () => {
    // The first upload's body arrives only when the test says so: it runs, and holds the only slot.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    async function* slowBody() {
      yield new TextEncoder().encode(csv.slice(0, 20));
      await held;
      yield new TextEncoder().encode(csv.slice(20));
    }
    let secondRead = false;
    async function* watchedBody() {
      secondRead = true;
      yield new TextEncoder().encode(csv);
    }
    const first = upload({ chunks: slowBody(), ref: "first-upload" });
    const gone = new AbortController();
    const second = upload({ chunks: watchedBody(), ref: "second-upload", signal: gone.signal });
    await new Promise((resolve) => setImmediate(resolve));
    expect(service.queue("token-1").uploads.map((u) => [u.ref, u.state, u.position])).to.deep.equal([
      ["first-upload", "running", 0],
      ["second-upload", "queued", 1],
    ]);
    expect(service.queue("someone else").uploads).to.deep.equal([]);
    const full = await rejected(upload({ ref: "third-upload" }));
    expect(full.code).to.equal("RATE_LIMITED");
    expect(full.details).to.deep.equal({ retryAfterSeconds: 5 });
    gone.abort();
    expect((await rejected(second)).code).to.equal("BAD_REQUEST");
    expect(secondRead).to.equal(false);
    release();
    const done = await first;
    expect(done.state).to.equal("ready");
    expect((await service.recent()).lists.map((l) => l.id)).to.deep.equal([done.id]);
    expect(service.queue("token-1")).to.include({ running: 0, queued: 0 });
  });

  it("pages the report by status, and writes the rejected rows as CSV with one line per issue", async () => {
    const summary = await upload();
    expect((await service.recent()).lists.map((l) => l.id)).to.deep.equal([summary.id]);
    expect(await service.get(summary.id)).to.deep.equal(summary);
    const report = await service.report(summary.id, { status: "rejected" });
    expect(report.rows.map((r) => r.line)).to.deep.equal([3]);
    expect(report.next).to.equal(null);
    const first = await service.report(summary.id, { limit: 1 });
    expect(first.next).to.equal(2);
    expect((await rejected(service.report(summary.id, { status: "odd" }))).code).to.equal("VALIDATION_FAILED");
    expect((await rejected(service.report("nope", {}))).code).to.equal("NOT_FOUND");

    const csvOut = await service.rejectedCsv(summary.id);
    expect(csvOut.fileName).to.equal("a.rejected.csv");
    const lines: string[] = [];
    for await (const line of csvOut.lines) lines.push(line);
    expect(lines[0]!.startsWith("\ufeffline,loan_ref,status")).to.equal(true);
    expect(lines.slice(1).every((l) => l.startsWith("3,A-2,rejected,"))).to.equal(true);
    expect(lines.join("")).to.not.include(ID);
    expect((await rejected(service.rejectedCsv("nope"))).code).to.equal("NOT_FOUND");
  });
});
