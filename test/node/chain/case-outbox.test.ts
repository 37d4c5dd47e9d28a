import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { Level } from "level";
import { CaseOutbox } from "../../../node/chain/case-outbox.js";
import { testKey } from "./consortium-fixture.js";

/** The outbox on a real LevelDB, without a chain: durability, ordering, counters. */
describe("node/chain/case-outbox", () => {
  let dir: string;
  let db: Level<string, string>;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "caseledger-outbox-"));
    db = new Level<string, string>(join(dir, "store"));
    await db.open();
  });
  afterEach(async () => {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });
  const keys = (label: string, n: number) => Array.from({ length: n }, (_, i) => testKey(label, i));

  it("keeps an acknowledged job across a reopen, and hands out jobs in order and items in index order", async () => {
    const outbox = new CaseOutbox(db.sublevel("outbox"));
    const first = await outbox.enqueue({ kind: "accept", caseKeys: keys("a", 5) });
    const second = await outbox.enqueue({ kind: "recall", caseKeys: keys("b", 2) });
    expect([first.id, second.id]).to.deep.equal(["job-000000000001", "job-000000000002"]);
    await db.close();
    db = new Level<string, string>(join(dir, "store"));
    await db.open();
    const reopened = new CaseOutbox(db.sublevel("outbox"));
    expect(await reopened.firstOpenJob()).to.equal(first.id);
    expect(await reopened.stats()).to.deep.equal({ pendingJobs: 2, pendingItems: 7 });
    const batch = await reopened.nextPending(first.id, 3);
    expect(batch.map((item) => [item.index, item.caseKey])).to.deep.equal(keys("a", 3).map((k, i) => [i, k]));
  });

  it("counts each item once, closes the job when nothing is pending, and moves on to the next job", async () => {
    const outbox = new CaseOutbox(db.sublevel("outbox"));
    const job = await outbox.enqueue({ kind: "settle", settlements: keys("c", 3).map((caseKey) => ({ caseKey, settledFen: "100" })) });
    const next = await outbox.enqueue({ kind: "close", caseKeys: keys("d", 1) });
    const tx = { txHash: testKey("tx", 1), block: 7 };
    await outbox.setInflight(job.id, { txHash: tx.txHash, nonce: 3, indexes: [0, 1], sentAt: new Date().toISOString() });
    let after = await outbox.resolve(job.id, [0, 1].map((index) => ({ index, status: { state: "done", ...tx } as const })), { tx, clearInflight: true });
    expect(after).to.include({ status: "pending", done: 2, failed: 0 });
    expect(await outbox.inflight(job.id)).to.equal(undefined);
    // Resolving an item again changes nothing.
    after = await outbox.resolve(job.id, [{ index: 1, status: { state: "failed", code: "X", reason: "x" } }]);
    expect(after).to.include({ done: 2, failed: 0 });
    expect((await outbox.nextPending(job.id, 10)).map((item) => item.index)).to.deep.equal([2]);
    after = await outbox.resolve(job.id, [{ index: 2, status: { state: "failed", code: "CaseRegistryInvalidTransition", reason: "…" } }]);
    expect(after).to.include({ status: "done", done: 2, failed: 1 });
    expect(after.txs).to.deep.equal([tx]);
    expect(await outbox.firstOpenJob()).to.equal(next.id);
    expect(await outbox.stats()).to.deep.equal({ pendingJobs: 1, pendingItems: 1 });
    expect((await outbox.recentJobs()).map((j) => j.id)).to.deep.equal([next.id, job.id]);
    expect((await outbox.items(job.id)).map((item) => item.status.state)).to.deep.equal(["done", "done", "failed"]);
  });
});
