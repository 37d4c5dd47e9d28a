/**
 * `npm run bench:bundle` — verifying a 10,000-item case bundle (design §27), target < 10 s against a chain node and
 * < 2 s offline. A real anvil: four members admitted; one case registered and assigned to agency A, recalled,
 * assigned to agency B, recalled, transferred to an AMC — each transaction real; each member's records of the case
 * (2,500 apiece, 10,000 in all) in its own RFC 6962 log, anchored on chain every 100 records. The AMC signs the
 * bundle. Measured: the bundle's verification as `caseledger verify-bundle` does it (parse, the chain's answers once
 * per checkpoint, every receipt, custody, record chains), online and offline. Baselines in the same run: online, each
 * receipt asked of the chain on its own (the single-receipt verifier's questions per item), timed on the first 500
 * items and scaled; offline, each receipt parsed and verified on its own with every `prev` looked up by a scan of the
 * bundle. Writes scripts/bench/results/bundle.json and the BENCHMARKS.md section.
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { type ContractTransactionResponse, JsonRpcProvider, NonceManager, Wallet } from "ethers";
import { ANVIL_DEV_KEY, startAnvil } from "../../node/chain/anvil.js";
import { readBundleChainFacts } from "../../node/chain/bundle-chain-reader.js";
import { connectContracts } from "../../node/chain/contracts.js";
import { ensureDeployment } from "../../node/chain/deployment.js";
import { httpJsonRpc, readChainFacts } from "../../node/chain/evidence-chain-reader.js";
import { ROLE } from "../../node/domain/consortium/index.js";
import { BUNDLE_FORMAT, type BundleEvent, bundleHash, type CaseBundle, parseBundle } from "../../node/domain/evidence/bundle.js";
import { questionsFor } from "../../node/domain/evidence/chain-facts.js";
import { recordJson } from "../../node/domain/evidence/record.js";
import { type AnchoredReceipt, RECEIPT_FORMAT } from "../../node/domain/evidence/receipt.js";
import { verifyBundle } from "../../node/domain/evidence/verify-bundle.js";
import { verifyReceipt } from "../../node/domain/evidence/verify-receipt.js";
import { consistencyProof, inclusionProof, leafHash, rootOf, toBytes32 } from "../../node/domain/merkle/index.js";
import { digestSigner, signDigest } from "../../node/services/signed-digest.js";
import { describeMachine, machine, updateBenchmarksSection, writeResult } from "./report.js";

const ITEMS = Number(process.env.BENCH_BUNDLE_ITEMS ?? 10_000);
const PER_MEMBER = ITEMS / 4;
const ANCHOR_EVERY = 100;
const BASELINE_SAMPLE = 500;
const RUNS = 3;
const say = (line: string) => console.log(`[bench:bundle] ${line}`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const sha = (s: string) => createHash("sha256").update(s).digest("hex");

const dir = await mkdtemp(join(tmpdir(), "caseledger-bench-bundle-"));
const anvil = await startAnvil({ stateFile: join(dir, "chain", "state.json") });
const provider = new JsonRpcProvider(anvil.rpcUrl, undefined, { staticNetwork: true });
try {
  const operator = new NonceManager(new Wallet(ANVIL_DEV_KEY, provider));
  const { deployment } = await ensureDeployment({ provider, signer: operator, file: join(dir, "deployment.json") });
  const admin = await connectContracts(deployment, operator);
  const roles = [ROLE.LENDER, ROLE.AGENCY, ROLE.AGENCY, ROLE.LENDER];
  const wallets: Array<ReturnType<typeof Wallet.createRandom>> = [];
  for (const role of roles) {
    const w = Wallet.createRandom().connect(provider);
    await (await admin.memberRegistry.admit(w.address, Wallet.createRandom().address, role, `0x${"11".repeat(32)}`)).wait();
    await (await operator.sendTransaction({ to: w.address, value: 10n ** 18n })).wait();
    wallets.push(w);
  }
  const members = await Promise.all(wallets.map((w) => connectContracts(deployment, new NonceManager(w))));
  const lender = members[0]!;
  const ids = [1, 2, 3, 4];
  const caseKey = `0x01${ids[0]!.toString(16).padStart(8, "0")}${sha("bench bundle case").slice(0, 54)}`;
  const debtorKey = `0x01${"0".repeat(8)}${sha("bench bundle debtor").slice(0, 54)}`;
  const history: BundleEvent[] = [];
  const caseIface = admin.caseRegistry.interface;
  const blockTime = async (n: number) => (await provider.getBlock(n))!.timestamp;
  // eth_blockNumber itself: ethers caches getBlockNumber() for a few seconds.
  const latestTime = async () => blockTime(Number(await provider.send("eth_blockNumber", [])));
  async function chainStep(sent: Promise<ContractTransactionResponse>): Promise<void> {
    const mined = (await (await sent).wait())!;
    const time = await blockTime(mined.blockNumber);
    for (const log of mined.logs) {
      const parsed = caseIface.parseLog(log);
      if (!parsed) continue;
      const a = parsed.args;
      const e: BundleEvent = { type: parsed.name as BundleEvent["type"], txHash: mined.hash.toLowerCase(), block: mined.blockNumber, logIndex: log.index, time };
      if (parsed.name === "CaseRegistered") e.creditorId = Number(a.creditorId);
      if (parsed.name === "CasesAssigned") Object.assign(e, { creditorId: Number(a.creditorId), agencyId: Number(a.agencyId), until: Number(a.until) });
      if (parsed.name === "CaseRecalled") e.agencyId = Number(a.agencyId);
      if (parsed.name === "CaseCreditorTransferred") Object.assign(e, { fromCreditorId: Number(a.fromCreditorId), toCreditorId: Number(a.toCreditorId) });
      history.push(e);
    }
  }

  // Each member's log: PER_MEMBER records of the case, anchored every ANCHOR_EVERY records.
  const logs = new Map<number, { records: string[]; leaves: Uint8Array[]; anchored: number; prev?: string }>(ids.map((id) => [id, { records: [], leaves: [], anchored: 0 }]));
  const receipts: AnchoredReceipt[] = [];
  const evidence = members.map((c) => c.evidenceRegistry);
  async function recordFor(member: number, count: number): Promise<void> {
    const log = logs.get(member)!;
    for (let done = 0; done < count; done += ANCHOR_EVERY) {
      const now = await latestTime();
      const start = log.records.length;
      for (let i = 0; i < Math.min(ANCHOR_EVERY, count - done); i++) {
        const text = recordJson({
          v: 1,
          member,
          caseKey,
          kind: member === 1 ? "authorization" : "call-recording",
          contentSha256: sha(`content ${member} ${start + i}`),
          contentSize: 1000,
          mediaType: "audio/mpeg",
          capturedAt: new Date(now * 1000 + i).toISOString(),
          salt: randomBytes(16).toString("hex"),
          ...(log.prev ? { prev: log.prev } : {}),
        });
        log.records.push(text);
        const leaf = leafHash(Buffer.from(text));
        log.leaves.push(leaf);
        log.prev = toBytes32(leaf);
      }
      const size = log.records.length;
      const root = toBytes32(rootOf(log.leaves, size));
      const proof = log.anchored === 0 ? [] : consistencyProof(log.leaves, log.anchored, size).map(toBytes32);
      const mined = (await (await evidence[member - 1]!.anchor(size, root, proof)).wait())!;
      const time = await blockTime(mined.blockNumber);
      for (let index = start; index < size; index++) {
        receipts.push({
          format: RECEIPT_FORMAT,
          status: "anchored",
          record: log.records[index]!,
          leafHash: toBytes32(log.leaves[index]!),
          leafIndex: index,
          inclusionProof: inclusionProof(log.leaves, index, size).map(toBytes32),
          checkpoint: { treeSize: size, root },
          anchor: { chainId: deployment.chainId, contract: deployment.contracts.EvidenceRegistry.address, txHash: mined.hash, blockNumber: mined.blockNumber, blockTime: time },
        });
      }
      log.anchored = size;
    }
  }
  const until = async () => (await latestTime()) + 90 * 86_400;

  say(`building the story on anvil: ${ITEMS} records in 4 logs, anchored every ${ANCHOR_EVERY}`);
  await chainStep(lender.caseRegistry.registerAndAssign(ids[1]!, await until(), [caseKey], [debtorKey]));
  await recordFor(1, PER_MEMBER);
  await recordFor(2, PER_MEMBER);
  await chainStep(lender.caseRegistry.recall([caseKey]));
  await provider.send("evm_increaseTime", [3_600]);
  await chainStep(lender.caseRegistry.assign(ids[2]!, await until(), [caseKey]));
  await recordFor(3, PER_MEMBER);
  await chainStep(lender.caseRegistry.recall([caseKey]));
  await chainStep(lender.caseRegistry.transferCreditor([caseKey], ids[3]!));
  await recordFor(4, PER_MEMBER);

  const bundle: CaseBundle = {
    format: BUNDLE_FORMAT,
    caseKey,
    creditor: 4,
    builtAt: new Date().toISOString(),
    chain: { chainId: deployment.chainId, caseRegistry: deployment.contracts.CaseRegistry.address.toLowerCase(), evidenceRegistry: deployment.contracts.EvidenceRegistry.address.toLowerCase() },
    history,
    sources: ids.map((member) => ({ member, records: PER_MEMBER, via: member === 4 ? ("own" as const) : ("peer" as const) })),
    receipts,
  };
  const hash = bundleHash(bundle);
  const text = JSON.stringify({ bundle, hash, signature: await signDigest(hash, wallets[3]!) });
  const trust = { chainId: deployment.chainId, evidenceRegistry: bundle.chain.evidenceRegistry, caseRegistry: bundle.chain.caseRegistry };
  say(`bundle: ${receipts.length} receipts, ${history.length} events, ${(text.length / 1024 / 1024).toFixed(1)} MiB`);

  const rpc = httpJsonRpc(anvil.rpcUrl);
  const ours = async (online: boolean) => {
    const cpu = process.cpuUsage();
    const t = performance.now();
    const parsed = parseBundle({ text });
    if (!parsed.ok) throw new Error(parsed.code);
    const chain = online ? await readBundleChainFacts(rpc, parsed.signed.bundle, trust) : undefined;
    const result = verifyBundle({ source: { text }, parsed, recoveredSigner: digestSigner(parsed.computedHash, parsed.signed.signature), ...(chain ? { chain } : {}), trust });
    const ms = performance.now() - t;
    const used = process.cpuUsage(cpu);
    return { ms, cpuMs: (used.user + used.system) / 1000, result };
  };
  const loadBefore = loadavg()[0]!;
  const onlineRuns: number[] = [];
  const offlineRuns: number[] = [];
  const offlineCpu: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const on = await ours(true);
    if (on.result.verdict !== "valid" || on.result.counts.valid !== ITEMS) throw new Error(`online: ${on.result.verdict} ${JSON.stringify(on.result.counts)} ${JSON.stringify(on.result.checks.filter((c) => c.verdict !== "passed"))} ${JSON.stringify(on.result.items.find((x) => x.verdict !== "valid"))} ${JSON.stringify(on.result.periods)}`);
    onlineRuns.push(on.ms);
    const off = await ours(false);
    if (off.result.verdict !== "incomplete" || off.result.counts.incomplete !== ITEMS) throw new Error(`offline: ${off.result.verdict}`);
    offlineRuns.push(off.ms);
    offlineCpu.push(off.cpuMs);
  }

  // Baseline online: each receipt on its own, as `caseledger verify` would (five questions per receipt), on a sample.
  const sample = receipts.slice(0, BASELINE_SAMPLE);
  let t = performance.now();
  for (const r of sample) {
    const member = (JSON.parse(r.record) as { member: number }).member;
    const chain = await readChainFacts(rpc, questionsFor(r, member, trust.evidenceRegistry));
    if (verifyReceipt({ receipt: { value: r }, chain, trust: { contract: trust.evidenceRegistry, chainId: trust.chainId } }).verdict !== "incomplete") throw new Error("baseline receipt");
  }
  const baselineOnlineMs = ((performance.now() - t) / BASELINE_SAMPLE) * ITEMS;
  // Baseline offline: parse, each receipt on its own, each prev found by a scan of the bundle.
  t = performance.now();
  const all = (JSON.parse(text) as { bundle: CaseBundle }).bundle.receipts as AnchoredReceipt[];
  let gaps = 0;
  for (const r of all) {
    verifyReceipt({ receipt: { value: r } });
    const prev = (JSON.parse(r.record) as { prev?: string }).prev;
    if (prev && !all.some((o) => o.leafHash === prev)) gaps++;
  }
  if (gaps !== 0) throw new Error("baseline found gaps");
  const baselineOfflineMs = performance.now() - t;

  // The machine is shared: its one-minute load average before and after the runs says how much else was running.
  const load = { before: Math.round(loadBefore * 10) / 10, after: Math.round(loadavg()[0]! * 10) / 10 };
  const onlineMs = Math.round(median(onlineRuns));
  const offlineMs = Math.round(median(offlineRuns));
  // The process's own CPU time (all its threads, the collector's included): what the machine's load does not change.
  const offlineCpuMs = Math.round(median(offlineCpu));
  const result = {
    measuredAt: new Date().toISOString(),
    machine: machine(),
    loadAverage: load,
    items: ITEMS,
    events: history.length,
    checkpoints: ITEMS / ANCHOR_EVERY,
    bundleMiB: Math.round((text.length / 1024 / 1024) * 10) / 10,
    runs: RUNS,
    onlineMs,
    offlineMs,
    offlineCpuMs,
    baseline: {
      online: { design: `each receipt's own chain questions (receipt-format.md §4), ${BASELINE_SAMPLE} timed and scaled to ${ITEMS}`, ms: Math.round(baselineOnlineMs) },
      offline: { design: "each receipt verified on its own, each prev found by scanning the bundle", ms: Math.round(baselineOfflineMs) },
    },
    ratioBaselineOverOursOnline: Math.round((baselineOnlineMs / onlineMs) * 10) / 10,
    ratioBaselineOverOursOffline: Math.round((baselineOfflineMs / offlineMs) * 10) / 10,
    targets: { onlineMs: 10_000, offlineMs: 2_000 },
    met: { online: onlineMs < 10_000, offline: offlineMs < 2_000 },
  };
  say(`online ${onlineMs} ms (baseline ${result.baseline.online.ms} ms, ${result.ratioBaselineOverOursOnline}×); offline ${offlineMs} ms, ${offlineCpuMs} ms CPU (baseline ${result.baseline.offline.ms} ms, ${result.ratioBaselineOverOursOffline}×)`);
  await writeResult("bundle", result);
  await updateBenchmarksSection(
    "bundle",
    `## Case bundle verification (\`npm run bench:bundle\`)

Measured ${result.measuredAt.slice(0, 10)} on ${describeMachine()} (a shared machine: other work ran beside it). A
${ITEMS.toLocaleString("en")}-item bundle (${result.bundleMiB} MiB; lender → agency A recalled → agency B recalled → AMC, all real
transactions on anvil; ${result.checkpoints} checkpoints anchored every ${ANCHOR_EVERY} records), verified as \`caseledger
verify-bundle\` does it: parse, the chain's answers once per checkpoint and per history transaction, every receipt,
custody and record chains. Median of ${RUNS} runs; the machine's one-minute load average was ${load.before} before them and
${load.after} after, on ${machine().cores} cores. Offline, each distinct tree node of a checkpoint is hashed once for all its
receipts and the bundle's canonical JSON is written by the engine's JSON.stringify (design §27).

| | ours | baseline in the same run | ratio | target |
| --- | --- | --- | --- | --- |
| against a chain node (verdict valid) | **${onlineMs} ms** | ${result.baseline.online.ms} ms: each receipt's own chain questions (${BASELINE_SAMPLE} timed, scaled) | ${result.ratioBaselineOverOursOnline}× | < 10 s: ${result.met.online ? "met" : "**missed**"} |
| offline (verdict incomplete) | **${offlineMs} ms** (${offlineCpuMs} ms of CPU) | ${result.baseline.offline.ms} ms: each receipt alone, each \`prev\` by a scan | ${result.ratioBaselineOverOursOffline}× | < 2 s: ${result.met.offline ? "met" : "**missed**"} |
`,
  );
} finally {
  provider.destroy();
  await anvil.stop();
  await rm(dir, { recursive: true, force: true });
}
