import { CATALOG } from "../../messages/catalog.js";
import { bilingual, msg } from "../../messages/message.js";

/**
 * An allocation input that the caller should never have built: profiles and stats come validated from the
 * store, cases come de-duplicated from the validator. Thrown, not reported per case, because a preview made
 * from it would be wrong as a whole. Details hold ids and pseudonymous keys only, never PII.
 */
export const MATCHING_INPUT_ERRORS = CATALOG.matchingInput;

export type MatchingInputErrorCode = keyof typeof MATCHING_INPUT_ERRORS;

export class MatchingInputError extends Error {
  override readonly name = "MatchingInputError";
  constructor(
    readonly code: MatchingInputErrorCode,
    readonly details: Record<string, unknown> = {},
  ) {
    super(bilingual(msg(`matchingInput.${code}`)));
  }
}
