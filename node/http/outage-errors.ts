import { msg } from "../messages/message.js";
import { outageOf } from "../services/outage.js";
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
  const outage = outageOf(error);
  if (outage === "chain") {
    return new ApiError("CHAIN_UNAVAILABLE", msg("api.CHAIN_UNAVAILABLE"), { retryAfterSeconds: RETRY_AFTER_SECONDS.chain });
  }
  if (outage === "storageFull") {
    return new ApiError("STORAGE_FULL", msg("api.STORAGE_FULL"), { retryAfterSeconds: RETRY_AFTER_SECONDS.store });
  }
  if (outage === "store") {
    return new ApiError("STORE_UNAVAILABLE", msg("api.STORE_UNAVAILABLE"), { retryAfterSeconds: RETRY_AFTER_SECONDS.store });
  }
  return undefined;
}
