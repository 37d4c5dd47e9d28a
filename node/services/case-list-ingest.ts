import { randomBytes } from "node:crypto";
import { bilingual, msg } from "../messages/message.js";
import { ServiceError } from "./service-error.js";
import type { CaseListEventReader } from "../domain/case-list/report.js";
import type { ReportTotals } from "../domain/case-list/validator.js";
import type { ByteChunks, CaseListEncoding } from "../domain/csv/read-case-list.js";
import { CaseListFileError } from "../domain/errors.js";
import type { Pepper } from "../domain/pseudonyms.js";
import type { CaseListSummary, StoredCase } from "../store/case-records.js";
import type { Clock } from "../domain/clock.js";
import type { GatewayDatabase } from "../store/database.js";
import { CaseListBatch } from "../store/case-list-batch.js";
import type { PiiCipher } from "../store/pii-cipher.js";
import { encodeCaseList, FLUSH_ROWS, type UploadContext } from "./case-row-encoder.js";
import { encodeInWorker } from "./ingest-worker/client.js";
import type { WorkbookSpec } from "./ingest-worker/protocol.js";

export interface IngestDeps {
  store: GatewayDatabase;
  cipher: PiiCipher;
  /** Undefined at a court's gateway, which holds no pepper: an upload is refused (NO_PEPPER). */
  pepper: Pepper | undefined;
  memberId: number;
  clock: Clock;
  /**
   * Read, validate and encode on the calling thread rather than in a worker thread of the upload's own (the
   * default). The same results; the gateway's main thread then spends ~20 µs of CPU a row on it.
   */
  inThread?: boolean;
  /** The bound of the upload's worker thread's heap (config `ingest.workerHeapMb`); V8's own limit when absent. */
  workerHeapMb?: number;
  /** Tests: the worker's entry (one that fails on purpose); the real one by default. */
  workerEntry?: URL;
}

export interface IngestInput {
  file: string;
  chunks: ByteChunks;
  /** The file format's reader (CSV when not given). */
  read?: CaseListEventReader;
  /**
   * An .xlsx upload as plain data (the sheet, the spool directory): the worker thread builds its own reader from it.
   * With `read` alone, a reader that cannot cross to another thread, the upload is read in this thread.
   */
  workbook?: WorkbookSpec;
  uploadedBy: string;
  maxBytes?: number;
  onProgress?: (totals: ReportTotals) => void;
}

/** Rows between two progress reports. */
const PROGRESS_EVERY = 10_000;

/** Time-ordered, unguessable list ids. */
export function newListId(now: number): string {
  return `L${now.toString(36)}${randomBytes(4).toString("hex")}`;
}

/**
 * Ingests a lender's case list: parse, validate, pseudonymize, de-duplicate, store — streaming, a batch of
 * writes per 2,000 rows. New cases are written as they come (nothing refers to them until the list is ready);
 * updates of cases the lender already has (a known loan_ref) are staged and applied only once the whole file
 * has been read. A file that turns out bad half-way (not CSV, a broken encoding, a cut-short workbook) is rolled back, leaving only
 * its failed summary; so is an upload interrupted by a crash ({@link recoverCaseLists}).
 */
export async function ingestCaseList(deps: IngestDeps, input: IngestInput): Promise<CaseListSummary> {
  const { store, cipher, memberId, clock, pepper } = deps;
  if (!pepper) throw new ServiceError("FORBIDDEN", msg("api.NO_PEPPER"));
  const id = newListId(clock());
  const now = new Date(clock()).toISOString();
  const summary: CaseListSummary = { id, file: input.file, state: "ingesting", uploadedBy: input.uploadedBy, createdAt: now };
  await store.caseLists.put(summary);

  const upload: UploadContext = { listId: id, memberId, now };
  let chunk = 0;
  let updates = 0;
  // One batch is written while the next 2,000 rows are validated: LevelDB writes on its own thread.
  let writing: Promise<void> = Promise.resolve();
  const take = async (full: CaseListBatch) => {
    await writing;
    if (full.rows === 0) return;
    writing = write(full);
    // Awaited by the next take or at the end; until then a failed write (a full disk) must not be an unhandled
    // rejection, which would take the whole process down.
    writing.catch(() => undefined);
  };
  // Cases whose loanRef the lender already has are updates: staged, and applied once the whole file is read.
  const write = async (full: CaseListBatch) => {
    const known = await full.known(store.loanRefs);
    const ops = store.batch();
    full.writeTo(ops, store, id, chunk++, known);
    for (const update of known) if (update) updates += 1;
    await ops.write();
  };

  let read: { encoding: CaseListEncoding; totals: ReportTotals };
  try {
    // In the upload's worker thread: CSV, and a workbook described as data (the worker spools, unzips and parses it).
    read = deps.inThread || (input.read && !input.workbook)
      ? await encodeCaseList({ file: input.file, chunks: input.chunks, pepper, cipher, upload, maxBytes: input.maxBytes, read: input.read, progressEvery: PROGRESS_EVERY, onProgress: input.onProgress }, take)
      : await encodeInWorker({
          file: input.file,
          chunks: input.chunks,
          pepper,
          cipher,
          upload,
          maxBytes: input.maxBytes,
          progressEvery: PROGRESS_EVERY,
          onProgress: input.onProgress,
          onBatch: take,
          entry: deps.workerEntry,
          maxHeapMb: deps.workerHeapMb,
          ...(input.workbook ? { workbook: input.workbook } : {}),
        });
    await writing;
  } catch (error) {
    await writing.catch(() => undefined);
    const failed: CaseListSummary = {
      ...summary,
      state: "failed",
      completedAt: new Date(clock()).toISOString(),
      error:
        error instanceof CaseListFileError
          ? { code: error.code, message: error.message, details: error.details }
          : { code: "INGEST_FAILED", message: bilingual(msg("api.INGEST_FAILED")) },
    };
    try {
      await rollBackList(store, id);
      await store.caseLists.put(failed);
    } catch {
      // The store refuses writes (a full disk): the list stays "ingesting" and recoverCaseLists rolls it back at the
      // next start. The caller gets the first error, which says what went wrong.
    }
    throw error;
  }

  const committing: CaseListSummary = {
    ...summary,
    state: "committing",
    encoding: read.encoding,
    totals: { ...read.totals, updates },
  };
  await store.caseLists.put(committing);
  await applyStagedUpdates(store, id);
  const ready: CaseListSummary = { ...committing, state: "ready", completedAt: new Date(clock()).toISOString() };
  await store.caseLists.put(ready);
  return ready;
}

/** Applies a list's staged updates of known cases (idempotent: safe to resume after a crash). */
export async function applyStagedUpdates(store: GatewayDatabase, listId: string): Promise<void> {
  let ops = store.batch();
  for await (const stored of store.staging.of(listId)) {
    const previous = await store.cases.get(stored.caseKey);
    const merged: StoredCase = previous ? { ...stored, createdAt: previous.createdAt, creditorId: previous.creditorId } : stored;
    store.cases.putIn(ops, merged);
    store.loanRefs.putIn(ops, stored.originatorId, stored.loanRef, stored.caseKey);
    store.staging.delIn(ops, listId, stored.caseKey);
    if (ops.length >= FLUSH_ROWS * 4) {
      await ops.write();
      ops = store.batch();
    }
  }
  if (ops.length) await ops.write();
}

/** Undoes what a list wrote: the new cases it created, its staged updates and its report; its summary stays. */
export async function rollBackList(store: GatewayDatabase, listId: string): Promise<void> {
  let ops = store.batch();
  for await (const row of store.reportRows.rows(listId)) {
    if (row.status !== "accepted" || row.update || !row.caseKey) continue;
    const stored = await store.cases.get(row.caseKey);
    if (!stored || stored.listId !== listId) continue;
    store.cases.delIn(ops, row.caseKey);
    store.loanRefs.delIn(ops, stored.originatorId, stored.loanRef);
    if (ops.length >= FLUSH_ROWS * 3) {
      await ops.write();
      ops = store.batch();
    }
  }
  if (ops.length) await ops.write();
  await store.staging.clear(listId);
  await store.reportRows.clear(listId);
}

/**
 * Brings lists that were being written when the gateway stopped to a consistent state: an interrupted read
 * was never acknowledged and is rolled back; an interrupted commit is finished.
 */
export async function recoverCaseLists(store: GatewayDatabase, clock: Clock): Promise<{ discarded: string[]; finished: string[] }> {
  const discarded: string[] = [];
  const finished: string[] = [];
  for await (const summary of store.caseLists.all()) {
    const id = summary.id;
    if (summary.state === "ingesting") {
      await rollBackList(store, id);
      await store.caseLists.put({
        ...summary,
        state: "failed",
        completedAt: new Date(clock()).toISOString(),
        error: { code: "INTERRUPTED", message: bilingual(msg("api.INTERRUPTED")) },
      });
      discarded.push(id);
    } else if (summary.state === "committing") {
      await applyStagedUpdates(store, id);
      await store.caseLists.put({ ...summary, state: "ready", completedAt: new Date(clock()).toISOString() });
      finished.push(id);
    }
  }
  return { discarded, finished };
}
