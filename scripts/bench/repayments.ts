/**
 * `npm run bench:repayments` — the creditor's bulk confirmation (POST /v1/repayments/confirm): lines a second for
 * BENCH_REPAYMENT_LINES reported repayments (default 100,000, the issue's size; one per case: the worst case, every
 * line its own case's ledger) confirmed as a client must, in requests of at most MAX_BULK_DECISIONS (20,000) sent one
 * after another, through the real ledger store, the real evidence log (one notarized record per decision,
 * group-committed) and the real peer outbox (the decisions' messages to the agency, whose sending is stubbed). Target
 * ≥ 20,000 lines a second (docs/design.md §19). The baseline, measured in the same run on the same store: a naive
 * client confirming BENCH_REPAYMENT_BASELINE_LINES other lines (default 1,000) one request per line, each its own
 * notarization (one synced write), ledger write and message. Both sides call the service in process (no HTTP), so
 * the ratio is the path's, not the transport's. Writes scripts/bench/results/repayments.json and BENCHMARKS.md.
 */
import { createHash } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import type { RepaymentEntry } from "../../node/domain/repayments/entries.js";
import { PeerOutbox } from "../../node/services/peer/outbox.js";
import { MAX_BULK_DECISIONS, RepaymentLedger } from "../../node/services/repayments/ledger.js";
import type { StoredCase } from "../../node/store/case-records.js";
import { openDatabase } from "../../node/store/database.js";
import { EvidenceLog } from "../../node/store/evidence-log/evidence-log.js";
import { describeMachine, machine, updateBenchmarksSection, writeResult } from "./report.js";

const LINES = Number(process.env.BENCH_REPAYMENT_LINES ?? 100_000);
const BASELINE_LINES = Number(process.env.BENCH_REPAYMENT_BASELINE_LINES ?? 1_000);
const TARGET = 20_000;
const say = (line: string) => console.log(`[bench:repayments] ${line}`);
const hex = (s: string) => createHash("sha256").update(s).digest("hex");
const fmt = (n: number) => Math.round(n).toLocaleString("en");
const lender = { tokenId: "bench", role: "lender" };

/** Wall and CPU time (user + system, all of the process's threads: LevelDB's included) of `work`. */
async function timed<T>(work: () => Promise<T>): Promise<{ value: T; seconds: number; cpuSeconds: number }> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const value = await work();
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { value, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

const dir = await mkdtemp(join(tmpdir(), "caseledger-bench-repayments-"));
try {
  const store = await openDatabase(dir);
  const clock = Date.now;
  const evidenceLog = await EvidenceLog.open(store.kv.evidence, 1, clock);
  const keys = Array.from({ length: LINES + BASELINE_LINES }, (_, i) => `0x${hex(`case ${i}`)}`);
  // The lender's cases as the ledger reads them (its outstanding at registration and its creditor): a map, so that
  // only the ledger's own reads are timed.
  const cases = new Map(keys.map((caseKey) => [caseKey, { caseKey, creditorId: 1, outstandingFen: "1000000" } as StoredCase]));
  const outbox = new PeerOutbox({ store: store.peerOutbox, channel: { send: () => Promise.reject(new Error("not sent in the benchmark")) }, clock, retryMs: 60_000, maxAttempts: 1, log: () => {} });
  const ledger = new RepaymentLedger({
    ledger: store.repayments,
    cases: { get: (k) => Promise.resolve(cases.get(k)), getMany: (ks) => Promise.resolve(ks.map((k) => cases.get(k))) },
    casesOf: () => Promise.reject(new Error("no chain in the benchmark: decisions do not read it")),
    notarize: (drafts) => evidenceLog.append(drafts),
    deliver: (to, kind, body) => outbox.deliver(to, kind, body),
    memberId: 1,
    clock,
    waiverLimitPercent: 30,
  });
  const at = new Date().toISOString();
  const entries: RepaymentEntry[] = keys.map((caseKey, i) => ({ type: "repayment", id: hex(`r ${i}`).slice(0, 32), caseKey, recordedAt: at, amountFen: "12345", paidAt: at, channel: "agency-escrow", payer: "debtor", reportedBy: 2, agencyId: 2, voucher: { leafHash: `0x${hex(`v ${i}`)}` } }));
  await store.repayments.append(entries);
  const bulkIds = entries.slice(0, LINES).map((e) => e.id);
  const baselineIds = entries.slice(LINES).map((e) => e.id);
  const load = loadavg();

  const requests = Math.ceil(LINES / MAX_BULK_DECISIONS);
  say(`confirming ${fmt(LINES)} reported repayments in ${requests} request(s) of at most ${fmt(MAX_BULK_DECISIONS)}, one after another…`);
  const bulk = await timed(async () => {
    let done = 0;
    for (let from = 0; from < LINES; from += MAX_BULK_DECISIONS) {
      const results = await ledger.decide(bulkIds.slice(from, from + MAX_BULK_DECISIONS), "confirmed", undefined, lender);
      done += results.filter((r) => "state" in r).length;
    }
    await outbox.idle();
    return done;
  });
  const confirmed = bulk.value;
  if (confirmed !== LINES) throw new Error(`${LINES - confirmed} lines not confirmed`);
  const linesPerSecond = LINES / bulk.seconds;
  say(`${fmt(linesPerSecond)} lines/s (${bulk.seconds.toFixed(2)} s, ${bulk.cpuSeconds.toFixed(2)} CPU-s; target ${fmt(TARGET)})`);

  say(`baseline: ${fmt(BASELINE_LINES)} lines, one request each…`);
  const naive = await timed(async () => {
    for (const id of baselineIds) await ledger.decideOne(id, "confirmed", undefined, lender);
  });
  await outbox.idle();
  const naivePerSecond = BASELINE_LINES / naive.seconds;
  const ratio = Math.round((linesPerSecond / naivePerSecond) * 100) / 100;
  const cpuMicrosPerLine = (bulk.cpuSeconds / LINES) * 1e6;
  const naiveCpuMicrosPerLine = (naive.cpuSeconds / BASELINE_LINES) * 1e6;
  say(`baseline ${fmt(naivePerSecond)} lines/s (${naive.seconds.toFixed(2)} s); bulk ${ratio}× the baseline, on ${describeMachine()}`);
  if (evidenceLog.size !== LINES + BASELINE_LINES) throw new Error(`${evidenceLog.size} records notarized for ${LINES + BASELINE_LINES} decisions`);

  const m = machine();
  await writeResult("repayments", {
    lines: LINES,
    requests,
    linesPerRequest: MAX_BULK_DECISIONS,
    seconds: Number(bulk.seconds.toFixed(3)),
    cpuSeconds: Number(bulk.cpuSeconds.toFixed(3)),
    peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
    linesPerSecond: Math.round(linesPerSecond),
    cpuMicrosPerLine: Math.round(cpuMicrosPerLine),
    target: TARGET,
    baseline: { design: "a naive client: one request per line (decideOne), each its own notarization, ledger write and message", lines: BASELINE_LINES, seconds: Number(naive.seconds.toFixed(3)), linesPerSecond: Math.round(naivePerSecond), cpuMicrosPerLine: Math.round(naiveCpuMicrosPerLine) },
    ratioBulkOverBaseline: ratio,
    loadAverage: load.map((l) => Number(l.toFixed(2))),
    machine: m,
    at: new Date().toISOString(),
  });
  await updateBenchmarksSection(
    "repayments",
    `
## Repayments: bulk confirmation (\`npm run bench:repayments\`)

Measured ${new Date().toISOString().slice(0, 10)} on ${describeMachine(m)}: ${fmt(LINES)} reported repayments
confirmed in ${requests} \`POST /v1/repayments/confirm\` of at most ${fmt(MAX_BULK_DECISIONS)} (the API's limit) sent
one after another, as a client would, one per case (every line its own case's ledger), through the real ledger store, the
real evidence log (each decision notarized as its own record, kind \`repayment\`) and the real peer outbox (the messages
to the agency; their sending stubbed), called in process. Baseline in the same run: a naive client confirming
${fmt(BASELINE_LINES)} other lines one request per line (\`decideOne\`: each its own notarization with a synced write,
ledger write and message).

| | lines/s | wall time | CPU per line (all threads) |
| --- | --- | --- | --- |
| bulk, ${fmt(LINES)} lines in ${requests} request(s) | **${fmt(linesPerSecond)}** (target ≥ ${fmt(TARGET)}: ${linesPerSecond >= TARGET ? "met" : "**missed**"}) | ${bulk.seconds.toFixed(2)} s | ${fmt(cpuMicrosPerLine)} µs |
| baseline, ${fmt(BASELINE_LINES)} lines one request each | ${fmt(naivePerSecond)} | ${naive.seconds.toFixed(2)} s | ${fmt(naiveCpuMicrosPerLine)} µs |

Ratio: the bulk confirms ${ratio}× the baseline's lines a second. Load average when the run began (1, 5, 15 min):
${load.map((l) => l.toFixed(2)).join(", ")} on ${m.cores} cores; with other work on the machine the wall times are
longer than the CPU figures allow.
`,
  );
  await store.close();
} finally {
  await rm(dir, { recursive: true, force: true });
}
