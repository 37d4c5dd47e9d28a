import { caseStatusName, type CaseStatusName } from "./case-status.js";

/**
 * The statuses under which an agency holds a case while its mandate runs (`CaseSlot.isAssigned` on chain). Past
 * `until` the status stays but the holding ends: expiry is never stored, it follows from the time.
 */
export const HELD_STATUSES: readonly CaseStatusName[] = ["Assigned", "Accepted"];

/** Assigned or Accepted: the statuses under which an agency holds a case (while `until` has not passed). */
export function isHeldStatus(status: CaseStatusName): boolean {
  return HELD_STATUSES.includes(status);
}

/** Held now: a held status and `until` (inclusive) not yet passed at `nowSeconds`, as the contract reads it. */
export function isHeldAt(state: { status: CaseStatusName; until: number }, nowSeconds: number): boolean {
  return isHeldStatus(state.status) && state.until >= nowSeconds;
}

/** A held status whose mandate ran out before `nowSeconds`: the case is nobody's, though its status still says held. */
export function isExpiredAt(state: { status: CaseStatusName; until: number }, nowSeconds: number): boolean {
  return isHeldStatus(state.status) && state.until < nowSeconds;
}

/** A case's status as people read it: "Expired" for a held status whose mandate has run out, "NotOnChain" for none. */
export function statusAt(state: { status: CaseStatusName; until: number } | undefined, nowSeconds: number): CaseStatusName | "Expired" | "NotOnChain" {
  if (!state) return "NotOnChain";
  return isExpiredAt(state, nowSeconds) ? "Expired" : state.status;
}

/**
 * A case as `CaseRegistry.casesOf` returns it is held now by `agencyId` for `creditorId`: what the handover sender
 * checks before every attempt, the handover receiver before it keeps a case, and a creditor before it takes an
 * agency's repayment report.
 */
export function isHeldFromCreditor(
  s: { creditorId: bigint; agencyId: bigint; status: bigint; until: bigint },
  creditorId: number,
  agencyId: number,
  nowSeconds: number,
): boolean {
  return Number(s.creditorId) === creditorId && Number(s.agencyId) === agencyId && isHeldAt({ status: caseStatusName(s.status), until: Number(s.until) }, nowSeconds);
}
