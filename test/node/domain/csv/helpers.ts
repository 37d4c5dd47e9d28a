import { expect } from "chai";
import { CaseListFileError, type FileErrorCode } from "../../../../node/domain/errors.js";
import { type CaseListEvent, readCaseRows, type ReadCaseListOptions } from "../../../../node/domain/csv/index.js";

/** Test helpers for the case-list reader. Synthetic data only. */

export function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

let gbTable: Map<string, readonly number[]> | undefined;

/**
 * GB18030 bytes of `text`, from a reverse map built with TextDecoder("gb18030") over the whole two-byte range
 * (no encoder ships with Node, and no dependency is needed). Characters outside it use the four-byte forms
 * given in `fourByte` (e.g. "𠀀" → 95 32 82 36).
 */
export function gb18030(text: string, fourByte: Readonly<Record<string, readonly number[]>> = {}): Uint8Array {
  if (!gbTable) {
    const table = new Map<string, readonly number[]>();
    const decoder = new TextDecoder("gb18030");
    for (let lead = 0x81; lead <= 0xfe; lead++) {
      for (let trail = 0x40; trail <= 0xfe; trail++) {
        if (trail === 0x7f) continue;
        const char = decoder.decode(new Uint8Array([lead, trail]));
        if (!table.has(char)) table.set(char, [lead, trail]);
      }
    }
    gbTable = table;
  }
  const out: number[] = [];
  for (const char of text) {
    const code = char.codePointAt(0) as number;
    if (code < 0x80) {
      out.push(code);
      continue;
    }
    const bytes = fourByte[char] ?? gbTable.get(char);
    if (!bytes) throw new Error(`no GB18030 bytes for U+${code.toString(16)} in the test table`);
    out.push(...bytes);
  }
  return new Uint8Array(out);
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** `bytes` cut at the given offsets (ascending). */
export function splitAt(bytes: Uint8Array, ...offsets: number[]): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  let from = 0;
  for (const offset of offsets) {
    chunks.push(bytes.slice(from, offset));
    from = offset;
  }
  chunks.push(bytes.slice(from));
  return chunks;
}

/** `bytes` in chunks of `size` bytes. */
export function chunksOf(bytes: Uint8Array, size: number): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.slice(at, at + size));
  return chunks;
}

export async function readAll(chunks: Iterable<Uint8Array> | AsyncIterable<Uint8Array>, options?: ReadCaseListOptions): Promise<CaseListEvent[]> {
  const events: CaseListEvent[] = [];
  for await (const event of readCaseRows(chunks, options)) events.push(event);
  return events;
}

/** Runs `action`, expects a CaseListFileError with `code`, returns it for more checks. */
export async function expectFileError(action: () => unknown, code: FileErrorCode): Promise<CaseListFileError> {
  try {
    await action();
  } catch (error) {
    expect(error, String(error)).to.be.instanceOf(CaseListFileError);
    const fileError = error as CaseListFileError;
    expect(fileError.code, JSON.stringify(fileError.details)).to.equal(code);
    return fileError;
  }
  expect.fail(`expected CaseListFileError ${code}, nothing was thrown`);
}
