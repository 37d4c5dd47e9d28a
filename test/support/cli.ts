import { join } from "node:path";
import { PROJECT_ROOT } from "../../node/paths.js";

/**
 * Node's arguments that run the `caseledger` command from its TypeScript source (tsx by absolute URL, so that any
 * working directory will do). The built command, installed from the package, is tested by test/e2e/package.test.ts.
 */
export const CLI = ["--import", import.meta.resolve("tsx"), join(PROJECT_ROOT, "bin", "caseledger.ts")];
