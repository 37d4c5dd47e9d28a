import { CaseListFileError } from "../../domain/errors.js";
import { PiiCipher } from "../../store/pii-cipher.js";
import type { CaseListBatch } from "../../store/case-list-batch.js";
import { encodeCaseList } from "../case-row-encoder.js";
import { readWorkbookBatches } from "../workbook/read-workbook.js";
import type { CaseListEventReader } from "../../domain/case-list/report.js";
import { type FromWorker, type IngestWorkerData, type ToWorker, WINDOW, type WorkbookSpec } from "./protocol.js";

/** The reader of an .xlsx upload, as case-list-format.ts builds it in the main thread. */
function workbookReader({ sheet, spoolDir, spoolName }: WorkbookSpec): CaseListEventReader {
  return (chunks, options) => readWorkbookBatches(chunks, { ...options, sheet, spoolDir, spoolName });
}

/** The port the worker talks through (parentPort, or a test's wrapper of it). */
export interface IngestPort {
  postMessage(message: FromWorker, transfer: ArrayBuffer[]): void;
  on(event: "message", listener: (message: ToWorker) => void): void;
}

/**
 * The worker's side of an upload: reads the chunks the main thread sends, validates and encodes them exactly as the
 * in-thread ingest does (the same encodeCaseList), and sends each full batch, waiting for
 * credit when WINDOW batches are unwritten.
 */
export async function serveIngest(port: IngestPort, data: IngestWorkerData): Promise<void> {
  const send = (message: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);
  const chunks: Uint8Array[] = [];
  let ended = false;
  let credit = WINDOW;
  let wake: (() => void) | undefined;
  const notify = () => {
    const waiting = wake;
    wake = undefined;
    waiting?.();
  };
  port.on("message", (message: ToWorker) => {
    if (message.type === "chunk") chunks.push(message.bytes);
    else if (message.type === "end") ended = true;
    else credit += 1;
    notify();
  });
  const waitFor = async (ready: () => boolean) => {
    while (!ready()) await new Promise<void>((resolve) => (wake = resolve));
  };
  async function* input(): AsyncGenerator<Uint8Array> {
    for (;;) {
      await waitFor(() => chunks.length > 0 || ended);
      const next = chunks.shift();
      if (next === undefined) return;
      send({ type: "consumed" });
      yield next;
    }
  }

  const cipher = new PiiCipher(data.storeKey);
  const flush = async (batch: CaseListBatch) => {
    await waitFor(() => credit > 0);
    credit -= 1;
    const { state, transfer } = batch.export();
    send({ type: "batch", batch: state }, transfer);
  };
  try {
    const report = await encodeCaseList(
      {
        file: data.file,
        chunks: input(),
        pepper: data.pepper,
        cipher,
        upload: data.upload,
        maxBytes: data.maxBytes,
        progressEvery: data.progressEvery,
        onProgress: (totals) => send({ type: "progress", totals }),
        ...(data.workbook ? { read: workbookReader(data.workbook) } : {}),
      },
      flush,
    );
    send({ type: "done", encoding: report.encoding, totals: report.totals });
  } catch (error) {
    // Only a file error's code and details cross over (they name no one); anything else is a bare failure.
    send({ type: "failed", fileError: error instanceof CaseListFileError ? { code: error.code, details: error.details } : undefined });
  }
}
