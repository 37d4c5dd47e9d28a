import type { ValidatedRow } from "../domain/case-list/validator.js";
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
