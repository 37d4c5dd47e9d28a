/** Walks an error and its causes (LevelDB wraps the binding's error; ethers wraps the socket's). */
function* chain(error: unknown): Generator<{ code?: unknown; message?: unknown }> {
  for (let e: unknown = error, depth = 0; e && typeof e === "object" && depth < 5; depth++) {
    yield e;
    e = (e as { cause?: unknown }).cause;
  }
}

/** ENOSPC from the file system, or LevelDB's I/O error saying so (it keeps failing writes until reopened). */
export function isDiskFull(error: unknown): boolean {
  for (const e of chain(error)) {
    if (e.code === "ENOSPC" || e.code === "EDQUOT") return true;
    if (e.code === "LEVEL_IO_ERROR" && /no space left|disk full|quota/i.test(String(e.message))) return true;
  }
  return false;
}

/** Any of abstract-level's error codes: LEVEL_IO_ERROR, LEVEL_DATABASE_NOT_OPEN, LEVEL_CORRUPTION… */
export function isStoreError(error: unknown): boolean {
  for (const e of chain(error)) if (typeof e.code === "string" && e.code.startsWith("LEVEL_")) return true;
  return false;
}
