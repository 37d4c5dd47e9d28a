import { bilingual, type Message, msg } from "../../messages/message.js";
import { CaseListFileError } from "../errors.js";

/**
 * Encoding of a case list: detected once from a sample of the first bytes, then enforced over the whole
 * stream. Supported: UTF-8 with or without BOM and GB18030 (a superset of GBK and GB2312).
 *
 * Detection never guesses silently wrong:
 * - a UTF-16/UTF-32 BOM, NUL bytes, a known binary signature (XLSX/ZIP, XLS, PDF, PNG, …) or many control
 *   characters fail the file before any decoding;
 * - UTF-8 wins when the sample is valid UTF-8 (pure ASCII is reported as "utf-8");
 * - GB18030 is chosen only when the sample decodes without a single error AND looks like Chinese text;
 * - after the decision every byte of the stream is decoded with a fatal decoder: an invalid byte later in
 *   the file is a FILE_ENCODING error with its byte offset, never mojibake.
 */
export type CaseListEncoding = "utf-8" | "utf-8-bom" | "gb18030";

/** How many bytes the detection looks at (the first 64 KiB, or the whole file when it is smaller). */
export const ENCODING_SAMPLE_BYTES = 64 * 1024;

export interface EncodingDetection {
  encoding: CaseListEncoding;
  /** Bytes of byte-order mark at the start of the file, to skip (UTF-8: 3; GB18030: 4; otherwise 0). */
  bomLength: number;
}

const UTF8_BOM = [0xef, 0xbb, 0xbf] as const;
const GB18030_BOM = [0x84, 0x31, 0x95, 0x33] as const;

interface Signature {
  bytes: readonly number[];
  what: string;
  hint: Message;
}

const SPREADSHEET_HINT = msg("encodingHint.SPREADSHEET");
const BINARY_HINT = msg("encodingHint.BINARY");

/** Magic numbers of files people upload by mistake instead of a CSV export. */
const SIGNATURES: readonly Signature[] = [
  { bytes: [0x50, 0x4b, 0x03, 0x04], what: "zip (xlsx, docx, …)", hint: SPREADSHEET_HINT },
  { bytes: [0x50, 0x4b, 0x05, 0x06], what: "zip (empty archive)", hint: SPREADSHEET_HINT },
  { bytes: [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], what: "ole2 (xls, doc, wps)", hint: SPREADSHEET_HINT },
  { bytes: [0x25, 0x50, 0x44, 0x46, 0x2d], what: "pdf", hint: BINARY_HINT },
  { bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], what: "png", hint: BINARY_HINT },
  { bytes: [0xff, 0xd8, 0xff], what: "jpeg", hint: BINARY_HINT },
  { bytes: [0x47, 0x49, 0x46, 0x38], what: "gif", hint: BINARY_HINT },
  { bytes: [0x1f, 0x8b], what: "gzip", hint: BINARY_HINT },
  { bytes: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], what: "7z", hint: BINARY_HINT },
  { bytes: [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07], what: "rar", hint: BINARY_HINT },
];

const UTF16_HINT = msg("encodingHint.UTF16");
const UTF32_HINT = msg("encodingHint.UTF32");

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  if (bytes.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix[i]) return false;
  return true;
}

/** The global TextDecoder (WHATWG Encoding; Node ships full ICU, so "gb18030" is available). */
type Decoder = InstanceType<typeof TextDecoder>;

function fatalDecoder(label: "utf-8" | "gb18030"): Decoder {
  return new TextDecoder(label, { fatal: true, ignoreBOM: true });
}

function decodes(label: "utf-8" | "gb18030", bytes: Uint8Array, stream: boolean): boolean {
  try {
    fatalDecoder(label).decode(bytes, { stream });
    return true;
  } catch {
    return false;
  }
}

/**
 * Index of the first byte of the first sequence of `bytes` that is not valid in `label` (a truncated
 * sequence at the end counts), or -1 when all of `bytes` decodes. Slow (O(n log n) decodes of prefixes):
 * for error reports only.
 */
export function firstInvalidByte(label: "utf-8" | "gb18030", bytes: Uint8Array): number {
  if (decodes(label, bytes, false)) return -1;
  // Decoding a prefix in stream mode fails exactly when it contains an invalid byte (not a mere truncation),
  // and once it fails every longer prefix fails too: binary search for the shortest failing prefix.
  let failing = bytes.length + 1; // "the whole input is only truncated at its end"
  if (!decodes(label, bytes, true)) {
    let lo = 0;
    let hi = bytes.length;
    while (hi - lo > 1) {
      const mid = (lo + hi) >>> 1;
      if (decodes(label, bytes.subarray(0, mid), true)) lo = mid;
      else hi = mid;
    }
    failing = hi;
  }
  // The bad byte is failing - 1; its sequence starts at the last character boundary at or before it.
  const bad = failing - 1;
  for (let start = Math.min(bad, bytes.length); start >= Math.max(0, bad - 4); start--) {
    if (decodes(label, bytes.subarray(0, start), false)) return start;
  }
  return Math.max(0, bad);
}

function isPlausibleTextCodePoint(cp: number): boolean {
  return (
    (cp >= 0x00a0 && cp <= 0x04ff) || // Latin-1, pinyin tone marks, Greek, Cyrillic (all in GB2312)
    (cp >= 0x2000 && cp <= 0x27bf) || // punctuation, €, letterlike, Roman numerals, arrows, math, ①, boxes, ★
    (cp >= 0x2e80 && cp <= 0x9fff) || // CJK radicals, symbols, kana, bopomofo, ㈠ ㎡, Ext A, unified ideographs
    (cp >= 0xf900 && cp <= 0xfaff) || // CJK compatibility ideographs
    (cp >= 0xfe10 && cp <= 0xfe6f) || // vertical, compatibility and small forms
    (cp >= 0xff00 && cp <= 0xffef) || // full-width forms
    (cp >= 0x20000 && cp <= 0x3134f) // Ext B–G: rare characters in names (生僻字)
  );
}

/** Non-ASCII characters that Chinese text would not contain (private use, U+FFFD, unrelated scripts). */
function countImplausible(text: string): { nonAscii: number; implausible: number } {
  let nonAscii = 0;
  let implausible = 0;
  for (let i = 0; i < text.length; i++) {
    let cp = text.charCodeAt(i);
    if (cp < 0x80) continue;
    if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < text.length) {
      cp = text.codePointAt(i) ?? cp;
      i++;
    }
    nonAscii++;
    if (!isPlausibleTextCodePoint(cp)) implausible++;
  }
  return { nonAscii, implausible };
}

/**
 * Double-byte characters of a GB18030 sample and how many of them have a trail byte below 0x80. GB2312 (all
 * common simplified characters) never does; Big5 does for ~40% of its characters. A high share means the
 * file is most likely Big5 (or another DBCS) that happens to decode as GBK: refuse rather than show garbage.
 */
function gbTrailStats(bytes: Uint8Array): { doubleByte: number; lowTrail: number } {
  let doubleByte = 0;
  let lowTrail = 0;
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] as number;
    if (b < 0x81 || b === 0xff || i + 1 >= bytes.length) {
      i++;
      continue;
    }
    const t = bytes[i + 1] as number;
    if (t >= 0x30 && t <= 0x39) {
      i += 4;
      continue;
    }
    doubleByte++;
    if (t < 0x80) lowTrail++;
    i += 2;
  }
  return { doubleByte, lowTrail };
}

/** NULs at even or odd positions of the first bytes: UTF-16 without a BOM puts them on one side only. */
function looksLikeUtf16(bytes: Uint8Array): "utf-16le" | "utf-16be" | undefined {
  const n = Math.min(bytes.length, 1024) & ~1;
  if (n < 4) return undefined;
  let even = 0;
  let odd = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) even++;
    if (bytes[i + 1] === 0) odd++;
  }
  const pairs = n / 2;
  if (odd >= pairs * 0.3 && even <= pairs * 0.02) return "utf-16le";
  if (even >= pairs * 0.3 && odd <= pairs * 0.02) return "utf-16be";
  return undefined;
}

function notCsv(details: Record<string, unknown>): CaseListFileError {
  return new CaseListFileError("FILE_NOT_CSV", details);
}

function badEncoding(details: Record<string, unknown>): CaseListFileError {
  return new CaseListFileError("FILE_ENCODING", details);
}

/**
 * Decides the encoding of a case list from its first bytes (at most ENCODING_SAMPLE_BYTES are looked at).
 * `complete` says that `sample` is the whole file (so a multi-byte character cut at its end is an error, not
 * the sample's edge). Throws CaseListFileError FILE_NOT_CSV (binary) or FILE_ENCODING (text in an encoding
 * that is not supported, or that cannot be told apart with confidence); details carry `detected` and a
 * bilingual `hint` where there is something to say, and `offset` of the first byte that is not UTF-8.
 */
export function detectEncoding(sample: Uint8Array, complete: boolean): EncodingDetection {
  if (sample.length > ENCODING_SAMPLE_BYTES) {
    sample = sample.subarray(0, ENCODING_SAMPLE_BYTES);
    complete = false;
  }
  if (startsWith(sample, [0xff, 0xfe, 0x00, 0x00])) throw badEncoding({ detected: "utf-32le", hint: bilingual(UTF32_HINT) });
  if (startsWith(sample, [0x00, 0x00, 0xfe, 0xff])) throw badEncoding({ detected: "utf-32be", hint: bilingual(UTF32_HINT) });
  if (startsWith(sample, [0xff, 0xfe])) throw badEncoding({ detected: "utf-16le", hint: bilingual(UTF16_HINT) });
  if (startsWith(sample, [0xfe, 0xff])) throw badEncoding({ detected: "utf-16be", hint: bilingual(UTF16_HINT) });

  let bom: EncodingDetection | undefined;
  if (startsWith(sample, UTF8_BOM)) bom = { encoding: "utf-8-bom", bomLength: 3 };
  else if (startsWith(sample, GB18030_BOM)) bom = { encoding: "gb18030", bomLength: 4 };
  const body = bom ? sample.subarray(bom.bomLength) : sample;

  if (!bom) {
    for (const signature of SIGNATURES) {
      if (startsWith(sample, signature.bytes)) throw notCsv({ detected: signature.what, hint: bilingual(signature.hint) });
    }
  }

  // Control bytes are single bytes in both UTF-8 and GB18030, so they can be judged before decoding.
  let controls = 0;
  for (let i = 0; i < body.length; i++) {
    const b = body[i] as number;
    if (b >= 0x20 || b === 0x09 || b === 0x0a || b === 0x0d || b === 0x0c || b === 0x0b || b === 0x1a) continue;
    if (b === 0x00) {
      const utf16 = bom ? undefined : looksLikeUtf16(sample);
      if (utf16) throw badEncoding({ detected: utf16, hint: bilingual(UTF16_HINT) });
      throw notCsv({ detected: "binary", offset: (bom?.bomLength ?? 0) + i, hint: bilingual(BINARY_HINT) });
    }
    controls++;
  }
  if (controls > 4 && controls > body.length / 100) {
    throw notCsv({ detected: "binary", hint: bilingual(BINARY_HINT) });
  }

  if (bom) return bom; // the BOM states the encoding; the stream decoder checks every byte of it
  if (decodes("utf-8", body, !complete)) return { encoding: "utf-8", bomLength: 0 };

  const utf8Offset = firstInvalidByte("utf-8", body);
  const unsupported = msg("encodingHint.UNSUPPORTED");
  let text: string;
  try {
    text = fatalDecoder("gb18030").decode(body, { stream: !complete });
  } catch {
    throw badEncoding({ offset: utf8Offset, tried: ["utf-8", "gb18030"], hint: bilingual(unsupported) });
  }
  const { nonAscii, implausible } = countImplausible(text);
  const { doubleByte, lowTrail } = gbTrailStats(body);
  if ((implausible > 2 && implausible > nonAscii * 0.05) || (doubleByte >= 20 && lowTrail > doubleByte * 0.2)) {
    throw badEncoding({ offset: utf8Offset, tried: ["utf-8", "gb18030"], hint: bilingual(unsupported) });
  }
  return { encoding: "gb18030", bomLength: 0 };
}

/** Bytes the longest BOM or file signature needs. */
const MIN_SAMPLE_BYTES = 8;

export interface DecoderOptions {
  /** Bytes to look at before deciding the encoding (tests make it small; at least 8); default ENCODING_SAMPLE_BYTES. */
  sampleBytes?: number;
}

/**
 * Incremental, synchronous decoder of a case list's bytes: buffers the sample, detects the encoding, then
 * turns every chunk into text. Multi-byte characters split across chunks are carried over (at most 3 bytes).
 *
 * Errors in the sample (binary, unsupported encoding) are thrown by push()/end(). An invalid byte after the
 * decision is not thrown: push()/end() return the text before it and set `failure` (FILE_ENCODING with the
 * byte `offset` in the file), so that the caller can add where in the text it happened; any later call throws.
 */
export class CaseListDecoder {
  /** Set once the sample has been judged. */
  encoding: CaseListEncoding | undefined;
  /** FILE_ENCODING error for the first invalid byte after the decision; text before it has been returned. */
  failure: CaseListFileError | undefined;
  /** Bytes received so far. */
  bytesIn = 0;

  private readonly sampleBytes: number;
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private decoder: Decoder | undefined;
  private label: "utf-8" | "gb18030" = "utf-8";
  /** Bytes received but not decoded yet (an incomplete character) and their offset in the file. */
  private carry: Uint8Array = new Uint8Array(0);
  private carryOffset = 0;
  private ended = false;
  /** The sample had no byte above 0x7F: "utf-8" was the only reading, not a finding. */
  private sampleWasAscii = false;

  constructor(options: DecoderOptions = {}) {
    const sampleBytes = options.sampleBytes ?? ENCODING_SAMPLE_BYTES;
    if (!Number.isSafeInteger(sampleBytes) || sampleBytes < 1 || sampleBytes > ENCODING_SAMPLE_BYTES) {
      throw new RangeError(`sampleBytes must be 1..${ENCODING_SAMPLE_BYTES}`);
    }
    // Never fewer bytes than the longest BOM or signature, so that a tiny sample cannot miss one.
    this.sampleBytes = Math.max(sampleBytes, MIN_SAMPLE_BYTES);
  }

  /** Feeds the next chunk; returns the text it completes ("" while the sample is being collected). */
  push(chunk: Uint8Array): string {
    this.checkUsable();
    if (chunk.length === 0) return "";
    this.bytesIn += chunk.length;
    if (this.decoder) return this.decodeChunk(chunk);
    // Copy: the caller may reuse its buffer once we return.
    this.pending.push(chunk.slice());
    this.pendingBytes += chunk.length;
    if (this.pendingBytes < this.sampleBytes) return "";
    return this.decide(false);
  }

  /** Signals the end of the input; returns the remaining text. Throws FILE_EMPTY for a file of zero bytes. */
  end(): string {
    this.checkUsable();
    this.ended = true;
    let text = "";
    if (!this.decoder) {
      if (this.pendingBytes === 0) throw new CaseListFileError("FILE_EMPTY");
      text = this.decide(true);
      if (this.failure) return text;
    }
    if (this.carry.length > 0) {
      // A character cut off by the end of the file.
      const offset = this.carryOffset + Math.max(0, firstInvalidByte(this.label, this.carry));
      this.failure = this.encodingFailure(offset, "truncated");
      this.carry = new Uint8Array(0);
    }
    return text;
  }

  private checkUsable(): void {
    if (this.failure) throw this.failure;
    if (this.ended) throw new Error("CaseListDecoder: input already ended");
  }

  private decide(complete: boolean): string {
    const all = concat(this.pending, this.pendingBytes);
    this.pending = [];
    const { encoding, bomLength } = detectEncoding(all.subarray(0, this.sampleBytes), complete && all.length <= this.sampleBytes);
    this.encoding = encoding;
    this.sampleWasAscii = encoding === "utf-8" && all.subarray(0, this.sampleBytes).every((b) => b < 0x80);
    this.label = encoding === "gb18030" ? "gb18030" : "utf-8";
    this.decoder = fatalDecoder(this.label);
    this.carryOffset = bomLength;
    return this.decodeChunk(all.subarray(bomLength));
  }

  private decodeChunk(chunk: Uint8Array): string {
    let bytes = chunk;
    if (this.carry.length > 0) {
      bytes = new Uint8Array(this.carry.length + chunk.length);
      bytes.set(this.carry);
      bytes.set(chunk, this.carry.length);
    }
    const split = this.label === "utf-8" ? utf8Boundary(bytes) : gb18030Boundary(bytes);
    const piece = bytes.subarray(0, split);
    const pieceOffset = this.carryOffset;
    this.carry = bytes.slice(split);
    this.carryOffset = pieceOffset + split;
    try {
      return (this.decoder as Decoder).decode(piece);
    } catch {
      const bad = Math.max(0, firstInvalidByte(this.label, piece));
      this.failure = this.encodingFailure(pieceOffset + bad, "invalid");
      this.carry = new Uint8Array(0);
      try {
        return (this.decoder as Decoder).decode(piece.subarray(0, bad));
      } catch {
        return "";
      }
    }
  }

  private encodingFailure(offset: number, reason: "invalid" | "truncated"): CaseListFileError {
    const hint =
      reason === "truncated"
        ? msg("encodingHint.TRUNCATED")
        : this.sampleWasAscii
          ? msg("encodingHint.ASCII_THEN_NOT_UTF8")
          : msg("encodingHint.MIXED", { encoding: String(this.encoding) });
    return new CaseListFileError("FILE_ENCODING", { encoding: this.encoding, offset, reason, hint: bilingual(hint) });
  }
}

function concat(chunks: readonly Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  const out = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

/** Length of the longest prefix of `bytes` that ends on a UTF-8 character boundary (for valid input). */
function utf8Boundary(bytes: Uint8Array): number {
  const n = bytes.length;
  for (let i = n - 1; i >= 0 && i >= n - 4; i--) {
    const b = bytes[i] as number;
    if ((b & 0xc0) === 0x80) continue; // continuation byte
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return i + need > n ? i : n;
  }
  return n; // more than 3 continuation bytes: invalid anyway, let the decoder say so
}

/**
 * Length of the longest prefix of `bytes` (which starts on a character boundary) that ends on a GB18030
 * character boundary. Bytes below 0x30 (`,` `"` CR LF …) are never part of a multi-byte character, so the
 * scan starts after the last of them and is short for any CSV.
 */
function gb18030Boundary(bytes: Uint8Array): number {
  const n = bytes.length;
  let i = n - 1;
  while (i >= 0 && (bytes[i] as number) >= 0x30) i--;
  i++;
  while (i < n) {
    const b = bytes[i] as number;
    if (b < 0x81 || b === 0xff) {
      i++;
      continue;
    }
    if (i + 1 >= n) return i;
    const second = bytes[i + 1] as number;
    const length = second >= 0x30 && second <= 0x39 ? 4 : 2;
    if (i + length > n) return i;
    i += length;
  }
  return n;
}
