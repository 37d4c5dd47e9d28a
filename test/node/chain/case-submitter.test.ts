import { copyFile } from "node:fs/promises";
import { join } from "node:path";
import { expect } from "chai";
import type { Level } from "level";
import { CaseIndexer } from "../../../node/chain/case-indexer.js";
import { type ItemRecord, type JobRecord } from "../../../node/chain/case-outbox.js";
import { CaseSubmitter, type CaseSubmitterOptions, type JobProgress } from "../../../node/chain/case-submitter.js";
import { ChainError } from "../../../node/chain/errors.js";
import { SendLock } from "../../../node/chain/send-lock.js";
import { type Consortium, DAY, type MemberName, startConsortium, testKey } from "./consortium-fixture.js";

/** The batching submitter against a real anvil, with its outbox in a real LevelDB. */
describe("node/chain/case-submitter (anvil)", function () {
  this.timeout(60_000);
  let c: Consortium;
  let db: Level<string, string>;
  const running: CaseSubmitter[] = [];

  beforeEach(async () => {
    c = await startConsortium();
    db = await c.level();
  });
  afterEach(async () => {
    for (const submitter of running.splice(0)) await submitter.stop();
    await c.close();
  });

  const submitter = (member: MemberName, extra: Partial<CaseSubmitterOptions> = {}, store = db) => {
    const s = new CaseSubmitter({
      contracts: c.contracts,
      signer: c.wallet(member),
      memberId: c.ids[member],
      db: store.sublevel(`outbox-${member}`),
      sendLock: new SendLock(),
      retry: { initialMs: 50, maxMs: 400 },
      probeIntervalMs: 200,
      ...extra,
    });
    running.push(s);
    return s;
  };
  const indexer = (store = db) =>
    new CaseIndexer({
      rpc: c.provider,
      caseRegistry: c.contracts.caseRegistry,
      deployBlock: c.deployment.deployBlock,
      db: store.sublevel("indexer"),
    });
  const cases = (label: string, count: number, debtors = count) =>
    Array.from({ length: count }, (_, i) => ({ caseKey: testKey(`${label}/case`, i), debtorKey: testKey(`${label}/debtor`, i % debtors) }));
  const allItems = async (s: CaseSubmitter, job: JobRecord) => s.items(job.id, { limit: job.total });
  /** CasesAssigned events on chain since the deployment, and the keys they carry. */
  const assignedOnChain = async () => {
    const registry = c.contracts.caseRegistry;
    const logs = await registry.queryFilter(registry.filters.CasesAssigned(), c.deployment.deployBlock, "latest");
    return logs.flatMap((log) => ("args" in log ? log.args.caseKeys : []));
  };
  const until = async (days = 30) => (await c.now()) + days * DAY;
  const codeOf = (error: unknown) => (error instanceof ChainError ? error.code : String(error));

  it("registers and assigns 450 cases in 3 transactions; the indexer shows agency, creditor and the debtor index", async () => {
    const lender = submitter("lender");
    const progress: JobProgress[] = [];
    lender.on("progress", (p) => progress.push(p));
    lender.start();
    const items = cases("bulk", 450, 300); // 150 debtors with two cases
    const end = await until();
    const queued = await lender.enqueue({ kind: "registerAndAssign", agencyId: c.ids.agency, until: end, items });
    expect(queued.status).to.equal("pending");

    const job = await lender.waitForJob(queued.id, { timeoutMs: 30_000 });
    expect(job).to.include({ status: "done", total: 450, done: 450, failed: 0 });
    expect(job.txs).to.have.length(3);
    expect(new Set(job.txs.map((tx) => tx.block)).size).to.equal(3);
    expect(progress.map((p) => p.done)).to.deep.equal([200, 400, 450]);
    const records = await allItems(lender, job);
    expect(records.every((r) => r.status.state === "done" && r.status.txHash && r.status.block)).to.equal(true);
    expect(records[0]!.status).to.deep.include({ txHash: job.txs[0]!.txHash, block: job.txs[0]!.block });
    expect(records[449]!.status).to.deep.include({ txHash: job.txs[2]!.txHash });

    const index = indexer();
    const synced = await index.sync();
    expect(synced.events).to.equal(450 + 3); // 450 CaseRegistered, 3 CasesAssigned
    const first = await index.caseOf(items[0]!.caseKey);
    expect(first).to.deep.include({
      debtorKey: items[0]!.debtorKey,
      creditorId: c.ids.lender,
      agencyId: c.ids.agency,
      status: "Assigned",
      until: end,
      registered: { txHash: job.txs[0]!.txHash, block: job.txs[0]!.block },
      assignment: { txHash: job.txs[0]!.txHash, block: job.txs[0]!.block },
    });
    expect(first!.assignedAt).to.be.greaterThan(0);
    const now = await c.now();
    expect(await index.activeCount(c.ids.agency, now)).to.equal(450);
    const holdings = await index.activeHoldings(items[7]!.debtorKey, now);
    expect(holdings.map((h) => h.caseKey).sort()).to.deep.equal([items[7]!.caseKey, items[307]!.caseKey].sort());
    expect(holdings.every((h) => h.creditorId === c.ids.lender && h.agencyId === c.ids.agency)).to.equal(true);

    const seen: string[] = [];
    let after: string | undefined;
    for (let page = 0; page < 10; page++) {
      const result = await index.casesOfAgency(c.ids.agency, { limit: 200, ...(after && { after }) });
      seen.push(...result.cases.map((r) => r.caseKey));
      after = result.next;
      if (!after) break;
    }
    expect(new Set(seen)).to.deep.equal(new Set(items.map((i) => i.caseKey)));
    expect((await index.casesOfCreditor(c.ids.lender, { limit: 1000 })).cases).to.have.length(450);
    expect(await lender.health()).to.deep.include({ chainReachable: true, pendingJobs: 0, pendingItems: 0 });
  });

  it("fails only the items another lender registered, maps the batch index back to the case, and sends the rest", async () => {
    const items = cases("conflict", 35);
    // Batch 2 of 10, positions 7 and 9: lender2's own cases (its id in bytes 1–4), copied into the lender's job.
    for (const i of [17, 19]) items[i] = { caseKey: testKey("conflict/theirs", i, c.ids.lender2), debtorKey: items[i]!.debtorKey };
    const taken = [items[17]!, items[19]!];
    const lender2 = await c.as("lender2");
    await (await lender2.caseRegistry.register(taken.map((t) => t.caseKey), taken.map((t) => t.debtorKey))).wait();

    const lender = submitter("lender", { batchSize: 10 });
    lender.start();
    const { id } = await lender.enqueue({ kind: "registerAndAssign", agencyId: c.ids.agency, until: await until(), items });
    const job = await lender.waitForJob(id, { timeoutMs: 30_000 });
    expect(job).to.include({ status: "done", total: 35, done: 33, failed: 2 });
    expect(job.txs).to.have.length(4);
    const records = await allItems(lender, job);
    const failed = records.filter((r) => r.status.state === "failed");
    expect(failed.map((r) => r.index)).to.deep.equal([17, 19]);
    for (const record of failed) {
      const status = record.status as Extract<ItemRecord["status"], { state: "failed" }>;
      expect(status.code).to.equal("CaseRegistryForeignKey");
      expect(status.args?.caseKey).to.equal(record.caseKey);
      expect(status.reason).to.contain(record.caseKey).and.contain(`member ${c.ids.lender2}`);
    }
    // Batch index 7 of [10..19] is item 17; after it is dropped, item 19 is index 8 of the resend.
    expect((failed[0]!.status as { args: Record<string, string> }).args.index).to.equal("7");
    expect((failed[1]!.status as { args: Record<string, string> }).args.index).to.equal("8");

    const index = indexer();
    await index.sync();
    expect(await index.caseOf(taken[0]!.caseKey)).to.deep.include({ creditorId: c.ids.lender2, status: "Registered", agencyId: 0 });
    expect(await index.caseOf(items[18]!.caseKey)).to.deep.include({ creditorId: c.ids.lender, status: "Assigned" });
  });

  it("after a crash between mining and marking done, a restarted worker neither assigns twice nor fails the job", async () => {
    const items = cases("crash", 450);
    let crashed: string | undefined;
    const first = submitter("lender", {
      hooks: {
        afterMined: ({ txHash }) => {
          crashed = txHash;
          throw new Error("simulated crash");
        },
      },
    });
    first.start();
    const { id } = await first.enqueue({ kind: "registerAndAssign", agencyId: c.ids.agency, until: await until(), items });
    for (const deadline = Date.now() + 10_000; !crashed && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 20));
    expect(crashed).to.be.a("string");
    expect((await first.health()).running).to.equal(false);
    expect(await first.job(id)).to.include({ status: "pending", done: 0 });
    expect((await first.outbox.inflight(id))?.txHash).to.equal(crashed);
    expect(await first.waitForJob(id, { timeoutMs: 1_000 }).catch(codeOf)).to.equal("SUBMITTER_STOPPED");

    // The process dies: close the store, open it again, new worker.
    await db.close();
    const reopened = await c.level("store");
    const second = submitter("lender", {}, reopened);
    second.start();
    const job = await second.waitForJob(id, { timeoutMs: 30_000 });
    expect(job).to.include({ status: "done", done: 450, failed: 0 });
    expect(job.txs.map((tx) => tx.txHash)).to.include(crashed);
    expect(job.txs).to.have.length(3);
    const assigned = await assignedOnChain();
    expect(assigned).to.have.length(450);
    expect(new Set(assigned).size).to.equal(450);
    const records = await allItems(second, job);
    expect(records[0]!.status).to.deep.include({ state: "done", txHash: crashed });
  });

  for (const point of ["afterSign", "afterSend"] as const) {
    const when = point === "afterSign" ? "signing and recording the transaction (before its broadcast)" : "broadcasting the transaction";
    it(`after a crash just after ${when}, beside a transaction sent by hand, sends each case once`, async () => {
      const items = cases(`sent-${point}`, 30);
      const end = await until();
      // The first 10 went out by hand (another tool, or this gateway before it lost its store).
      const lender = await c.as("lender");
      await (
        await lender.caseRegistry.registerAndAssign(c.ids.agency, end, items.slice(0, 10).map((i) => i.caseKey), items.slice(0, 10).map((i) => i.debtorKey))
      ).wait();
      let crashed: string | undefined;
      const first = submitter("lender", {
        batchSize: 10,
        hooks: {
          [point]: ({ txHash }: { txHash: string }) => {
            crashed ??= txHash;
            throw new Error("simulated crash");
          },
        },
      });
      first.start();
      const { id } = await first.enqueue({ kind: "registerAndAssign", agencyId: c.ids.agency, until: end, items });
      for (const deadline = Date.now() + 10_000; crashed === undefined && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 20));
      await first.stop();
      // Recorded before the broadcast: the restarted worker looks the transaction up by hash first.
      expect((await first.outbox.inflight(id))?.txHash).to.equal(crashed);
      const broadcast = (await c.provider.getTransaction(crashed!)) !== null;
      expect(broadcast).to.equal(point === "afterSend");

      const second = submitter("lender", { batchSize: 10 });
      second.start();
      const job = await second.waitForJob(id, { timeoutMs: 30_000 });
      expect(job).to.include({ done: 30, failed: 0 });
      const records = await allItems(second, job);
      expect(records.slice(0, 10).every((r) => r.status.state === "done" && r.status.alreadyOnChain)).to.equal(true);
      // Items 10–19: the crashed transaction when it was broadcast; otherwise signed again and sent (the same batch
      // from the same nonce may sign to the same hash). Either way it is on chain once.
      expect(job.txs).to.have.length(2);
      if (point === "afterSend") expect(job.txs[0]!.txHash).to.equal(crashed);
      expect((await c.provider.getTransactionReceipt(job.txs[0]!.txHash))?.blockNumber).to.equal(job.txs[0]!.block);
      expect(records.slice(10, 20).every((r) => r.status.state === "done" && r.status.txHash === job.txs[0]!.txHash)).to.equal(true);
      expect(records.slice(20).every((r) => r.status.state === "done" && r.status.txHash === job.txs[1]!.txHash)).to.equal(true);
      expect(await second.outbox.inflight(id)).to.equal(undefined);
      expect((await assignedOnChain()).filter((k) => items.some((i) => i.caseKey === k))).to.have.length(30);

      // The same job again: nothing to send.
      const again = await second.enqueue({ kind: "registerAndAssign", agencyId: c.ids.agency, until: end, items });
      expect(await second.waitForJob(again.id, { timeoutMs: 10_000 })).to.include({ done: 30, failed: 0 }).and.deep.include({ txs: [] });
    });
  }

  it("acknowledges jobs while the node is down, reports it unreachable, and drains when it is back", async () => {
    const lender = submitter("lender");
    lender.start();
    const warmup = await lender.enqueue({ kind: "register", items: cases("down/warmup", 2) });
    await lender.waitForJob(warmup.id, { timeoutMs: 10_000 });

    await c.stopChain();
    const items = cases("down", 250);
    const end = Math.floor(Date.now() / 1000) + 30 * DAY; // the node cannot be asked for its time now
    const queued = await lender.enqueue({ kind: "registerAndAssign", agencyId: c.ids.agency, until: end, items });
    expect(await lender.job(queued.id)).to.include({ status: "pending", total: 250 });
    let health = await lender.health();
    for (const deadline = Date.now() + 10_000; health.chainReachable && Date.now() < deadline; ) {
      await new Promise((r) => setTimeout(r, 50));
      health = await lender.health();
    }
    expect(health).to.deep.include({ chainReachable: false, pendingJobs: 1, pendingItems: 250 });
    expect(health.lastError).to.match(/ECONNREFUSED|RPC|connect/i);

    await c.restartChain();
    const job = await lender.waitForJob(queued.id, { timeoutMs: 30_000 });
    expect(job).to.include({ done: 250, failed: 0 });
    expect(job.txs).to.have.length(2);
    expect(await lender.health()).to.deep.include({ chainReachable: true, pendingJobs: 0, pendingItems: 0 });
    const index = indexer();
    await index.sync();
    expect(await index.activeCount(c.ids.agency, await c.now())).to.equal(250);
  });

  it("re-sends, in order, what a node restarted from an older state file lost — noticed by the running worker and by a new one", async () => {
    const lender = submitter("lender", { batchSize: 20 });
    lender.start();
    const kept = await lender.enqueue({ kind: "registerAndAssign", agencyId: c.ids.agency, until: await until(), items: cases("rewind/kept", 5) });
    await lender.waitForJob(kept.id, { timeoutMs: 10_000 });
    await c.restartChain(); // writes the state file: the "older" copy
    const old = join(c.dir, "state-old.json");
    await copyFile(c.stateFile, old);

    const items = cases("rewind/lost", 50);
    const end = await until();
    const assign = await lender.enqueue({ kind: "registerAndAssign", agencyId: c.ids.agency, until: end, items });
    const recall = await lender.enqueue({ kind: "recall", caseKeys: items.slice(0, 7).map((i) => i.caseKey) });
    await lender.waitForJob(recall.id, { timeoutMs: 20_000 });
    const lostTxs = [...(await lender.job(assign.id))!.txs, ...(await lender.job(recall.id))!.txs].map((tx) => tx.txHash);
    expect(lostTxs).to.have.length(4);
    const reopened = new Promise<Array<{ jobId: string }>>((resolve) => lender.once("reopened", resolve));

    await c.restartChain(old);
    expect(await c.provider.getTransactionReceipt(lostTxs[0]!)).to.equal(null);
    expect((await reopened).map((r) => r.jobId)).to.deep.equal([assign.id, recall.id]);
    // The recall waits for the assignment it depends on; both done again, each case once in the chain's history.
    const recalled = await lender.waitForJob(recall.id, { timeoutMs: 30_000 });
    expect(recalled).to.include({ done: 7, failed: 0 });
    const assigned = await lender.job(assign.id);
    expect(assigned).to.include({ status: "done", done: 50, failed: 0 });
    expect(assigned!.lostTxs!.map((tx) => tx.txHash)).to.deep.equal(lostTxs.slice(0, 3));
    // Sent again (the same batch from the same nonce may sign to the same hash): every transaction recorded is on chain now.
    for (const tx of assigned!.txs) expect((await c.provider.getTransactionReceipt(tx.txHash))?.blockNumber).to.equal(tx.block);
    const keys = await assignedOnChain();
    expect(keys.filter((k) => items.some((i) => i.caseKey === k))).to.have.length(50);
    const states = await c.contracts.caseRegistry.casesOf(items.map((i) => i.caseKey));
    expect(states.map((s) => Number(s.status))).to.deep.equal(items.map((_, i) => (i < 7 ? 5 : 2))); // Recalled, Assigned

    // Lost while no worker ran: the next one finds it at start.
    await lender.stop();
    await c.restartChain();
    await copyFile(c.stateFile, old);
    const late = await lender.enqueue({ kind: "settle", settlements: items.slice(10, 12).map((i) => ({ caseKey: i.caseKey, settledFen: "0" })) });
    const once = submitter("lender");
    once.start();
    await once.waitForJob(late.id, { timeoutMs: 20_000 });
    await once.stop();
    await c.restartChain(old);
    const fresh = submitter("lender");
    const atStart = new Promise((resolve) => fresh.once("reopened", resolve));
    fresh.start();
    await atStart;
    expect(await fresh.waitForJob(late.id, { timeoutMs: 20_000 })).to.include({ done: 2, failed: 0 });
    expect((await fresh.job(late.id))!.lostTxs).to.have.length(1);
    const settled = await c.contracts.caseRegistry.casesOf(items.slice(10, 12).map((i) => i.caseKey));
    expect(settled.map((s) => Number(s.status))).to.deep.equal([6, 6]);
  });

  it("fails every item of a job when the call itself is refused, and goes on with the next job", async () => {
    const lender = submitter("lender");
    lender.start();
    const past = (await c.now()) - 10;
    const bad = await lender.enqueue({ kind: "registerAndAssign", agencyId: c.ids.agency, until: past, items: cases("bad", 3) });
    const good = await lender.enqueue({ kind: "register", items: cases("good", 3) });
    const badJob = await lender.waitForJob(bad.id, { timeoutMs: 10_000 });
    expect(badJob).to.include({ status: "done", done: 0, failed: 3 });
    const records = await allItems(lender, badJob);
    expect(records.map((r) => (r.status.state === "failed" ? r.status.code : r.status.state))).to.deep.equal(
      Array(3).fill("CaseRegistryInvalidUntil"),
    );
    expect(await lender.waitForJob(good.id, { timeoutMs: 10_000 })).to.include({ done: 3, failed: 0 });

    // An agency that is not an agency: MemberRegistry's error, passed on by CaseRegistry, decoded too.
    const notAgency = await lender.enqueue({ kind: "registerAndAssign", agencyId: c.ids.lender2, until: await until(), items: cases("na", 2) });
    const naRecords = await allItems(lender, await lender.waitForJob(notAgency.id, { timeoutMs: 10_000 }));
    expect(naRecords[0]!.status).to.deep.include({ state: "failed", code: "MemberRegistryMissingRole" });
  });

  it("runs every kind of job, for a lender and for an agency, with legacy transactions at a fixed gas price", async () => {
    const gasPrice = 3_000_000_000n;
    const lender = submitter("lender", { gasPrice });
    const agency = submitter("agency", { gasPrice });
    lender.start();
    agency.start();
    const k = Array.from({ length: 6 }, (_, i) => testKey("kinds/case", i));
    const run = async (s: CaseSubmitter, spec: Parameters<CaseSubmitter["enqueue"]>[0]) => {
      const job = await s.waitForJob((await s.enqueue(spec)).id, { timeoutMs: 15_000 });
      const failures = (await allItems(s, job)).filter((r) => r.status.state === "failed").map((r) => r.status);
      expect(failures, `${spec.kind}`).to.deep.equal([]);
      return job;
    };
    const t0 = await until(10);
    const registered = await run(lender, { kind: "register", items: k.map((caseKey, i) => ({ caseKey, debtorKey: testKey("kinds/debtor", i) })) });
    await run(lender, { kind: "assign", agencyId: c.ids.agency, until: t0, caseKeys: k.slice(0, 5) });
    await run(agency, { kind: "accept", caseKeys: k.slice(0, 3) });
    await run(agency, { kind: "returnCases", caseKeys: [k[1]!] });
    await run(lender, { kind: "recall", caseKeys: [k[2]!, k[3]!] });
    await run(lender, { kind: "extend", until: t0 + DAY, caseKeys: [k[0]!, k[4]!] });
    await run(lender, { kind: "settle", settlements: [{ caseKey: k[4]!, settledFen: "123456" }] });
    await run(lender, { kind: "close", caseKeys: [k[4]!, k[5]!] });
    await run(lender, { kind: "transferCreditor", toCreditorId: c.ids.lender2, caseKeys: [k[1]!, k[2]!] });
    // The same accept again: already done, nothing sent.
    expect(await run(agency, { kind: "accept", caseKeys: [k[0]!] })).to.deep.include({ done: 1, txs: [] });

    const tx = await c.provider.getTransaction(registered.txs[0]!.txHash);
    expect(tx).to.deep.include({ type: 0, gasPrice });

    const index = indexer();
    await index.sync();
    const state = async (i: number) => {
      const r = await index.caseOf(k[i]!);
      return `${r?.status}/${r?.creditorId}/${r?.agencyId}`;
    };
    const { lender: L, lender2: L2, agency: A } = c.ids;
    expect(await Promise.all(k.map((_, i) => state(i)))).to.deep.equal([
      `Accepted/${L}/${A}`,
      `Registered/${L2}/0`,
      `Registered/${L2}/0`,
      `Recalled/${L}/${A}`,
      `Closed/${L}/${A}`,
      `Closed/${L}/0`,
    ]);
    expect((await index.caseOf(k[0]!))?.until).to.equal(t0 + DAY);
    expect(await index.activeCount(c.ids.agency, await c.now())).to.equal(1);
  });

  it("refuses malformed jobs before acknowledging them", async () => {
    const lender = submitter("lender");
    const attempt = async (spec: unknown) => {
      try {
        await lender.enqueue(spec as never);
        return "accepted";
      } catch (error) {
        return codeOf(error);
      }
    };
    const k = testKey("m", 1);
    expect(await attempt({ kind: "register", items: [] })).to.equal("JOB_INVALID");
    expect(await attempt({ kind: "accept", caseKeys: [k, k.toUpperCase().replace("0X", "0x")] })).to.equal("JOB_INVALID");
    expect(await attempt({ kind: "accept", caseKeys: ["0x1234"] })).to.equal("JOB_INVALID");
    expect(await attempt({ kind: "assign", agencyId: 0, until: 1, caseKeys: [k] })).to.equal("JOB_INVALID");
    expect(await attempt({ kind: "register", items: [{ caseKey: k }] })).to.equal("JOB_INVALID");
    expect(await attempt({ kind: "burn", caseKeys: [k] })).to.equal("JOB_INVALID");
    expect(await lender.health()).to.deep.include({ pendingJobs: 0 });
    try {
      await lender.waitForJob("job-999999999999", { timeoutMs: 100 });
      expect.fail("waitForJob of an unknown job resolved");
    } catch (error) {
      expect(codeOf(error)).to.equal("JOB_NOT_FOUND");
    }
  });
});
