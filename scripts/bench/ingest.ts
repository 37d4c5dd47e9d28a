/**
 * `npm run bench:ingest` — case list ingest: parse + validate + pseudonymize + de-duplicate + store, streaming,
 * for 1,000,000 synthetic rows; throughput, wall time and peak RSS, beside a naive baseline measured in the same
 * run (whole file in memory, split on newlines and commas, one LevelDB put per case). Each side runs in its own
 * process so that peak RSS is its own. Writes scripts/bench/results/ingest.json and BENCHMARKS.md.
 */
import { spawnSync } from "node:child_process";
import { createWriteStream } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import ExcelJS from "exceljs";
import { syntheticCaseLines } from "../lib/synthetic-cases.js";
import { describeMachine, machine, updateBenchmarksSection, writeResult } from "./report.js";
import { GATEWAY_HEAP } from "../toolchain/gateway-heap.mjs";

const ROWS = Number(process.env.BENCH_INGEST_ROWS ?? 1_000_000);
const BASELINE_ROWS = Number(process.env.BENCH_INGEST_BASELINE_ROWS ?? 200_000);
const TARGET_ROWS_PER_S = 100_000;
const TARGET_SECONDS_1M = 15;
const TARGET_RSS_MB = 400;
const XLSX_ROWS = Number(process.env.BENCH_INGEST_XLSX_ROWS ?? 1_000_000);
const XLSX_BASELINE_ROWS = Number(process.env.BENCH_INGEST_XLSX_BASELINE_ROWS ?? 50_000);
const TARGET_XLSX_ROWS_PER_S = 30_000;
const progress = (line: string) => console.log(`[bench:ingest] ${line}`);

async function writeCsv(file: string, rows: number): Promise<number> {
  const out = createWriteStream(file);
  let buffer = "";
  for (const line of syntheticCaseLines({ rows, seed: 7, errorRate: 0.01, sharedDebtorRate: 0.1 })) {
    buffer += `${line}\r\n`;
    if (buffer.length > 1 << 20) {
      if (!out.write(buffer)) await new Promise<void>((r) => out.once("drain", () => r()));
      buffer = "";
    }
  }
  out.end(buffer);
  await new Promise<void>((r) => out.once("finish", () => r()));
  return (await stat(file)).size;
}

/**
 * The same synthetic rows as a workbook, written as Excel keeps a list: amounts and days as numbers, ID numbers, loan
 * refs and phones as text, strings in the shared-string table (exceljs's streaming writer, so 1M rows fit in memory).
 */
async function writeXlsx(file: string, rows: number): Promise<number> {
  const book = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: true });
  const sheet = book.addWorksheet("清单");
  let n = 0;
  for (const line of syntheticCaseLines({ rows, seed: 7, errorRate: 0.01, sharedDebtorRate: 0.1 })) {
    const text = line.split(",");
    const cells: ExcelJS.CellValue[] = n++ > 0 ? text.map((v, i) => (i >= 4 && i <= 6 && /^\d+(\.\d{1,2})?$/.test(v) ? Number(v) : v)) : text;
    sheet.addRow(cells).commit();
  }
  sheet.commit();
  await book.commit();
  return (await stat(file)).size;
}

interface RunResult {
  rows: number;
  seconds: number;
  rowsPerSecond: number;
  peakRssMB: number;
  accepted: number;
  /** CPU time of the whole process (all threads), and the same per million rows. */
  cpuSeconds: number;
  cpuSecondsPer1MRows: number;
  /** CPU time of the main thread alone (the gateway's event loop), per million rows. */
  mainCpuSecondsPer1MRows: number;
}

function runWorker(mode: "streaming" | "in-thread" | "naive" | "xlsx" | "xlsx-in-thread" | "xlsx-naive", file: string, dataDir: string): RunResult {
  const worker = fileURLToPath(new URL("./ingest-worker.ts", import.meta.url));
  // The same heap bound as `npm run gateway` (scripts/toolchain/run.mjs).
  const result = spawnSync(process.execPath, [GATEWAY_HEAP, "--import", "tsx", worker, mode, file, dataDir], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    maxBuffer: 1 << 20,
  });
  if (result.status !== 0) throw new Error(`${mode} worker failed: ${result.stdout}`);
  return JSON.parse(result.stdout.trim().split("\n").pop() as string) as RunResult;
}

interface FloorResult {
  rows: number;
  cores: number;
  cpuMicrosPerRow: { hmacs: number; seal: number; writes: number; total: number };
  ceilingRowsPerSecond: number;
  /** The same writes in an append-only layout (a batch's cases as one value, a small index entry per row). */
  segmentLayout: { writes: number; total: number; ceilingRowsPerSecond: number };
}

/** The per-row floor of the gateway's own primitives on this machine (scripts/bench/ingest-floor.ts). */
function measureFloor(): FloorResult {
  const script = fileURLToPath(new URL("./ingest-floor.ts", import.meta.url));
  // As many rows as the ingest measured: LevelDB's compaction grows with the store.
  const env = { ...process.env, BENCH_INGEST_FLOOR_ROWS: String(ROWS) };
  const result = spawnSync(process.execPath, ["--import", "tsx", script], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], env });
  if (result.status !== 0) throw new Error(`the floor's measurement failed: ${result.stdout}`);
  return JSON.parse(result.stdout.trim().split("\n").pop() as string) as FloorResult;
}

const dir = await mkdtemp(join(tmpdir(), "caseledger-bench-ingest-"));
try {
  progress("measuring the floor: the HMACs, the seal and the writes every accepted row needs, alone…");
  const floor = measureFloor();
  const floorMicros = floor.cpuMicrosPerRow;
  const budgetMicros = (floor.cores * 1e6) / TARGET_ROWS_PER_S;
  progress(
    `floor ${floorMicros.total.toFixed(1)} CPU-µs a row (HMACs ${floorMicros.hmacs.toFixed(1)}, seal ${floorMicros.seal.toFixed(1)}, writes ${floorMicros.writes.toFixed(1)}; writes in an append-only layout ${floor.segmentLayout.writes.toFixed(1)}): at most ${floor.ceilingRowsPerSecond.toLocaleString("en")} rows/s on ${floor.cores} cores; the target allows ${budgetMicros.toFixed(0)} µs a row for everything`,
  );
  const bigFile = join(dir, "big.csv");
  const smallFile = join(dir, "small.csv");
  progress(`generating ${ROWS.toLocaleString("en")} synthetic rows…`);
  const bytes = await writeCsv(bigFile, ROWS);
  await writeCsv(smallFile, BASELINE_ROWS);
  progress(`${(bytes / 2 ** 20).toFixed(0)} MiB; ingesting (streaming)…`);
  const ours = runWorker("streaming", bigFile, join(dir, "ours"));
  progress(`streaming: ${ours.rows.toLocaleString("en")} rows in ${ours.seconds.toFixed(2)} s = ${Math.round(ours.rowsPerSecond).toLocaleString("en")} rows/s, peak RSS ${ours.peakRssMB} MB, ${ours.cpuSeconds.toFixed(1)} CPU-s`);
  progress(`baseline on ${BASELINE_ROWS.toLocaleString("en")} rows (naive: whole file, split, one put per case)…`);
  const ourSmall = runWorker("streaming", smallFile, join(dir, "ours-small"));
  const inThread = runWorker("in-thread", smallFile, join(dir, "in-thread"));
  const naive = runWorker("naive", smallFile, join(dir, "naive"));
  progress(`naive: ${Math.round(naive.rowsPerSecond).toLocaleString("en")} rows/s, peak RSS ${naive.peakRssMB} MB; ours on the same file ${Math.round(ourSmall.rowsPerSecond).toLocaleString("en")} rows/s, ${ourSmall.peakRssMB} MB (in-thread: ${Math.round(inThread.rowsPerSecond).toLocaleString("en")} rows/s, ${inThread.peakRssMB} MB)`);

  const xlsxFile = join(dir, "big.xlsx");
  const xlsxSmallFile = join(dir, "small.xlsx");
  progress(`writing ${XLSX_ROWS.toLocaleString("en")} rows as a workbook…`);
  const xlsxBytes = await writeXlsx(xlsxFile, XLSX_ROWS);
  await writeXlsx(xlsxSmallFile, XLSX_BASELINE_ROWS);
  progress(`${(xlsxBytes / 2 ** 20).toFixed(0)} MiB; ingesting the workbook…`);
  const xlsx = runWorker("xlsx", xlsxFile, join(dir, "xlsx"));
  progress(`xlsx: ${xlsx.rows.toLocaleString("en")} rows in ${xlsx.seconds.toFixed(2)} s = ${Math.round(xlsx.rowsPerSecond).toLocaleString("en")} rows/s, peak RSS ${xlsx.peakRssMB} MB`);
  const xlsxSmall = runWorker("xlsx", xlsxSmallFile, join(dir, "xlsx-small"));
  const xlsxInThread = runWorker("xlsx-in-thread", xlsxSmallFile, join(dir, "xlsx-in-thread"));
  const xlsxNaive = runWorker("xlsx-naive", xlsxSmallFile, join(dir, "xlsx-naive"));
  progress(`xlsx naive (exceljs reads the whole workbook): ${Math.round(xlsxNaive.rowsPerSecond).toLocaleString("en")} rows/s, ${xlsxNaive.peakRssMB} MB; ours on the same file ${Math.round(xlsxSmall.rowsPerSecond).toLocaleString("en")} rows/s, ${xlsxSmall.peakRssMB} MB`);
  const xlsxRatio = Math.round((xlsxSmall.rowsPerSecond / xlsxNaive.rowsPerSecond) * 100) / 100;

  const ratio = Math.round((ourSmall.rowsPerSecond / naive.rowsPerSecond) * 100) / 100;
  const cpuRatio = Math.round((naive.cpuSecondsPer1MRows / ourSmall.cpuSecondsPer1MRows) * 100) / 100;
  const result = {
    measuredAt: new Date().toISOString(),
    machine: machine(),
    rows: ROWS,
    rowsPerSecond: ours.rowsPerSecond,
    peakRssMB: ours.peakRssMB,
    cpuSecondsPer1MRows: ours.cpuSecondsPer1MRows,
    loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
    fileMiB: Math.round(bytes / 2 ** 20),
    floor: { ...floor, targetBudgetCpuMicrosPerRow: budgetMicros },
    streaming: ours,
    baseline: { design: "whole file in memory, split on newlines and commas, one LevelDB put per case", rows: BASELINE_ROWS, naive, oursOnSameFile: ourSmall, inThreadOnSameFile: inThread },
    xlsx: {
      rows: XLSX_ROWS,
      fileMiB: Math.round(xlsxBytes / 2 ** 20),
      ours: xlsx,
      baseline: { design: "exceljs reads the whole workbook into memory (non-streaming), one LevelDB put per case", rows: XLSX_BASELINE_ROWS, naive: xlsxNaive, oursOnSameFile: xlsxSmall, inThreadOnSameFile: xlsxInThread },
      ratioOursOverNaive: xlsxRatio,
      targetRowsPerSecond: TARGET_XLSX_ROWS_PER_S,
      rowsPerSecondMet: xlsx.rowsPerSecond >= TARGET_XLSX_ROWS_PER_S,
    },
    ratioOursOverNaive: ratio,
    cpuRatioNaiveOverOurs: cpuRatio,
    targets: {
      rowsPerSecond: TARGET_ROWS_PER_S,
      secondsFor1M: TARGET_SECONDS_1M,
      peakRssMB: TARGET_RSS_MB,
      rowsPerSecondMet: ours.rowsPerSecond >= TARGET_ROWS_PER_S,
      secondsMet: ROWS < 1_000_000 ? null : ours.seconds < TARGET_SECONDS_1M,
      rssMet: ours.peakRssMB < TARGET_RSS_MB,
    },
  };
  const file = await writeResult("ingest", result);
  const met = (ok: boolean | null) => (ok === null ? "n/a" : ok ? "met" : "**missed**");
  await updateBenchmarksSection(
    "ingest",
    `## Case list ingest (\`npm run bench:ingest\`)

Measured ${result.measuredAt.slice(0, 10)} on ${describeMachine(result.machine)}. ${ROWS.toLocaleString("en")} synthetic rows
(${result.fileMiB} MiB, 1 % with errors, 10 % shared debtors): read, validate, pseudonymize (HMAC), de-duplicate,
encrypt PII (AES-256-GCM) and store in LevelDB, streaming, in one process with the gateway's heap bound (256 MB): read,
validated, pseudonymized, sealed and encoded in the upload's worker thread, written by the main thread.

| | rows/s | wall time | peak RSS | CPU-s per 1M rows (all threads) | of which the main thread |
| --- | --- | --- | --- | --- | --- |
| CaseLedger, ${ROWS.toLocaleString("en")} rows | **${Math.round(ours.rowsPerSecond).toLocaleString("en")}** (target ≥ ${TARGET_ROWS_PER_S.toLocaleString("en")}: ${met(result.targets.rowsPerSecondMet)}) | **${ours.seconds.toFixed(1)} s** (target < ${TARGET_SECONDS_1M} s for 1M: ${met(result.targets.secondsMet)}) | **${ours.peakRssMB} MB** (target < ${TARGET_RSS_MB}: ${met(result.targets.rssMet)}) | ${ours.cpuSecondsPer1MRows.toFixed(1)} | ${ours.mainCpuSecondsPer1MRows.toFixed(1)} |
| CaseLedger, ${BASELINE_ROWS.toLocaleString("en")} rows | ${Math.round(ourSmall.rowsPerSecond).toLocaleString("en")} | ${ourSmall.seconds.toFixed(1)} s | ${ourSmall.peakRssMB} MB | ${ourSmall.cpuSecondsPer1MRows.toFixed(1)} | ${ourSmall.mainCpuSecondsPer1MRows.toFixed(1)} |
| CaseLedger in one thread (\`inThread\`), ${BASELINE_ROWS.toLocaleString("en")} rows | ${Math.round(inThread.rowsPerSecond).toLocaleString("en")} | ${inThread.seconds.toFixed(1)} s | ${inThread.peakRssMB} MB | ${inThread.cpuSecondsPer1MRows.toFixed(1)} | ${inThread.mainCpuSecondsPer1MRows.toFixed(1)} |
| naive baseline, ${BASELINE_ROWS.toLocaleString("en")} rows | ${Math.round(naive.rowsPerSecond).toLocaleString("en")} | ${naive.seconds.toFixed(1)} s | ${naive.peakRssMB} MB | ${naive.cpuSecondsPer1MRows.toFixed(1)} | ${naive.mainCpuSecondsPer1MRows.toFixed(1)} |

Load average during the run (1, 5, 15 min): ${result.loadAverage.join(", ")} on ${result.machine.cores} cores. With other work on the
machine the wall times are longer than the CPU figures allow; the CPU-seconds column is the steadier comparison.
Ratio on the same file: ours ${ratio}× the naive baseline's throughput; the baseline needs ${cpuRatio}× our CPU time per row.

The floor on this machine (\`scripts/bench/ingest-floor.ts\`, ${floor.rows.toLocaleString("en")} rows, the gateway's own primitives alone, all
threads): the two HMACs of the pseudonyms ${floorMicros.hmacs.toFixed(1)} CPU-µs a row, the AES-256-GCM seal of the PII ${floorMicros.seal.toFixed(1)},
the two LevelDB writes (case and loan ref, batches of 2,000, compaction until the store closes) ${floorMicros.writes.toFixed(1)}: **${floorMicros.total.toFixed(1)}**
CPU-µs a row before any parsing, validation, de-duplication or report, so at most **${floor.ceilingRowsPerSecond.toLocaleString("en")} rows/s** on its
${floor.cores} cores however the work is split. ${TARGET_ROWS_PER_S.toLocaleString("en")} rows/s on ${floor.cores} cores allows ${budgetMicros.toFixed(0)} CPU-µs a row for everything. The
whole ingest spends ${ours.cpuSecondsPer1MRows.toFixed(1)} here, so the rest of it (reading, validation, de-duplication, encoding, the
report, the hand-off between threads) takes ~${Math.max(0, ours.cpuSecondsPer1MRows - floorMicros.total).toFixed(0)}: on this machine that alone is beyond the budget, even were the seal and the
writes free (per-segment sealing and an append-only layout would cut those two, not the rest).

The store layout was measured rather than changed: the same writes in an append-only layout (each batch's cases as one
value under a key that only grows, and per row a 12-byte caseKey → place entry and the loan ref, both still at random
keys, since a case is looked up by its key) cost ${floor.segmentLayout.writes.toFixed(1)} CPU-µs a row against ${floorMicros.writes.toFixed(1)}: the floor would be
${floor.segmentLayout.total.toFixed(1)} and the ceiling ${floor.segmentLayout.ceilingRowsPerSecond.toLocaleString("en")} rows/s. Per-row LevelDB work is mostly the per-entry cost of the two
index entries, not the compaction of the case's bytes, so the layout would buy a few per cent at the price of how
every case is read.

The same rows as an \`.xlsx\` workbook (${result.xlsx.fileMiB} MiB; amounts and days as numbers, text in the shared-string
table, as Excel keeps a list), through the gateway's workbook reader (spooled to disk, unzipped and parsed as the bytes
come, in the upload's worker thread as a CSV is) into the same ingest:

| | rows/s | wall time | peak RSS | CPU-s per 1M rows (all threads) | of which the main thread |
| --- | --- | --- | --- | --- | --- |
| CaseLedger, ${XLSX_ROWS.toLocaleString("en")} rows | **${Math.round(xlsx.rowsPerSecond).toLocaleString("en")}** (target ≥ ${TARGET_XLSX_ROWS_PER_S.toLocaleString("en")}: ${met(result.xlsx.rowsPerSecondMet)}) | ${xlsx.seconds.toFixed(1)} s | ${xlsx.peakRssMB} MB | ${xlsx.cpuSecondsPer1MRows.toFixed(1)} | ${xlsx.mainCpuSecondsPer1MRows.toFixed(1)} |
| CaseLedger, ${XLSX_BASELINE_ROWS.toLocaleString("en")} rows | ${Math.round(xlsxSmall.rowsPerSecond).toLocaleString("en")} | ${xlsxSmall.seconds.toFixed(1)} s | ${xlsxSmall.peakRssMB} MB | ${xlsxSmall.cpuSecondsPer1MRows.toFixed(1)} | ${xlsxSmall.mainCpuSecondsPer1MRows.toFixed(1)} |
| CaseLedger, the workbook read in the main thread, ${XLSX_BASELINE_ROWS.toLocaleString("en")} rows | ${Math.round(xlsxInThread.rowsPerSecond).toLocaleString("en")} | ${xlsxInThread.seconds.toFixed(1)} s | ${xlsxInThread.peakRssMB} MB | ${xlsxInThread.cpuSecondsPer1MRows.toFixed(1)} | ${xlsxInThread.mainCpuSecondsPer1MRows.toFixed(1)} |
| naive baseline (exceljs reads the whole workbook), ${XLSX_BASELINE_ROWS.toLocaleString("en")} rows | ${Math.round(xlsxNaive.rowsPerSecond).toLocaleString("en")} | ${xlsxNaive.seconds.toFixed(1)} s | ${xlsxNaive.peakRssMB} MB | ${xlsxNaive.cpuSecondsPer1MRows.toFixed(1)} | ${xlsxNaive.mainCpuSecondsPer1MRows.toFixed(1)} |

Ratio on the same workbook: ours ${xlsxRatio}× the naive baseline's throughput (the baseline's memory grows with the workbook:
it holds every cell, so it is run on ${XLSX_BASELINE_ROWS.toLocaleString("en")} rows under the same 256 MB heap bound).

The workbook's peak RSS grows with its shared-string table: the reader keeps every distinct text of the sheet (loan refs,
names, ID numbers, phones: about three a row here) in memory while it reads the rows, as Excel's layout requires
(\`sharedStrings: "cache"\`), so a 1,000,000-row workbook passes the 400 MB a CSV of the same rows stays under.

Where the workbook's time goes (\`node --cpu-prof\` of 50,000 rows, 2026-12-02, shares of the process's samples): the ingest's own
work (validation, HMACs, sealing, encoding) ~24 % — a workbook is read, validated and sealed in the main thread, where a CSV
has the upload's worker thread — the XML of the sheet (exceljs's streaming worksheet reader and its SAX parser) ~23 %,
Node's crypto, zlib and streams ~17 %, tsx compiling the sources ~11 % (the benchmark runs from source), garbage collection
~8 %. No single hot spot. The workbook now goes to the upload's worker thread as a CSV does (100,000 rows, the same file,
2026-12-02, alternating, two runs each, load 5–6 on 2 cores): the main thread's share fell from 74–82 to 6 CPU-s per 1M
rows, the total rose from 111–116 to 136 (a second thread, and tsx loaded again in it), 8,700–9,000 → 7,600–7,700
rows/s with no core to spare, 217–225 → 271–280 MB. The main thread is what answers the console and the ownership
checks. 30,000 rows/s needs a sheet parser that reads cells without building exceljs's row objects.

Where the CPU goes (\`node --cpu-prof\` of 200,000 rows in one thread, 2026-12-02, ~34 CPU-µs a row in all; shares of the
thread's busy time, LevelDB's own threads from /proc per-thread CPU): AES-256-GCM sealing of the PII ~14 % (a cipher object
per case: key schedule and GHASH set-up each time), field validation (ID numbers, amounts, NFKC) ~11 %, the row's fingerprint
and the file's duplicate maps ~10 %, the two HMACs (debtorKey, caseKey) ~10 %, garbage collection ~9 %, the report row's
binary encoding ~8 % and the case's ~5 % (hex keys back to bytes, shape checks), building the case ~5 %, LevelDB batch puts in
JavaScript ~8 %, CSV decoding and parsing only ~3 %; LevelDB's writer threads (memtable, log, compaction) add ~8 µs a row
beside the thread. The per-row work now runs in the upload's worker thread: the main thread keeps the loan-ref look-ups and
the writes (the last column). 100,000 rows/s on 2 cores needs the total near 20 µs a row: the next cuts are the sealing (one
cipher object per batch is not possible with Node's GCM API), keys kept as bytes from HMAC to store, and the report's checks.
This benchmark runs from source (tsx), whose loader the worker thread loads and runs again; from the build (dist/, as the
gateway runs; 200,000 rows, the same file, 2026-12-02, three runs each) the figures were: in one thread ~34,000 rows/s,
36.5 CPU-s per 1M rows of which 22.6 on the main thread, 176 MB; with the worker ~39,000 rows/s, 40 CPU-s per 1M rows of
which 5.1 on the main thread, 233 MB (the worker's own heap).

The store's layout is kept (cases keyed by their random caseKey, loan refs by member and ref, the report in chunks of
2,000 lines): of the ~34–38 CPU-µs a row, LevelDB takes ~11 (its writer and compaction threads ~8, the batch puts in
JavaScript ~3, from the profile above). A layout that paid no random-key compaction at all — an upload's cases in
append-only segments with an index — would still keep a caseKey → place index written at random, and could save at
most that third: ~25 µs a row, ~80,000 rows/s on 2 idle cores, short of 100,000; the sealing, the HMACs and the
validation are the rest.`,
  );
  progress(`wrote ${file} and BENCHMARKS.md`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
