import { LOAN_REF_MAX_LENGTH } from "../case-list/validate-row.js";
import { CaseListDecoder } from "../csv/encoding.js";
import { normalizeHeaderName } from "../csv/header.js";
import { CsvParser, type CsvRecord } from "../csv/parser.js";
import { CaseListFileError } from "../errors.js";
import { dayStart } from "../fees/month.js";
import { codePointLength, nfkc } from "../identity/normalize-text.js";
import { type AmountErrorCode, parseAmountToFen } from "../money.js";

/**
 * A bank's statement of received payments, as a lender downloads it (docs/design.md §22, reconciliation): CSV in UTF-8
 * or GB18030, read by the case list's decoder and parser; columns found by header name, unknown ones ignored and never
 * read into memory past the parser (a bank export may carry the payer's name or account: none of it reaches a report).
 */
export type BankField = "loanRef" | "amount" | "date";

const ALIASES: Readonly<Record<BankField, readonly string[]>> = {
  loanRef: ["loanRef", "loan_ref", "借据号", "合同编号", "贷款编号"],
  amount: ["amount", "金额", "交易金额", "入账金额"],
  date: ["date", "交易日期", "入账日期", "日期"],
};
const FIELD_BY_NAME: ReadonlyMap<string, BankField> = new Map(
  (Object.keys(ALIASES) as BankField[]).flatMap((field) => ALIASES[field].map((name) => [normalizeHeaderName(name), field] as const)),
);

/** A line's problem before any matching: the case list's field codes, and two of the bank file's own. */
export type BankLineCode = AmountErrorCode | "FIELD_TOO_LONG" | "AMOUNT_ZERO" | "DATE_INVALID";

export interface BankLine {
  /** Physical line in the file (header = 1). */
  row: number;
  loanRef: string;
  amountFen: bigint;
  /** The China-time calendar day (YYYY-MM-DD) the bank booked it. */
  day: string;
}

export interface BankLineProblem {
  row: number;
  field: BankField;
  code: BankLineCode;
}

export interface BankStatement {
  lines: BankLine[];
  problems: BankLineProblem[];
}

const pad2 = (n: string) => n.padStart(2, "0");
/** `2026-03-05`, `2026/3/5`, `20260305`, `2026年3月5日`, each optionally followed by a time of day, which is dropped. */
const DATE = /^(\d{4})(?:[-/.年](\d{1,2})[-/.月](\d{1,2})日?|(\d{2})(\d{2}))(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$/;

/** A bank's booking date as a China-time day, or undefined when it is not a real calendar day on or before `today`. */
export function parseBankDate(raw: string, today: string): string | undefined {
  const m = DATE.exec(nfkc(raw).trim());
  if (!m) return undefined;
  const day = `${m[1]}-${pad2(m[2] ?? m[4]!)}-${pad2(m[3] ?? m[5]!)}`;
  return dayStart(day) !== undefined && day <= today ? day : undefined;
}

function lineOf(record: CsvRecord, columns: ReadonlyMap<BankField, number>, today: string): BankLine | BankLineProblem[] {
  const problems: BankLineProblem[] = [];
  const cell = (field: BankField) => record.fields[columns.get(field)!] ?? "";
  const loanRef = nfkc(cell("loanRef")).trim();
  if (loanRef === "") problems.push({ row: record.line, field: "loanRef", code: "FIELD_MISSING" });
  else if (codePointLength(loanRef) > LOAN_REF_MAX_LENGTH) problems.push({ row: record.line, field: "loanRef", code: "FIELD_TOO_LONG" });
  const amount = parseAmountToFen(cell("amount"));
  if (!amount.ok) problems.push({ row: record.line, field: "amount", code: amount.code });
  else if (amount.fen === 0n) problems.push({ row: record.line, field: "amount", code: "AMOUNT_ZERO" });
  const rawDate = cell("date");
  const day = parseBankDate(rawDate, today);
  if (!day) problems.push({ row: record.line, field: "date", code: rawDate.trim() === "" ? "FIELD_MISSING" : "DATE_INVALID" });
  if (problems.length > 0 || !amount.ok || !day) return problems;
  return { row: record.line, loanRef, amountFen: amount.fen, day };
}

/**
 * Reads a bank statement's bytes. A whole-file problem (not text, an encoding it cannot read, no loan ref, amount or
 * date column, more than `maxBytes`) throws a CaseListFileError; a bad line is a problem of that line.
 */
export async function readBankStatement(chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, options: { today: string; maxBytes: number }): Promise<BankStatement> {
  const decoder = new CaseListDecoder();
  const parser = new CsvParser();
  const records: CsvRecord[] = [];
  const out: BankStatement = { lines: [], problems: [] };
  let columns: Map<BankField, number> | undefined;
  const take = (text: string, final: boolean) => {
    if (decoder.failure) throw decoder.failure;
    parser.push(text, records);
    if (final) parser.end(records);
    for (const record of records) {
      if (record.fields.every((f) => f.trim() === "")) continue;
      if (!columns) {
        columns = new Map();
        record.fields.forEach((name, i) => {
          const field = FIELD_BY_NAME.get(normalizeHeaderName(name));
          if (field && !columns!.has(field)) columns!.set(field, i);
        });
        const missing = (Object.keys(ALIASES) as BankField[]).filter((f) => !columns!.has(f));
        if (missing.length > 0) throw new CaseListFileError("HEADER_MISSING_COLUMN", { missing });
        continue;
      }
      const line = lineOf(record, columns, options.today);
      if (Array.isArray(line)) out.problems.push(...line);
      else out.lines.push(line);
    }
    records.length = 0;
  };
  for await (const chunk of chunks) {
    if (decoder.bytesIn + chunk.length > options.maxBytes) throw new CaseListFileError("FILE_TOO_LARGE", { maxBytes: options.maxBytes });
    take(decoder.push(chunk), false);
  }
  take(decoder.end(), true);
  if (!columns) throw new CaseListFileError("FILE_EMPTY");
  return out;
}
