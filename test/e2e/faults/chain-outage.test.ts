import { copyFile } from "node:fs/promises";
import { join } from "node:path";
import { expect } from "chai";
import { eventually } from "../../support/api-client.js";
import { ROLE, startConsortium, type TestConsortium } from "../../support/consortium.js";
import { assignedKeys, chainView, committed, fullyAnchored, recordHash, syntheticList, TAKE_ALL, uploadAndCommit } from "../../support/fault-helpers.js";
import { type GatewayProcess, spawnGateway, writeProcessConfig } from "../../support/gateway-process.js";

const STATUS = { Assigned: 2, Recalled: 5 } as const;

/**
 * The chain node away, and back — first with all its state, then from an older state file (it lost its last
 * blocks). The lender's gateway is a real process; anvil is stopped and started on the same port.
 */
describe("e2e faults: the chain node down for a while, then back from an older state", function () {
  this.timeout(120_000);
  let consortium: TestConsortium;
  let gw: GatewayProcess;
  let api: GatewayProcess["api"];
  let first: { listId: string; allocationId: string; caseKeys: string[] };

  before(async () => {
    consortium = await startConsortium([
      { name: "lender", roles: ROLE.LENDER },
      { name: "agency", roles: ROLE.AGENCY },
    ]);
    const { file } = await writeProcessConfig(consortium, { name: "lender", config: { chain: { batchSize: 20 } } });
    gw = await spawnGateway("lender", file, { env: { CASELEDGER_ANCHOR_INTERVAL_S: "0.5", CASELEDGER_ANCHOR_EVERY_RECORDS: "1000" } });
    api = gw.api;
    expect((await api.put("/v1/agencies/2", { name: "示例催收", ...TAKE_ALL })).status).to.equal(200);
    first = await uploadAndCommit(api, syntheticList(40, "OUT-A"), "a.csv");
    await committed(api, first.allocationId);
    expect((await recordHash(api, first.caseKeys[0]!, "before")).status).to.equal(201);
    // The outage below needs the index to know the cases already (recording asks the chain only when it does not,
    // and the chain will not answer): wait for the index, which recording no longer waits for.
    await eventually(async () => {
      const views = await Promise.all(first.caseKeys.map((k) => api.get(`/v1/cases/${k}`)));
      return views.every((v) => v.status === 200 && v.body.status === "Assigned") ? true : undefined;
    }, 30_000, "the lender's index to show every case assigned");
    await fullyAnchored(api);
  });
  afterEach(async function () {
    if (this.currentTest?.state === "failed" && gw) console.log(gw.output().split("\n").filter((l) => !l.includes('"msg":"request"')).slice(-40).join("\n"));
  });
  after(async () => {
    await gw?.kill();
    await consortium?.stop();
  });

  it("answers 503 with Retry-After to what needs the chain, queues the work, keeps reads going, and drains in order when the node is back", async () => {
    await consortium.stopChain();
    const health = await eventually(async () => {
      const h = await api.get("/v1/health");
      return h.status === 503 ? h : undefined;
    }, 15_000, "health to see the node gone");
    expect(health.body).to.deep.include({ status: "degraded" });
    expect(health.body.chain.reachable).to.equal(false);

    // Needs the chain now: the ownership answer (the index cannot follow the chain meanwhile).
    const ownership = await eventually(async () => {
      const r = await api.get(`/v1/ownership?caseKey=${first.caseKeys[1]}`);
      return r.status === 503 ? r : undefined;
    }, 15_000, "the ownership check to refuse");
    expect(ownership.body.error.code).to.equal("CHAIN_UNAVAILABLE");
    expect(ownership.body.error.message).to.match(/区块链节点暂时不可达.* \/ the chain node is unreachable/);
    expect(Number(ownership.headers.get("retry-after"))).to.be.greaterThan(0);

    // Queued: a recall, a whole commit, evidence records — all acknowledged while the node is away.
    const recall = await api.post("/v1/cases/actions", { action: "recall", caseKeys: first.caseKeys.slice(0, 5) });
    expect(recall.status).to.equal(202);
    const second = await uploadAndCommit(api, syntheticList(30, "OUT-B", 8), "b.csv");
    const evidence = [];
    for (let i = 0; i < 3; i++) {
      const r = await recordHash(api, first.caseKeys[10]!, `outage ${i}`);
      expect(r.status).to.equal(201);
      evidence.push(r.body.id as number);
    }
    const status = (await api.get("/v1/evidence/status")).body;
    expect(status.lag).to.equal(3);
    expect(status.chainReachable).to.equal(false);

    // Reads that need no chain go on: the stored report, the case with its last known chain state, a receipt, a new upload.
    expect((await api.get(`/v1/case-lists/${first.listId}/report?limit=5`)).status).to.equal(200);
    const view = await api.get(`/v1/cases/${first.caseKeys[20]}`);
    expect(view.status).to.equal(200);
    expect(view.body.chain.status).to.equal("Assigned");
    expect((await api.get(`/v1/evidence/${evidence[0]}/receipt`)).body.status).to.equal("pending");
    expect((await api.upload("c.csv", syntheticList(5, "OUT-C", 9))).status).to.equal(201);
    const pending = (await api.get("/v1/health")).body.outbox;
    expect(pending.pendingJobs).to.equal(2);

    await consortium.restartChain();
    const recalled = await eventually(async () => {
      const job = (await api.get(`/v1/jobs/${recall.body.id}`)).body;
      return job.status === "done" ? job : undefined;
    }, 30_000, "the recall to drain");
    expect(recalled).to.include({ done: 5, failed: 0 });
    const assigned = await committed(api, second.allocationId);
    expect(assigned).to.include({ total: 30, done: 30, failed: 0 });
    // In order: the recall's transaction before the commit's first.
    const commitJob = (await api.get(`/v1/jobs/${assigned.jobs[0].jobId}`)).body;
    expect(recalled.txs.at(-1).block).to.be.at.most(commitJob.txs[0].block);
    await fullyAnchored(api);
    expect((await api.get(`/v1/evidence/${evidence[2]}/receipt`)).body.status).to.equal("anchored");
    expect((await api.get("/v1/health")).status).to.equal(200);
    expect((await api.get(`/v1/ownership?caseKey=${first.caseKeys[1]}`)).status).to.equal(200);

    const { provider, contracts } = await chainView(consortium);
    try {
      const states = await contracts.caseRegistry.casesOf(first.caseKeys.slice(0, 6));
      expect(states.map((s) => Number(s.status))).to.deep.equal([...Array(5).fill(STATUS.Recalled), STATUS.Assigned]);
      const keys = await assignedKeys(contracts);
      expect(keys.filter((k) => second.caseKeys.includes(k))).to.have.length(30);
    } finally {
      provider.destroy();
    }
  });

  it("after the node comes back from an older state file, re-sends the lost assignments and anchors, and never calls anchored what the chain lacks", async () => {
    await consortium.stopChain(); // a clean stop: the state file holds everything so far
    const older = join(consortium.dir, "state-older.json");
    await copyFile(consortium.stateFile, older);
    await consortium.restartChain();

    // Work the node will lose: a commit and evidence, acknowledged, on chain, anchored.
    const lost = await uploadAndCommit(api, syntheticList(25, "OUT-D", 10), "d.csv");
    const done = await committed(api, lost.allocationId);
    const job = (await api.get(`/v1/jobs/${done.jobs[0].jobId}`)).body;
    const ids: number[] = [];
    for (let i = 0; i < 4; i++) ids.push((await recordHash(api, lost.caseKeys[i]!, `lost ${i}`)).body.id);
    const anchoredBefore = await fullyAnchored(api);
    const lostReceipt = (await api.get(`/v1/evidence/${ids[3]}/receipt`)).body;
    expect(lostReceipt.status).to.equal("anchored");

    await consortium.restartChain(older);
    const { provider, contracts } = await chainView(consortium);
    try {
      expect(await provider.getTransactionReceipt(job.txs[0].txHash)).to.equal(null);
      // Right after the restore: the chain lacks the checkpoint, so the receipt is pending, or anchored again already.
      const after = (await api.get(`/v1/evidence/${ids[3]}/receipt`)).body;
      const onChain = Number((await contracts.evidenceRegistry.latestCheckpoint(1)).treeSize);
      if (after.status === "anchored") expect(onChain).to.be.at.least(after.checkpoint.treeSize);
      else expect(onChain).to.be.lessThan(anchoredBefore.anchoredSize);

      // The gateway notices, and the chain gets everything back: each lost case assigned once, the log anchored.
      await eventually(async () => {
        const states = await contracts.caseRegistry.casesOf(lost.caseKeys);
        return states.every((s) => Number(s.status) === STATUS.Assigned && Number(s.agencyId) === 2) ? true : undefined;
      }, 40_000, "the lost assignments re-sent");
      const keys = await assignedKeys(contracts);
      expect(keys.filter((k) => lost.caseKeys.includes(k))).to.have.length(25);
      // The chain has the last batch a moment before the outbox records it done.
      const reopened = await eventually(async () => {
        const j = (await api.get(`/v1/jobs/${job.id}`)).body;
        return j.status === "done" ? j : undefined;
      }, 10_000, "the reopened job to finish");
      expect(reopened).to.include({ status: "done", done: 25, failed: 0 });
      expect(reopened.lostTxs.length).to.be.greaterThan(0);
      const status = await fullyAnchored(api, 40_000);
      expect(status.anchoredSize).to.equal(status.logSize);
      const receipt = (await api.get(`/v1/evidence/${ids[3]}/receipt`)).body;
      expect(receipt.status).to.equal("anchored");
      expect(await contracts.evidenceRegistry.verifyRecord(1, receipt.checkpoint.treeSize, receipt.leafIndex, Buffer.from(receipt.record), receipt.inclusionProof)).to.equal(true);
      expect((await provider.getTransactionReceipt(receipt.anchor.txHash))?.blockNumber).to.equal(receipt.anchor.blockNumber);
      // The index was rebuilt: the gateway's own view agrees with the chain.
      const view = await eventually(async () => {
        const v = (await api.get(`/v1/cases/${lost.caseKeys[0]}`)).body;
        return v.chain?.status === "Assigned" ? v : undefined;
      }, 20_000, "the index to follow");
      expect(view.chain.agencyId).to.equal(2);
      expect(gw.output()).to.match(/chain gap: rebuilding the case index/);
    } finally {
      provider.destroy();
    }
  });
});
