import type { SignedCaseBundle } from "../evidence/bundle.js";
import type { EvidenceKind } from "../evidence/kinds.js";
import { parseRecordText } from "../evidence/record-validation.js";

/**
 * The evidence list (证据清单) of a filing package, generated from the case bundle (docs/design.md §28). Pure: one
 * item per receipt of the bundle whose record parses, in the order captured (then member, then log position), each
 * with its number, kind (its name and what it proves are the catalog's `filing.KIND_*` / `filing.PURPOSE_*`), the
 * member whose log holds it, its content's SHA-256 and its record's leaf hash; the bundle itself is the last item.
 */
export interface EvidenceListItem {
  /** 1-based: the number the court cites. */
  number: number;
  kind: EvidenceKind | "bundle";
  /** The member whose log holds the record (the bundle: its signing creditor). */
  member: number;
  /** Bare lower-case hex SHA-256 of the content (the bundle: of its file in the package). */
  sha256: string;
  /** The record's leaf hash (0x…), the receipt's id; the bundle: its hash. */
  leafHash: string;
  /** When captured, ISO (the bundle: when built). */
  capturedAt: string;
  /** Where it is in the package: `bundle.json#receipts[i]`, or `bundle.json`. */
  locator: string;
}

interface ReceiptLike {
  record?: unknown;
  leafHash?: unknown;
  leafIndex?: unknown;
}

/** The list for `signed`, whose file in the package has SHA-256 `bundleFileSha256` (bare hex). */
export function evidenceList(signed: SignedCaseBundle, bundleFileSha256: string): EvidenceListItem[] {
  const rows: Array<Omit<EvidenceListItem, "number"> & { order: number }> = [];
  signed.bundle.receipts.forEach((raw, i) => {
    const receipt = raw as ReceiptLike;
    if (typeof receipt.record !== "string" || typeof receipt.leafHash !== "string") return;
    const parsed = parseRecordText(receipt.record);
    if (!parsed.ok) return;
    const r = parsed.record;
    rows.push({ kind: r.kind, member: r.member, sha256: r.contentSha256, leafHash: receipt.leafHash, capturedAt: r.capturedAt, locator: `bundle.json#receipts[${i}]`, order: typeof receipt.leafIndex === "number" ? receipt.leafIndex : i });
  });
  rows.sort((a, b) => (a.capturedAt < b.capturedAt ? -1 : a.capturedAt > b.capturedAt ? 1 : a.member - b.member || a.order - b.order));
  const items: EvidenceListItem[] = rows.map(({ order: _order, ...row }, i) => ({ number: i + 1, ...row }));
  items.push({ number: items.length + 1, kind: "bundle", member: signed.bundle.creditor, sha256: bundleFileSha256, leafHash: signed.hash, capturedAt: signed.bundle.builtAt, locator: "bundle.json" });
  return items;
}
