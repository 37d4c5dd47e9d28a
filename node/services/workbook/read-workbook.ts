import { once } from "node:events";
import { PassThrough } from "node:stream";
import ExcelJS from "exceljs";
import { CaseListFileError } from "../../domain/errors.js";
import { type CaseListColumn, mapHeader } from "../../domain/csv/header.js";
import type { ByteChunks, CaseListEvent, CaseListRowEvent, ReadCaseListOptions, TextOnlyField } from "../../domain/csv/read-case-list.js";
import { cellText, isNumberCell } from "./cell-text.js";

/**
 * Reading an .xlsx case list as a stream (exceljs's streaming reader): the same header/row/end events as the CSV
 * reader, so that a workbook gets the CSV path's header aliases, validation, pseudonymization and report. A row's
 * `line` is its row number in the sheet. Never the workbook whole in memory: rows are read as the zip is inflated
 * (exceljs parks a sheet stored before the shared strings in a temporary file, as Excel lays workbooks out).
 *
 * Whole-file problems are CaseListFileErrors, as with CSV: an .xls or encrypted workbook (an OLE compound file)
 * WORKBOOK_UNSUPPORTED, anything else that is not a whole zip workbook WORKBOOK_CORRUPT, no sheet of the asked name
 * SHEET_NOT_FOUND, no header FILE_EMPTY, more bytes than `maxBytes` FILE_TOO_LARGE.
 */
export interface ReadWorkbookOptions extends ReadCaseListOptions {
  /** The sheet to read, by its tab name; the first visible sheet when not given. */
  sheet?: string;
}

/** Rows per batch of events: enough to amortize the async step, few enough to stay young-generation garbage. */
const BATCH_ROWS = 1_000;

const ZIP = [0x50, 0x4b, 0x03, 0x04];
/** OLE compound files: .xls (BIFF) and every password-protected Office file, .xlsx included. */
const OLE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

const startsWith = (bytes: Uint8Array, signature: readonly number[]) => signature.every((b, i) => bytes[i] === b);

export async function* readWorkbookBatches(chunks: ByteChunks, options: ReadWorkbookOptions = {}): AsyncGenerator<CaseListEvent[], void, undefined> {
  const { maxBytes, sheet } = options;
  const source = (Symbol.asyncIterator in chunks ? chunks[Symbol.asyncIterator]() : chunks[Symbol.iterator]()) as AsyncIterator<Uint8Array> | Iterator<Uint8Array>;
  let bytes = 0;
  const next = async (): Promise<Uint8Array | undefined> => {
    const step = await source.next();
    if (step.done) return undefined;
    bytes += step.value.length;
    if (maxBytes !== undefined && bytes > maxBytes) throw new CaseListFileError("FILE_TOO_LARGE", { maxBytes });
    return step.value;
  };

  let pump: Promise<void> | undefined;
  try {
    const first = await signature(next);
    const input = new PassThrough();
    const stop = new AbortController();
    let failure: unknown;
    // The bytes go to exceljs through a stream with back-pressure; a failure of ours (too large) ends its input and
    // is the one reported, whatever exceljs makes of the cut-short zip.
    pump = (async () => {
      try {
        for (let chunk: Uint8Array | undefined = first; chunk && !stop.signal.aborted; chunk = await next()) {
          if (!input.write(chunk)) await once(input, "drain", { signal: stop.signal });
        }
      } catch (error) {
        if (!stop.signal.aborted) failure = error;
      } finally {
        input.end();
        // The rest of an upload that is not read (the reader gave up) is not waited for.
        if (stop.signal.aborted) await source.return?.();
      }
    })();
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(input, {
      worksheets: "emit",
      sharedStrings: "cache",
      styles: "cache", // date formats: a date cell reads as a date, not as its serial number
      hyperlinks: "ignore",
      entries: "ignore",
    });
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
      await pump;
    } catch (error) {
      stop.abort();
      await pump;
      // eslint-disable-next-line @typescript-eslint/only-throw-error -- the pump's own CaseListFileError, unchanged
      if (failure !== undefined) throw failure;
      if (error instanceof CaseListFileError) throw error;
      // unzipper's and the XML parser's errors: not a workbook, or one cut short.
      throw new CaseListFileError("WORKBOOK_CORRUPT", {}, { cause: error });
    } finally {
      stop.abort();
      input.destroy();
    }
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- the pump's own CaseListFileError, unchanged
    if (failure !== undefined) throw failure;
    if (!found) {
      if (sheet !== undefined) throw new CaseListFileError("SHEET_NOT_FOUND", { sheet });
      throw new CaseListFileError("WORKBOOK_CORRUPT");
    }
    yield rows.end(bytes);
  } finally {
    if (!pump) await source.return?.();
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
