import type { Table } from "./table.js";

/** What became of a report, as the creditor said it (signed answers and decisions over the peer channel). */
export type ReportState = "sending" | "reported" | "refused" | "confirmed" | "disputed" | "reversed" | "dead-letter";

/**
 * A repayment this member (an agency) reported to a case's creditor. The creditor's ledger is the record; this is
 * the agency's copy of what it sent and of each signed word it got back, in order (`history` only grows).
 */
export interface RepaymentReport {
  reportId: string;
  caseKey: string;
  creditorId: number;
  amountFen: string;
  paidAt: string;
  channel: string;
  payer: string;
  /** The voucher in this member's evidence log (kind `repayment`). */
  voucher: { evidenceId: number; leafHash: string };
  reportedAt: string;
  /** The staff token that reported it (its id). */
  by?: string;
  /** The peer outbox message carrying it. */
  outboxId: string;
  state: ReportState;
  /** The creditor's refusal (its code and message id), when it refused the report. */
  refused?: { code: string; message: string; params?: Record<string, string | number> };
  /** Each change of state with the signed envelope that brought it (its hash), oldest first. */
  history: Array<{ state: ReportState; at: string; reason?: string; envelopeHash?: string; evidenceLeafHash?: string }>;
}

/** The `repaymentReports` sublevel: reportId → RepaymentReport (agency side). */
export class RepaymentReports {
  constructor(private readonly table: Table<RepaymentReport>) {}

  get(reportId: string): Promise<RepaymentReport | undefined> {
    return this.table.get(reportId);
  }

  put(report: RepaymentReport): Promise<void> {
    return this.table.put(report.reportId, report);
  }

  all(): AsyncGenerator<RepaymentReport> {
    return this.table.values();
  }
}
