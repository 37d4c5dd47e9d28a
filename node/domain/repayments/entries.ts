/**
 * The repayment ledger's entries (docs/design.md §22). The ledger lives at the case's creditor and is append-only: a
 * correction is a new entry (a reversal) that names the one it undoes. Money is whole fen as a decimal string (JSON
 * and LevelDB alike); arithmetic is bigint.
 */

/** Where the money went: the creditor's own account, the agency's escrow account, anywhere else. */
export const REPAYMENT_CHANNELS = ["creditor-account", "agency-escrow", "other"] as const;
export type RepaymentChannel = (typeof REPAYMENT_CHANNELS)[number];

/** Who paid: the debtor, a relative, a third party (a guarantor, an employer). */
export const PAYERS = ["debtor", "relative", "third-party"] as const;
export type Payer = (typeof PAYERS)[number];

/** Why a creditor disputes a reported repayment (catalog section `repaymentReason`). */
export const DISPUTE_REASONS = ["NOT_RECEIVED", "AMOUNT_MISMATCH", "VOUCHER_INVALID", "DUPLICATE", "OTHER"] as const;
export type DisputeReason = (typeof DISPUTE_REASONS)[number];

/** Why an entry is reversed: the payment came back, it was entered in error, twice, or otherwise. */
export const REVERSAL_REASONS = ["RETURNED", "ENTERED_IN_ERROR", "DUPLICATE", "OTHER"] as const;
export type ReversalReason = (typeof REVERSAL_REASONS)[number];

/** Why part of the debt is waived (减免). */
export const WAIVER_REASONS = ["HARDSHIP", "SETTLEMENT_DISCOUNT", "PENALTY_RELIEF", "OTHER"] as const;
export type WaiverReason = (typeof WAIVER_REASONS)[number];

export type Decision = "confirmed" | "disputed";

/** The staff token that did it: its id and role, never a name. */
export interface Actor {
  tokenId: string;
  role: string;
}

interface EntryBase {
  /** 32 lower-case hex: random, or the agency's report id for a reported repayment. */
  id: string;
  caseKey: string;
  /** When the creditor's gateway wrote it (ISO). */
  recordedAt: string;
}

export interface RepaymentEntry extends EntryBase {
  type: "repayment";
  amountFen: string;
  /** When the money was paid (ISO), as the reporter says. */
  paidAt: string;
  channel: RepaymentChannel;
  payer: Payer;
  /** The member that reported it: an agency, or the creditor itself. */
  reportedBy: number;
  /** The agency that held the case when it reported; null when the creditor recorded it. */
  agencyId: number | null;
  /**
   * The voucher: the leaf hash of the reporter's evidence record (kind `repayment`) and, for a reported one, the SHA-256
   * of the voucher file (what VOUCHER_REUSED compares); null when none was given.
   */
  voucher: { leafHash: string; contentSha256?: string } | null;
  /** The agency's signed caseledger-peer/1 request that reported it (its hash and signature): the creditor's proof. */
  report?: { hash: string; signature: string };
}

export interface WaiverEntry extends EntryBase {
  type: "waiver";
  amountFen: string;
  reason: WaiverReason;
  approvedBy: Actor;
}

export interface ReversalEntry extends EntryBase {
  type: "reversal";
  /** The entry it undoes: a repayment or a waiver. */
  reverses: string;
  reason: ReversalReason;
  by: Actor;
}

export interface DecisionEntry extends EntryBase {
  type: "decision";
  repaymentId: string;
  decision: Decision;
  /** Disputes only. */
  reason?: DisputeReason;
  by: Actor;
  /** The decision's record in the creditor's evidence log (content: the decision's canonical JSON). */
  evidence: { leafHash: string };
}

export type LedgerEntry = RepaymentEntry | WaiverEntry | ReversalEntry | DecisionEntry;

export const isEntryId = (id: unknown): id is string => typeof id === "string" && /^[0-9a-f]{32}$/.test(id);
