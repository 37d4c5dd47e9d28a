import type { ReportRow, ReportTotals } from "../domain/case-list/validator.js";
import type { CaseListEncoding } from "../domain/csv/encoding.js";

/** A case as this member's gateway keeps it. Personal data only inside `pii`, sealed with the case key as context. */
export interface StoredCase {
  caseKey: string;
  debtorKey: string;
  loanRef: string;
  /** The lender whose loan this is: part of the caseKey. */
  originatorId: number;
  /** The current creditor (changes when a package is sold). */
  creditorId: number;
  provinceCode: string;
  region: string;
  product: string;
  /** Integer fen as decimal strings: JSON has no bigint. */
  principalFen: string;
  outstandingFen: string;
  overdueDays: number;
  /** The upload that last wrote this case, and its line there. */
  listId: string;
  line: number;
  createdAt: string;
  updatedAt: string;
  /** PiiCipher-sealed JSON of {@link CasePii}. */
  pii: string;
}

export interface CasePii {
  name: string;
  idNumber: string;
  phone: string;
  /** Unknown columns of the upload, kept (they may hold personal data too). */
  extra: Record<string, string>;
}

export type CaseListState = "ingesting" | "committing" | "ready" | "failed";

export interface CaseListSummary {
  id: string;
  file: string;
  encoding?: CaseListEncoding;
  state: CaseListState;
  totals?: ReportTotals & { updates: number };
  uploadedBy: string;
  createdAt: string;
  completedAt?: string;
  bytes?: number;
  error?: { code: string; message: string; details?: Record<string, unknown> };
}

/** A report row as stored: docs/design.md §10's shape, plus `update` when the loan_ref was already this lender's. */
export type StoredReportRow = ReportRow & { update?: true };
