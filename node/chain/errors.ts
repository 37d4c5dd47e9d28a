import type { CATALOG } from "../messages/catalog.js";
import { type Message, msg } from "../messages/message.js";

/**
 * What went wrong talking to the chain or deploying to it, as a stable code that callers branch on; each code's words
 * are in the message catalog (section `chain`).
 */
export type ChainErrorCode = keyof typeof CATALOG.chain;

/** Base error of the chain adapter: a code, a short English detail for the log, and the cause kept. */
export class ChainError extends Error {
  override readonly name = "ChainError";
  constructor(
    readonly code: ChainErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** The code's words, for an edge to show a person (the detail follows in the log). */
  get text(): Message {
    return msg(`chain.${this.code}`);
  }
}
