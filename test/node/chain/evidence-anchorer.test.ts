import { createHash } from "node:crypto";
import { copyFile } from "node:fs/promises";
import { join } from "node:path";
import { expect } from "chai";
import { Wallet } from "ethers";
import { EvidenceAnchorer, type AnchorerHooks } from "../../../node/chain/evidence-anchorer.js";
import { SendLock } from "../../../node/chain/send-lock.js";
import { toBytes32 } from "../../../node/domain/merkle/index.js";
import { type GatewayDatabase, openDatabase } from "../../../node/store/database.js";
import type { AnchoredReceipt } from "../../../node/domain/evidence/receipt.js";
import { EvidenceService } from "../../../node/services/evidence.js";
import { BlobStore } from "../../../node/store/blob-store.js";
import { type AnchorRecord, AnchorStore } from "../../../node/store/evidence-log/anchor-store.js";
import { EvidenceLog, type RecordDraft } from "../../../node/store/evidence-log/evidence-log.js";
import { type Consortium, DEV_KEYS, startConsortium } from "./consortium-fixture.js";

const draft = (i: number): RecordDraft => ({
  caseKey: `0x${createHash("sha256").update(`anchor-case-${i % 4}`).digest("hex")}`,
  kind: "letter",
  contentSha256: createHash("sha256").update(`letter ${i}`).digest("hex"),
  contentSize: 100 + i,
  mediaType: "application/pdf",
  capturedAt: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(),
  kept: false,
  source: "hash",
});

/** The anchoring scheduler against a real anvil: schedule, crashes at every step, outages, lost state, a fork. */
describe("node/chain: EvidenceAnchorer", function () {
  this.timeout(90_000);
  let c: Consortium;
  let store: GatewayDatabase;
  let log: EvidenceLog;
  let anchors: AnchorStore;
  let member: number;
  let wallet: Wallet;
  let next = 0;

  const anchorer = (hooks?: AnchorerHooks, settings = { intervalMs: 3_600_000, everyRecords: 1_000_000, retryInitialMs: 100, retryMaxMs: 400 }) =>
    new EvidenceAnchorer({
      evidenceLog: log,
      anchors,
      registry: c.contracts.evidenceRegistry,
      wallet,
      memberId: member,
      chainId: c.deployment.chainId,
      deployBlock: c.deployment.deployBlock,
      sendLock: new SendLock(),
      settings,
      hooks,
      rpcTimeoutMs: 5_000,
      probeIntervalMs: 200,
    });
  const append = (n: number) => log.append(Array.from({ length: n }, () => draft(next++)));
  const onChain = async () => {
    const cp = await c.contracts.evidenceRegistry.latestCheckpoint(member);
    return { treeSize: Number(cp.treeSize), root: cp.root };
  };
  const anchorEvents = async () => (await c.contracts.evidenceRegistry.queryFilter(c.contracts.evidenceRegistry.filters.CheckpointAnchored(member))).map((e) => Number(e.args.treeSize));
  const sent = async () => c.provider.getTransactionCount(wallet.address, "latest");
  const crash = () => {
    throw new Error("simulated crash");
  };

  before(async () => {
    c = await startConsortium();
    member = c.ids.agency;
    wallet = new Wallet(DEV_KEYS.agency, c.provider);
    store = await openDatabase(c.dir);
    const kv = store.kv.evidence;
    log = await EvidenceLog.open(kv, member, Date.now);
    anchors = new AnchorStore(kv);
  });
  after(async () => {
    await store?.close();
    await c?.close();
  });

  it("anchors once `everyRecords` records wait, with a consistency proof from the chain's checkpoint", async () => {
    const a = anchorer(undefined, { intervalMs: 3_600_000, everyRecords: 5, retryInitialMs: 100, retryMaxMs: 400 });
    const anchored = new Promise((resolve) => a.once("anchored", resolve));
    a.start();
    await append(3);
    expect(a.status().lag).to.equal(3);
    await append(2);
    await anchored;
    expect(await onChain()).to.deep.equal({ treeSize: 5, root: toBytes32(await log.root(5)) });
    await append(5);
    await new Promise((resolve) => a.once("anchored", resolve));
    await a.stop();
    expect(await anchorEvents()).to.deep.equal([5, 10]);
    expect(a.status()).to.include({ logSize: 10, anchoredSize: 10, lag: 0, running: false });
    expect(a.status().lastAnchor?.treeSize).to.equal(10);
  });

  it("anchors every intervalMs while fewer records wait", async () => {
    const a = anchorer(undefined, { intervalMs: 300, everyRecords: 1_000, retryInitialMs: 100, retryMaxMs: 400 });
    await append(1);
    const anchored = new Promise((resolve) => a.once("anchored", resolve));
    a.start();
    await anchored;
    await a.stop();
    expect((await onChain()).treeSize).to.equal(11);
  });

  for (const point of ["afterSign", "afterBroadcast", "afterMined"] as const) {
    it(`resumes after a crash ${point.replace("after", "after the ").toLowerCase()}: nothing anchored twice, nothing lost`, async () => {
      await append(3);
      const size = log.size;
      const before = await sent();
      const events = (await anchorEvents()).length;
      const crashing = anchorer({ [point]: crash });
      expect(String(await crashing.anchorNow().catch((e: Error) => e.message))).to.match(/halted by a hook/);
      expect(await anchors.inflight()).to.not.equal(undefined);
      const resumed = anchorer();
      await resumed.reconcile();
      expect(await anchors.inflight()).to.equal(undefined);
      if (point === "afterSign") expect(await sent()).to.equal(before); // never broadcast: nothing on chain
      const result = await resumed.anchorNow();
      if (point === "afterSign") expect(result?.treeSize).to.equal(size);
      else expect(result).to.equal(undefined); // the chain already has it: not sent again
      expect(await sent()).to.equal(before + 1);
      expect((await anchorEvents()).length).to.equal(events + 1);
      expect(await onChain()).to.deep.equal({ treeSize: size, root: toBytes32(await log.root(size)) });
      expect((await anchors.latest())?.treeSize).to.equal(size);
    });
  }

  it("recovers anchors the store lost from the chain's events", async () => {
    const kv = store.kv.evidence;
    for await (const key of kv.keys({ gte: "a/", lt: "a/\uffff" })) await kv.batch([{ type: "del", key }], {});
    expect(await anchors.latest()).to.equal(undefined);
    await anchorer().reconcile();
    const all = await anchorEvents();
    for (const size of all) expect((await anchors.at(size))?.treeSize).to.equal(size);
    expect((await anchors.covering(0))?.treeSize).to.equal(5);
  });

  it("keeps retrying while the chain is down, and anchors when it is back", async () => {
    const a = anchorer(undefined, { intervalMs: 200, everyRecords: 1_000, retryInitialMs: 100, retryMaxMs: 400 });
    await c.stopChain();
    await append(2);
    a.start();
    await new Promise((r) => setTimeout(r, 1_500));
    expect(a.status()).to.include({ chainReachable: false, running: true });
    expect(a.status().lag).to.be.greaterThan(0);
    const anchored = new Promise((resolve) => a.once("anchored", resolve));
    await c.restartChain();
    await anchored;
    await a.stop();
    expect((await onChain()).treeSize).to.equal(log.size);
    expect(a.status()).to.include({ chainReachable: true, lag: 0 });
  });

  it("notices a node restarted from an older state that lost anchors: their receipts go back to pending, the log is anchored again", async () => {
    await append(2);
    await anchorer().anchorNow();
    await c.restartChain(); // writes the state file: the "older" copy
    const old = join(c.dir, "evidence-old-state.json");
    await copyFile(c.stateFile, old);
    const keptSize = log.size;
    await append(3);
    const lost = await anchorer().anchorNow();
    expect(lost?.treeSize).to.equal(keptSize + 3);
    const a = anchorer(undefined, { intervalMs: 300, everyRecords: 1_000_000, retryInitialMs: 100, retryMaxMs: 400 });
    const indexer = { caseOf: async () => undefined, history: async () => [] };
    const service = new EvidenceService({ log, anchors, blobs: new BlobStore(c.dir), indexer, memberId: member, clock: Date.now, chainCheckpointSize: (atLeast) => a.chainCheckpointSize(0, atLeast) });
    expect((await service.receipt(keptSize + 2)).status).to.equal("anchored");

    await c.restartChain(old);
    expect((await onChain()).treeSize).to.equal(keptSize);
    // Never reported anchored once the chain no longer has it, even before the worker has noticed.
    expect((await service.receipt(keptSize + 2)).status).to.equal("pending");
    expect((await service.get(keptSize + 2)).anchored).to.equal(false);
    expect((await service.receipt(keptSize - 1)).status).to.equal("anchored");

    const again = new Promise<AnchorRecord>((resolve) => a.once("anchored", resolve));
    a.start();
    const anchor = await again;
    await a.stop();
    expect(anchor.treeSize).to.equal(keptSize + 3);
    // The same checkpoint from the same nonce signs to the same transaction: what matters is that the chain has it again.
    expect((await c.provider.getTransactionReceipt(anchor.txHash))?.blockNumber).to.equal(anchor.blockNumber);
    const receipt = await service.receipt(keptSize + 2);
    expect(receipt).to.deep.include({ status: "anchored" });
    expect((receipt as AnchoredReceipt).anchor.txHash).to.equal(anchor.txHash);
    expect(await onChain()).to.deep.equal({ treeSize: keptSize + 3, root: toBytes32(await log.root(keptSize + 3)) });
  });

  it("notices it while idle: a probe reads the chain's checkpoint and the worker anchors again", async () => {
    await c.restartChain();
    const old = join(c.dir, "evidence-old-state-2.json");
    await copyFile(c.stateFile, old);
    const a = anchorer(undefined, { intervalMs: 200, everyRecords: 1_000_000, retryInitialMs: 100, retryMaxMs: 400 });
    a.start();
    await append(2);
    const first = await new Promise<AnchorRecord>((resolve) => a.once("anchored", resolve));
    // Idle now, nothing to anchor; the node loses the anchor between two probes (no outage seen by the worker).
    await c.stopChain();
    await copyFile(old, c.stateFile);
    const again = new Promise<AnchorRecord>((resolve) => a.once("anchored", resolve));
    await c.restartChain();
    const second = await again;
    await a.stop();
    expect(second.treeSize).to.equal(first.treeSize);
    expect((await c.provider.getTransactionReceipt(second.txHash))?.blockNumber).to.equal(second.blockNumber);
    expect((await onChain()).treeSize).to.equal(log.size);
  });

  it("halts — never anchors — when the chain's checkpoint is not the log's (a fork)", async () => {
    const other = await openDatabase(`${c.dir}/forked`);
    try {
      const forkLog = await EvidenceLog.open(other.kv.evidence, member, Date.now);
      await forkLog.append(Array.from({ length: log.size + 2 }, (_, i) => ({ ...draft(i), contentSize: 1 })));
      const a = new EvidenceAnchorer({
        evidenceLog: forkLog,
        anchors: new AnchorStore(other.kv.evidence),
        registry: c.contracts.evidenceRegistry,
        wallet,
        memberId: member,
        chainId: c.deployment.chainId,
        deployBlock: c.deployment.deployBlock,
        sendLock: new SendLock(),
        settings: { intervalMs: 100, everyRecords: 1, retryInitialMs: 100, retryMaxMs: 400 },
      });
      const before = await sent();
      a.start();
      const deadline = Date.now() + 10_000;
      while (!a.status().halted && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(a.status().halted).to.match(/fork/);
      expect(await sent()).to.equal(before);
      await a.stop();
    } finally {
      await other.close();
    }
  });
});
