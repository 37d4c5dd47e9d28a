/**
 * `npm run bench:settlement` — the money loop's figures (docs/design.md §19): a month's statement of one pair with
 * 100,000 cases and 300,000 repayments (< 5 s, < 300 MB peak RSS) and the bulk confirmation of 100,000 reported
 * repayments in requests of at most 20,000 (≥ 20,000 lines a second), each with its naive baseline in the same run.
 * Each part runs in its own child process, one after the other, so that its peak RSS is its own and one part's
 * garbage does not slow the other: bench:statement (scripts/bench/statement.ts) and bench:repayments
 * (scripts/bench/repayments.ts), which also run alone and keep their own sections of BENCHMARKS.md.
 * Writes scripts/bench/results/settlement.json (both parts' results, the load around each) and BENCHMARKS.md.
 */
import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { loadavg } from "node:os";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../node/paths.js";
import { GATEWAY_HEAP } from "../toolchain/gateway-heap.mjs";
import { describeMachine, machine, updateBenchmarksSection, writeResult } from "./report.js";

const say = (line: string) => console.log(`[bench:settlement] ${line}`);
const load = () => loadavg().map((l) => Number(l.toFixed(2)));

interface StatementResult {
  seconds: number;
  cpuSeconds: number;
  peakRssMB: number;
  lines: number;
  cases: number;
  repayments: number;
  baseline: { seconds: number; commissionOffByFen: string };
  targets: { seconds: number; peakRssMB: number; secondsMet: boolean; rssMet: boolean };
}

interface RepaymentsResult {
  lines: number;
  requests: number;
  seconds: number;
  cpuSeconds: number;
  linesPerSecond: number;
  cpuMicrosPerLine: number;
  peakRssMB: number;
  target: number;
  baseline: { lines: number; linesPerSecond: number; cpuMicrosPerLine: number };
  ratioBulkOverBaseline: number;
}

/** Runs scripts/bench/<name>.ts in a child Node (the TypeScript loader this process runs with) and reads its result. */
async function part<T>(name: string, nodeFlags: string[] = []): Promise<{ result: T; loadBefore: number[]; loadAfter: number[] }> {
  const loadBefore = load();
  say(`${name}: child process, load ${loadBefore.join(", ")}`);
  const child = spawn(process.execPath, [...process.execArgv, ...nodeFlags, join(PROJECT_ROOT, "scripts", "bench", `${name}.ts`)], {
    cwd: PROJECT_ROOT,
    stdio: "inherit",
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", resolve);
  });
  if (code !== 0) throw new Error(`${name} exited with ${code}`);
  const text = await readFile(join(PROJECT_ROOT, "scripts", "bench", "results", `${name}.json`), "utf8");
  return { result: JSON.parse(text) as T, loadBefore, loadAfter: load() };
}

// The statement is priced in the gateway: under the gateway's heap bound.
const statement = await part<StatementResult>("statement", [GATEWAY_HEAP]);
const repayments = await part<RepaymentsResult>("repayments");
const s = statement.result;
const r = repayments.result;
const m = machine();
const met = (ok: boolean) => (ok ? "met" : "**missed**");
const fmt = (n: number) => Math.round(n).toLocaleString("en");
const confirmMet = r.linesPerSecond >= r.target;
await writeResult("settlement", {
  measuredAt: new Date().toISOString(),
  machine: m,
  statement: { ...statement.result, loadBefore: statement.loadBefore, loadAfter: statement.loadAfter },
  bulkConfirm: { ...repayments.result, loadBefore: repayments.loadBefore, loadAfter: repayments.loadAfter },
  targets: {
    statementSeconds: s.targets.seconds,
    statementPeakRssMB: s.targets.peakRssMB,
    confirmLinesPerSecond: r.target,
    statementSecondsMet: s.targets.secondsMet,
    statementRssMet: s.targets.rssMet,
    confirmMet,
  },
});
await updateBenchmarksSection(
  "settlement",
  `## Settlement: statement and bulk confirmation (\`npm run bench:settlement\`)

Measured ${new Date().toISOString().slice(0, 10)} on ${describeMachine(m)}. The two parts, each in its own child
process one after the other (its peak RSS its own), with their baselines in the same runs; details in the sections
\`bench:repayments\` and \`bench:statement\` above. Load average (1 min) before each part: ${statement.loadBefore[0]} and ${repayments.loadBefore[0]} on ${m.cores} cores.

| | figure | CPU (all threads) | peak RSS | target | baseline |
| --- | --- | --- | --- | --- | --- |
| statement, ${fmt(s.cases)} cases, ${fmt(s.repayments)} repayments (${fmt(s.lines)} lines): price, document, hash, CSV | **${s.seconds} s** | ${s.cpuSeconds} s | **${s.peakRssMB} MB** | < ${s.targets.seconds} s: ${met(s.targets.secondsMet)}; < ${s.targets.peakRssMB} MB: ${met(s.targets.rssMet)} | float money: ${s.baseline.seconds} s, commission off by ${s.baseline.commissionOffByFen} fen |
| bulk confirmation, ${fmt(r.lines)} lines in ${r.requests} requests | **${fmt(r.linesPerSecond)} lines/s** (${r.seconds} s) | ${fmt(r.cpuMicrosPerLine)} µs a line | ${r.peakRssMB} MB | ≥ ${fmt(r.target)} lines/s: ${met(confirmMet)} | one request a line: ${fmt(r.baseline.linesPerSecond)} lines/s, ${fmt(r.baseline.cpuMicrosPerLine)} µs a line (${r.ratioBulkOverBaseline}× slower) |

With other work on the machine, wall times run longer than the CPU figures allow; the CPU figures are the steadier
comparison between runs.
`,
);
say("wrote scripts/bench/results/settlement.json and BENCHMARKS.md");
