/** The matching and allocation domain (docs/design.md §13): pure, no I/O. */
export { allocate } from "./allocate.js";
export { MATCHING_INPUT_ERRORS, MatchingInputError, type MatchingInputErrorCode } from "./input-error.js";
export {
  REASON_CODES,
  type AssignedReasonCode,
  type PassedOver,
  type RangeMiss,
  type ReasonCode,
  type UnmatchedReasonCode,
} from "./reasons.js";
export { ANY_REGION, isProvinceCode } from "./regions.js";
export {
  NO_HISTORY_RECOVERY,
  SCORE_SCALE,
  TieBreak,
  formatScore,
  recoveryUnits,
  scoreUnits,
  tieBreakDigest,
} from "./score.js";
export type {
  AgencyProfile,
  AgencyStats,
  AgencyTotal,
  Allocation,
  AllocationInput,
  CaseToAllocate,
  Decision,
  DecisionReason,
  DebtorHolding,
} from "./types.js";
export {
  PROFILE_ERRORS,
  type ProfileErrorCode,
  type ProfileIssue,
  type ProfileValidation,
  validateAgencyProfile,
} from "./validate-profile.js";
