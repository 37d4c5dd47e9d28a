import type { CaseListEncoding } from "../../domain/csv/read-case-list.js";
import type { ReportTotals } from "../../domain/case-list/validator.js";
import type { FileErrorCode } from "../../domain/errors.js";
import type { Pepper } from "../../domain/pseudonyms.js";
import type { CaseListBatchState } from "../../store/case-list-batch.js";
import type { UploadContext } from "../case-row-encoder.js";

/**
 * The messages between the gateway's main thread and an upload's ingest worker. The worker reads, validates,
 * pseudonymizes, seals and encodes; the main thread feeds it the upload's bytes and writes the batches it sends.
 * Both directions are credit-based, so that neither side queues more than a couple of chunks or batches.
 */

/** What the worker starts with (workerData): the secrets stay in the process, never in a message that is logged. */
export interface IngestWorkerData {
  file: string;
  pepper: Pepper;
  /** The store key (AES-256-GCM), 32 bytes. */
  storeKey: Uint8Array;
  upload: UploadContext;
  maxBytes: number | undefined;
  progressEvery: number;
  /** An .xlsx upload: the sheet to read (the first when undefined) and where the workbook is spooled while read. */
  workbook?: WorkbookSpec;
}

/** How an .xlsx upload is read: plain data, so that the worker builds the reader itself. */
export interface WorkbookSpec {
  sheet: string | undefined;
  spoolDir: string;
  /** The spool's name, chosen by the main thread: it removes the spool if the worker dies before it could. */
  spoolName?: string;
}

export type ToWorker =
  /** The next bytes of the upload (its own buffer, transferred). */
  | { type: "chunk"; bytes: Uint8Array }
  | { type: "end" }
  /** The main thread has taken a batch: the worker may send one more. */
  | { type: "credit" };

export type FromWorker =
  /** A chunk has been read: the main thread may send one more. */
  | { type: "consumed" }
  | { type: "batch"; batch: CaseListBatchState }
  | { type: "progress"; totals: ReportTotals }
  | { type: "done"; encoding: CaseListEncoding; totals: ReportTotals }
  /** The file is not a case list (a CaseListFileError's code and details: no personal data), or the worker failed. */
  | { type: "failed"; fileError?: { code: FileErrorCode; details: Record<string, unknown> } };

/** Chunks and batches in flight in each direction. */
export const WINDOW = 2;
