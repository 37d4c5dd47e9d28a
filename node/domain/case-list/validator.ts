import { type FieldIssue, type FieldWarningCode, fieldError } from "../errors.js";
import { type Pepper, Pseudonymizer } from "../pseudonyms.js";
import { CompactDigestMap, Hash128, INSERTED, SAME_DIGEST, hash64Words, hashWords } from "./compact-map.js";
import type { TextOnlyField } from "../csv/read-case-list.js";
import { type ValidCase, fingerprintInto, validateRow } from "./validate-row.js";

export type RowStatus = "accepted" | "duplicate" | "rejected";

/** One row of the validation report (docs/design.md §10): no raw PII, ever. */
export interface ReportRow {
  line: number;
  loanRef: string;
  status: RowStatus;
  debtorKey?: string;
  caseKey?: string;
  warnings: FieldIssue<FieldWarningCode>[];
  errors: FieldIssue[];
}

export interface ReportTotals {
  rows: number;
  accepted: number;
  duplicate: number;
  rejected: number;
  /** Distinct debtors among the accepted rows. */
  debtors: number;
}

export interface ValidatedRow {
  report: ReportRow;
  /** The canonical case with its keys, for accepted rows only (holds PII: store it encrypted). */
  accepted?: ValidCase & { debtorKey: string; caseKey: string };
}

export interface CaseListValidatorOptions {
  pepper: Pepper;
  /** The lender that originates these cases: part of every caseKey. */
  originatorMemberId: number;
  /** Reference date for birth dates in ID numbers (tests). */
  today?: Date;
}

/**
 * Validates a case list row by row, as a stream: within the file an identical repeated row is a
 * `duplicate`, the same loan_ref with other content is `rejected` (REF_CONFLICT) and the first occurrence
 * stands. Memory per accepted row: two 64-bit hashes for the loan_ref and one for the debtor (a million-row
 * file needs about 64 MB).
 */
export class CaseListValidator {
  readonly #options: CaseListValidatorOptions;
  readonly #keys: Pseudonymizer;
  readonly #hasher = new Hash128();
  readonly #seen = new CompactDigestMap();
  readonly #debtors = new CompactDigestMap();
  readonly #totals: ReportTotals = { rows: 0, accepted: 0, duplicate: 0, rejected: 0, debtors: 0 };

  constructor(options: CaseListValidatorOptions) {
    this.#options = options;
    this.#keys = new Pseudonymizer(options.pepper);
  }

  /** A row whose column count differs from the header's: rejected whole, still reported. */
  rejectColumns(line: number, values: Readonly<Record<string, string>>): ValidatedRow {
    const loanRef = (values.loan_ref ?? "").trim().slice(0, 64);
    return this.#count({ line, loanRef, status: "rejected", warnings: [], errors: [fieldError("*", "ROW_COLUMNS")] });
  }

  validate(line: number, values: Readonly<Record<string, string>>, notText?: readonly TextOnlyField[]): ValidatedRow {
    const result = validateRow(values, this.#options.today, notText);
    if (!result.ok) {
      return this.#count({ line, loanRef: result.loanRef, status: "rejected", warnings: result.warnings, errors: result.errors });
    }
    const value = result.value;
    // Seen this loan_ref? One probe stores its fingerprint or compares with the first occurrence's.
    fingerprintInto(value, this.#hasher);
    const printHi = hashWords[0] as number;
    const printLo = hashWords[1] as number;
    hash64Words(value.loanRef);
    const seen = this.#seen.upsertWords(hashWords[0] as number, hashWords[1] as number, printHi, printLo);
    if (seen !== INSERTED) {
      const duplicate = seen === SAME_DIGEST;
      return this.#count({
        line,
        loanRef: value.loanRef,
        status: duplicate ? "duplicate" : "rejected",
        warnings: result.warnings,
        errors: duplicate ? [] : [fieldError("loan_ref", "REF_CONFLICT")],
      });
    }
    // No cache of debtor keys: with the key state precomputed an HMAC costs less than a Map lookup and insert.
    const debtor = this.#keys.debtorKey(value.idNumber);
    const key = this.#keys.caseKey(this.#options.originatorMemberId, value.loanRef);
    // Distinct debtors = distinct canonical ID numbers (the debtorKey is a function of it).
    hash64Words(value.idNumber);
    this.#debtors.upsertWords(hashWords[0] as number, hashWords[1] as number, 0, 0);
    const report: ReportRow = {
      line,
      loanRef: value.loanRef,
      status: "accepted",
      debtorKey: debtor,
      caseKey: key,
      warnings: result.warnings,
      errors: [],
    };
    this.#count(report);
    // The validated value is this row's own object: it gets its keys in place rather than being copied.
    const accepted = value as ValidCase & { debtorKey: string; caseKey: string };
    accepted.debtorKey = debtor;
    accepted.caseKey = key;
    return { report, accepted };
  }

  /** Rows validated so far (cheaper than totals() when only the count is wanted). */
  get rowCount(): number {
    return this.#totals.rows;
  }

  totals(): ReportTotals {
    return { ...this.#totals, debtors: this.#debtors.size };
  }

  #count(report: ReportRow): ValidatedRow {
    this.#totals.rows += 1;
    this.#totals[report.status] += 1;
    return { report };
  }
}
