import { parentPort } from "node:worker_threads";
import { serveThenFail } from "./failing-worker.js";

// Only as a worker's entry: the test runner loads every file under test/, and there this must do nothing.
if (parentPort) await serveThenFail("hog");
