/**
 * `npm run bench:check` — ownership checks over HTTP at 1,000,000 cases: an agency gateway (real HTTP, real
 * LevelDB, real anvil) whose chain index holds 1M synthetic assignments, loaded by a separate process with
 * keep-alive connections for a bounded time. Baseline, same run, same load: asking the chain node directly
 * (`eth_call CaseRegistry.caseOf`) — what an agency would do without the gateway's index.
 * Writes scripts/bench/results/check.json and BENCHMARKS.md.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { fileURLToPath } from "node:url";
import { Interface } from "ethers";
import { loadArtifact } from "../../node/chain/artifacts.js";
import { startGateway } from "../../node/gateway.js";
import { openDatabase } from "../../node/store/database.js";
import { ROLE, startConsortium } from "../lib/dev-consortium.js";
import { describeMachine, machine, updateBenchmarksSection, writeResult } from "./report.js";

const CASES = Number(process.env.BENCH_CHECK_CASES ?? 1_000_000);
const SECONDS = Number(process.env.BENCH_CHECK_SECONDS ?? 15);
const CONCURRENCY = Number(process.env.BENCH_CHECK_CONCURRENCY ?? 64);
const TARGET_RPS = 5_000;
const TARGET_P99_MS = 20;
const progress = (line: string) => console.log(`[bench:check] ${line}`);

const key = (label: string, i: number) => `0x01${createHash("sha256").update(`${label}/${i}`).digest("hex").slice(2)}`;

interface LoadResult {
  requests: number;
  errors: number;
  requestsPerSecond: number;
  p50ms: number;
  p99ms: number;
  maxMs: number;
}

/** Runs the load client in its own process (asynchronously: the gateway under test lives in this one). */
function load(spec: object): Promise<LoadResult> {
  const client = fileURLToPath(new URL("./load-client.ts", import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", client], { stdio: ["pipe", "pipe", "inherit"] });
    child.stdin.end(JSON.stringify(spec));
    let out = "";
    child.stdout.on("data", (c) => (out += c));
    child.on("close", (code) => (code === 0 ? resolve(JSON.parse(out.trim()) as LoadResult) : reject(new Error(`load client exited ${code}`))));
  });
}

const consortium = await startConsortium([
  { name: "lender", roles: ROLE.LENDER },
  { name: "agency", roles: ROLE.AGENCY },
]);
try {
  const agencyConfig = consortium.member("agency").config;
  // First start: the index is created and caught up with the chain; then 1M assignments are written into it,
  // in its own layout, as the indexer would after replaying 5,000 batches of 200 (which takes anvil minutes).
  let gateway = await startGateway(agencyConfig, { log: () => {} });
  await gateway.indexer.sync();
  await gateway.close();
  const store = await openDatabase(agencyConfig.dataDir);
  const meta = JSON.parse((await store.kv.chainIndex.get("meta")) as string) as { generation: number };
  const g = `g${String(meta.generation).padStart(6, "0")}`;
  const now = Math.floor(Date.now() / 1000);
  const until = now + 90 * 86_400;
  progress(`writing ${CASES.toLocaleString("en")} assignments into the agency's chain index…`);
  for (let start = 0; start < CASES; start += 10_000) {
    const ops = [];
    for (let i = start; i < Math.min(CASES, start + 10_000); i++) {
      const caseKey = key("case", i);
      const debtorKey = key("debtor", i % 700_000);
      const record = {
        caseKey,
        debtorKey,
        creditorId: 1,
        agencyId: 2,
        status: "Assigned",
        assignedAt: now,
        until,
        registered: { txHash: key("tx", Math.floor(i / 200)), block: 10 + Math.floor(i / 200) },
        lastChange: { txHash: key("tx", Math.floor(i / 200)), block: 10 + Math.floor(i / 200), logIndex: i % 200 },
        assignment: { txHash: key("tx", Math.floor(i / 200)), block: 10 + Math.floor(i / 200) },
      };
      ops.push(
        { type: "put" as const, key: `${g}/case/${caseKey}`, value: JSON.stringify(record) },
        { type: "put" as const, key: `${g}/debtor/${debtorKey}/${caseKey}`, value: "1" },
        { type: "put" as const, key: `${g}/agency/${"2".padStart(10, "0")}/${caseKey}`, value: "1" },
        { type: "put" as const, key: `${g}/held/${"2".padStart(10, "0")}/${String(until).padStart(12, "0")}/${caseKey}`, value: "1" },
      );
    }
    await store.kv.chainIndex.batch(ops, {});
    if (start % 100_000 === 0) process.stdout.write(`\r  ${start.toLocaleString("en")}`);
  }
  process.stdout.write("\n");
  await store.close();

  gateway = await startGateway(agencyConfig, { log: () => {} });
  const token = (await gateway.tokens.create("agency", "bench")).token;
  const paths = Array.from({ length: 20_000 }, (_, i) => `/v1/ownership?caseKey=${key("case", Math.floor((i * 7919) % CASES))}`);
  const probe = await fetch(`${gateway.url}${paths[0]}`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.json() as Promise<{ authorized: boolean }>);
  if (!probe.authorized) throw new Error("the benchmark's synthetic index is not being read");
  progress(`load: ${CONCURRENCY} connections for ${SECONDS} s against the gateway…`);
  const ours = await load({ url: gateway.url, method: "GET", headers: { authorization: `Bearer ${token}` }, pool: paths, concurrency: CONCURRENCY, seconds: SECONDS });
  progress(`gateway: ${Math.round(ours.requestsPerSecond).toLocaleString("en")} req/s, p50 ${ours.p50ms.toFixed(2)} ms, p99 ${ours.p99ms.toFixed(2)} ms, errors ${ours.errors}`);

  const abi = new Interface((await loadArtifact("CaseRegistry")).abi as never);
  const registry = consortium.deployment.contracts.CaseRegistry.address;
  const bodies = Array.from({ length: 2_000 }, (_, i) =>
    JSON.stringify({ jsonrpc: "2.0", id: i, method: "eth_call", params: [{ to: registry, data: abi.encodeFunctionData("caseOf", [key("case", i)]) }, "latest"] }),
  );
  progress(`baseline: the same load as eth_call caseOf straight to the chain node…`);
  const naive = await load({ url: consortium.anvil.rpcUrl, method: "POST", headers: {}, pool: bodies, concurrency: CONCURRENCY, seconds: SECONDS });
  progress(`chain node: ${Math.round(naive.requestsPerSecond).toLocaleString("en")} req/s, p99 ${naive.p99ms.toFixed(2)} ms`);
  await gateway.close();

  const ratio = Math.round((ours.requestsPerSecond / naive.requestsPerSecond) * 100) / 100;
  const result = {
    measuredAt: new Date().toISOString(),
    machine: machine(),
    cases: CASES,
    requestsPerSecond: ours.requestsPerSecond,
    p99Ms: ours.p99ms,
    concurrency: CONCURRENCY,
    seconds: SECONDS,
    gateway: ours,
    baseline: { design: "eth_call CaseRegistry.caseOf on the chain node (anvil), same load", ...naive },
    ratioOursOverBaseline: ratio,
    targets: { requestsPerSecond: TARGET_RPS, p99ms: TARGET_P99_MS, rpsMet: ours.requestsPerSecond >= TARGET_RPS, p99Met: ours.p99ms < TARGET_P99_MS },
  };
  const file = await writeResult("check", result);
  const met = (ok: boolean) => (ok ? "met" : "**missed**");
  await updateBenchmarksSection(
    "check",
    `## Ownership check over HTTP (\`npm run bench:check\`)

Measured ${result.measuredAt.slice(0, 10)} on ${describeMachine(result.machine)}: an agency gateway whose chain index
holds ${CASES.toLocaleString("en")} assignments; \`GET /v1/ownership?caseKey=…\` with a staff token, ${CONCURRENCY} keep-alive
connections (autocannon) from a separate process on the same 2 cores, ${SECONDS} s.

| | req/s | p50 | p99 | errors |
| --- | --- | --- | --- | --- |
| gateway (index in LevelDB) | **${Math.round(ours.requestsPerSecond).toLocaleString("en")}** (target ≥ ${TARGET_RPS.toLocaleString("en")}: ${met(result.targets.rpsMet)}) | ${ours.p50ms.toFixed(2)} ms | **${ours.p99ms.toFixed(2)} ms** (target < ${TARGET_P99_MS}: ${met(result.targets.p99Met)}) | ${ours.errors} |
| baseline: eth_call caseOf on the node | ${Math.round(naive.requestsPerSecond).toLocaleString("en")} | ${naive.p50ms.toFixed(2)} ms | ${naive.p99ms.toFixed(2)} ms | ${naive.errors} |

Ratio: the gateway answers ${ratio}× the baseline's rate (and adds the proof: transaction and block).`,
  );
  progress(`wrote ${file} and BENCHMARKS.md`);
} finally {
  await consortium.stop();
}
