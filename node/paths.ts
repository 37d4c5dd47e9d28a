import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The root of the code tree this module was loaded from: the repository when the TypeScript sources run, dist/
 * when the build runs (from the repository or from an installed package). Files that ship beside the code (the
 * web console, the contracts' ABIs) are found from here, so the build carries its own copies.
 */
export const CODE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** The nearest directory at or above `dir` that holds a package.json (the build's dist/ holds none). */
function packageRootOf(dir: string): string {
  let at = dir;
  while (!existsSync(resolve(at, "package.json")) && dirname(at) !== at) at = dirname(at);
  return at;
}

/** The repository root, or the installed package's directory (where package.json is), whatever the current directory. */
export const PROJECT_ROOT = packageRootOf(CODE_ROOT);

/** Where `npm start` keeps everything it generates; never committed. */
export const DEFAULT_DATA_DIR = resolve(PROJECT_ROOT, "data");
