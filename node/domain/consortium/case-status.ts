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

/** The on-chain value of each status, for the places that hold the raw enum (a contract call's result). */
export const CASE_STATUS = Object.fromEntries(CASE_STATUSES.map((name, value) => [name, value])) as {
  readonly [N in CaseStatusName]: number;
};

/** The name of an on-chain status value; "None" is never returned for a value outside the enum: it throws. */
export function caseStatusName(value: bigint | number): CaseStatusName {
  const name = CASE_STATUSES[Number(value)];
  if (name === undefined) throw new RangeError(`unknown CaseStatus ${String(value)}`);
  return name;
}
