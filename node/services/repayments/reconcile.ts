import type { Clock } from "../../domain/clock.js";
import { CaseListFileError } from "../../domain/errors.js";
import { type BankField, type BankLineCode, readBankStatement } from "../../domain/repayments/bank-statement.js";
import { foldLedger } from "../../domain/repayments/ledger.js";
import { chinaDay } from "../../domain/fees/month.js";
import { type MatchCode, matchBankLines, type OpenRepayment } from "../../domain/repayments/reconcile.js";
import { msg } from "../../messages/message.js";
import { LoanRefIndex } from "../../store/loan-ref-index.js";
import type { RepaymentLedgerStore } from "../../store/repayment-ledger.js";
import { ServiceError } from "../service-error.js";

export interface ReconcileDeps {
  loanRefs: Pick<LoanRefIndex, "caseKeysOf">;
  ledger: Pick<RepaymentLedgerStore, "ofCases">;
  memberId: number;
  clock: Clock;
}

/** A bank file larger than this is refused (about 200,000 lines of a typical export). */
export const BANK_STATEMENT_MAX_BYTES = 20 * 1024 * 1024;

export interface ReconcileMatch {
  row: number;
  loanRef: string;
  amountFen: string;
  date: string;
  caseKey: string;
  repaymentId: string;
}

export interface ReconcileMiss {
  row: number;
  field: BankField;
  code: MatchCode | BankLineCode;
  /** The line's loan ref and case, when the line was well formed (the lender's own references; nothing else). */
  loanRef?: string;
  caseKey?: string;
}

/** The answer of `POST /v1/repayments/reconcile`: a preview; nothing is written until the lender confirms `ids`. */
export interface ReconcilePreview {
  totals: { lines: number; matched: number; unmatched: number };
  matched: ReconcileMatch[];
  unmatched: ReconcileMiss[];
  /** The matched repayments' ids, for `POST /v1/repayments/confirm`. */
  ids: string[];
}

const FIELD_OF: Readonly<Record<MatchCode, BankField>> = {
  LOAN_REF_UNKNOWN: "loanRef",
  NO_REPORTED_REPAYMENT: "loanRef",
  AMBIGUOUS: "loanRef",
  AMOUNT_DIFFERS: "amount",
  DATE_DIFFERS: "date",
};

/**
 * Reconciliation against the lender's bank statement (docs/design.md §22): each line of the bank's file matched to an
 * open repayment of this creditor's ledger, and why the others did not match. Reads only: the lender confirms the
 * matched ids with the existing bulk confirmation, so that every confirmation is the same notarized decision.
 */
export class RepaymentReconciler {
  constructor(private readonly deps: ReconcileDeps) {}

  async preview(chunks: AsyncIterable<Uint8Array>): Promise<ReconcilePreview> {
    const today = chinaDay(new Date(this.deps.clock()).toISOString());
    let statement;
    try {
      statement = await readBankStatement(chunks, { today, maxBytes: BANK_STATEMENT_MAX_BYTES });
    } catch (error) {
      if (error instanceof CaseListFileError) throw new ServiceError("VALIDATION_FAILED", msg(`file.${error.code}`), { problem: error.code, ...error.details });
      throw error;
    }
    const refs = [...new Set(statement.lines.map((l) => l.loanRef))];
    const keys = await this.deps.loanRefs.caseKeysOf(refs.map((ref) => LoanRefIndex.key(this.deps.memberId, ref)));
    const caseKeyByRef = new Map(refs.map((ref, i) => [ref, keys[i]]));
    const caseKeys = [...new Set(keys.filter((k): k is string => k !== undefined))];
    const entries = await this.deps.ledger.ofCases(caseKeys);
    const openByCase = new Map<string, OpenRepayment[]>();
    caseKeys.forEach((caseKey, i) => {
      const open = foldLedger(0n, entries[i]!).repayments
        .filter((r) => r.state === "reported" || r.state === "disputed")
        .map((r) => ({ id: r.id, caseKey, amountFen: BigInt(r.amountFen), day: chinaDay(r.paidAt) }));
      openByCase.set(caseKey, open);
    });
    const { matched, missed } = matchBankLines(statement.lines, (ref) => caseKeyByRef.get(ref), (k) => openByCase.get(k) ?? []);
    const unmatched: ReconcileMiss[] = [
      ...statement.problems.map((p) => ({ row: p.row, field: p.field, code: p.code })),
      ...missed.map((m) => ({ row: m.line.row, field: FIELD_OF[m.code], code: m.code, loanRef: m.line.loanRef, ...(m.caseKey ? { caseKey: m.caseKey } : {}) })),
    ].sort((a, b) => a.row - b.row);
    const rowsWithProblems = new Set(statement.problems.map((p) => p.row));
    return {
      totals: { lines: statement.lines.length + rowsWithProblems.size, matched: matched.length, unmatched: missed.length + rowsWithProblems.size },
      matched: matched.map((m) => ({ row: m.line.row, loanRef: m.line.loanRef, amountFen: String(m.line.amountFen), date: m.line.day, caseKey: m.caseKey, repaymentId: m.repaymentId })),
      unmatched,
      ids: matched.map((m) => m.repaymentId),
    };
  }
}
