import { CaseListFileError } from "../errors.js";

/**
 * RFC 4180 CSV as a state machine over text chunks of any size (a record, a field, even a `""` escape or a
 * CRLF may be split between two chunks).
 *
 * - Fields are separated by `,`; records end at LF, CRLF or a lone CR.
 * - A field that starts with `"` is quoted: `""` inside it is one `"`, and commas and line breaks are data.
 *   Text after the closing quote up to the next separator is appended as is (`"ab"c` → `abc`), and a `"`
 *   inside an unquoted field is kept literally: lenient like spreadsheet programs, nothing is lost.
 * - Whitespace around unquoted fields is kept (the validator trims); a last line without a line break counts.
 * - Blank lines (nothing between two line breaks) are skipped but counted, so that every record carries the
 *   PHYSICAL line number on which it starts (the first line is 1; a quoted field spanning three lines moves
 *   the next record's line by three).
 * - A quote still open at the end of the input → CaseListFileError QUOTE_UNTERMINATED with the line of the
 *   opening quote.
 *
 * Fast path: unquoted fields are scanned with charCodeAt and cut with one slice; quoted fields are found with
 * indexOf. Characters are never concatenated one at a time.
 */
export interface CsvRecord {
  /** Physical line (1-based) on which the record starts. */
  line: number;
  fields: string[];
}

const COMMA = 0x2c;
const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

// Parser states (plain numbers: const enums do not survive per-file transpilation).
const FIELD_START = 0;
const UNQUOTED = 1;
const QUOTED = 2;
/** A `"` ended the previous chunk inside a quoted field: the next character says whether it was `""`. */
const QUOTE_AT_CHUNK_END = 3;

export class CsvParser {
  /** Physical line (1-based) of the next character to be read. */
  line = 1;
  /** Blank lines skipped so far. */
  blankLines = 0;

  private state = FIELD_START;
  private fields: string[] = [];
  /** The current field's text read from earlier chunks (or the content of a closed quoted field). */
  private partial = "";
  private recordLine = 1;
  private recordQuoted = false;
  private quoteLine = 1;
  /** A CR ended the previous chunk outside quotes: an LF at the start of the next one belongs to it. */
  private skipLF = false;
  /** Inside quotes, the last character read was a CR (an LF right after it is the same line break). */
  private quotedCR = false;
  private lastWasBreak = true;
  private ended = false;

  /** Number of physical lines read (a last line without a line break counts; a final line break does not open one). */
  get lineCount(): number {
    return this.line - (this.lastWasBreak ? 1 : 0);
  }

  /** Parses the next chunk of text, appending the records it completes to `out`. */
  push(text: string, out: CsvRecord[]): void {
    if (this.ended) throw new Error("CsvParser: input already ended");
    const n = text.length;
    if (n === 0) return;
    let i = 0;
    if (this.skipLF) {
      this.skipLF = false;
      if (text.charCodeAt(0) === LF) i = 1;
    }
    let state = this.state;
    while (i < n) {
      if (state === FIELD_START) {
        if (text.charCodeAt(i) === QUOTE) {
          state = QUOTED;
          this.recordQuoted = true;
          this.quoteLine = this.line;
          this.quotedCR = false;
          i++;
          continue;
        }
        state = UNQUOTED;
      }

      if (state === UNQUOTED) {
        let j = i;
        let c = 0;
        while (j < n) {
          c = text.charCodeAt(j);
          if (c === COMMA || c === LF || c === CR) break;
          j++;
        }
        if (j === n) {
          this.partial += text.slice(i);
          i = n;
          break;
        }
        const partial = this.partial;
        this.fields.push(partial === "" ? text.slice(i, j) : partial + text.slice(i, j));
        this.partial = "";
        state = FIELD_START;
        i = j + 1;
        if (c !== COMMA) {
          this.endRecord(out);
          this.line++;
          if (c === CR) {
            if (i < n) {
              if (text.charCodeAt(i) === LF) i++;
            } else {
              this.skipLF = true;
            }
          }
          this.recordLine = this.line;
        }
        continue;
      }

      if (state === QUOTED) {
        const q = text.indexOf('"', i);
        const stop = q === -1 ? n : q;
        if (stop > i) {
          this.countBreaks(text, i, stop);
          this.partial += text.slice(i, stop);
        }
        if (q === -1) {
          i = n;
          break;
        }
        if (q + 1 < n) {
          if (text.charCodeAt(q + 1) === QUOTE) {
            this.partial += '"';
            this.quotedCR = false;
            i = q + 2;
          } else {
            state = UNQUOTED; // closed; anything up to the separator is appended
            i = q + 1;
          }
        } else {
          state = QUOTE_AT_CHUNK_END;
          i = n;
        }
        continue;
      }

      // QUOTE_AT_CHUNK_END
      if (text.charCodeAt(i) === QUOTE) {
        this.partial += '"';
        this.quotedCR = false;
        state = QUOTED;
        i++;
      } else {
        state = UNQUOTED;
      }
    }
    this.state = state;
    const last = text.charCodeAt(n - 1);
    this.lastWasBreak = last === LF || last === CR;
  }

  /** Ends the input: appends the last record (if it had no line break) to `out`. */
  end(out: CsvRecord[]): void {
    if (this.ended) return;
    this.ended = true;
    switch (this.state) {
      case QUOTED:
        throw new CaseListFileError("QUOTE_UNTERMINATED", { line: this.quoteLine });
      case QUOTE_AT_CHUNK_END:
      case UNQUOTED:
        this.fields.push(this.partial);
        this.partial = "";
        this.endRecord(out);
        break;
      default: // FIELD_START: after a separator there is one more (empty) field
        if (this.fields.length > 0) {
          this.fields.push("");
          this.endRecord(out);
        }
    }
    this.state = FIELD_START;
  }

  private endRecord(out: CsvRecord[]): void {
    const fields = this.fields;
    if (fields.length === 1 && fields[0] === "" && !this.recordQuoted) {
      this.blankLines++;
      fields.length = 0;
    } else {
      out.push({ line: this.recordLine, fields });
      this.fields = [];
    }
    this.recordQuoted = false;
  }

  /** Counts the line breaks (LF, CRLF, CR) inside quoted text, which may be split between chunks. */
  private countBreaks(text: string, from: number, to: number): void {
    let line = this.line;
    let cr = this.quotedCR;
    for (let k = from; k < to; k++) {
      const c = text.charCodeAt(k);
      if (c === LF) {
        if (!cr) line++;
        cr = false;
      } else if (c === CR) {
        line++;
        cr = true;
      } else {
        cr = false;
      }
    }
    this.line = line;
    this.quotedCR = cr;
  }
}

/** Parses a whole text at once (tests, small inputs). */
export function parseCsv(text: string): CsvRecord[] {
  const parser = new CsvParser();
  const out: CsvRecord[] = [];
  parser.push(text, out);
  parser.end(out);
  return out;
}
