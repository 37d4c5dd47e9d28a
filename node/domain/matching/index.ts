/** The matching and allocation domain (docs/design.md §13): pure, no I/O. */
export { allocate } from "./allocate.js";
export { MatchingInputError } from "./input-error.js";
export { REASON_CODES } from "./reasons.js";
export { TieBreak, formatScore, recoveryUnits, scoreUnits, tieBreakDigest } from "./score.js";
export type {
  AgencyProfile,
  AgencyStats,
  Allocation,
  AllocationInput,
  CaseToAllocate,
  Decision,
  DebtorHolding,
} from "./types.js";
export { validateAgencyProfile } from "./validate-profile.js";
