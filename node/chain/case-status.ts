/** `ICaseRegistry.CaseStatus`, by name, in the enum's order (the index is the on-chain value). */
export const CASE_STATUSES = [
  "None",
  "Registered",
  "Assigned",
  "Accepted",
  "Returned",
  "Recalled",
  "Settled",
  "Closed",
] as const;
export type CaseStatusName = (typeof CASE_STATUSES)[number];

/** The name of an on-chain status value; "None" is never returned for a value outside the enum: it throws. */
export function caseStatusName(value: bigint | number): CaseStatusName {
  const name = CASE_STATUSES[Number(value)];
  if (name === undefined) throw new RangeError(`unknown CaseStatus ${String(value)}`);
  return name;
}

/** Assigned or Accepted: the statuses under which an agency holds a case (while `until` has not passed). */
export function isHeldStatus(status: CaseStatusName): boolean {
  return status === "Assigned" || status === "Accepted";
}

/** Held now: a held status and `until` (inclusive) not yet passed at `nowSeconds`, as the contract reads it. */
export function isHeldAt(state: { status: CaseStatusName; until: number }, nowSeconds: number): boolean {
  return isHeldStatus(state.status) && state.until >= nowSeconds;
}
