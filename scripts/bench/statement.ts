/**
 * `npm run bench:statement` — one creditor–agency pair, one month: 100,000 cases and 300,000 confirmed repayments
 * (with 1% reversed and a schedule change mid-month) priced into a statement, its document, its SHA-256 over canonical
 * JSON and its CSV. Target < 5 s and < 300 MB peak RSS. The baseline, measured after ours in the same run, is the
 * naive way: Number (float) money, the schedule and the case looked up again for every line, totals rounded at the
 * end; the figures give its time and how many fen its totals are off by.
 * Writes scripts/bench/results/statement.json and BENCHMARKS.md.
 */
import { createHash } from "node:crypto";
import { loadavg } from "node:os";
import { getHeapStatistics } from "node:v8";
import { standardBuckets, feeScheduleHash, type FeeSchedule } from "../../node/domain/fees/fee-schedule.js";
import { statementCsv } from "../../node/domain/fees/statement-csv.js";
import { statementDocumentOf, statementHash } from "../../node/domain/fees/statement-document.js";
import { computeStatementBody } from "../../node/domain/fees/statement.js";
import type { ConfirmedRepayment, RepaymentReversal, StatementAssignment } from "../../node/domain/fees/statement-input.js";
import { describeMachine, machine, updateBenchmarksSection, writeResult } from "./report.js";
import { GATEWAY_HEAP } from "../toolchain/gateway-heap.mjs";

const CASES = Number(process.env.BENCH_STATEMENT_CASES ?? 100_000);
const REPAYMENTS = Number(process.env.BENCH_STATEMENT_REPAYMENTS ?? 300_000);
const TARGET_SECONDS = 5;
const TARGET_RSS_MB = 300;
const say = (line: string) => console.log(`[bench:statement] ${line}`);
const peakRssMB = () => Math.round(process.resourceUsage().maxRSS / 1024);

const CREDITOR_ID = 1;
const AGENCY_ID = 3;
const MONTH = "2026-11";
const MONTH_START = Date.parse("2026-11-01T00:00:00+08:00");
const schedules: FeeSchedule[] = [
  { creditorId: CREDITOR_ID, agencyId: AGENCY_ID, version: 1, effectiveFrom: "2026-01-01", model: { kind: "full-risk", buckets: standardBuckets(1500, 2500, 3500) } },
  { creditorId: CREDITOR_ID, agencyId: AGENCY_ID, version: 2, effectiveFrom: "2026-11-16", model: { kind: "half-risk", caseFeeFen: 3000n, buckets: standardBuckets(1200, 2000, 3000) } },
];
const agreed = schedules.map((schedule) => ({ schedule, hash: feeScheduleHash(schedule) }));

// Synthetic input, made before the clock starts: what the repayment ledger and the case index would hand over.
const caseKeys = Array.from({ length: CASES }, (_, i) => `0x${createHash("sha256").update(`case ${i}`).digest("hex")}`);
const assignment = (i: number): StatementAssignment => ({
  caseKey: caseKeys[i]!,
  // 2% of the cases are assigned in the month (the half-risk case fee), the rest before.
  assignedAt: new Date(i % 50 === 0 ? MONTH_START + (i % 29) * 86_400_000 : MONTH_START - (1 + (i % 200)) * 86_400_000).toISOString(),
  overdueDays: (i * 7) % 400,
});
// The assignments as the chain index's case history hands them over: the builder keeps what pricing needs.
function* assignmentStream(): Generator<StatementAssignment> {
  for (let i = 0; i < CASES; i++) yield assignment(i);
}
const repayment = (i: number): ConfirmedRepayment => {
  const paid = MONTH_START + ((i * 7919) % (29 * 86_400)) * 1000;
  return {
    entryId: `r${i}`,
    caseKey: caseKeys[(i * 31) % CASES]!,
    agencyId: AGENCY_ID,
    amountFen: BigInt(100 + ((i * 104_729) % 5_000_000)),
    paidAt: new Date(paid).toISOString(),
    confirmedAt: new Date(paid + 3_600_000).toISOString(),
  };
};
const reversal = (k: number): RepaymentReversal => {
  const reversed = repayment(k * 100);
  return { entryId: `v${k}`, reversedAt: new Date(Date.parse(reversed.confirmedAt) + 60_000).toISOString(), reversed };
};
const REVERSALS = Math.ceil(REPAYMENTS / 100);
// The entries as a ledger read hands them over, one at a time: the builder keeps what a line needs (case key, time,
// amount), and no array of every input object is held beside the lines.
function* confirmedStream(): Generator<ConfirmedRepayment> {
  for (let i = 0; i < REPAYMENTS; i++) yield repayment(i);
}
function* reversalStream(): Generator<RepaymentReversal> {
  for (let k = 0; k < REVERSALS; k++) yield reversal(k);
}
const scope = { creditorId: CREDITOR_ID, agencyId: AGENCY_ID, month: MONTH, schedules: agreed, assignments: assignmentStream() };
say(`${CASES.toLocaleString("en")} cases, ${REPAYMENTS.toLocaleString("en")} repayments, ${REVERSALS.toLocaleString("en")} reversals; input ready, peak RSS ${peakRssMB()} MB`);

// Ours.
const cpu0 = process.cpuUsage();
let t0 = performance.now();
const statement = computeStatementBody(scope, { confirmed: confirmedStream(), reversals: reversalStream() });
const computeMs = performance.now() - t0;
const doc = statementDocumentOf(statement, { issuedAt: new Date().toISOString() });
const hash = statementHash(doc);
const hashMs = performance.now() - t0 - computeMs;
let csvBytes = 0;
for (const chunk of statementCsv(doc)) csvBytes += Buffer.byteLength(chunk);
const seconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
const oursRss = peakRssMB();
say(`ours: ${seconds.toFixed(2)} s (compute ${(computeMs / 1000).toFixed(2)} s, document + hash ${(hashMs / 1000).toFixed(2)} s, CSV ${(csvBytes / 1e6).toFixed(1)} MB), ${statement.totals.lines.toLocaleString("en")} lines, fees ${statement.totals.feeFen} fen, peak RSS ${oursRss} MB, ${hash.slice(0, 18)}…`);

// Baseline: float money, every line looks its schedule and case up again, the total rounded once at the end.
t0 = performance.now();
const naiveLines: Array<{ id: string; amount: number; fee: number }> = [];
const floatSchedules = schedules.map((s) => ({ from: Date.parse(`${s.effectiveFrom}T00:00:00+08:00`), s }));
const bpOf = (s: FeeSchedule, days: number) => (s.model.kind === "no-risk" ? 0 : s.model.buckets.find((b) => days >= b.fromDays && (b.toDays === null || days <= b.toDays))!.bp);
const caseIndex = new Map(Array.from(assignmentStream(), (a) => [a.caseKey, a]));
for (const r of [...Array.from(confirmedStream(), (c) => ({ ...c, sign: 1 })), ...Array.from(reversalStream(), (v) => ({ ...v.reversed, entryId: v.entryId, sign: -1 }))]) {
  const paid = Date.parse(r.paidAt);
  const schedule = floatSchedules.filter((f) => f.from <= paid).sort((a, b) => b.from - a.from)[0]!.s;
  const a = caseIndex.get(r.caseKey)!;
  const sign = r.sign;
  const amount = (sign * Number(r.amountFen)) / 100;
  naiveLines.push({ id: r.entryId, amount, fee: (amount * bpOf(schedule, a.overdueDays)) / 10_000 });
}
naiveLines.sort((x, y) => x.id.localeCompare(y.id));
const naiveTotal = Math.round(naiveLines.reduce((sum, l) => sum + l.fee, 0) * 100);
const naiveJson = JSON.stringify(naiveLines);
const naiveHash = createHash("sha256").update(naiveJson).digest("hex");
const naiveSeconds = (performance.now() - t0) / 1000;
const naiveCommission = BigInt(naiveTotal);
const offByFen = naiveCommission - statement.totals.commissionFen;
say(`naive: ${naiveSeconds.toFixed(2)} s, commission ${naiveCommission} fen (the total rounded once differs from the sum of rounded lines by ${offByFen} fen), ${naiveHash.slice(0, 8)}…`);

const ratio = Math.round((naiveSeconds / seconds) * 100) / 100;
const met = (ok: boolean) => (ok ? "met" : "**missed**");
const result = {
  measuredAt: new Date().toISOString(),
  machine: machine(),
  cases: CASES,
  repayments: REPAYMENTS,
  reversals: REVERSALS,
  lines: statement.totals.lines,
  seconds: Math.round(seconds * 100) / 100,
  // CPU of all the process's threads over the same span: on a machine busy with other work, wall time exceeds it.
  cpuSeconds: Math.round(cpuSeconds * 100) / 100,
  loadAverage: loadavg().map((l) => Number(l.toFixed(2))),
  computeSeconds: Math.round(computeMs / 10) / 100,
  documentAndHashSeconds: Math.round(hashMs / 10) / 100,
  csvMB: Math.round(csvBytes / 1e5) / 10,
  peakRssMB: oursRss,
  // The V8 heap bound of this run: the gateway's (256 MB of old generation) when run by npm run bench:statement.
  heapLimitMB: Math.round(getHeapStatistics().heap_size_limit / 2 ** 20),
  baseline: {
    design: "Number (float) money, schedule and case looked up again per line, total rounded once at the end, JSON.stringify",
    seconds: Math.round(naiveSeconds * 100) / 100,
    commissionOffByFen: offByFen.toString(),
  },
  ratioBaselineOverOurs: ratio,
  targets: { seconds: TARGET_SECONDS, peakRssMB: TARGET_RSS_MB, secondsMet: seconds < TARGET_SECONDS, rssMet: oursRss < TARGET_RSS_MB },
};
await writeResult("statement", result);
await updateBenchmarksSection(
  "statement",
  `## Monthly statement (\`npm run bench:statement\`)

Measured ${result.measuredAt.slice(0, 10)} on ${describeMachine()}. One pair, one month: ${CASES.toLocaleString("en")} cases,
${REPAYMENTS.toLocaleString("en")} confirmed repayments, ${REVERSALS.toLocaleString("en")} reversals, a schedule change mid-month. Run as the
gateway runs, under its heap bound (\`${GATEWAY_HEAP}\`; V8's heap limit ${result.heapLimitMB} MB in this run).

| | figure | target |
| --- | --- | --- |
| statement: price every line, document, SHA-256 over canonical JSON, CSV | **${result.seconds} s** (compute ${result.computeSeconds} s, document + hash ${result.documentAndHashSeconds} s; ${result.cpuSeconds} CPU-s, load ${result.loadAverage[0]}) | < ${TARGET_SECONDS} s: ${met(result.targets.secondsMet)} |
| peak RSS (input included) | **${oursRss} MB** | < ${TARGET_RSS_MB} MB: ${met(result.targets.rssMet)} |
| baseline: float money, per-line look-ups, total rounded once | ${result.baseline.seconds} s; commission off by ${offByFen} fen | — |

Ratio: the baseline takes ${ratio}× our time (below 1: it is faster), and its total, rounded once from floats, is not
the sum of any lines anyone could check; ours also writes the document, its hash over canonical JSON and the CSV.
`,
);
say("wrote scripts/bench/results/statement.json and BENCHMARKS.md");
