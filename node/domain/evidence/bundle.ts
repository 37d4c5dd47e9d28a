import { canonicalDigest } from "../canonical-json.js";
import { CASE_EVENT_NAMES, type CaseEvent, type CaseEventName } from "../consortium/index.js";

/**
 * The case bundle (docs/case-bundle-format.md, docs/design.md §27): one case's whole story for a court — every
 * evidence receipt of every member that held it, the case's events on chain — signed by its creditor of record.
 * Pure: the format, its limits, its parsing and its hash. Signatures are recovered by an adapter (no npm package here).
 */
export const BUNDLE_FORMAT = "caseledger-case-bundle/1";
/** A bundle file larger than this is refused before it is parsed (10,000 receipts of ~3 KiB fit). */
export const MAX_BUNDLE_BYTES = 64 * 1024 * 1024;
/** At most this many receipts, and this many chain events, in one bundle. */
export const MAX_BUNDLE_RECEIPTS = 20_000;
export const MAX_BUNDLE_EVENTS = 10_000;

/** The CaseRegistry events a bundle's history holds: every event of a case (docs/contracts.md). */
export const BUNDLE_EVENT_TYPES = CASE_EVENT_NAMES;
export type BundleEventType = CaseEventName;

/** One of the case's events on chain, as the creditor's index saw it: the consortium's case event, declared once. */
export type BundleEvent = CaseEvent;

/** Which member's log the receipts came from and how: the builder's own log, or a signed peer exchange. */
export interface BundleSource {
  member: number;
  records: number;
  /** `own`: the signing creditor's log; `peer`: answered over the peer channel (hashes of both signed envelopes). */
  via: "own" | "peer";
  requestHash?: string;
  answerHash?: string;
}

export interface CaseBundle {
  format: typeof BUNDLE_FORMAT;
  caseKey: string;
  /** The member that built and signed the bundle: the case's creditor of record when it was built. */
  creditor: number;
  builtAt: string;
  chain: { chainId: number; caseRegistry: string; evidenceRegistry: string };
  history: BundleEvent[];
  sources: BundleSource[];
  /** Evidence receipts (docs/receipt-format.md §3), as objects. */
  receipts: unknown[];
}

export interface SignedCaseBundle {
  bundle: CaseBundle;
  /** SHA-256 of the bundle's canonical JSON (RFC 8785), 0x-hex. */
  hash: string;
  /** EIP-191 signature of the 32 hash bytes by the creditor's signer on chain. */
  signature: string;
}

export type BundleInput = { text: string } | { bytes: Uint8Array } | { value: unknown } | { oversized: number };

export type BundleParse =
  | { ok: true; signed: SignedCaseBundle; computedHash: string }
  | { ok: false; code: BundleParseCode; field?: string; size?: number };

export type BundleParseCode = "BUNDLE_TOO_LARGE" | "BUNDLE_NOT_JSON" | "BUNDLE_FORMAT_UNKNOWN" | "BUNDLE_FIELD_INVALID";

const HEX32 = /^0x[0-9a-f]{64}$/;
const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const isId = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) >= 1 && (n as number) <= 0xffffffff;
const isUint = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) >= 0;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

export function bundleHash(bundle: CaseBundle): string {
  return canonicalDigest(bundle);
}

function eventProblem(e: unknown): string | undefined {
  if (!isObject(e)) return "history";
  if (!(BUNDLE_EVENT_TYPES as readonly string[]).includes(e.type as string)) return "history.type";
  if (typeof e.txHash !== "string" || !HEX32.test(e.txHash)) return "history.txHash";
  if (!isUint(e.block) || !isUint(e.logIndex) || !isUint(e.time)) return "history.block";
  for (const k of ["creditorId", "agencyId", "fromCreditorId", "toCreditorId"] as const) if (e[k] !== undefined && !isId(e[k])) return `history.${k}`;
  for (const k of ["until", "previousUntil"] as const) if (e[k] !== undefined && !isUint(e[k])) return `history.${k}`;
  return undefined;
}

/** Reads a signed bundle: size first (never parsed when too large), then JSON, then every field. Never throws. */
export function parseBundle(source: BundleInput): BundleParse {
  if ("oversized" in source) return { ok: false, code: "BUNDLE_TOO_LARGE", size: source.oversized };
  let value: unknown;
  if ("value" in source) value = source.value;
  else {
    const size = "text" in source ? Buffer.byteLength(source.text) : source.bytes.length;
    if (size > MAX_BUNDLE_BYTES) return { ok: false, code: "BUNDLE_TOO_LARGE", size };
    try {
      value = JSON.parse("text" in source ? source.text : new TextDecoder("utf-8", { fatal: true }).decode(source.bytes));
    } catch {
      return { ok: false, code: "BUNDLE_NOT_JSON" };
    }
  }
  if (!isObject(value) || !isObject(value.bundle)) return { ok: false, code: "BUNDLE_FORMAT_UNKNOWN" };
  const b = value.bundle;
  if (b.format !== BUNDLE_FORMAT) return { ok: false, code: "BUNDLE_FORMAT_UNKNOWN" };
  const bad = (field: string): BundleParse => ({ ok: false, code: "BUNDLE_FIELD_INVALID", field });
  if (typeof value.hash !== "string" || !HEX32.test(value.hash)) return bad("hash");
  if (typeof value.signature !== "string" || !/^0x[0-9a-fA-F]{130}$/.test(value.signature)) return bad("signature");
  if (typeof b.caseKey !== "string" || !HEX32.test(b.caseKey)) return bad("bundle.caseKey");
  if (!isId(b.creditor)) return bad("bundle.creditor");
  if (typeof b.builtAt !== "string" || Number.isNaN(Date.parse(b.builtAt))) return bad("bundle.builtAt");
  const chain = b.chain;
  if (!isObject(chain) || !isUint(chain.chainId) || typeof chain.caseRegistry !== "string" || !ADDRESS.test(chain.caseRegistry) || typeof chain.evidenceRegistry !== "string" || !ADDRESS.test(chain.evidenceRegistry)) {
    return bad("bundle.chain");
  }
  if (!Array.isArray(b.history) || b.history.length > MAX_BUNDLE_EVENTS) return bad("bundle.history");
  for (const e of b.history) {
    const problem = eventProblem(e);
    if (problem) return bad(`bundle.${problem}`);
  }
  if (!Array.isArray(b.sources) || !b.sources.every((s) => isObject(s) && isId(s.member) && isUint(s.records) && (s.via === "own" || s.via === "peer"))) return bad("bundle.sources");
  if (!Array.isArray(b.receipts) || b.receipts.length > MAX_BUNDLE_RECEIPTS) return bad("bundle.receipts");
  const signed = value as unknown as SignedCaseBundle;
  return { ok: true, signed, computedHash: bundleHash(signed.bundle) };
}
