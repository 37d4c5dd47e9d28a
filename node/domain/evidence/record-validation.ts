import { CATALOG } from "../../messages/catalog.js";
import { bilingual, msg } from "../../messages/message.js";
import { canonicalJson } from "../canonical-json.js";
import { isEvidenceKind, EVIDENCE_KINDS } from "./kinds.js";
import { type EvidenceRecord, RECORD_VERSION } from "./record.js";

/** One thing wrong with a record: the field, a stable code, a bilingual message. Never the field's value. */
export interface RecordProblem {
  field: string;
  code: RecordProblemCode;
  message: string;
}

export type RecordProblemCode = keyof typeof CATALOG.evidenceRecord;

export type RecordCheck = { ok: true; record: EvidenceRecord } | { ok: false; problems: RecordProblem[] };

const FIELDS = ["v", "member", "caseKey", "kind", "contentSha256", "sm3", "contentSize", "mediaType", "capturedAt", "salt", "prev"];
const REQUIRED = ["v", "member", "caseKey", "kind", "contentSha256", "contentSize", "mediaType", "capturedAt", "salt"];
const KEY = /^0x[0-9a-f]{64}$/;
const ZERO_KEY = `0x${"0".repeat(64)}`;
const DIGEST = /^[0-9a-f]{64}$/;
const SALT = /^[0-9a-f]{32}$/;
/** RFC 6838 restricted names, lowercase, no parameters. */
const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/;
/** `Date.prototype.toISOString()` form: the only one a v1 record uses. */
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const MAX_UINT32 = 2 ** 32 - 1;


const problem = (field: string, code: RecordProblemCode): RecordProblem => ({
  field,
  code,
  message: bilingual(code === "KIND_INVALID" ? msg("evidenceRecord.KIND_INVALID", KINDS) : msg(`evidenceRecord.${code}`)),
});
const KINDS = { kindsZh: EVIDENCE_KINDS.join("、"), kindsEn: EVIDENCE_KINDS.join(", ") };

/** Whether `text` is an ISO 8601 UTC time in `toISOString()` form that names a real instant. */
export function isIsoUtc(text: unknown): text is string {
  if (typeof text !== "string" || !ISO_UTC.test(text)) return false;
  const time = Date.parse(text);
  return Number.isFinite(time) && new Date(time).toISOString() === text;
}

export function isDigestHex(text: unknown): text is string {
  return typeof text === "string" && DIGEST.test(text);
}

export function isCaseKey(text: unknown): text is string {
  return typeof text === "string" && KEY.test(text) && text !== ZERO_KEY;
}

export function isMediaType(text: unknown): text is string {
  return typeof text === "string" && MEDIA_TYPE.test(text);
}

/** Checks a parsed value against the v1 record schema, strictly: every problem, not only the first. */
export function validateRecord(value: unknown): RecordCheck {
  if (!value || typeof value !== "object" || Array.isArray(value)) return { ok: false, problems: [problem("", "RECORD_NOT_OBJECT")] };
  const r = value as Record<string, unknown>;
  const problems: RecordProblem[] = [];
  for (const field of REQUIRED) if (r[field] === undefined) problems.push(problem(field, "FIELD_MISSING"));
  for (const field of Object.keys(r)) if (!FIELDS.includes(field)) problems.push(problem(field, "FIELD_UNKNOWN"));
  const present = (field: string) => r[field] !== undefined;
  if (present("v") && r.v !== RECORD_VERSION) problems.push(problem("v", "VERSION_UNSUPPORTED"));
  if (present("member") && !(Number.isSafeInteger(r.member) && (r.member as number) >= 1 && (r.member as number) <= MAX_UINT32)) {
    problems.push(problem("member", "MEMBER_INVALID"));
  }
  if (present("caseKey") && !isCaseKey(r.caseKey)) problems.push(problem("caseKey", "CASE_KEY_INVALID"));
  if (present("kind") && !isEvidenceKind(r.kind)) problems.push(problem("kind", "KIND_INVALID"));
  if (present("contentSha256") && !isDigestHex(r.contentSha256)) problems.push(problem("contentSha256", "HASH_INVALID"));
  if (present("sm3") && !isDigestHex(r.sm3)) problems.push(problem("sm3", "HASH_INVALID"));
  if (present("contentSize") && !(Number.isSafeInteger(r.contentSize) && (r.contentSize as number) >= 0)) {
    problems.push(problem("contentSize", "SIZE_INVALID"));
  }
  if (present("mediaType") && !isMediaType(r.mediaType)) problems.push(problem("mediaType", "MEDIA_TYPE_INVALID"));
  if (present("capturedAt") && !isIsoUtc(r.capturedAt)) problems.push(problem("capturedAt", "TIME_INVALID"));
  if (present("salt") && !(typeof r.salt === "string" && SALT.test(r.salt))) problems.push(problem("salt", "SALT_INVALID"));
  if (present("prev") && !isCaseKey(r.prev)) problems.push(problem("prev", "PREV_INVALID"));
  return problems.length > 0 ? { ok: false, problems } : { ok: true, record: r as unknown as EvidenceRecord };
}

export type RecordTextCheck =
  | { ok: true; record: EvidenceRecord }
  | { ok: false; code: "RECORD_NOT_JSON" | "RECORD_NOT_CANONICAL" | "RECORD_INVALID"; problems?: RecordProblem[] };

/**
 * Parses a record from the exact text that was hashed: it must be JSON, a valid v1 record, and in canonical form
 * (RFC 8785), so that one record has one leaf hash and no other text can pass for it.
 */
export function parseRecordText(text: string): RecordTextCheck {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, code: "RECORD_NOT_JSON" };
  }
  const check = validateRecord(value);
  if (!check.ok) return { ok: false, code: "RECORD_INVALID", problems: check.problems };
  if (canonicalJson(check.record) !== text) return { ok: false, code: "RECORD_NOT_CANONICAL" };
  return check;
}
