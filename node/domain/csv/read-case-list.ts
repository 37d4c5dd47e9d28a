import { CaseListFileError } from "../errors.js";
import { CaseListDecoder, type CaseListEncoding, type DecoderOptions } from "./encoding.js";
import { type CaseListColumn, mapHeader } from "./header.js";
import { CsvParser, type CsvRecord } from "./parser.js";

/**
 * Reading a case list: bytes in (any chunking), events out — the header first, then one event per row, then
 * an end event. Pure: no file or network access; the caller supplies the chunks (a file stream, an HTTP
 * body, an array in a test) and decides what to do with the rows, one at a time, so that memory does not
 * grow with the file.
 *
 * A whole-file problem (empty, binary, unsupported encoding, a header without a required column, an invalid
 * byte or an unclosed quote anywhere, too large) is thrown as a CaseListFileError — possibly after rows
 * have been yielded: a consumer stores nothing as final before the end event.
 * A problem with one row never throws: a row with the wrong number of columns is yielded with
 * `columnCountMismatch` for the validator to reject (ROW_COLUMNS).
 */
export type { CaseListEncoding } from "./encoding.js";

export interface ReadCaseListOptions extends DecoderOptions {
  /** Largest accepted file in bytes; more → FILE_TOO_LARGE as soon as the limit is passed. No limit by default. */
  maxBytes?: number;
}

export interface CaseListHeaderEvent {
  type: "header";
  encoding: CaseListEncoding;
  /** Physical line of the header (1 unless blank lines precede it). */
  line: number;
  columns: CaseListColumn[];
}

export interface CaseListRowEvent {
  type: "row";
  /** Physical line on which the row starts (header = line 1). */
  line: number;
  /**
   * Raw cell text by column key (the canonical field, or the header's own name for unknown columns), not
   * trimmed. With a column count mismatch, only the columns present are set and extra cells are dropped.
   */
  values: Record<string, string>;
  /** Set (true) when the row has a different number of cells than the header. */
  columnCountMismatch?: true;
  /** The row's number of cells; set only with columnCountMismatch. */
  columnCount?: number;
  /**
   * Columns whose cell was a number where text is required (a workbook's ID number or loan ref typed as a number
   * has lost digits): the validator rejects the row. Never set by the CSV reader, where every cell is text.
   */
  notText?: TextOnlyField[];
}

/** Fields a spreadsheet must hold as text: as a number they lose digits (15+ digits) or the ID's `X`. */
export type TextOnlyField = "loan_ref" | "id_number";

export interface CaseListEndEvent {
  type: "end";
  /** Row events yielded. */
  rows: number;
  /** Records skipped because every cell is empty or white space (`,,,,` rows that spreadsheets leave). */
  emptyRows: number;
  /** Blank lines skipped. */
  blankLines: number;
  /** Physical lines in the file. */
  lines: number;
  /** Bytes in the file (BOM included). */
  bytes: number;
}

export type CaseListEvent = CaseListHeaderEvent | CaseListRowEvent | CaseListEndEvent;

export type ByteChunks = AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

function isEmptyRecord(fields: readonly string[]): boolean {
  for (const field of fields) if (field.length > 0 && field.trim() !== "") return false;
  return true;
}

/**
 * The synchronous core: push() chunks, get the events they complete; end() gives the rest and the end event.
 * For callers that want batches without an async step per row (benchmarks, worker threads).
 */
export class CaseListReader {
  private readonly decoder: CaseListDecoder;
  private readonly parser = new CsvParser();
  private readonly maxBytes: number | undefined;
  private readonly records: CsvRecord[] = [];
  private columns: CaseListColumn[] | undefined;
  private keys: string[] = [];
  /** A header cell is literally `__proto__`: assign with defineProperty (slow path) so no prototype is set. */
  private unsafeKeys = false;
  private rows = 0;
  private emptyRows = 0;
  private failure: unknown;
  private ended = false;

  constructor(options: ReadCaseListOptions = {}) {
    const { maxBytes } = options;
    if (maxBytes !== undefined && (!Number.isSafeInteger(maxBytes) || maxBytes < 1)) {
      throw new RangeError("maxBytes must be a positive integer");
    }
    this.maxBytes = maxBytes;
    this.decoder = new CaseListDecoder(options);
  }

  /** Encoding, once the sample has been judged. */
  get encoding(): CaseListEncoding | undefined {
    return this.decoder.encoding;
  }

  push(chunk: Uint8Array): CaseListEvent[] {
    this.checkUsable();
    if (!(chunk instanceof Uint8Array)) throw new TypeError("case list chunks must be Uint8Array (or Buffer)");
    if (this.maxBytes !== undefined && this.decoder.bytesIn + chunk.length > this.maxBytes) {
      this.fail(new CaseListFileError("FILE_TOO_LARGE", { maxBytes: this.maxBytes }));
    }
    return this.guard(() => this.consume(this.decoder.push(chunk), false));
  }

  end(): CaseListEvent[] {
    this.checkUsable();
    this.ended = true;
    return this.guard(() => {
      const events = this.consume(this.decoder.end(), true);
      if (!this.columns) throw new CaseListFileError("FILE_EMPTY");
      events.push({
        type: "end",
        rows: this.rows,
        emptyRows: this.emptyRows,
        blankLines: this.parser.blankLines,
        lines: this.parser.lineCount,
        bytes: this.decoder.bytesIn,
      });
      return events;
    });
  }

  private checkUsable(): void {
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- rethrows the caller's own failure unchanged
    if (this.failure !== undefined) throw this.failure;
    if (this.ended) throw new Error("CaseListReader: input already ended");
  }

  private fail(error: unknown): never {
    this.failure = error;
    throw error;
  }

  private guard(step: () => CaseListEvent[]): CaseListEvent[] {
    try {
      return step();
    } catch (error) {
      return this.fail(error);
    }
  }

  private consume(text: string, final: boolean): CaseListEvent[] {
    const records = this.records;
    records.length = 0;
    this.parser.push(text, records);
    const failure = this.decoder.failure;
    if (failure) {
      // The text before the invalid byte has been parsed: the parser knows its line.
      throw new CaseListFileError("FILE_ENCODING", { ...failure.details, line: this.parser.line }, { cause: failure });
    }
    if (final) this.parser.end(records);
    const events: CaseListEvent[] = [];
    for (const record of records) {
      const fields = record.fields;
      if (isEmptyRecord(fields)) {
        if (this.columns) this.emptyRows++;
        continue;
      }
      if (!this.columns) {
        const columns = mapHeader(fields);
        this.setHeader(columns);
        events.push({ type: "header", encoding: this.decoder.encoding as CaseListEncoding, line: record.line, columns });
        continue;
      }
      events.push(this.row(record));
    }
    records.length = 0;
    return events;
  }

  private setHeader(columns: CaseListColumn[]): void {
    this.columns = columns;
    this.keys = columns.map((c) => c.key);
    this.unsafeKeys = this.keys.includes("__proto__");
  }

  private row(record: CsvRecord): CaseListRowEvent {
    const keys = this.keys;
    const fields = record.fields;
    const count = Math.min(keys.length, fields.length);
    const values: Record<string, string> = {};
    if (this.unsafeKeys) {
      for (let k = 0; k < count; k++) {
        Object.defineProperty(values, keys[k] as string, { value: fields[k], enumerable: true, writable: true, configurable: true });
      }
    } else {
      for (let k = 0; k < count; k++) values[keys[k] as string] = fields[k] as string;
    }
    this.rows++;
    if (fields.length === keys.length) return { type: "row", line: record.line, values };
    return { type: "row", line: record.line, values, columnCountMismatch: true, columnCount: fields.length };
  }
}

/**
 * Reads a case list as batches of events, one batch per input chunk (the header event is in the first
 * non-empty batch, the end event in the last). Cheaper per row than readCaseRows for large files.
 */
export async function* readCaseListBatches(chunks: ByteChunks, options: ReadCaseListOptions = {}): AsyncGenerator<CaseListEvent[], void, undefined> {
  const reader = new CaseListReader(options);
  for await (const chunk of chunks) {
    // A big chunk (a file read 1 MiB at a time) is read a slice at a time: its ~10,000 rows' objects would
    // otherwise all be alive at once, and every young-generation GC would copy them.
    for (let at = 0; at < chunk.length; at += BATCH_BYTES) {
      const events = reader.push(chunk.length <= BATCH_BYTES ? chunk : chunk.subarray(at, at + BATCH_BYTES));
      if (events.length > 0) yield events;
    }
  }
  yield reader.end();
}

/** Most input bytes read into one batch of events. */
const BATCH_BYTES = 64 * 1024;

/**
 * Reads a case list event by event:
 * `{ type: "header", encoding, line, columns }`, then `{ type: "row", line, values, columnCountMismatch? }`
 * for each non-empty record, then `{ type: "end", rows, emptyRows, blankLines, lines, bytes }`.
 */
export async function* readCaseRows(chunks: ByteChunks, options: ReadCaseListOptions = {}): AsyncGenerator<CaseListEvent, void, undefined> {
  for await (const batch of readCaseListBatches(chunks, options)) yield* batch;
}
