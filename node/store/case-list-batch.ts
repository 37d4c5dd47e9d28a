import type { StoredCase, StoredReportRow } from "./case-records.js";
import type { CaseRepository } from "./case-repository.js";
import type { ReportRowStore } from "./case-list-rows.js";
import type { CaseStaging } from "./case-staging.js";
import { LoanRefIndex } from "./loan-ref-index.js";
import { PiiCipher, type SealedParts } from "./pii-cipher.js";
import { ByteWriter, ReportChunkWriter, type ReportChunkState, ownCopy, writeStoredCase } from "./record-encodings.js";
import type { StoreBatch } from "./store-batch.js";

/** The repositories one write of an upload touches. */
export interface CaseListBatchRepositories {
  cases: CaseRepository;
  loanRefs: LoanRefIndex;
  staging: CaseStaging;
  reportRows: ReportRowStore;
}

/** A CaseListBatch as plain data, for another thread: what {@link CaseListBatch.export} gives. */
export interface CaseListBatchState {
  report: ReportChunkState;
  rows: number;
  bytes: Uint8Array;
  caseKeys: string[];
  loanRefKeys: string[];
  reportIndex: number[];
  valueEnds: number[];
  objects: Map<number, StoredCase>;
}

/** Encoded size of a typical case, to size the buffer once rather than grow it during the batch. */
const CASE_BYTES = 320;

/**
 * The rows of one write of an upload: the report chunk, and the accepted cases sealed and encoded as they come,
 * so that only bytes wait for the write, not objects (the hot path of an upload: tens of thousands of rows a second).
 * A case that does not fit the binary form (none from the validator) is kept as an object and stored as JSON.
 */
export class CaseListBatch {
  #report = new ReportChunkWriter();
  readonly #bytes: ByteWriter;
  #rows = 0;
  #caseKeys: string[] = [];
  #loanRefKeys: string[] = [];
  /** Index of each case's row in the report chunk. */
  #reportIndex: number[] = [];
  /** End of each case's bytes (it starts where the previous one ends). */
  #valueEnds: number[] = [];
  /** Cases that do not fit the binary form, by position. */
  #objects = new Map<number, StoredCase>();

  constructor(expectedCases: number) {
    this.#bytes = new ByteWriter(expectedCases * CASE_BYTES);
  }

  /**
   * The batch as plain data (structured-cloneable; the byte arrays are its own, to transfer): the ingest's worker
   * encodes batches, the main thread restores and writes them.
   */
  export(): { state: CaseListBatchState; transfer: ArrayBuffer[] } {
    const report = this.#report.export();
    const bytes = ownCopy(this.#bytes.buffer.subarray(0, this.#bytes.length));
    const state: CaseListBatchState = {
      report,
      rows: this.#rows,
      bytes,
      caseKeys: this.#caseKeys,
      loanRefKeys: this.#loanRefKeys,
      reportIndex: this.#reportIndex,
      valueEnds: this.#valueEnds,
      objects: this.#objects,
    };
    const transfer = [bytes.buffer];
    if ("body" in report) transfer.push(report.body.buffer);
    return { state, transfer };
  }

  /** A batch exported by {@link export} (in another thread). */
  static restore(state: CaseListBatchState): CaseListBatch {
    const batch = new CaseListBatch(0);
    batch.#report = ReportChunkWriter.restore(state.report);
    batch.#rows = state.rows;
    batch.#bytes.adopt(state.bytes);
    batch.#caseKeys = state.caseKeys;
    batch.#loanRefKeys = state.loanRefKeys;
    batch.#reportIndex = state.reportIndex;
    batch.#valueEnds = state.valueEnds;
    batch.#objects = state.objects;
    return batch;
  }

  /** Report rows added so far. */
  get rows(): number {
    return this.#rows;
  }

  /** Adds a report row; returns its index, for {@link addCase}. */
  addRow(report: StoredReportRow): number {
    this.#rows += 1;
    return this.#report.add(report);
  }

  /** Adds the case of an accepted row, its PII already sealed. */
  addCase(row: number, stored: Omit<StoredCase, "pii">, sealed: SealedParts): void {
    const bytes = this.#bytes;
    const start = bytes.length;
    this.#caseKeys.push(stored.caseKey);
    this.#loanRefKeys.push(LoanRefIndex.key(stored.originatorId, stored.loanRef));
    this.#reportIndex.push(row);
    if (writeStoredCase(bytes, stored, sealed)) {
      this.#valueEnds.push(bytes.length);
    } else {
      this.#valueEnds.push(start);
      this.#objects.set(this.#caseKeys.length - 1, { ...stored, pii: PiiCipher.format(sealed) });
    }
  }

  /** For each case in order: whether the lender already has a case of its loanRef (the upload then updates it). */
  async known(loanRefs: LoanRefIndex): Promise<boolean[]> {
    const existing = await loanRefs.caseKeysOf(this.#loanRefKeys);
    return existing.map((caseKey) => caseKey !== undefined);
  }

  /**
   * Adds the batch to `ops`: the cases marked in `updates` are staged for the list (and their report rows marked as
   * updates), the others stored with their loanRef; then the report chunk.
   */
  writeTo(ops: StoreBatch, repos: CaseListBatchRepositories, listId: string, chunk: number, updates: readonly boolean[]): void {
    const buffer = this.#bytes.buffer;
    let start = 0;
    for (let i = 0; i < this.#caseKeys.length; i++) {
      const caseKey = this.#caseKeys[i] as string;
      const end = this.#valueEnds[i] as number;
      const object = this.#objects.get(i);
      const bytes = buffer.subarray(start, end);
      start = end;
      if (updates[i]) {
        this.#report.markUpdate(this.#reportIndex[i] as number);
        if (object) repos.staging.putIn(ops, listId, object);
        else repos.staging.putEncodedIn(ops, listId, caseKey, bytes);
      } else {
        if (object) repos.cases.putIn(ops, object);
        else repos.cases.putEncodedIn(ops, caseKey, bytes);
        repos.loanRefs.putKeyIn(ops, this.#loanRefKeys[i] as string, caseKey);
      }
    }
    repos.reportRows.putChunkIn(ops, listId, chunk, this.#report.take());
  }
}
