/** The ingest worker thread's entry (see client.ts): serves one upload, then ends. */
import { parentPort, workerData } from "node:worker_threads";
import type { IngestWorkerData } from "./protocol.js";
import { serveIngest } from "./serve.js";

if (!parentPort) throw new Error("the ingest worker runs in a worker thread");
await serveIngest(parentPort, workerData as IngestWorkerData);
