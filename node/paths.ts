import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (where package.json is), whatever the current directory. */
export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** Where `npm start` keeps everything it generates; never committed. */
export const DEFAULT_DATA_DIR = resolve(PROJECT_ROOT, "data");
