/** What went wrong talking to the chain or deploying to it, as a stable code that callers branch on. */
export type ChainErrorCode =
  | "ANVIL_NOT_INSTALLED"
  | "ANVIL_START_FAILED"
  | "RPC_UNAVAILABLE"
  | "CHAIN_MISMATCH"
  | "DEPLOYMENT_MISSING"
  | "DEPLOYMENT_CODE_MISMATCH"
  | "DEPLOYMENT_INVALID"
  | "ARTIFACT_MISSING"
  | "KEY_MISSING"
  /** The chain changed under a page being read (a reorg or a node restarted from older state); sync again. */
  | "CHAIN_REORGED"
  /** An RPC call did not answer within its time limit. */
  | "RPC_TIMEOUT"
  /** A transaction the node has is not mined within the receipt timeout; its receipt is looked up again later. */
  | "RECEIPT_PENDING"
  /** The indexer's or the outbox's LevelDB data is not what this code wrote. */
  | "STORE_CORRUPT"
  /** A job given to the submitter is malformed (empty, duplicate keys, out-of-range ids or times). */
  | "JOB_INVALID"
  | "JOB_NOT_FOUND"
  /** waitForJob gave up before the job finished. */
  | "JOB_TIMEOUT"
  /** The submitter's worker stopped (stop(), or a test hook simulating a crash). */
  | "SUBMITTER_STOPPED";

/** Base error of the chain adapter: a short message, a code, and the cause kept. */
export class ChainError extends Error {
  override readonly name = "ChainError";
  constructor(
    readonly code: ChainErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
