/**
 * `npm run bench:merkle` — the evidence log: appends per second (target ≥ 50,000), inclusion and consistency proof
 * generation and verification at 1,000,000 leaves (target < 1 ms each), beside @openzeppelin/merkle-tree's
 * StandardMerkleTree building a tree of the same leaves (in memory, once) in the same run.
 * Writes scripts/bench/results/merkle.json, merges into evidence.json, and updates BENCHMARKS.md.
 */
import { createHash } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { leafHash, toBytes32, verifyConsistency, verifyInclusion } from "../../node/domain/merkle/index.js";
import { recordJson } from "../../node/domain/evidence/record.js";
import { openDatabase } from "../../node/store/database.js";
import { EvidenceLog, type RecordDraft } from "../../node/store/evidence-log/evidence-log.js";
import { MerkleLogStore } from "../../node/store/evidence-log/merkle-log-store.js";
import { mergeEvidenceResult } from "./evidence-results.js";
import { describeMachine, machine, updateBenchmarksSection, writeResult } from "./report.js";

const LEAVES = Number(process.env.BENCH_MERKLE_LEAVES ?? 1_000_000);
const RECORDS = Number(process.env.BENCH_MERKLE_RECORDS ?? 100_000);
const BASELINE = Number(process.env.BENCH_MERKLE_BASELINE ?? 100_000);
const BATCH = 1_000;
const PROOFS = 2_000;
const say = (line: string) => console.log(`[bench:merkle] ${line}`);
const hex = (s: string) => createHash("sha256").update(s).digest("hex");

const draft = (i: number, cases: number): RecordDraft => ({
  caseKey: `0x${hex(`case ${i % cases}`)}`,
  kind: "call-recording",
  contentSha256: hex(`content ${i}`),
  contentSize: 1_000 + i,
  mediaType: "audio/mpeg",
  capturedAt: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(),
  kept: false,
  source: "hash",
});
const recordText = (i: number) =>
  recordJson({ v: 1, member: 7, salt: hex(`salt ${i}`).slice(0, 32), ...draft(i, 1_000_000) } as never);

const dir = await mkdtemp(join(tmpdir(), "caseledger-bench-merkle-"));
try {
  // 1. The Merkle log itself (MerkleLogStore): leaves, tree nodes, stored records, size; 1,000 leaves per fsync'd batch.
  const store = await openDatabase(join(dir, "tree"));
  const tree = await MerkleLogStore.open(store.kv.evidence);
  say(`appending ${LEAVES.toLocaleString("en")} records to the Merkle log, ${BATCH} per batch (sync)…`);
  // Only the log's own work is timed: hashing each record into its leaf, the tree, and the batch on disk. Making up
  // the synthetic records (three SHA-256 each) is not.
  let t0 = 0;
  let treeMs = 0;
  for (let i = 0; i < LEAVES; i += BATCH) {
    const texts = [];
    for (let j = i; j < Math.min(LEAVES, i + BATCH); j++) texts.push(recordText(j));
    t0 = performance.now();
    const leaves = texts.map((text) => ({ leaf: leafHash(Buffer.from(text)), stored: JSON.stringify([text, "2026-01-01T00:00:00.000Z", 0, "hash"]) }));
    await tree.append(leaves);
    treeMs += performance.now() - t0;
  }
  const treeSeconds = treeMs / 1000;
  const appendsPerSecond = Math.round(LEAVES / treeSeconds);
  say(`${appendsPerSecond.toLocaleString("en")} appends/s (${treeSeconds.toFixed(1)} s)`);

  // 2. Proofs at that size: generation (reads from LevelDB) and verification, averaged over random pairs.
  const n = tree.size;
  const root = tree.currentRoot();
  let incGen = 0;
  let incVer = 0;
  let conGen = 0;
  let conVer = 0;
  for (let k = 0; k < PROOFS; k++) {
    const index = Math.floor(Math.random() * n);
    let t = performance.now();
    const proof = await tree.inclusionProof(index, n);
    incGen += performance.now() - t;
    const leaf = leafHash(Buffer.from(recordText(index)));
    t = performance.now();
    if (!verifyInclusion(leaf, index, n, proof, root)) throw new Error(`inclusion proof of ${index} does not verify`);
    incVer += performance.now() - t;
    const m = 1 + Math.floor(Math.random() * (n - 1));
    const oldRoot = await tree.root(m);
    t = performance.now();
    const cproof = await tree.consistencyProof(m, n);
    conGen += performance.now() - t;
    t = performance.now();
    if (!verifyConsistency(m, n, oldRoot, root, cproof)) throw new Error(`consistency ${m}→${n} does not verify`);
    conVer += performance.now() - t;
  }
  await store.close();
  const ms = (total: number) => Math.round((total / PROOFS) * 1000) / 1000;
  const proofs = { inclusionProofMs: ms(incGen), inclusionVerifyMs: ms(incVer), consistencyProofMs: ms(conGen), consistencyVerifyMs: ms(conVer) };
  say(`at ${n.toLocaleString("en")} leaves: inclusion ${proofs.inclusionProofMs} ms + verify ${proofs.inclusionVerifyMs} ms; consistency ${proofs.consistencyProofMs} ms + verify ${proofs.consistencyVerifyMs} ms`);

  // 3. The whole evidence log: records validated and chained per case, the per-case index, group commit.
  const evidenceStore = await openDatabase(join(dir, "evidence"));
  const log = await EvidenceLog.open(evidenceStore.kv.evidence, 7, Date.now);
  const evidenceRate = async (cases: number, offset: number) => {
    let ms = 0;
    for (let i = 0; i < RECORDS; i += BATCH) {
      const drafts = Array.from({ length: BATCH }, (_, j) => draft(offset + i + j, cases));
      const t = performance.now();
      await log.append(drafts);
      ms += performance.now() - t;
    }
    return Math.round(RECORDS / (ms / 1000));
  };
  const activeCases = await evidenceRate(5_000, 0);
  const distinctCases = await evidenceRate(1e12, RECORDS);
  await evidenceStore.close();
  say(`evidence log (records + per-case index): ${activeCases.toLocaleString("en")}/s over 5,000 active cases, ${distinctCases.toLocaleString("en")}/s when every record opens a new case`);

  // 4. Baseline: OpenZeppelin's StandardMerkleTree of the same leaves, built once in memory.
  const values = Array.from({ length: BASELINE }, (_, i) => [toBytes32(leafHash(Buffer.from(recordText(i))))]);
  t0 = performance.now();
  const oz = StandardMerkleTree.of(values, ["bytes32"]);
  const ozSeconds = (performance.now() - t0) / 1000;
  const ozLeavesPerSecond = Math.round(BASELINE / ozSeconds);
  t0 = performance.now();
  for (let k = 0; k < 200; k++) oz.getProof(Math.floor(Math.random() * BASELINE));
  const ozProofMs = Math.round(((performance.now() - t0) / 200) * 1000) / 1000;
  say(`StandardMerkleTree.of(${BASELINE.toLocaleString("en")} leaves): ${ozLeavesPerSecond.toLocaleString("en")} leaves/s, getProof ${ozProofMs} ms`);
  const ratio = Math.round((appendsPerSecond / ozLeavesPerSecond) * 100) / 100;

  const met = (ok: boolean) => (ok ? "met" : "**missed**");
  const result = {
    measuredAt: new Date().toISOString(),
    machine: machine(),
    leaves: n,
    batch: BATCH,
    appendsPerSecond,
    ...proofs,
    evidenceLog: { records: RECORDS, appendsPerSecondActiveCases: activeCases, appendsPerSecondDistinctCases: distinctCases },
    baseline: { design: "@openzeppelin/merkle-tree StandardMerkleTree.of(leaves, ['bytes32']), in memory, built once", leaves: BASELINE, leavesPerSecond: ozLeavesPerSecond, getProofMs: ozProofMs },
    ratioOursOverBaseline: ratio,
    targets: { appendsPerSecond: 50_000, proofMs: 1 },
  };
  await writeResult("merkle", result);
  await mergeEvidenceResult({ measuredAt: result.measuredAt, appendsPerSecond, inclusionProofMs: proofs.inclusionProofMs, consistencyProofMs: proofs.consistencyProofMs, evidenceLogAppendsPerSecond: activeCases });
  await updateBenchmarksSection(
    "merkle",
    `## Evidence log (\`npm run bench:merkle\`)

Measured ${result.measuredAt.slice(0, 10)} on ${describeMachine()}. RFC 6962 log in LevelDB, ${BATCH.toLocaleString("en")} records per
batch written with \`sync\` (one fsync each), records of ~300 bytes.

| | figure | target |
| --- | --- | --- |
| Merkle log append (leaf, tree nodes, record, size), ${n.toLocaleString("en")} leaves | **${appendsPerSecond.toLocaleString("en")}/s** | ≥ 50,000/s: ${met(appendsPerSecond >= 50_000)} |
| inclusion proof at ${n.toLocaleString("en")} leaves: generate + verify | **${proofs.inclusionProofMs} + ${proofs.inclusionVerifyMs} ms** | < 1 ms each: ${met(proofs.inclusionProofMs < 1 && proofs.inclusionVerifyMs < 1)} |
| consistency proof at ${n.toLocaleString("en")} leaves: generate + verify | **${proofs.consistencyProofMs} + ${proofs.consistencyVerifyMs} ms** | < 1 ms each: ${met(proofs.consistencyProofMs < 1 && proofs.consistencyVerifyMs < 1)} |
| whole evidence log (validation, \`prev\` chain, per-case index), 5,000 active cases | ${activeCases.toLocaleString("en")}/s | — |
| same, every record a new case (one index write per record) | ${distinctCases.toLocaleString("en")}/s | — |
| baseline: StandardMerkleTree.of, ${BASELINE.toLocaleString("en")} leaves, in memory, once | ${ozLeavesPerSecond.toLocaleString("en")} leaves/s; getProof ${ozProofMs} ms | — |

Ratio: the persisted, incremental log appends ${ratio}× as many leaves a second as StandardMerkleTree builds in memory
(which has no append: adding a leaf means building it again).
`,
  );
  say("wrote scripts/bench/results/merkle.json, evidence.json and BENCHMARKS.md");
} finally {
  await rm(dir, { recursive: true, force: true });
}
