import { randomBytes } from "node:crypto";
import type { EvidenceKind } from "./kinds.js";

/** The record format's version (`v`). */
export const RECORD_VERSION = 1;
/** Bytes of random salt per record: a short document cannot be guessed back from its hash. */
export const SALT_BYTES = 16;

/**
 * One evidence record (docs/design.md §16). Its canonical JSON (RFC 8785) is what the member's Merkle log holds:
 * leaf = SHA-256(0x00 ‖ UTF-8 bytes of the canonical JSON). No personal data: the case is named by its pseudonymous
 * key, the content by its hash.
 *
 * Encodings: `caseKey` and `prev` are `0x` + 64 lowercase hex (as on chain); `contentSha256`, `sm3` and `salt` are
 * bare lowercase hex (as `sha256sum` prints); `capturedAt` is RFC 3339 UTC with milliseconds (`toISOString()`).
 */
export interface EvidenceRecord {
  v: typeof RECORD_VERSION;
  /** Member id (MemberRegistry) of the member whose log holds the record. */
  member: number;
  caseKey: string;
  kind: EvidenceKind;
  contentSha256: string;
  /** Optional SM3 (GB/T 32905-2016) of the same content, beside SHA-256. */
  sm3?: string;
  /** Content length in bytes (0 allowed). */
  contentSize: number;
  /** RFC 6838 `type/subtype`, lowercase, without parameters. */
  mediaType: string;
  /** When the content was captured, as the member claims it (the anchor bounds it from above). */
  capturedAt: string;
  salt: string;
  /** Leaf hash of the previous record of the same case in the same log; absent for a case's first record. */
  prev?: string;
}

export function newSalt(): string {
  return randomBytes(SALT_BYTES).toString("hex");
}

/**
 * The record's canonical JSON text (RFC 8785): exactly the bytes that are hashed into the log. Written out in the
 * fixed key order JCS gives these keys (UTF-16 order) — the log's hot path; the tests check it against the generic
 * canonicalJson (canonical-json.ts) for every field combination. Only for records that passed validation.
 */
export function recordJson(r: EvidenceRecord): string {
  const s = JSON.stringify;
  return (
    `{"capturedAt":${s(r.capturedAt)},"caseKey":${s(r.caseKey)},"contentSha256":${s(r.contentSha256)},` +
    `"contentSize":${s(r.contentSize)},"kind":${s(r.kind)},"mediaType":${s(r.mediaType)},"member":${s(r.member)},` +
    `${r.prev === undefined ? "" : `"prev":${s(r.prev)},`}"salt":${s(r.salt)},${r.sm3 === undefined ? "" : `"sm3":${s(r.sm3)},`}"v":${s(r.v)}}`
  );
}

