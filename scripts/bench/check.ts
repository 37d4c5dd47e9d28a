/**
 * `npm run bench:check` — ownership checks over HTTP at 1,000,000 cases: an agency gateway (real HTTP, real
 * LevelDB, real anvil) whose chain index holds 1M synthetic assignments, loaded by a separate process with
 * keep-alive connections for a bounded time. Baseline, same run, same load: asking the chain node directly
 * (`eth_call CaseRegistry.caseOf`) — what an agency would do without the gateway's index.
 *
 * The gateway runs as `npm run gateway` runs it (node/main.ts, from the sources here rather than the build: the
 * same code once loaded; 256 MB heap, JSON access log on stdout, here a file), in its own process, so that its CPU time per request can be read from /proc: on a machine shared
 * with other work that figure is steadier than requests per second. `BENCH_CHECK_CPU_PROF=DIR` writes a
 * V8 CPU profile of the gateway under load into DIR.
 * Writes scripts/bench/results/check.json and BENCHMARKS.md.
 */
import { spawn } from "node:child_process";
import { open, readFile, writeFile } from "node:fs/promises";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { Interface } from "ethers";
import { loadArtifact } from "../../node/chain/artifacts.js";
import { startGateway } from "../../node/gateway.js";
import { PROJECT_ROOT } from "../../node/paths.js";
import { StaffTokens } from "../../node/services/staff-tokens.js";
import { openDatabase } from "../../node/store/database.js";
import { ROLE, startConsortium } from "../lib/dev-consortium.js";
import { PER_TX, seedCaseIndex, syntheticKey, verifySeed } from "./check-index-seed.js";
import { runLoadClient } from "./load-client-run.js";
import { describeMachine, machine, updateBenchmarksSection, writeResult } from "./report.js";
import { GATEWAY_HEAP } from "../toolchain/gateway-heap.mjs";

const CASES = Number(process.env.BENCH_CHECK_CASES ?? 1_000_000);
const SECONDS = Number(process.env.BENCH_CHECK_SECONDS ?? 15);
const CONCURRENCY = Number(process.env.BENCH_CHECK_CONCURRENCY ?? 64);
/** A second run with fewer connections: a closed loop's latency is connections ÷ rate, whatever the server does. */
const FEW = Number(process.env.BENCH_CHECK_FEW_CONNECTIONS ?? 16);
const CPU_PROF = process.env.BENCH_CHECK_CPU_PROF;
const TARGET_RPS = 5_000;
const TARGET_P99_MS = 20;
/** Distinct case keys the load cycles through, spread over all the cases (no case is asked twice in a run). */
const POOL = Math.min(CASES, 100_000);
const progress = (line: string) => console.log(`[bench:check] ${line}`);

/** User + system CPU time of a process so far, in µs (Linux /proc; clock ticks of 10 ms). */
async function cpuMicros(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

const consortium = await startConsortium([
  { name: "lender", roles: ROLE.LENDER },
  { name: "agency", roles: ROLE.AGENCY },
]);
let gatewayProcess: ReturnType<typeof spawn> | undefined;
try {
  const agency = consortium.member("agency");
  const agencyConfig = agency.config;
  // First start: the index is created and caught up with the chain; then 1M assignments are written into it
  // in its own layout (check-index-seed.ts). The cursor stays at the chain's real head.
  const first = await startGateway(agencyConfig, { log: () => {} });
  await first.indexer.sync();
  await first.close();
  const store = await openDatabase(agencyConfig.dataDir);
  const meta = JSON.parse((await store.kv.chainIndex.get("meta")) as string) as { generation: number };
  const spec = { count: CASES, creditorId: consortium.member("lender").id, agencyId: agency.id, now: Math.floor(Date.now() / 1000) };
  progress(`writing ${CASES.toLocaleString("en")} assignments into the agency's chain index…`);
  const seedStarted = performance.now();
  await seedCaseIndex(store.kv.chainIndex, `g${String(meta.generation).padStart(6, "0")}/`, spec, (n) => {
    if (n % 1_000_000 === 0) process.stdout.write(`\r  ${n.toLocaleString("en")} keys`);
  });
  process.stdout.write("\n");
  // A gateway that has held its cases for a while reads a compacted LevelDB, not one still digesting the load.
  await store.compact();
  const seedSeconds = (performance.now() - seedStarted) / 1000;
  await verifySeed(store.kv.chainIndex, spec);
  progress(`index written and compacted in ${seedSeconds.toFixed(1)} s; its first ${2 * PER_TX} cases match what the indexer writes`);
  const token = (await new StaffTokens(store, agencyConfig.memberId, Date.now).create("agency", "bench")).token;
  await store.close();

  // The gateway as `npm run gateway` runs it, its stdout (the JSON access log) into a file.
  const home = join(consortium.dir, "members", "agency");
  const configFile = join(home, "gateway.json");
  await writeFile(configFile, JSON.stringify(agencyConfig));
  const logFile = join(home, "gateway.log");
  const logFd = await open(logFile, "w");
  const flags = [GATEWAY_HEAP, ...(CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${CPU_PROF}`] : [])];
  gatewayProcess = spawn(process.execPath, [...flags, "--import", "tsx", join(PROJECT_ROOT, "node", "main.ts"), "--config", configFile], {
    stdio: ["ignore", logFd.fd, "inherit"],
  });
  const child = gatewayProcess;
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  let url: string | undefined;
  for (const deadline = Date.now() + 60_000; !url; ) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error("the gateway did not start");
    await new Promise((resolve) => setTimeout(resolve, 200));
    const started = (await readFile(logFile, "utf8")).split("\n").find((line) => line.includes('"gateway started"'));
    if (started) url = (JSON.parse(started) as { url: string }).url;
  }
  // 7,919 is prime, so i·7919 mod CASES visits distinct cases all over the index.
  const paths = Array.from({ length: POOL }, (_, i) => `/v1/ownership?caseKey=${syntheticKey("case", (i * 7919) % CASES)}`);
  const probe = await fetch(`${url}${paths[0]}`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.json() as Promise<{ authorized: boolean }>);
  if (!probe.authorized) throw new Error("the benchmark's synthetic index is not being read");
  const logLinesBefore = (await readFile(logFile, "utf8")).split("\n").length;

  progress(`load: ${CONCURRENCY} connections for ${SECONDS} s against the gateway…`);
  const loadAverage = loadavg()[0] as number;
  const cpuBefore = await cpuMicros(child.pid as number);
  const ours = await runLoadClient({ url, method: "GET", headers: { authorization: `Bearer ${token}` }, pool: paths, concurrency: CONCURRENCY, seconds: SECONDS });
  const gatewayCpuUsPerRequest = ((await cpuMicros(child.pid as number)) - cpuBefore) / ours.requests;
  progress(`load: ${FEW} connections for ${SECONDS} s against the gateway…`);
  const few = await runLoadClient({ url, method: "GET", headers: { authorization: `Bearer ${token}` }, pool: paths, concurrency: FEW, seconds: SECONDS });
  child.kill("SIGTERM");
  if ((await exited) !== 0) throw new Error("the gateway did not stop cleanly");
  gatewayProcess = undefined;
  await logFd.close();
  // Every answered request has its access-log line (the log is buffered, not dropped).
  const logged = (await readFile(logFile, "utf8")).split("\n").length - logLinesBefore;
  if (logged < ours.requests + few.requests) throw new Error(`the access log holds ${logged} lines for ${ours.requests + few.requests} requests`);
  progress(
    `gateway: ${Math.round(ours.requestsPerSecond).toLocaleString("en")} req/s, p50 ${ours.p50ms.toFixed(2)} ms, p99 ${ours.p99ms.toFixed(2)} ms, ` +
      `errors ${ours.errors}; CPU ${gatewayCpuUsPerRequest.toFixed(0)} µs/request (load client ${ours.clientCpuUsPerRequest.toFixed(0)})`,
  );
  progress(`gateway, ${FEW} connections: ${Math.round(few.requestsPerSecond).toLocaleString("en")} req/s, p50 ${few.p50ms.toFixed(2)} ms, p99 ${few.p99ms.toFixed(2)} ms`);

  const abi = new Interface((await loadArtifact("CaseRegistry")).abi as never);
  const registry = consortium.deployment.contracts.CaseRegistry.address;
  const bodies = Array.from({ length: 2_000 }, (_, i) =>
    JSON.stringify({ jsonrpc: "2.0", id: i, method: "eth_call", params: [{ to: registry, data: abi.encodeFunctionData("caseOf", [syntheticKey("case", (i * 7919) % CASES)]) }, "latest"] }),
  );
  progress(`baseline: the same load as eth_call caseOf straight to the chain node…`);
  const naive = await runLoadClient({ url: consortium.anvil.rpcUrl, method: "POST", headers: {}, pool: bodies, concurrency: CONCURRENCY, seconds: SECONDS });
  progress(`chain node: ${Math.round(naive.requestsPerSecond).toLocaleString("en")} req/s, p99 ${naive.p99ms.toFixed(2)} ms`);

  const ratio = Math.round((ours.requestsPerSecond / naive.requestsPerSecond) * 100) / 100;
  // What the two cores could carry if nothing else ran: gateway and load client share them, so each request costs both.
  const cpuBoundRps = Math.round((cpus().length * 1e6) / (gatewayCpuUsPerRequest + ours.clientCpuUsPerRequest));
  const result = {
    measuredAt: new Date().toISOString(),
    machine: machine(),
    cases: CASES,
    requestsPerSecond: ours.requestsPerSecond,
    p99Ms: ours.p99ms,
    gatewayCpuUsPerRequest,
    clientCpuUsPerRequest: ours.clientCpuUsPerRequest,
    cpuBoundRps,
    loadAverageAtStart: loadAverage,
    concurrency: CONCURRENCY,
    seconds: SECONDS,
    seedSeconds,
    gateway: { ...ours, cpuUsPerRequest: gatewayCpuUsPerRequest, accessLogLines: logged },
    gatewayFewConnections: { concurrency: FEW, ...few },
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
holds ${CASES.toLocaleString("en")} assignments (written in the index's own layout and compacted, ${seedSeconds.toFixed(0)} s), run as
\`npm run gateway\` runs it (own process, 256 MB heap, JSON access log of every request to a file);
\`GET /v1/ownership?caseKey=…\` with a staff token, ${CONCURRENCY} keep-alive connections (autocannon) from a separate process
on the same 2 cores, ${SECONDS} s.

| | req/s | p50 | p99 | errors | CPU per request |
| --- | --- | --- | --- | --- | --- |
| gateway (index in LevelDB) | **${Math.round(ours.requestsPerSecond).toLocaleString("en")}** (target ≥ ${TARGET_RPS.toLocaleString("en")}: ${met(result.targets.rpsMet)}) | ${ours.p50ms.toFixed(2)} ms | **${ours.p99ms.toFixed(2)} ms** (target < ${TARGET_P99_MS}: ${met(result.targets.p99Met)}) | ${ours.errors} | ${gatewayCpuUsPerRequest.toFixed(0)} µs (gateway process) |
| same gateway, ${FEW} connections | ${Math.round(few.requestsPerSecond).toLocaleString("en")} | ${few.p50ms.toFixed(2)} ms | ${few.p99ms.toFixed(2)} ms | ${few.errors} | — |
| baseline: eth_call caseOf on the node | ${Math.round(naive.requestsPerSecond).toLocaleString("en")} | ${naive.p50ms.toFixed(2)} ms | ${naive.p99ms.toFixed(2)} ms | ${naive.errors} | — |

CPU per request is user + system time of the gateway process (all its threads, LevelDB's included) over the run, from
/proc; the load client itself used ${ours.clientCpuUsPerRequest.toFixed(0)} µs per request on the same cores. Together that bounds
this machine at ${cpuBoundRps.toLocaleString("en")} req/s even with nothing else running (2 cores × 10⁶ µs ÷ their sum); the
load average was ${loadAverage.toFixed(1)} when the run began (other work on the machine takes its share of the cores).
The load is a closed loop: each connection sends its next request when the answer arrives, so latency is about
connections ÷ rate, and the tail is where the two processes wait for a core; with ${FEW} connections the same gateway
answers at about the same rate with a fraction of the latency. The targets are judged on the ${CONCURRENCY}-connection run (autocannon
reports whole milliseconds).
Ratio: the gateway answers ${ratio}× the baseline's rate (and adds the proof: transaction and block).`,
  );
  progress(`wrote ${file} and BENCHMARKS.md`);
} finally {
  gatewayProcess?.kill("SIGKILL");
  await consortium.stop();
}
