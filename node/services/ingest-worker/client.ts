import { randomUUID } from "node:crypto";
import { rm } from "node:fs/promises";
import { Worker } from "node:worker_threads";
import type { CaseListEncoding } from "../../domain/csv/read-case-list.js";
import type { ByteChunks } from "../../domain/csv/read-case-list.js";
import type { ReportTotals } from "../../domain/case-list/validator.js";
import { CaseListFileError } from "../../domain/errors.js";
import type { Pepper } from "../../domain/pseudonyms.js";
import { CaseListBatch } from "../../store/case-list-batch.js";
import { ownCopy } from "../../store/record-encodings.js";
import type { PiiCipher } from "../../store/pii-cipher.js";
import type { UploadContext } from "../case-row-encoder.js";
import { spoolPath } from "../workbook/spool.js";
import { type FromWorker, type IngestWorkerData, type ToWorker, WINDOW, type WorkbookSpec } from "./protocol.js";

/** Whether this is the source (run under tsx: tests, benchmarks) rather than the build (dist/). */
const FROM_SOURCE = import.meta.url.endsWith(".ts");

/** The worker's entry beside this file: entry.ts from source, entry.js from the build. */
const ENTRY = new URL(FROM_SOURCE ? "./entry.ts" : "./entry.js", import.meta.url);

/**
 * A worker inherits its parent's command-line options (those that only the process can have, like the gateway's heap
 * bound, are ignored: passed explicitly they would be refused), but not the loader hooks a parent registered in code,
 * as the test runner registers tsx: from source without tsx on the command line, the worker loads tsx itself, so that
 * its imports of `.js` resolve to the `.ts` files. The build needs none.
 */
const EXEC_ARGV = FROM_SOURCE && !process.execArgv.some((arg) => arg.includes("tsx")) ? ["--import", import.meta.resolve("tsx")] : undefined;

export interface WorkerEncodeOptions {
  file: string;
  chunks: ByteChunks;
  pepper: Pepper;
  cipher: PiiCipher;
  upload: UploadContext;
  maxBytes: number | undefined;
  progressEvery: number;
  onProgress?: (totals: ReportTotals) => void;
  /** Takes a batch; resolves when the worker may send another (the ingest's flush: the previous write done). */
  onBatch: (batch: CaseListBatch) => Promise<void>;
  /** Tests: another entry (one that fails on purpose). */
  entry?: URL;
  /** The bound of the worker's heap (its old generation), MB: past it the upload fails with UPLOAD_OUT_OF_MEMORY. */
  maxHeapMb?: number;
  /** An .xlsx upload: read by the worker's own workbook reader. */
  workbook?: WorkbookSpec;
}

/**
 * Reads, validates and encodes an upload in a worker thread of its own (the gateway's main thread only writes), with
 * the same result as the in-thread path. The uploads that run at once are bounded by the ingest queue, so a worker
 * per upload is a pool sized by ingest.maxConcurrent; within one upload, duplicates and loan-ref conflicts depend on
 * every earlier row, so one file is read by one worker, in order. Rejects with the file's CaseListFileError, or
 * with a bare Error when the worker fails or dies (the ingest then rolls the upload back; the gateway carries on).
 */
export function encodeInWorker(options: WorkerEncodeOptions): Promise<{ encoding: CaseListEncoding; totals: ReportTotals }> {
  // A workbook's spool is named here: a worker that dies (its heap bound, a crash) cannot remove it, so this thread does.
  const workbook = options.workbook ? { ...options.workbook, spoolName: randomUUID() } : undefined;
  const data: IngestWorkerData = {
    file: options.file,
    pepper: options.pepper,
    storeKey: options.cipher.exportKey(),
    upload: options.upload,
    maxBytes: options.maxBytes,
    progressEvery: options.progressEvery,
    ...(workbook ? { workbook } : {}),
  };
  // A bounded young generation: its semi-spaces are resident memory, and at the default the 1M-row ingest peaked over
  // 400 MB (409 MB; 380 MB at 16 MB, and faster; 373 MB at 8 MB, but 15 % slower).
  const resourceLimits = { maxYoungGenerationSizeMb: 16, ...(options.maxHeapMb ? { maxOldGenerationSizeMb: options.maxHeapMb } : {}) };
  const worker = new Worker(options.entry ?? ENTRY, { workerData: data, execArgv: EXEC_ARGV, resourceLimits });
  const post = (message: ToWorker, transfer: ArrayBuffer[] = []) => worker.postMessage(message, transfer);

  return new Promise((resolve, reject) => {
    let settled = false;
    let sent = 0;
    let consumed = 0;
    let wakePump: (() => void) | undefined;
    let taking: Promise<void> = Promise.resolve();
    /** Stops the worker; resolves once it is gone and its spool with it, however it ended. */
    const settle = async () => {
      settled = true;
      wakePump?.();
      await worker.terminate().catch(() => undefined);
      if (workbook) await rm(spoolPath(workbook.spoolDir, workbook.spoolName), { force: true }).catch(() => undefined);
    };
    // Rejects only once the batch being taken (a write being started) is through and the worker is gone, and takes
    // no more: the ingest then awaits that write and rolls back everything the upload wrote.
    const fail = (error: unknown) => {
      if (settled) return;
      const ended = settle();
      const failure = error instanceof Error ? error : new Error("the ingest failed");
      void Promise.allSettled([taking, ended]).then(() => reject(failure));
    };

    worker.on("message", (message: FromWorker) => {
      if (settled) return;
      switch (message.type) {
        case "consumed":
          consumed += 1;
          wakePump?.();
          break;
        case "batch": {
          const batch = CaseListBatch.restore(message.batch);
          taking = taking.then(async () => {
            if (settled) return;
            await options.onBatch(batch);
            if (!settled) post({ type: "credit" });
          });
          taking.catch(fail);
          break;
        }
        case "progress":
          options.onProgress?.(message.totals);
          break;
        case "done":
          taking.then(() => {
            if (settled) return;
            void settle().then(() => resolve({ encoding: message.encoding, totals: message.totals }));
          }, fail);
          break;
        case "failed":
          fail(message.fileError ? new CaseListFileError(message.fileError.code, message.fileError.details) : new Error("the ingest worker failed"));
          break;
      }
    });
    // The worker's own error is not passed on: its message could quote what it was reading. Running out of its heap
    // bound is the file's doing (a workbook's shared strings), and the lender is told so, with the bound.
    worker.on("error", (error: Error & { code?: string }) =>
      fail(
        error.code === "ERR_WORKER_OUT_OF_MEMORY"
          ? new CaseListFileError("UPLOAD_OUT_OF_MEMORY", { limitMb: options.maxHeapMb })
          : new Error("the ingest worker failed"),
      ),
    );
    worker.on("exit", (code) => fail(new Error(`the ingest worker stopped (exit code ${code})`)));

    const pump = async () => {
      for await (const chunk of options.chunks) {
        while (!settled && sent - consumed >= WINDOW) await new Promise<void>((resolve) => (wakePump = resolve));
        if (settled) return;
        // A copy in a buffer of its own: a stream's chunk may share its memory with others, which a transfer would detach.
        const bytes = ownCopy(chunk);
        post({ type: "chunk", bytes }, [bytes.buffer]);
        sent += 1;
      }
      if (!settled) post({ type: "end" });
    };
    pump().catch(fail);
  });
}
