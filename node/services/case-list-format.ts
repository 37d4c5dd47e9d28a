import type { CaseListEventReader } from "../domain/case-list/report.js";
import { readCaseListBatches } from "../domain/csv/read-case-list.js";
import type { WorkbookSpec } from "./ingest-worker/protocol.js";
import { readWorkbookBatches } from "./workbook/read-workbook.js";

/** The media type browsers and Excel give an .xlsx file. */
export const XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/**
 * Types a CSV upload arrives with: browsers on Windows label a .csv file application/vnd.ms-excel, and clients that
 * do not know send octet-stream.
 */
const CSV_TYPES = new Set(["text/csv", "application/csv", "text/plain", "application/octet-stream", "application/vnd.ms-excel"]);
/** Types under which a client may send any file: its name then tells a workbook from CSV. */
const GENERIC_TYPES = new Set(["application/octet-stream", "application/vnd.ms-excel"]);

/**
 * The reader for an upload, from its media type — or, for a generic type, its file name: `.xlsx` and `.xls` go to the
 * workbook reader (which reads the one and refuses the other with words that say what to do), anything else is CSV.
 * Undefined: not a type a case list comes as. `sheet` picks a workbook's sheet by name; CSV has none. `spoolDir` is
 * where a workbook is spooled (encrypted) while it is read.
 */
export function caseListReader(contentType: string, file: string, sheet: string | undefined, spoolDir: string): CaseListEventReader | undefined {
  return caseListFormat(contentType, file, sheet, spoolDir)?.read;
}

/**
 * The reader for an upload as {@link caseListReader} picks it, and for a workbook the same as plain data, from which
 * the upload's worker thread builds its own reader (a function cannot cross to another thread).
 */
export function caseListFormat(
  contentType: string,
  file: string,
  sheet: string | undefined,
  spoolDir: string,
): { read: CaseListEventReader; workbook?: WorkbookSpec } | undefined {
  const workbook = contentType === XLSX_TYPE || (GENERIC_TYPES.has(contentType) && /\.xlsx?$/i.test(file));
  if (workbook) return { read: (chunks, options) => readWorkbookBatches(chunks, { ...options, sheet, spoolDir }), workbook: { sheet, spoolDir } };
  return CSV_TYPES.has(contentType) ? { read: readCaseListBatches } : undefined;
}
