import { Readable } from "node:stream";
import ExcelJS from "exceljs";
import { CaseListFileError } from "../../domain/errors.js";
import { type CaseListColumn, mapHeader } from "../../domain/csv/header.js";
import type { ByteChunks, CaseListEvent, CaseListRowEvent, ReadCaseListOptions, TextOnlyField } from "../../domain/csv/read-case-list.js";
import { cellText, isNumberCell } from "./cell-text.js";
import { EncryptedSpool } from "./spool.js";
import { centralDirectory, type LocatedEntry, locateEntries, type ZipEntry, ZipFormatError, zipRecords } from "./zip-records.js";

/**
 * Reading an .xlsx case list: the same header/row/end events as the CSV reader, so that a workbook gets the CSV
 * path's header aliases, validation, pseudonymization and report. A row's `line` is its row number in the sheet.
 *
 * The upload is first spooled, still compressed and encrypted on the fly under a key that only this read holds
 * ({@link EncryptedSpool}), to `spoolDir`; the zip's central directory is then read from the spool, and exceljs's
 * streaming reader is fed the entries it needs in the order it needs them — the workbook's relationships,
 * workbook.xml (the tab order), the shared strings, the styles, then the sheets — so that it never parks a sheet in a
 * temporary file (which it does, in clear, for a sheet stored before the shared strings, as Excel lays workbooks out).
 * Memory holds the central directory and the rows of a batch, never a sheet whole. The spool is deleted when the
 * read ends, however it ends.
 *
 * Whole-file problems are CaseListFileErrors, as with CSV: an .xls or encrypted workbook (an OLE compound file)
 * WORKBOOK_UNSUPPORTED, anything else that is not a whole zip workbook WORKBOOK_CORRUPT, no sheet of the asked name
 * SHEET_NOT_FOUND, no header FILE_EMPTY, more bytes than `maxBytes` FILE_TOO_LARGE.
 */
export interface ReadWorkbookOptions extends ReadCaseListOptions {
  /** The sheet to read, by its tab name; the first visible sheet when not given. */
  sheet?: string;
  /** Where the upload is spooled (encrypted) while it is read: the gateway's `<dataDir>/spool`. */
  spoolDir: string;
  /** The spool's name in `spoolDir` (random when not given). */
  spoolName?: string;
}

/** Rows per batch of events: enough to amortize the async step, few enough to stay young-generation garbage. */
const BATCH_ROWS = 1_000;

const ZIP = [0x50, 0x4b, 0x03, 0x04];
/** OLE compound files: .xls (BIFF) and every password-protected Office file, .xlsx included. */
const OLE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

const startsWith = (bytes: Uint8Array, signature: readonly number[]) => signature.every((b, i) => bytes[i] === b);

/** The parts exceljs reads before any sheet, in the order it needs them. */
const LEADING_PARTS = ["xl/_rels/workbook.xml.rels", "xl/workbook.xml", "xl/sharedStrings.xml", "xl/styles.xml"];
/** The sheets, as exceljs names them (their relationships, drawings and the rest are not needed). */
const SHEET_PART = /^xl\/worksheets\/sheet\d+\.xml$/;

/** The entries to hand exceljs: the leading parts first, then the sheets in the zip's order. */
function readingOrder(entries: readonly ZipEntry[]): ZipEntry[] {
  const leading = LEADING_PARTS.flatMap((name) => entries.filter((e) => e.name === name).slice(0, 1));
  return [...leading, ...entries.filter((e) => SHEET_PART.test(e.name))];
}

export async function* readWorkbookBatches(chunks: ByteChunks, options: ReadWorkbookOptions): AsyncGenerator<CaseListEvent[], void, undefined> {
  const { maxBytes, sheet, spoolDir, spoolName } = options;
  const source = (Symbol.asyncIterator in chunks ? chunks[Symbol.asyncIterator]() : chunks[Symbol.iterator]()) as AsyncIterator<Uint8Array> | Iterator<Uint8Array>;
  let bytes = 0;
  let done = false;
  const next = async (): Promise<Uint8Array | undefined> => {
    const step = await source.next();
    if (step.done) {
      done = true;
      return undefined;
    }
    bytes += step.value.length;
    if (maxBytes !== undefined && bytes > maxBytes) throw new CaseListFileError("FILE_TOO_LARGE", { maxBytes });
    return step.value;
  };

  let spool: EncryptedSpool | undefined;
  let input: Readable | undefined;
  try {
    const first = await signature(next);
    spool = await EncryptedSpool.create(spoolDir, spoolName);
    for (let chunk: Uint8Array | undefined = first; chunk; chunk = await next()) await spool.append(chunk);

    let entries: LocatedEntry[];
    try {
      entries = await locateEntries(spool, readingOrder(await centralDirectory(spool)));
    } catch (error) {
      if (error instanceof ZipFormatError) throw new CaseListFileError("WORKBOOK_CORRUPT", {}, { cause: error });
      throw error;
    }
    // A failure reading the spool ends exceljs's input (a stream piped on is not told of errors: it would wait) and
    // is the one reported, whatever exceljs makes of the cut-short zip.
    let feedFailure: unknown;
    const feed = async function* (records: AsyncGenerator<Buffer>) {
      try {
        yield* records;
      } catch (error) {
        feedFailure = error;
      }
    };
    input = Readable.from(feed(zipRecords(spool, entries)), { objectMode: false });
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(input, {
      worksheets: "emit",
      sharedStrings: "cache",
      styles: "cache", // date formats: a date cell reads as a date, not as its serial number
      hyperlinks: "ignore",
      entries: "ignore",
    });
    // exceljs parks a sheet in a temporary file unless it has both of these when the sheet comes. They come first
    // (readingOrder); set here too, a workbook without shared strings (all numbers) is read straight as well.
    Object.assign(reader, { sharedStrings: [], workbookRels: [] });
    const rows = new SheetRows();
    let found = false;
    try {
      for await (const worksheet of reader) {
        if (found || !isWanted(reader, worksheet, sheet)) continue;
        found = true;
        for await (const row of worksheet) {
          const events = rows.add(row);
          if (events) yield events;
        }
      }
    } catch (error) {
      // eslint-disable-next-line @typescript-eslint/only-throw-error -- the spool's own error, unchanged
      if (feedFailure !== undefined) throw feedFailure;
      if (error instanceof CaseListFileError) throw error;
      // Our zip reading's, unzipper's and the XML parser's errors: not a workbook, or one cut short.
      throw new CaseListFileError("WORKBOOK_CORRUPT", {}, { cause: error });
    }
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- the spool's own error, unchanged
    if (feedFailure !== undefined) throw feedFailure;
    if (!found) {
      if (sheet !== undefined) throw new CaseListFileError("SHEET_NOT_FOUND", { sheet });
      throw new CaseListFileError("WORKBOOK_CORRUPT");
    }
    yield rows.end(bytes);
  } finally {
    input?.destroy();
    await spool?.remove();
    // The rest of an upload that is not read (the reader gave up) is not waited for.
    if (!done) await source.return?.();
  }
}

/** Reads the first bytes and refuses what is not a zip: an OLE file with words that say what to do. */
async function signature(next: () => Promise<Uint8Array | undefined>): Promise<Buffer> {
  const head: Uint8Array[] = [];
  let length = 0;
  while (length < OLE.length) {
    const chunk = await next();
    if (!chunk) break;
    head.push(chunk);
    length += chunk.length;
  }
  const first = Buffer.concat(head);
  if (first.length === 0) throw new CaseListFileError("FILE_EMPTY");
  if (startsWith(first, OLE)) throw new CaseListFileError("WORKBOOK_UNSUPPORTED", { format: "ole2" });
  if (!startsWith(first, ZIP)) throw new CaseListFileError("WORKBOOK_CORRUPT");
  return first;
}

interface SheetEntry {
  name?: string;
  state?: string;
}

/** The sheet to read: the one named, else the first visible tab (workbook.xml's order, not the zip's). */
function isWanted(reader: object, worksheet: object, sheet: string | undefined): boolean {
  const name = "name" in worksheet && typeof worksheet.name === "string" ? worksheet.name : undefined;
  if (sheet !== undefined) return name === sheet;
  const model = "model" in reader && reader.model && typeof reader.model === "object" ? reader.model : {};
  const sheets: SheetEntry[] = "sheets" in model && Array.isArray(model.sheets) ? (model.sheets as SheetEntry[]) : [];
  const firstVisible = sheets.find((s) => s.state !== "hidden" && s.state !== "veryHidden");
  return firstVisible?.name === undefined || firstVisible.name === name;
}

/** Turns a sheet's rows into the CSV reader's events: the first non-empty row is the header. */
class SheetRows {
  #columns: CaseListColumn[] | undefined;
  #keys: string[] = [];
  #idColumn = -1;
  #refColumn = -1;
  #events: CaseListEvent[] = [];
  #rows = 0;
  #emptyRows = 0;
  #lastLine = 0;

  add(row: ExcelJS.Row): CaseListEvent[] | undefined {
    this.#lastLine = row.number;
    const cells: string[] = [];
    const numbers: number[] = [];
    let empty = true;
    row.eachCell((cell, col) => {
      const text = cellText(cell.value);
      cells[col - 1] = text;
      if (isNumberCell(cell.value)) numbers.push(col - 1);
      if (empty && text.trim() !== "") empty = false;
    });
    if (empty) {
      if (this.#columns) this.#emptyRows++;
      return undefined;
    }
    if (!this.#columns) {
      this.#header(Array.from(cells, (c) => c ?? ""), row.number);
      return undefined;
    }
    this.#events.push(this.#row(cells, numbers, row.number));
    if (this.#events.length < BATCH_ROWS) return undefined;
    const events = this.#events;
    this.#events = [];
    return events;
  }

  end(bytes: number): CaseListEvent[] {
    if (!this.#columns) throw new CaseListFileError("FILE_EMPTY");
    const events = this.#events;
    events.push({ type: "end", rows: this.#rows, emptyRows: this.#emptyRows, blankLines: 0, lines: this.#lastLine, bytes });
    return events;
  }

  #header(cells: string[], line: number): void {
    const columns = mapHeader(cells);
    this.#columns = columns;
    this.#keys = columns.map((c) => c.key);
    this.#idColumn = columns.findIndex((c) => c.field === "id_number");
    this.#refColumn = columns.findIndex((c) => c.field === "loan_ref");
    // Workbook text is Unicode: the report's encoding field says the text needed no conversion.
    this.#events.push({ type: "header", encoding: "utf-8", line, columns });
  }

  #row(cells: string[], numbers: number[], line: number): CaseListRowEvent {
    const keys = this.#keys;
    // Every column is set ("" for a cell left empty, which a sheet does not store), as a CSV row has them all.
    const values: Record<string, string> = Object.create(null) as Record<string, string>;
    for (let k = 0; k < keys.length; k++) values[keys[k] as string] = cells[k] ?? "";
    this.#rows++;
    const event: CaseListRowEvent = { type: "row", line, values };
    const notText: TextOnlyField[] = [];
    if (numbers.includes(this.#refColumn)) notText.push("loan_ref");
    if (numbers.includes(this.#idColumn)) notText.push("id_number");
    if (notText.length > 0) event.notText = notText;
    // A value right of the header's last column has no column to go to: the row is rejected whole, as in CSV.
    if (cells.length > keys.length && cells.slice(keys.length).some((c) => c !== undefined && c.trim() !== "")) {
      event.columnCountMismatch = true;
      event.columnCount = cells.length;
    }
    return event;
  }
}
