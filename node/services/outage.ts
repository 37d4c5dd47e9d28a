import { isNetworkError } from "../chain/rpc.js";
import { isDiskFull, isStoreError } from "../store/store-errors.js";

/** What the gateway depends on that failed: the chain node, the disk under the store, or the store itself. */
export type Outage = "chain" | "storageFull" | "store";

/**
 * Which dependency an error comes from, or undefined when the error is the request's own. The edges turn the answer
 * into a status and a retry hint without knowing how the chain client or LevelDB report their failures.
 */
export function outageOf(error: unknown): Outage | undefined {
  if (isNetworkError(error)) return "chain";
  if (isDiskFull(error)) return "storageFull";
  if (isStoreError(error)) return "store";
  return undefined;
}
