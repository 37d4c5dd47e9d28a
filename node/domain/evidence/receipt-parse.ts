import { MAX_PROOF_LENGTH } from "../consortium/limits.js";
import { type AnchorRef, anchoredReceipt, type Checkpoint, MAX_RECEIPT_BYTES, MAX_RECORD_BYTES, RECEIPT_FORMAT, type Receipt } from "./receipt.js";

/** Where a receipt comes from: its file's text or bytes, an already parsed JSON value, or only its size (too big to read). */
export type ReceiptSource = { text: string } | { bytes: Uint8Array } | { value: unknown } | { oversized: number };

export type ReceiptProblemCode =
  | "RECEIPT_TOO_LARGE"
  | "RECEIPT_EMPTY"
  | "RECEIPT_TRUNCATED"
  | "RECEIPT_NOT_JSON"
  | "RECEIPT_NOT_OBJECT"
  | "RECEIPT_FORMAT_UNKNOWN"
  | "RECEIPT_FIELD_INVALID";

export type ReceiptParse =
  | { ok: true; receipt: Receipt }
  | { ok: false; code: ReceiptProblemCode; field?: string; size?: number };

const HASH = /^0x[0-9a-f]{64}$/;
const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

/**
 * Whether `text` (not valid JSON) looks cut short rather than malformed: it opens an object or array that never
 * closes, or ends inside a string. A scan rather than the parser's message, so that every JavaScript engine agrees.
 */
export function looksTruncated(text: string): boolean {
  const body = text.trim();
  if (!body.startsWith("{") && !body.startsWith("[")) return false;
  let depth = 0;
  let inString = false;
  let escaped = false;
  for (const ch of body) {
    if (inString) {
      if (escaped) escaped = false;
      else if (ch === "\\") escaped = true;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === "{" || ch === "[") depth++;
    else if (ch === "}" || ch === "]") {
      depth--;
      if (depth < 0) return false;
    }
  }
  return inString || depth > 0;
}

/** No number is written by JSON.stringify in more characters than this ("-0.0000012345678901234567" is 25). */
const NUMBER_CHARS = 32;

/**
 * An upper bound of `JSON.stringify(value).length` for plain JSON data (a string's every code unit written as at most
 * six characters, `\uXXXX`); Infinity for anything else (toJSON, functions, undefined in an array, cycles) or as soon
 * as the bound passes `limit`. Reads the value once and writes nothing.
 */
export function jsonLengthBound(value: unknown, limit: number): number {
  let total = 0;
  const walk = (v: unknown, depth: number): boolean => {
    if (depth > 64 || total > limit) return false;
    if (v === null) total += 4;
    else
      switch (typeof v) {
        case "string":
          total += 6 * v.length + 2;
          break;
        case "number":
          total += NUMBER_CHARS;
          break;
        case "boolean":
          total += 5;
          break;
        case "object": {
          if (typeof (v as { toJSON?: unknown }).toJSON === "function") return false;
          total += 2;
          if (Array.isArray(v)) {
            for (let i = 0; i < v.length; i++) if (v[i] === undefined || !walk(v[i], depth + 1) || (total += 1) > limit) return false;
          } else {
            const proto = Object.getPrototypeOf(v) as unknown;
            if (proto !== Object.prototype && proto !== null) return false;
            for (const k of Object.keys(v)) {
              const member = (v as Record<string, unknown>)[k];
              if (member === undefined) continue;
              total += 6 * k.length + 4;
              if (!walk(member, depth + 1)) return false;
            }
          }
          break;
        }
        default:
          return false;
      }
    return total <= limit;
  };
  return walk(value, 0) ? total : Infinity;
}

const isCount = (n: unknown, min = 0): n is number => typeof n === "number" && Number.isSafeInteger(n) && n >= min;

/** Parses and checks the shape of a receipt. Never throws: every problem is a code and, where it applies, the field. */
export function parseReceipt(source: ReceiptSource): ReceiptParse {
  let value: unknown;
  if ("oversized" in source) return { ok: false, code: "RECEIPT_TOO_LARGE", size: source.oversized };
  if ("value" in source) {
    value = source.value;
    if (typeof value === "string") return parseReceipt({ text: value });
    // Written out only when a bound of its length does not already show it within the limit (a bundle's receipts).
    if (!(jsonLengthBound(value, MAX_RECEIPT_BYTES) <= MAX_RECEIPT_BYTES)) {
      let size: number;
      try {
        size = JSON.stringify(value ?? null).length;
      } catch {
        return { ok: false, code: "RECEIPT_NOT_JSON" };
      }
      if (size > MAX_RECEIPT_BYTES) return { ok: false, code: "RECEIPT_TOO_LARGE", size };
    }
  } else {
    const size = "bytes" in source ? source.bytes.length : Buffer.byteLength(source.text, "utf8");
    if (size > MAX_RECEIPT_BYTES) return { ok: false, code: "RECEIPT_TOO_LARGE", size };
    let text: string;
    if ("bytes" in source) {
      try {
        text = new TextDecoder("utf-8", { fatal: true }).decode(source.bytes);
      } catch {
        return { ok: false, code: "RECEIPT_NOT_JSON" };
      }
    } else text = source.text;
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    if (text.trim() === "") return { ok: false, code: "RECEIPT_EMPTY" };
    try {
      value = JSON.parse(text);
    } catch {
      return { ok: false, code: looksTruncated(text) ? "RECEIPT_TRUNCATED" : "RECEIPT_NOT_JSON" };
    }
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) return { ok: false, code: "RECEIPT_NOT_OBJECT" };
  const r = value as Record<string, unknown>;
  if (r.format !== RECEIPT_FORMAT) return { ok: false, code: "RECEIPT_FORMAT_UNKNOWN", field: "format" };
  const bad = (field: string): ReceiptParse => ({ ok: false, code: "RECEIPT_FIELD_INVALID", field });

  if (r.status !== "pending" && r.status !== "anchored") return bad("status");
  if (typeof r.record !== "string" || r.record.length === 0 || Buffer.byteLength(r.record, "utf8") > MAX_RECORD_BYTES) return bad("record");
  if (typeof r.leafHash !== "string" || !HASH.test(r.leafHash)) return bad("leafHash");
  if (!isCount(r.leafIndex)) return bad("leafIndex");
  if (r.status === "pending") {
    if (typeof r.issuedAt !== "string") return bad("issuedAt");
    return { ok: true, receipt: { format: RECEIPT_FORMAT, status: "pending", record: r.record, leafHash: r.leafHash, leafIndex: r.leafIndex, issuedAt: r.issuedAt } };
  }
  const proof = r.inclusionProof;
  if (!Array.isArray(proof) || proof.length > MAX_PROOF_LENGTH) return bad("inclusionProof");
  for (let i = 0; i < proof.length; i++) {
    if (typeof proof[i] !== "string" || !HASH.test(proof[i] as string)) return bad(`inclusionProof[${i}]`);
  }
  const checkpoint = r.checkpoint as Record<string, unknown> | undefined;
  if (!checkpoint || typeof checkpoint !== "object") return bad("checkpoint");
  if (!isCount(checkpoint.treeSize, 1)) return bad("checkpoint.treeSize");
  if (typeof checkpoint.root !== "string" || !HASH.test(checkpoint.root)) return bad("checkpoint.root");
  const anchor = r.anchor as Record<string, unknown> | undefined;
  if (!anchor || typeof anchor !== "object") return bad("anchor");
  if (!isCount(anchor.chainId, 1)) return bad("anchor.chainId");
  if (typeof anchor.contract !== "string" || !ADDRESS.test(anchor.contract)) return bad("anchor.contract");
  if (typeof anchor.txHash !== "string" || !HASH.test(anchor.txHash)) return bad("anchor.txHash");
  if (!isCount(anchor.blockNumber)) return bad("anchor.blockNumber");
  if (!isCount(anchor.blockTime)) return bad("anchor.blockTime");
  // Every field was checked above; anchoredReceipt copies only the receipt's own keys.
  const receipt = anchoredReceipt(
    { record: r.record, leafHash: r.leafHash, leafIndex: r.leafIndex },
    proof as string[],
    checkpoint as unknown as Checkpoint,
    anchor as unknown as AnchorRef,
  );
  return { ok: true, receipt };
}
