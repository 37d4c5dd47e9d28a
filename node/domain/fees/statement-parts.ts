import { createHash } from "node:crypto";
import { canonicalJson } from "../canonical-json.js";
import type { StatementDocument } from "./statement-document.js";
import type { ApartLineJson, StatementLineJson } from "./statement.js";

/**
 * A statement in parts for caseledger-peer/1 (docs/design.md §23): a month of one pair runs to 100,000 lines, and one
 * peer message carries under a megabyte. The header is the document without its lines and lines apart, plus the parts
 * announced (how many lines of each list and the SHA-256 of each part); each part carries its ranges. The receiver
 * checks each part against its announcement on arrival and the whole document against the statement hash once all
 * are there.
 */

/** Under the channel's body limit (1 MB) with room for the envelope around the part. */
export const STATEMENT_PART_BYTES = 600_000;
/** A header announcing more parts than this is refused: 100,000 lines fit in about 60. */
export const MAX_STATEMENT_PARTS = 1_000;

export type StatementHeader = Omit<StatementDocument, "lines" | "apart">;

export interface StatementPart {
  readonly lines: readonly StatementLineJson[];
  readonly apart: readonly ApartLineJson[];
}

export interface AnnouncedPart {
  /** How many of the document's lines, then of its lines apart, this part carries, in document order. */
  readonly lines: number;
  readonly apart: number;
  /** SHA-256 (hex) of the part's canonical JSON `{ apart, lines }`. */
  readonly sha256: string;
}

export function partDigest(part: StatementPart): string {
  return createHash("sha256").update(canonicalJson({ apart: part.apart, lines: part.lines })).digest("hex");
}

export function statementHeader(doc: StatementDocument): StatementHeader {
  const { lines: _lines, apart: _apart, ...header } = doc;
  return header;
}

/**
 * The document's lines, then its lines apart, cut in document order into parts of at most `maxBytes` of canonical
 * JSON each (a single larger line still makes a part of its own; the receiver's body limit refuses it).
 */
export function splitStatement(doc: StatementDocument, maxBytes = STATEMENT_PART_BYTES): Array<{ part: StatementPart; announced: AnnouncedPart }> {
  const out: Array<{ part: StatementPart; announced: AnnouncedPart }> = [];
  let lines: StatementLineJson[] = [];
  let apart: ApartLineJson[] = [];
  let bytes = 0;
  const close = () => {
    const part = { lines, apart };
    out.push({ part, announced: { lines: lines.length, apart: apart.length, sha256: partDigest(part) } });
    lines = [];
    apart = [];
    bytes = 0;
  };
  for (const line of doc.lines) {
    const size = canonicalJson(line).length + 1;
    if (bytes + size > maxBytes && bytes > 0) close();
    lines.push(line);
    bytes += size;
  }
  for (const line of doc.apart) {
    const size = canonicalJson(line).length + 1;
    if (bytes + size > maxBytes && bytes > 0) close();
    apart.push(line);
    bytes += size;
  }
  if (bytes > 0 || out.length === 0) close();
  return out;
}

/** The document again from its header and its parts in order. */
export function joinStatement(header: StatementHeader, parts: readonly StatementPart[]): StatementDocument {
  return { ...header, lines: parts.flatMap((p) => p.lines), apart: parts.flatMap((p) => p.apart) };
}

/** Whether the announced parts add up to the header's line counts and are few enough. */
export function announcementFits(header: StatementHeader, parts: readonly AnnouncedPart[]): boolean {
  if (parts.length === 0 || parts.length > MAX_STATEMENT_PARTS) return false;
  let lines = 0;
  let apart = 0;
  for (const p of parts) {
    if (!Number.isSafeInteger(p.lines) || !Number.isSafeInteger(p.apart) || p.lines < 0 || p.apart < 0 || !/^[0-9a-f]{64}$/.test(p.sha256)) return false;
    lines += p.lines;
    apart += p.apart;
  }
  return lines === header.totals.lines && apart === header.totals.apartLines;
}
