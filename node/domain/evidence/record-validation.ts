import { canonicalJson } from "../canonical-json.js";
import { isEvidenceKind, EVIDENCE_KINDS } from "./kinds.js";
import { type EvidenceRecord, RECORD_VERSION } from "./record.js";

/** One thing wrong with a record: the field, a stable code, a bilingual message. Never the field's value. */
export interface RecordProblem {
  field: string;
  code: RecordProblemCode;
  message: string;
}

export type RecordProblemCode =
  | "RECORD_NOT_OBJECT"
  | "FIELD_MISSING"
  | "FIELD_UNKNOWN"
  | "VERSION_UNSUPPORTED"
  | "MEMBER_INVALID"
  | "CASE_KEY_INVALID"
  | "KIND_INVALID"
  | "HASH_INVALID"
  | "SIZE_INVALID"
  | "MEDIA_TYPE_INVALID"
  | "TIME_INVALID"
  | "SALT_INVALID"
  | "PREV_INVALID";

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

const MESSAGES: Record<RecordProblemCode, string> = {
  RECORD_NOT_OBJECT: "存证记录应为 JSON 对象 / the record must be a JSON object",
  FIELD_MISSING: "缺少必填字段 / a required field is missing",
  FIELD_UNKNOWN: "v1 记录不含此字段 / a v1 record has no such field",
  VERSION_UNSUPPORTED: "不支持的记录版本（应为 1）/ unsupported record version (must be 1)",
  MEMBER_INVALID: "成员编号应为 1 到 4294967295 的整数 / member must be an integer from 1 to 4294967295",
  CASE_KEY_INVALID: "caseKey 应为 0x 加 64 位小写十六进制且非零 / caseKey must be 0x and 64 lowercase hex digits, not zero",
  KIND_INVALID: `类型无效，应为 ${EVIDENCE_KINDS.join("、")} 之一 / kind must be one of ${EVIDENCE_KINDS.join(", ")}`,
  HASH_INVALID: "摘要应为 64 位小写十六进制 / a digest must be 64 lowercase hex digits",
  SIZE_INVALID: "内容长度应为非负安全整数 / contentSize must be a non-negative safe integer",
  MEDIA_TYPE_INVALID: "媒体类型应为小写 type/subtype（不带参数）/ mediaType must be a lowercase type/subtype without parameters",
  TIME_INVALID: "时间应为 UTC 的 ISO 8601 格式（如 2026-01-02T03:04:05.678Z）/ time must be ISO 8601 UTC such as 2026-01-02T03:04:05.678Z",
  SALT_INVALID: "盐值应为 32 位小写十六进制（16 字节）/ salt must be 32 lowercase hex digits (16 bytes)",
  PREV_INVALID: "prev 应为上一条记录的叶哈希（0x 加 64 位十六进制）/ prev must be the previous record's leaf hash (0x and 64 hex digits)",
};

const problem = (field: string, code: RecordProblemCode): RecordProblem => ({ field, code, message: MESSAGES[code] });

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
