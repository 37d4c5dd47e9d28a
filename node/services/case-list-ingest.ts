import { randomBytes } from "node:crypto";
import { bilingual, msg } from "../messages/message.js";
import { ServiceError } from "./service-error.js";
import { type CaseListEventReader, validateCaseList } from "../domain/case-list/report.js";
import type { ReportTotals, ValidatedRow } from "../domain/case-list/validator.js";
import type { ByteChunks } from "../domain/csv/read-case-list.js";
import { CaseListFileError } from "../domain/errors.js";
import type { Pepper } from "../domain/pseudonyms.js";
import type { CasePii, CaseListSummary, StoredCase } from "../store/case-records.js";
import type { Clock } from "../domain/clock.js";
import type { GatewayDatabase } from "../store/database.js";
import { CaseListBatch } from "../store/case-list-batch.js";
import type { PiiCipher } from "../store/pii-cipher.js";

export interface IngestDeps {
  store: GatewayDatabase;
  cipher: PiiCipher;
  /** Undefined at a court's gateway, which holds no pepper: an upload is refused (NO_PEPPER). */
  pepper: Pepper | undefined;
  memberId: number;
  clock: Clock;
}

export interface IngestInput {
  file: string;
  chunks: ByteChunks;
  /** The file format's reader (CSV when not given). */
  read?: CaseListEventReader;
  uploadedBy: string;
  maxBytes?: number;
  onProgress?: (totals: ReportTotals) => void;
}

/** Rows per LevelDB batch, and per stored chunk of the report. */
const FLUSH_ROWS = 2_000;

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

  let batch = new CaseListBatch(FLUSH_ROWS);
  let chunk = 0;
  let updates = 0;
  // One batch is written while the next 2,000 rows are validated: LevelDB writes on its own thread.
  let writing: Promise<void> = Promise.resolve();
  const flush = async () => {
    await writing;
    if (batch.rows === 0) return;
    const full = batch;
    batch = new CaseListBatch(FLUSH_ROWS);
    writing = write(full);
    // Awaited by the next flush or at the end; until then a failed write (a full disk) must not be an unhandled
    // rejection, which would take the whole process down.
    writing.catch(() => undefined);
  };
  // Each row is sealed and encoded as it comes, so that only bytes wait for the batch's write, not objects.
  const add = (row: ValidatedRow) => {
    const index = batch.addRow(row.report);
    const value = row.accepted;
    if (!value) return;
    const pii: CasePii = { name: value.name, idNumber: value.idNumber, phone: value.phone, extra: value.extra };
    const sealed = cipher.sealParts(JSON.stringify(pii), value.caseKey);
    const stored: Omit<StoredCase, "pii"> = {
      caseKey: value.caseKey,
      debtorKey: value.debtorKey,
      loanRef: value.loanRef,
      originatorId: memberId,
      creditorId: memberId,
      provinceCode: value.provinceCode,
      region: value.region,
      product: value.product,
      principalFen: value.principalFen.toString(),
      outstandingFen: value.outstandingFen.toString(),
      overdueDays: value.overdueDays,
      listId: id,
      line: row.report.line,
      createdAt: now,
      updatedAt: now,
    };
    batch.addCase(index, stored, sealed);
  };
  // Cases whose loanRef the lender already has are updates: staged, and applied once the whole file is read.
  const write = async (full: CaseListBatch) => {
    const known = await full.known(store.loanRefs);
    const ops = store.batch();
    full.writeTo(ops, store, id, chunk++, known);
    for (const update of known) if (update) updates += 1;
    await ops.write();
  };

  let report;
  try {
    report = await validateCaseList(input.file, input.chunks, {
      pepper,
      originatorMemberId: memberId,
      keepRows: false,
      maxBytes: input.maxBytes,
      read: input.read,
      onProgress: input.onProgress,
      onRow: (row) => {
        add(row);
        return batch.rows >= FLUSH_ROWS ? flush() : undefined;
      },
    });
    await flush();
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
    encoding: report.encoding,
    totals: { ...report.totals, updates },
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
