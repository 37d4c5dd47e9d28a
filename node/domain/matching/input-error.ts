import { bilingual } from "../errors.js";

/**
 * An allocation input that the caller should never have built: profiles and stats come validated from the
 * store, cases come de-duplicated from the validator. Thrown, not reported per case, because a preview made
 * from it would be wrong as a whole. Details hold ids and pseudonymous keys only, never PII.
 */
export const MATCHING_INPUT_ERRORS = {
  DUPLICATE_AGENCY: { zh: "机构名单中同一机构出现两次", en: "the agency list holds the same agency twice" },
  DUPLICATE_STATS: { zh: "同一机构的统计数据出现两次", en: "the stats hold the same agency twice" },
  DUPLICATE_CASE: { zh: "同一案件出现两次（应先去重）", en: "the same case is given twice (de-duplicate first)" },
  INVALID_AGENCY: { zh: "机构资料无效（请先校验）", en: "an agency profile is invalid (validate it first)" },
  INVALID_STATS: { zh: "机构统计数据无效", en: "agency stats are invalid" },
} as const;

export type MatchingInputErrorCode = keyof typeof MATCHING_INPUT_ERRORS;

export class MatchingInputError extends Error {
  override readonly name = "MatchingInputError";
  constructor(
    readonly code: MatchingInputErrorCode,
    readonly details: Record<string, unknown> = {},
  ) {
    super(bilingual(MATCHING_INPUT_ERRORS[code]));
  }
}
