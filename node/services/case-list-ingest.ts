import { randomBytes } from "node:crypto";
import { validateCaseList } from "../domain/case-list/report.js";
import type { ReportTotals, ValidatedRow } from "../domain/case-list/validator.js";
import type { ByteChunks } from "../domain/csv/read-case-list.js";
import { CaseListFileError } from "../domain/errors.js";
import type { Pepper } from "../domain/pseudonyms.js";
import type { CasePii, CaseListSummary, StoredCase, StoredReportRow } from "../store/case-records.js";
import { type GatewayDatabase, pad, rangeOf } from "../store/database.js";
import type { PiiCipher } from "../store/pii-cipher.js";

export interface IngestDeps {
  store: GatewayDatabase;
  cipher: PiiCipher;
  pepper: Pepper;
  memberId: number;
}

export interface IngestInput {
  file: string;
  chunks: ByteChunks;
  uploadedBy: string;
  maxBytes?: number;
  onProgress?: (totals: ReportTotals) => void;
}

/** Writes per LevelDB batch: large enough to amortize, small enough to bound memory. */
const FLUSH_ROWS = 2_000;

type Op = { type: "put"; key: string; value: unknown } | { type: "del"; key: string };

/** Time-ordered, unguessable list ids. */
export function newListId(): string {
  return `L${Date.now().toString(36)}${randomBytes(4).toString("hex")}`;
}

/**
 * Ingests a lender's case list: parse, validate, pseudonymize, de-duplicate, store. Accepted cases are staged
 * under the list and become visible all at once when the whole file has been read, so a file that turns out
 * to be bad half-way (not CSV, a broken encoding) leaves nothing behind but its failed summary. A loan_ref the
 * lender already has is an update of that case, not a new one.
 */
export async function ingestCaseList(deps: IngestDeps, input: IngestInput): Promise<CaseListSummary> {
  const { store, cipher, memberId } = deps;
  const { sub } = store;
  const id = newListId();
  const now = new Date().toISOString();
  const summary: CaseListSummary = { id, file: input.file, state: "ingesting", uploadedBy: input.uploadedBy, createdAt: now };
  await sub.lists.put(id, summary);

  let pending: ValidatedRow[] = [];
  let updates = 0;
  const flush = async () => {
    if (pending.length === 0) return;
    const rows = pending;
    pending = [];
    const accepted = rows.filter((r) => r.accepted);
    const existing = await sub.loanRefs.getMany(accepted.map((r) => `${memberId}/${r.accepted!.loanRef}`));
    const rowOps: Op[] = [];
    const stagingOps: Op[] = [];
    let a = 0;
    for (const row of rows) {
      const report: StoredReportRow = row.report;
      const value = row.accepted;
      if (value) {
        if (existing[a++] !== undefined) {
          report.update = true;
          updates += 1;
        }
        const pii: CasePii = { name: value.name, idNumber: value.idNumber, phone: value.phone, extra: value.extra };
        const stored: StoredCase = {
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
          line: report.line,
          createdAt: now,
          updatedAt: now,
          pii: cipher.sealJson(pii, value.caseKey),
        };
        stagingOps.push({ type: "put", key: `${id}/${value.caseKey}`, value: stored });
      }
      rowOps.push({ type: "put", key: `${id}/${pad(report.line)}`, value: report });
    }
    await store.db.batch([
      ...rowOps.map((op) => ({ ...op, sublevel: sub.listRows })),
      ...stagingOps.map((op) => ({ ...op, sublevel: sub.staging })),
    ] as never);
  };

  let report;
  try {
    report = await validateCaseList(input.file, input.chunks, {
      pepper: deps.pepper,
      originatorMemberId: memberId,
      keepRows: false,
      maxBytes: input.maxBytes,
      onProgress: input.onProgress,
      onRow: async (row) => {
        pending.push(row);
        if (pending.length >= FLUSH_ROWS) await flush();
      },
    });
    await flush();
  } catch (error) {
    await discardList(store, id);
    const failed: CaseListSummary = {
      ...summary,
      state: "failed",
      completedAt: new Date().toISOString(),
      error:
        error instanceof CaseListFileError
          ? { code: error.code, message: error.message, details: error.details }
          : { code: "INGEST_FAILED", message: "读取失败 / reading the upload failed" },
    };
    await sub.lists.put(id, failed);
    throw error;
  }

  const committing: CaseListSummary = {
    ...summary,
    state: "committing",
    encoding: report.encoding,
    totals: { ...report.totals, updates },
  };
  await sub.lists.put(id, committing);
  await commitStaged(store, id);
  const ready: CaseListSummary = { ...committing, state: "ready", completedAt: new Date().toISOString() };
  await sub.lists.put(id, ready);
  return ready;
}

/** Moves a list's staged cases into the case tables (idempotent: safe to resume after a crash). */
export async function commitStaged(store: GatewayDatabase, listId: string): Promise<void> {
  const { sub } = store;
  let ops: unknown[] = [];
  const apply = async () => {
    if (ops.length) await store.db.batch(ops as never);
    ops = [];
  };
  for await (const [key, value] of sub.staging.iterator(rangeOf(listId))) {
    const stored = value as StoredCase;
    const previous = (await sub.cases.get(stored.caseKey)) as StoredCase | undefined;
    const merged: StoredCase = previous ? { ...stored, createdAt: previous.createdAt, creditorId: previous.creditorId } : stored;
    ops.push(
      { type: "put", sublevel: sub.cases, key: stored.caseKey, value: merged },
      { type: "put", sublevel: sub.loanRefs, key: `${stored.originatorId}/${stored.loanRef}`, value: stored.caseKey },
      { type: "put", sublevel: sub.debtors, key: `${stored.debtorKey}/${stored.caseKey}`, value: 1 },
      { type: "put", sublevel: sub.listCases, key: `${listId}/${stored.caseKey}`, value: 1 },
      { type: "del", sublevel: sub.staging, key },
    );
    if (ops.length >= FLUSH_ROWS * 5) await apply();
  }
  await apply();
}

/** Deletes everything a list wrote (its staged cases and report rows); its summary stays. */
export async function discardList(store: GatewayDatabase, listId: string): Promise<void> {
  await store.sub.staging.clear(rangeOf(listId));
  await store.sub.listRows.clear(rangeOf(listId));
}

/**
 * Brings lists that were being written when the gateway stopped to a consistent state: an interrupted read
 * was never acknowledged and is discarded; an interrupted commit is finished.
 */
export async function recoverCaseLists(store: GatewayDatabase): Promise<{ discarded: string[]; finished: string[] }> {
  const discarded: string[] = [];
  const finished: string[] = [];
  for await (const [id, value] of store.sub.lists.iterator()) {
    const summary = value as CaseListSummary;
    if (summary.state === "ingesting") {
      await discardList(store, id);
      await store.sub.lists.put(id, {
        ...summary,
        state: "failed",
        completedAt: new Date().toISOString(),
        error: { code: "INTERRUPTED", message: "上传被中断，请重新上传 / the upload was interrupted; upload it again" },
      });
      discarded.push(id);
    } else if (summary.state === "committing") {
      await commitStaged(store, id);
      await store.sub.lists.put(id, { ...summary, state: "ready", completedAt: new Date().toISOString() });
      finished.push(id);
    }
  }
  return { discarded, finished };
}
