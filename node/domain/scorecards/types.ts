/**
 * The shapes of agency scorecards (docs/design.md §24). Pure data. Times are Unix seconds, money is integer fen
 * (bigint), rates are basis points (1 bp = 0.01 %), floored: no floating point anywhere.
 */

/** A repayment as the scorecard needs it, whatever ledger keeps it. `state` is the entry's state after corrections. */
export interface ScorecardRepayment {
  caseKey: string;
  /** The agency that reported it. */
  agencyId: number;
  amountFen: bigint;
  /** When the debtor paid (seconds). */
  paidAt: number;
  /** reported: not yet confirmed or disputed by the lender; reversed: confirmed, then reversed by a later entry. */
  state: "reported" | "confirmed" | "disputed" | "reversed";
}

/** A chain event of one case, as the case index keeps it (the fields the scorecard reads). */
export interface ScorecardChainEvent {
  type: string;
  /** Block time, seconds. */
  time: number;
  creditorId?: number;
  agencyId?: number;
  /** CasesAssigned, CaseMandateExtended. */
  until?: number;
  /** CaseSettled: the creditor's stated amount, fen as a decimal string. */
  settledFen?: string;
}

export type SpellEnd = "returned" | "recalled" | "settled" | "closed" | "transferred" | "reassigned";

/** One assignment of a case to an agency, from the CasesAssigned that began it to what ended it (if anything yet). */
export interface Spell {
  caseKey: string;
  agencyId: number;
  creditorId: number;
  assignedAt: number;
  /** Last second of the mandate, extensions included. */
  until: number;
  acceptedAt?: number;
  /** The event that ended the spell, and when; absent while it runs (or after it simply expired). */
  endedAt?: number;
  endedBy?: SpellEnd;
  /** endedBy "settled": the amount the creditor stated on chain. */
  settledFen?: bigint;
}

export const SCORECARD_WINDOWS_DAYS = [30, 90, 180] as const;
export type ScorecardWindow = (typeof SCORECARD_WINDOWS_DAYS)[number];

/** Recovery over the spells at least `days` old: confirmed repayments within `days` of assignment ÷ outstanding then. */
export interface RecoveryWindow {
  days: ScorecardWindow;
  /** Spells assigned at least `days` ago: the ones measured. */
  matured: number;
  repaidFen: bigint;
  outstandingFen: bigint;
  /** null: nothing measured yet (no matured spell, or no outstanding). */
  rateBp: number | null;
}

/** Settlements within `days` of assignment, over the spells at least `days` old (amounts from the chain). */
export interface SettledWindow {
  days: ScorecardWindow;
  matured: number;
  settled: number;
  settledFen: bigint;
  rateBp: number | null;
}

/** What every member can compute about an agency from the chain alone. */
export interface ChainScorecard {
  agencyId: number;
  /** Assignments (a case assigned twice counts twice) and distinct cases. */
  assignments: number;
  cases: number;
  settled: SettledWindow[];
  /** Share of assignments the agency returned. */
  returnedBp: number | null;
  /** Median seconds from assignment to acceptance, over accepted assignments. */
  acceptDelayMedianSeconds: number | null;
  /** The chain carries no complaints: always null ("—") in the chain-only view. */
  complaints: null;
}

/** Complaints the lender received about the agency (docs/design.md §26): all of them, and those still open. */
export interface ComplaintCount {
  received: number;
  open: number;
}

/** One lender's view of an agency: the chain's figures over its own cases, plus its repayment ledger. */
export interface LenderScorecard extends Omit<ChainScorecard, "complaints"> {
  /** From the lender's complaints (§26); null where the gateway counts none. */
  complaints: ComplaintCount | null;
  recovery: RecoveryWindow[];
  /** Median seconds from assignment to the first confirmed repayment, over assignments that had one. */
  firstRepaymentMedianSeconds: number | null;
  /** Repayments the agency reported, and the share the lender disputed. */
  reportedRepayments: number;
  disputedBp: number | null;
}
