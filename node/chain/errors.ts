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
  | "KEY_MISSING";

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
