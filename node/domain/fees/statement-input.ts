import type { FeeSchedule } from "./fee-schedule.js";

/**
 * What a statement is computed from (docs/design.md §23): the creditor's confirmed repayments and their reversals
 * (the repayment ledger's read side), the repayments still open, the pair's assignments and its agreed schedules.
 * Instants are ISO 8601 strings; money is bigint fen.
 */

export interface ConfirmedRepayment {
  readonly entryId: string;
  readonly caseKey: string;
  readonly agencyId: number;
  readonly amountFen: bigint;
  readonly paidAt: string;
  readonly confirmedAt: string;
}

/** A ledger entry that reverses a confirmed repayment; it takes the reversed repayment's fee back, exactly. */
export interface RepaymentReversal {
  readonly entryId: string;
  readonly reversedAt: string;
  readonly reversed: ConfirmedRepayment;
}

/** A repayment the agency reported that the creditor has not confirmed (reported) or has disputed. */
export interface OpenRepayment {
  readonly entryId: string;
  readonly caseKey: string;
  readonly agencyId: number;
  readonly amountFen: bigint;
  readonly paidAt: string;
  readonly state: "reported" | "disputed";
}

/** A case's assignment to the agency: its overdue days then pick the commission bucket. */
export interface StatementAssignment {
  readonly caseKey: string;
  readonly assignedAt: string;
  readonly overdueDays: number;
}

/** A schedule both members signed, with its hash. */
export interface AgreedSchedule {
  readonly schedule: FeeSchedule;
  readonly hash: string;
}
