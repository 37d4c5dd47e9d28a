import { type CaseListEventReader, validateCaseList } from "../domain/case-list/report.js";
import type { ReportTotals, ValidatedRow } from "../domain/case-list/validator.js";
import type { ByteChunks, CaseListEncoding } from "../domain/csv/read-case-list.js";
import type { Pepper } from "../domain/pseudonyms.js";
import type { CasePii, StoredCase } from "../store/case-records.js";
import { CaseListBatch } from "../store/case-list-batch.js";
import type { PiiCipher } from "../store/pii-cipher.js";

/** Rows per LevelDB batch, and per stored chunk of the report. */
export const FLUSH_ROWS = 2_000;

/** What every case of one upload shares. */
export interface UploadContext {
  listId: string;
  memberId: number;
  /** The upload's time (ISO), its cases' createdAt and updatedAt. */
  now: string;
}

/**
 * Turns validated rows into batches ready to write: each row's report entry, and for an accepted row its case,
 * sealed and encoded as it comes, so that only bytes wait for the batch's write, not objects. The same code runs on
 * the gateway's main thread or in the ingest's worker thread (which sends the full batches to the main thread).
 */
export class CaseRowEncoder {
  #batch = new CaseListBatch(FLUSH_ROWS);

  constructor(
    private readonly cipher: PiiCipher,
    private readonly upload: UploadContext,
  ) {}

  /** Rows in the current batch. */
  get rows(): number {
    return this.#batch.rows;
  }

  get full(): boolean {
    return this.#batch.rows >= FLUSH_ROWS;
  }

  add(row: ValidatedRow): void {
    const index = this.#batch.addRow(row.report);
    const value = row.accepted;
    if (!value) return;
    const { listId, memberId, now } = this.upload;
    const pii: CasePii = { name: value.name, idNumber: value.idNumber, phone: value.phone, extra: value.extra };
    const sealed = this.cipher.sealParts(JSON.stringify(pii), value.caseKey);
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
      listId,
      line: row.report.line,
      createdAt: now,
      updatedAt: now,
    };
    this.#batch.addCase(index, stored, sealed);
  }

  /** The batch so far (possibly empty); the encoder starts a new one. */
  take(): CaseListBatch {
    const full = this.#batch;
    this.#batch = new CaseListBatch(FLUSH_ROWS);
    return full;
  }
}

export interface EncodeCaseListInput {
  file: string;
  chunks: ByteChunks;
  pepper: Pepper;
  cipher: PiiCipher;
  upload: UploadContext;
  maxBytes?: number;
  /** Another format's reader (a workbook); CSV when absent. */
  read?: CaseListEventReader;
  progressEvery: number;
  onProgress?: (totals: ReportTotals) => void;
}

/**
 * Reads, validates and encodes an upload, handing each full batch (and the last, when it has rows) to `onBatch`:
 * the one path of an upload's rows, on the gateway's main thread or in the ingest's worker.
 */
export async function encodeCaseList(
  input: EncodeCaseListInput,
  onBatch: (batch: CaseListBatch) => Promise<void>,
): Promise<{ encoding: CaseListEncoding; totals: ReportTotals }> {
  const encoder = new CaseRowEncoder(input.cipher, input.upload);
  const report = await validateCaseList(input.file, input.chunks, {
    pepper: input.pepper,
    originatorMemberId: input.upload.memberId,
    keepRows: false,
    maxBytes: input.maxBytes,
    read: input.read,
    progressEvery: input.progressEvery,
    onProgress: input.onProgress,
    onRow: (row) => {
      encoder.add(row);
      return encoder.full ? onBatch(encoder.take()) : undefined;
    },
  });
  if (encoder.rows > 0) await onBatch(encoder.take());
  return { encoding: report.encoding, totals: report.totals };
}
