import type { BundleEvent } from "./bundle.js";

/**
 * Who held a case when, from its events on chain: the creditors' periods (a transfer ends one and starts the next)
 * and the agencies' mandates (an assignment opens one; an extension moves its end; a return, recall, settlement,
 * closure or transfer ends it early). Times are Unix seconds; a period's `end` is inclusive; an open one ends never.
 */
export interface HoldingPeriod {
  member: number;
  role: "creditor" | "agency";
  start: number;
  end: number;
}

export type HistoryProblem = { index: number; reason: "NOT_REGISTERED_FIRST" | "OUT_OF_ORDER" | "CREDITOR_MISMATCH" | "NO_MANDATE" };

export interface Custody {
  periods: HoldingPeriod[];
  /** The creditor of record after the last event; undefined when the history does not start with the registration. */
  creditor: number | undefined;
  problems: HistoryProblem[];
}

const OPEN = Number.MAX_SAFE_INTEGER;

export function custodyOf(history: readonly BundleEvent[]): Custody {
  const periods: HoldingPeriod[] = [];
  const problems: HistoryProblem[] = [];
  let creditor: HoldingPeriod | undefined;
  let mandate: HoldingPeriod | undefined;
  const endMandate = (at: number) => {
    if (mandate) mandate.end = Math.min(mandate.end, at);
    mandate = undefined;
  };
  history.forEach((e, index) => {
    const prev = history[index - 1];
    if (prev && (e.block < prev.block || (e.block === prev.block && e.logIndex <= prev.logIndex))) problems.push({ index, reason: "OUT_OF_ORDER" });
    if (index === 0 && e.type !== "CaseRegistered") problems.push({ index, reason: "NOT_REGISTERED_FIRST" });
    switch (e.type) {
      case "CaseRegistered":
        if (index !== 0 || e.creditorId === undefined) problems.push({ index, reason: "NOT_REGISTERED_FIRST" });
        else periods.push((creditor = { member: e.creditorId, role: "creditor", start: e.time, end: OPEN }));
        break;
      case "CasesAssigned":
        if (creditor === undefined || e.creditorId !== creditor.member) problems.push({ index, reason: "CREDITOR_MISMATCH" });
        if (e.agencyId === undefined || e.until === undefined) problems.push({ index, reason: "NO_MANDATE" });
        else {
          endMandate(e.time);
          periods.push((mandate = { member: e.agencyId, role: "agency", start: e.time, end: e.until }));
        }
        break;
      case "CaseMandateExtended":
        if (!mandate || mandate.member !== e.agencyId || e.until === undefined) problems.push({ index, reason: "NO_MANDATE" });
        else mandate.end = e.until;
        break;
      case "CaseAccepted":
        if (!mandate || mandate.member !== e.agencyId) problems.push({ index, reason: "NO_MANDATE" });
        break;
      case "CaseReturned":
      case "CaseRecalled":
        if (!mandate || mandate.member !== e.agencyId) problems.push({ index, reason: "NO_MANDATE" });
        endMandate(e.time);
        break;
      case "CaseSettled":
      case "CaseClosed":
        if (creditor === undefined || e.creditorId !== creditor.member) problems.push({ index, reason: "CREDITOR_MISMATCH" });
        endMandate(e.time);
        break;
      case "CaseCreditorTransferred":
        if (creditor === undefined || e.fromCreditorId !== creditor.member || e.toCreditorId === undefined) {
          problems.push({ index, reason: "CREDITOR_MISMATCH" });
          break;
        }
        endMandate(e.time);
        creditor.end = e.time;
        periods.push((creditor = { member: e.toCreditorId, role: "creditor", start: e.time, end: OPEN }));
        break;
    }
  });
  return { periods, creditor: problems.some((p) => p.reason === "NOT_REGISTERED_FIRST") ? undefined : creditor?.member, problems };
}

/** Seconds a claimed capture time may stray outside a period (members' and validators' clocks). */
export const CUSTODY_SKEW_SECONDS = 300;
/** Seconds after a period's end within which its last records may still be anchored (checkpoints every minute or so). */
export const ANCHOR_GRACE_SECONDS = 3600;

export type CustodyVerdict =
  | { verdict: "valid"; code: "CUSTODY_OK"; period: HoldingPeriod }
  | { verdict: "outside-mandate"; code: "CAPTURED_OUTSIDE_MANDATE" | "ANCHORED_AFTER_MANDATE"; periods: HoldingPeriod[] }
  | { verdict: "invalid"; code: "NEVER_HELD" };

/**
 * Whether `member` held the case when it says it captured the record (`capturedAt`, seconds) and when the chain
 * proves the record existed (`anchoredBy`, the anchor's block time; undefined for a pending receipt).
 */
export function judgeCustody(custody: Custody, member: number, capturedAt: number, anchoredBy: number | undefined): CustodyVerdict {
  const own = custody.periods.filter((p) => p.member === member);
  if (own.length === 0) return { verdict: "invalid", code: "NEVER_HELD" };
  const inside = own.filter((p) => capturedAt >= p.start - CUSTODY_SKEW_SECONDS && capturedAt <= p.end + CUSTODY_SKEW_SECONDS);
  if (inside.length === 0) return { verdict: "outside-mandate", code: "CAPTURED_OUTSIDE_MANDATE", periods: own };
  const timely = inside.find((p) => anchoredBy === undefined || p.end === OPEN || anchoredBy <= p.end + ANCHOR_GRACE_SECONDS);
  if (!timely) return { verdict: "outside-mandate", code: "ANCHORED_AFTER_MANDATE", periods: inside };
  return { verdict: "valid", code: "CUSTODY_OK", period: timely };
}
