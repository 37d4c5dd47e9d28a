/**
 * The shapes of the matching and allocation domain (docs/design.md §13): what goes into an
 * allocation preview and what comes out. Pure data, no behaviour.
 */
import type { ReasonCode } from "./reasons.js";

/** An agency's declared profile: what it may collect, as it appears on a lender's agency list. */
export interface AgencyProfile {
  /** MemberRegistry id, uint32 from 1. */
  agencyId: number;
  name: string;
  /** 2-digit province codes such as "44", or "*" for every region. */
  regions: string[];
  /** Outstanding amount of a case in fen, both ends inclusive; no `max` = no upper limit. */
  outstandingFen: { min: bigint; max?: bigint | undefined };
  /** Days overdue, both ends inclusive; no `max` = no upper limit. */
  overdueDays: { min: number; max?: number | undefined };
  /** The most active cases the agency takes. */
  capacity: number;
  /**
   * The lender's performance throttle (docs/design.md §24), off when absent: an agency whose 90-day recovery is known
   * and below `throttleBelowRecoveryBp` basis points gets only `throttledCapacityPct` % of its capacity (floored).
   */
  throttleBelowRecoveryBp?: number;
  throttledCapacityPct?: number;
}

/** What the chain and the agency's reports say about an agency today. */
export interface AgencyStats {
  agencyId: number;
  /** Active cases the agency holds now, from every creditor. */
  activeCases: number;
  /** Share of outstanding recovered over the last 90 days, 0..1; undefined or NaN = no history. */
  recovery90d?: number | undefined;
}

/** One validated, de-duplicated case of the lender that is to be allocated. */
export interface CaseToAllocate {
  caseKey: string;
  debtorKey: string;
  /** 2-digit province code (region column, else the ID number). */
  provinceCode: string;
  outstandingFen: bigint;
  overdueDays: number;
}

/** An ACTIVE assignment on chain, of any creditor, of a case of the debtor. */
export interface DebtorHolding {
  debtorKey: string;
  caseKey: string;
  creditorId: number;
  agencyId: number;
}

export interface AllocationInput {
  /** The lender that allocates: its own holdings do not count as other creditors. */
  lenderId: number;
  /** Cases in the order they are decided (capacity is consumed in this order). */
  cases: readonly CaseToAllocate[];
  /** The lender's agency list: only these agencies get cases. Order does not matter. */
  agencies: readonly AgencyProfile[];
  /** Stats of (some of) the listed agencies; a listed agency without stats has 0 active cases and no history. */
  stats: readonly AgencyStats[];
  /** Active assignments of a debtor's cases on chain (any creditor). Called once per distinct debtor. */
  holdingsOf: (debtorKey: string) => readonly DebtorHolding[];
}

export interface DecisionReason {
  code: ReasonCode;
  /** "中文 / English". */
  message: string;
  /** JSON-safe (amounts in fen as decimal strings). */
  details: Record<string, unknown>;
}

export interface Decision {
  caseKey: string;
  /** The agency that gets the case, or null: the case stays with the lender. */
  agencyId: number | null;
  reason: DecisionReason;
  /** The matching score (0..1, 6 decimals) for MATCHED decisions only. */
  score?: number;
  /** How many OTHER creditors hold active cases of this debtor (co-debt). */
  otherCreditors: number;
}

export interface AgencyTotal {
  agencyId: number;
  name: string;
  cases: number;
  outstandingFen: bigint;
}

export interface Allocation {
  /** One per case, in the order of `input.cases`. */
  decisions: Decision[];
  /** One row per agency of the lender's list (also those that got nothing), by agencyId ascending. */
  byAgency: AgencyTotal[];
  /** Decisions with agencyId null. */
  unmatched: number;
}
