import type { RepaymentState } from "../../domain/repayments/ledger.js";

/**
 * The peer-channel kinds of repayments (caseledger-peer/1, docs/design.md §21–§22). Amounts are decimal strings of
 * fen. No personal data: case keys, member ids, amounts, times, codes and hashes only.
 */
export const REPORT_KIND = "repayment.report";
export const DECISION_KIND = "repayment.decision";

/** Agency → creditor: a repayment on a case the agency holds. `reportId` (32 hex) is the entry's id at the creditor. */
export interface ReportBody {
  reportId: string;
  caseKey: string;
  amountFen: string;
  paidAt: string;
  channel: string;
  payer: string;
  /** The leaf hash of the agency's evidence record of the voucher (kind `repayment`) and the voucher file's SHA-256. */
  voucher: { leafHash: string; contentSha256: string };
}

/** Creditor → agency, the report's answer: the entry as the ledger holds it now, and the case's outstanding. */
export interface ReportAnswer {
  entryId: string;
  state: RepaymentState;
  outstandingFen: string;
  /** Recorded, but more than the outstanding: the creditor decides (docs/design.md §22). */
  warning?: "REPAYMENT_ABOVE_OUTSTANDING";
}

/** Creditor → agency: what became of reported repayments. */
export interface DecisionNotice {
  reportId: string;
  caseKey: string;
  state: "confirmed" | "disputed" | "reversed";
  reason?: string;
  at: string;
  /** The decision's record in the creditor's evidence log. */
  evidenceLeafHash?: string;
}

export interface DecisionBody {
  decisions: DecisionNotice[];
}

/** Decisions per message: 2,000 notices are about 500 KB, under the channel's 1 MB. */
export const DECISIONS_PER_MESSAGE = 2_000;
