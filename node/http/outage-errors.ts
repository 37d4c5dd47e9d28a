import { isNetworkError } from "../chain/rpc.js";
import { isDiskFull, isStoreError } from "../store/store-errors.js";
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
    return new ApiError("CHAIN_UNAVAILABLE", "区块链节点暂时不可达，请稍后重试；已受理的工作在队列中，不会丢失 / the chain node is unreachable for now; retry later — work already accepted stays queued and is not lost", { retryAfterSeconds: RETRY_AFTER_SECONDS.chain });
  }
  if (isDiskFull(error)) {
    return new ApiError("STORAGE_FULL", "存储空间已满，本次未写入任何数据；请释放磁盘空间后重启网关 / the disk is full; nothing of this request was written — free space, then restart the gateway", { retryAfterSeconds: RETRY_AFTER_SECONDS.store });
  }
  if (isStoreError(error)) {
    return new ApiError("STORE_UNAVAILABLE", "本地存储暂时不可用，本次未写入任何数据；请稍后重试 / the local store is unavailable; nothing of this request was written — retry later", { retryAfterSeconds: RETRY_AFTER_SECONDS.store });
  }
  return undefined;
}
