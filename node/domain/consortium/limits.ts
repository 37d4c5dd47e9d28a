/** `CaseRegistry.MAX_BATCH`: the most items one batch call takes (and so one transaction of the submitter). */
export const MAX_BATCH = 500;

/** `CaseRegistry.MAX_MANDATE` in days: the longest mandate window [assignedAt, until], extensions included. */
export const MAX_MANDATE_DAYS = 730;
export const MAX_MANDATE_SECONDS = MAX_MANDATE_DAYS * 86_400;

/**
 * `MerkleLog.MAX_PROOF_LENGTH`: longer inclusion or consistency proofs are refused before any hashing. Tree sizes are
 * uint64, so no honest proof is longer.
 */
export const MAX_PROOF_LENGTH = 64;
