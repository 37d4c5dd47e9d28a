import { msg } from "../messages/message.js";
import { isNetworkError } from "../chain/rpc.js";
import { ApiError } from "./api-error.js";

/** Seconds a client should wait before retrying a request refused because the chain node or the store is away. */
export const RETRY_AFTER_SECONDS = { chain: 5, store: 30 } as const;

/**
 * The API error for a failure of what the gateway depends on rather than of the request: the chain node not
 * answering (503 CHAIN_UNAVAILABLE), a full disk (507 STORAGE_FULL) or LevelDB refusing (503 STORE_UNAVAILABLE).
 * Undefined for anything else. Messages name the cause only: paths and raw driver messages stay in the log.
 */
export function outageError(error: unknown): ApiError | undefined {
  if (error instanceof ApiError) return undefined;
  if (isNetworkError(error)) {
    return new ApiError("CHAIN_UNAVAILABLE", msg("api.CHAIN_UNAVAILABLE"), { retryAfterSeconds: RETRY_AFTER_SECONDS.chain });
  }
  if (isDiskFull(error)) {
    return new ApiError("STORAGE_FULL", msg("api.STORAGE_FULL"), { retryAfterSeconds: RETRY_AFTER_SECONDS.store });
  }
  if (isStoreError(error)) {
    return new ApiError("STORE_UNAVAILABLE", msg("api.STORE_UNAVAILABLE"), { retryAfterSeconds: RETRY_AFTER_SECONDS.store });
  }
  return undefined;
}

/** Walks an error and its causes (LevelDB wraps the binding's error; ethers wraps the socket's). */
function* chain(error: unknown): Generator<{ code?: unknown; message?: unknown }> {
  for (let e: unknown = error, depth = 0; e && typeof e === "object" && depth < 5; depth++) {
    yield e as { code?: unknown; message?: unknown };
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
