import { serveThenFail } from "./failing-worker.js";

await serveThenFail("exit");
