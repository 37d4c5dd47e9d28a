import type { ByteChunks, CaseListEvent, ReadCaseListOptions } from "../csv/read-case-list.js";
import { readCaseListBatches } from "../csv/read-case-list.js";
import type { CaseListEncoding } from "../csv/encoding.js";
import { CaseListValidator, type CaseListValidatorOptions, type ReportRow, type ReportTotals, type ValidatedRow } from "./validator.js";

/** The validation report of docs/design.md §10: the one shape the CLI, the REST API and the web page give. */
export interface ValidationReport {
  file: string;
  encoding: CaseListEncoding;
  totals: ReportTotals;
  rows: ReportRow[];
}

export interface ValidateCaseListOptions extends CaseListValidatorOptions {
  /** Called for every validated row, in file order (the ingest stores accepted cases from here). */
  onRow?: (row: ValidatedRow) => void | Promise<void>;
  /** Called every `progressEvery` rows with the running totals. */
  onProgress?: (totals: ReportTotals) => void;
  progressEvery?: number;
  /** Keep report rows in memory for the returned report (default true; false for huge files). */
  keepRows?: boolean;
  maxBytes?: number;
  /** Turns the bytes into batches of header/row/end events: CSV by default, a workbook reader for .xlsx uploads. */
  read?: CaseListEventReader;
}

/** A file format's reader: the same events as the CSV reader, so that every format gets the same validation. */
export type CaseListEventReader = (chunks: ByteChunks, options: ReadCaseListOptions) => AsyncIterable<CaseListEvent[]>;

/**
 * Reads, validates and pseudonymizes a whole case list as a stream. A file that is not CSV throws a
 * CaseListFileError; bad rows never do.
 */
export function validateCaseList(file: string, chunks: ByteChunks, options: ValidateCaseListOptions): Promise<ValidationReport> {
  const read = options.read ?? readCaseListBatches;
  return validateCaseListEvents(file, read(chunks, { maxBytes: options.maxBytes }), options);
}

/**
 * The seam where rows enter validation: batches of reader events (a header, rows with their physical line and cell
 * text by column key, an end) from any source — the CSV reader, or another format's reader that yields the same
 * events. A source's whole-file problem is thrown from its iterator as a CaseListFileError.
 */
export async function validateCaseListEvents(
  file: string,
  batches: AsyncIterable<readonly CaseListEvent[]> | Iterable<readonly CaseListEvent[]>,
  options: Omit<ValidateCaseListOptions, "maxBytes">,
): Promise<ValidationReport> {
  const validator = new CaseListValidator(options);
  const keep = options.keepRows ?? true;
  const every = options.progressEvery ?? 10_000;
  const rows: ReportRow[] = [];
  let encoding: CaseListEncoding = "utf-8";
  for await (const batch of batches) {
    for (const event of batch) {
      if (event.type === "header") {
        encoding = event.encoding;
        continue;
      }
      if (event.type !== "row") continue;
      const validated = event.columnCountMismatch
        ? validator.rejectColumns(event.line, event.values)
        : validator.validate(event.line, event.values, event.notText);
      if (keep) rows.push(validated.report);
      if (options.onRow) {
        // Only a returned promise is awaited: a microtask per row adds up over a million rows.
        const pending = options.onRow(validated);
        if (pending) await pending;
      }
      if (options.onProgress && validator.rowCount % every === 0) options.onProgress(validator.totals());
    }
  }
  return { file, encoding, totals: validator.totals(), rows };
}
