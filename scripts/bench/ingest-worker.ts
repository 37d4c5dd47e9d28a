/** One side of the ingest benchmark, in its own process: prints a JSON line with its figures. */
import { randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ExcelJS from "exceljs";
import { DEFAULTS } from "../../node/config.js";
import { CaseListValidator } from "../../node/domain/case-list/validator.js";
import { openDatabase } from "../../node/store/database.js";
import { PiiCipher } from "../../node/store/pii-cipher.js";
import { ingestCaseList } from "../../node/services/case-list-ingest.js";
import { caseListFormat, XLSX_TYPE } from "../../node/services/case-list-format.js";

const [mode, file, dataDir] = process.argv.slice(2) as [string, string, string];
const pepper = { version: 1, secret: randomBytes(32) };
const cipher = new PiiCipher(randomBytes(32));
const store = await openDatabase(dataDir);
const started = performance.now();
const cpuStarted = process.cpuUsage();
const mainStarted = process.threadCpuUsage();
let rows = 0;
let accepted = 0;


/** The naive baselines' write: each accepted case put on its own (one LevelDB write per row). */
type AcceptedRow = NonNullable<ReturnType<CaseListValidator["validate"]>["accepted"]>;
async function putNaive(a: AcceptedRow, line: number): Promise<void> {
  const at = new Date().toISOString();
  await store.cases.put({
    caseKey: a.caseKey,
    debtorKey: a.debtorKey,
    loanRef: a.loanRef,
    originatorId: 1,
    creditorId: 1,
    provinceCode: a.provinceCode,
    region: a.region,
    product: a.product,
    principalFen: "0",
    outstandingFen: "0",
    overdueDays: a.overdueDays,
    listId: "naive",
    line,
    createdAt: at,
    updatedAt: at,
    pii: cipher.sealJson(a.name, a.caseKey),
  });
}

if (mode === "streaming" || mode === "in-thread" || mode === "xlsx" || mode === "xlsx-in-thread") {
  // A workbook goes through the gateway's own reader (spooled, unzipped and parsed as the bytes come).
  const workbook = mode === "xlsx" || mode === "xlsx-in-thread";
  const spoolDir = workbook ? await mkdtemp(join(tmpdir(), "caseledger-bench-spool-")) : "";
  // As the gateway reads an .xlsx upload: the reader, and the workbook as data for the upload's worker thread.
  // xlsx-in-thread: the reader alone, so the workbook is read in the main thread, as before it went to the worker.
  const format = workbook ? caseListFormat(XLSX_TYPE, "bench.xlsx", undefined, spoolDir) : undefined;
  const summary = await ingestCaseList(
    // The gateway's default heap bound for the upload's worker thread (config ingest.workerHeapMb).
    { store, cipher, pepper, memberId: 1, clock: Date.now, inThread: mode === "in-thread", workerHeapMb: DEFAULTS.ingest.workerHeapMb },
    {
      file: workbook ? "bench.xlsx" : "bench.csv",
      chunks: createReadStream(file, { highWaterMark: 1 << 20 }),
      ...(mode === "xlsx-in-thread" ? { read: format!.read } : format),
      uploadedBy: "bench",
      onProgress: (t) => process.stderr.write(`\r  ${t.rows.toLocaleString("en")} rows`),
    },
  );
  process.stderr.write("\n");
  if (spoolDir) await rm(spoolDir, { recursive: true, force: true });
  rows = summary.totals!.rows;
  accepted = summary.totals!.accepted;
} else if (mode === "xlsx-naive") {
  // The obvious first version for a workbook: exceljs reads the whole workbook into memory, then each row is
  // validated and each accepted case put on its own.
  const book = new ExcelJS.Workbook();
  await book.xlsx.readFile(file);
  const sheet = book.worksheets[0]!;
  const fields = ["loan_ref", "name", "id_number", "phone", "principal", "outstanding", "overdue_days", "product"];
  const validator = new CaseListValidator({ pepper, originatorMemberId: 1 });
  for (let line = 2; line <= sheet.rowCount; line++) {
    const cells = sheet.getRow(line).values as unknown[];
    const values: Record<string, string> = {};
    fields.forEach((name, i) => (values[name] = cells[i + 1] === undefined || cells[i + 1] === null ? "" : String(cells[i + 1])));
    const result = validator.validate(line, values);
    rows += 1;
    if (result.accepted) {
      accepted += 1;
      await putNaive(result.accepted, line);
    }
  }
} else {
  // The obvious first version: the whole file in memory, split, validate, one put per accepted case.
  const text = (await readFile(file, "utf8")).replace(/^\ufeff/, "");
  const lines = text.split(/\r?\n/);
  const header = (lines.shift() ?? "").split(",");
  const fields = ["loan_ref", "name", "id_number", "phone", "principal", "outstanding", "overdue_days", "product"];
  const validator = new CaseListValidator({ pepper, originatorMemberId: 1 });
  let line = 1;
  for (const raw of lines) {
    line += 1;
    if (raw === "") continue;
    const cells = raw.split(",");
    const values: Record<string, string> = {};
    header.forEach((_, i) => (values[fields[i] ?? `c${i}`] = cells[i] ?? ""));
    const result = validator.validate(line, values);
    rows += 1;
    if (result.accepted) {
      accepted += 1;
      await putNaive(result.accepted, line);
    }
  }
}
const seconds = (performance.now() - started) / 1000;
await store.close();
// Every thread of the process: JavaScript, and LevelDB's writer and compaction threads (the close included, as it
// finishes their work). On a shared machine this is the steadier figure; wall time depends on the neighbours.
const cpu = process.cpuUsage(cpuStarted);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
// This process's own peak (VmHWM, reset by exec): getrusage's maxRSS is kept across fork and exec, so a child of a
// parent that held a large workbook writer would report the parent's size.
const hwm = /VmHWM:\s+(\d+) kB/.exec(await readFile("/proc/self/status", "utf8").catch(() => ""))?.[1];
const peakRssMB = Math.round((hwm ? Number(hwm) : process.resourceUsage().maxRSS) / 1024);
// The gateway's main thread alone: what an upload takes from the ownership checks and timers that share it.
const main = process.threadCpuUsage(mainStarted);
const mainCpuSeconds = (main.user + main.system) / 1e6;
console.log(JSON.stringify({ rows, seconds, rowsPerSecond: rows / seconds, peakRssMB, accepted, cpuSeconds, cpuSecondsPer1MRows: (cpuSeconds / rows) * 1e6, mainCpuSecondsPer1MRows: (mainCpuSeconds / rows) * 1e6 }));
