/**
 * `npm run bench:verify` — `caseledger verify FILE RECEIPT --rpc URL --contract ADDRESS` of a 10 MB file, end to end as a
 * process (Node start, TypeScript loading, streaming SHA-256, receipt checks, four JSON-RPC questions to anvil), target
 * < 1 s; also offline. Baseline in the same run: `sha256sum` of the same file as a process, the least any verifier must
 * do. Writes scripts/bench/results/verify.json, merges verifyCli10MBMs into evidence.json, updates BENCHMARKS.md.
 */
import { spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { JsonRpcProvider, NonceManager, Wallet } from "ethers";
import { ANVIL_DEV_KEY, startAnvil } from "../../node/chain/anvil.js";
import { connectContracts } from "../../node/chain/contracts.js";
import { ensureDeployment } from "../../node/chain/deployment.js";
import { ROLE } from "../../node/domain/consortium/index.js";
import { recordJson } from "../../node/domain/evidence/record.js";
import { type AnchoredReceipt, RECEIPT_FORMAT } from "../../node/domain/evidence/receipt.js";
import { leafHash, toBytes32 } from "../../node/domain/merkle/index.js";
import { PROJECT_ROOT } from "../../node/paths.js";
import { mergeEvidenceResult } from "./evidence-results.js";
import { describeMachine, machine, updateBenchmarksSection, writeResult } from "./report.js";

const SIZE = 10 * 1024 * 1024;
const RUNS = 5;
const say = (line: string) => console.log(`[bench:verify] ${line}`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** The verdict in `caseledger verify --json` output (undefined when the output has none). */
function verdictOf(stdout: string): unknown {
  const answer: unknown = JSON.parse(stdout);
  return typeof answer === "object" && answer !== null && "verdict" in answer ? answer.verdict : undefined;
}

function timeProcess(cmd: string, args: string[]): { ms: number; code: number | null; stdout: string } {
  const t = performance.now();
  const r = spawnSync(cmd, args, { cwd: PROJECT_ROOT, encoding: "utf8" });
  return { ms: performance.now() - t, code: r.status, stdout: r.stdout };
}

const dir = await mkdtemp(join(tmpdir(), "caseledger-bench-verify-"));
const anvil = await startAnvil({ stateFile: join(dir, "chain", "state.json") });
const provider = new JsonRpcProvider(anvil.rpcUrl, undefined, { staticNetwork: true });
try {
  const operator = new NonceManager(new Wallet(ANVIL_DEV_KEY, provider));
  const { deployment } = await ensureDeployment({ provider, signer: operator, file: join(dir, "deployment.json") });
  const contracts = await connectContracts(deployment, operator);
  const member = Wallet.createRandom().connect(provider);
  await (await contracts.memberRegistry.admit(member.address, Wallet.createRandom().address, ROLE.AGENCY, `0x${"11".repeat(32)}`)).wait();
  await (await operator.sendTransaction({ to: member.address, value: 10n ** 18n })).wait();

  // A synthetic 10 MB recording, its record as the only leaf of member 1's log, anchored.
  const file = randomBytes(SIZE);
  const record = recordJson({
    v: 1,
    member: 1,
    caseKey: `0x${createHash("sha256").update("bench case").digest("hex")}`,
    kind: "call-recording",
    contentSha256: createHash("sha256").update(file).digest("hex"),
    contentSize: SIZE,
    mediaType: "audio/wav",
    capturedAt: new Date(Date.now() - 60_000).toISOString(),
    salt: randomBytes(16).toString("hex"),
  });
  const root = toBytes32(leafHash(Buffer.from(record)));
  const registry = contracts.evidenceRegistry.connect(member);
  const mined = (await (await registry.anchor(1, root, [])).wait())!;
  const block = (await provider.getBlock(mined.blockNumber))!;
  const contract = deployment.contracts.EvidenceRegistry.address;
  const receipt: AnchoredReceipt = {
    format: RECEIPT_FORMAT,
    status: "anchored",
    record,
    leafHash: root,
    leafIndex: 0,
    inclusionProof: [],
    checkpoint: { treeSize: 1, root },
    anchor: { chainId: deployment.chainId, contract, txHash: mined.hash, blockNumber: mined.blockNumber, blockTime: block.timestamp },
  };
  const filePath = join(dir, "recording.wav");
  const receiptPath = join(dir, "recording.receipt.json");
  await writeFile(filePath, file);
  await writeFile(receiptPath, JSON.stringify(receipt));

  const cli = ["--import", "tsx", join(PROJECT_ROOT, "bin", "caseledger.ts")];
  const online = [...cli, "verify", filePath, receiptPath, "--rpc", anvil.rpcUrl, "--contract", contract, "--json"];
  const offline = [...cli, "verify", filePath, receiptPath, "--json"];
  timeProcess(process.execPath, online); // warm tsx's transform cache, as any second run has it
  const onlineRuns: number[] = [];
  const offlineRuns: number[] = [];
  const baselineRuns: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const on = timeProcess(process.execPath, online);
    if (on.code !== 0 || verdictOf(on.stdout) !== "valid") throw new Error(`verify did not say valid: ${on.stdout.slice(0, 500)}`);
    onlineRuns.push(on.ms);
    const off = timeProcess(process.execPath, offline);
    if (verdictOf(off.stdout) !== "incomplete") throw new Error("offline verify did not say incomplete");
    offlineRuns.push(off.ms);
    baselineRuns.push(timeProcess("sha256sum", [filePath]).ms);
  }
  const verifyCli10MBMs = Math.round(median(onlineRuns));
  const offlineMs = Math.round(median(offlineRuns));
  const baselineMs = Math.round(median(baselineRuns));
  const ratio = Math.round((verifyCli10MBMs / baselineMs) * 10) / 10;
  say(`caseledger verify (10 MB, --rpc): ${verifyCli10MBMs} ms; offline ${offlineMs} ms; sha256sum ${baselineMs} ms (median of ${RUNS})`);
  const result = {
    measuredAt: new Date().toISOString(),
    machine: machine(),
    fileBytes: SIZE,
    runs: RUNS,
    verifyCli10MBMs,
    verifyCli10MBOfflineMs: offlineMs,
    baseline: { design: "sha256sum FILE as a process (hashing only: no receipt, no chain)", ms: baselineMs },
    ratioOursOverBaseline: ratio,
    targetMs: 1_000,
    met: verifyCli10MBMs < 1_000,
  };
  await writeResult("verify", result);
  await mergeEvidenceResult({ verifyCli10MBMs });
  await updateBenchmarksSection(
    "verify",
    `## Verification from the CLI (\`npm run bench:verify\`)

Measured ${result.measuredAt.slice(0, 10)} on ${describeMachine()}. \`caseledger verify FILE RECEIPT\` of a 10 MB file, end to end
as a process: Node start, loading the TypeScript sources (tsx, transform cache warm), streaming SHA-256, the receipt's
checks and, with \`--rpc\`, four JSON-RPC questions to a local anvil. Median of ${RUNS} runs.

| | time | target |
| --- | --- | --- |
| \`caseledger verify\` with \`--rpc --contract\` (verdict valid) | **${verifyCli10MBMs} ms** | < 1 s: ${result.met ? "met" : "**missed**"} |
| \`caseledger verify\` offline (verdict incomplete: anchor not checked) | ${offlineMs} ms | — |
| baseline: \`sha256sum\` of the same file | ${baselineMs} ms | — |

Ratio: ${ratio}× the time of hashing the file alone; the difference is Node and module start-up and the chain's answers.
`,
  );
} finally {
  provider.destroy();
  await anvil.stop();
  await rm(dir, { recursive: true, force: true });
}
