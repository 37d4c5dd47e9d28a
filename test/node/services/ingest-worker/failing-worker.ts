/**
 * Ingest workers that fail on purpose once they have sent their first batch: the real worker's code, through a port
 * that breaks down after the first batch (of a list of three or more), by an uncaught exception (a crash of the thread),
 * by a sudden exit, or by holding more and more memory until the thread's heap bound stops it (as a workbook with a
 * huge shared-string table would).
 */
import { parentPort, workerData } from "node:worker_threads";
import type { IngestWorkerData, ToWorker } from "../../../../node/services/ingest-worker/protocol.js";
import { type IngestPort, serveIngest } from "../../../../node/services/ingest-worker/serve.js";

export async function serveThenFail(failure: "throw" | "exit" | "hog"): Promise<void> {
  const parent = parentPort!;
  let batches = 0;
  const port: IngestPort = {
    // No credit reaches the worker: it stops at its third batch and waits, which is when a crash scheduled at its
    // first batch happens (a worker that never waits would finish first, and a crash after the end harms nothing).
    on: (event, listener) => parent.on(event, (message: ToWorker) => message.type !== "credit" && listener(message)),
    postMessage: (message, transfer) => {
      parent.postMessage(message, transfer);
      if (message.type !== "batch" || ++batches > 1) return;
      if (failure === "exit") process.exit(3);
      if (failure === "hog") {
        const held: number[][] = [];
        setImmediate(() => {
          for (;;) held.push(Array.from({ length: 1 << 16 }, (_, i) => i + held.length));
        });
        return;
      }
      setImmediate(() => {
        throw new Error("the worker broke down");
      });
    },
  };
  await serveIngest(port, workerData as IngestWorkerData);
}
