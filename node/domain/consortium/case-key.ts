/**
 * `CaseRegistry.ORIGINATOR_SHIFT`: a caseKey's bytes 1–4 (the originating lender's member id, uint32 big-endian)
 * sit above its hash bytes, this many bits up. CaseRegistry lets only the member they name register the key.
 */
export const CASE_KEY_ORIGINATOR_SHIFT = 216;
