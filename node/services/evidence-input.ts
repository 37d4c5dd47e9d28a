import { bilingual, type Message, msg } from "../messages/message.js";
import { EVIDENCE_KINDS, type EvidenceKind, isEvidenceKind } from "../domain/evidence/kinds.js";
import { isCaseKey, isDigestHex, isIsoUtc, isMediaType } from "../domain/evidence/record-validation.js";
import { ServiceError } from "./service-error.js";

/** How far ahead of the gateway's clock a capture time may be claimed (member clocks drift a little). */
export const MAX_CAPTURE_AHEAD_MS = 5 * 60_000;

export interface EvidenceMeta {
  caseKey: string;
  kind: EvidenceKind;
  mediaType: string;
  capturedAt: string;
}

const fail = (field: string, code: string, text: Message) => new ServiceError("VALIDATION_FAILED", text, [{ field, code, message: bilingual(text) }]);

/**
 * Checks and normalizes what a staff member gives with a piece of evidence (query string or JSON): every field's
 * problem is reported by name, never with its value.
 */
/** `now` (milliseconds since the epoch) is the capture time when none is given. */
export function parseEvidenceMeta(raw: Record<string, unknown>, now: number): EvidenceMeta {
  const caseKey = typeof raw.caseKey === "string" ? raw.caseKey.toLowerCase() : raw.caseKey;
  if (!isCaseKey(caseKey)) throw fail("caseKey", "CASE_KEY_INVALID", msg("evidenceInput.CASE_KEY_INVALID"));
  if (!isEvidenceKind(raw.kind)) {
    throw fail("kind", "KIND_INVALID", msg("evidenceInput.KIND_INVALID", { kindsZh: EVIDENCE_KINDS.join("、"), kindsEn: EVIDENCE_KINDS.join(", ") }));
  }
  const mediaType = String(raw.mediaType ?? "application/octet-stream").split(";")[0]!.trim().toLowerCase();
  if (!isMediaType(mediaType)) throw fail("mediaType", "MEDIA_TYPE_INVALID", msg("evidenceInput.MEDIA_TYPE_INVALID"));
  let capturedAt: string;
  if (raw.capturedAt === undefined || raw.capturedAt === "") capturedAt = new Date(now).toISOString();
  else {
    const time = typeof raw.capturedAt === "string" ? Date.parse(raw.capturedAt) : Number.NaN;
    if (!Number.isFinite(time) || !/^\d{4}-\d{2}-\d{2}T/.test(String(raw.capturedAt)) || !/(Z|[+-]\d{2}:\d{2})$/.test(String(raw.capturedAt))) {
      throw fail("capturedAt", "TIME_INVALID", msg("evidenceInput.TIME_NO_ZONE"));
    }
    if (time > now + MAX_CAPTURE_AHEAD_MS) throw fail("capturedAt", "TIME_IN_FUTURE", msg("evidenceInput.TIME_IN_FUTURE"));
    if (time < Date.parse("2000-01-01T00:00:00Z")) throw fail("capturedAt", "TIME_INVALID", msg("evidenceInput.TIME_TOO_EARLY"));
    capturedAt = new Date(time).toISOString();
  }
  if (!isIsoUtc(capturedAt)) throw fail("capturedAt", "TIME_INVALID", msg("evidenceInput.TIME_INVALID"));
  return { caseKey, kind: raw.kind, mediaType, capturedAt };
}

/** A content digest given by a client (hash-only evidence): lowercase hex, 0x tolerated. */
export function parseDigest(value: unknown, field: string, required: boolean): string | undefined {
  if (value === undefined && !required) return undefined;
  const text = typeof value === "string" ? value.toLowerCase().replace(/^0x/, "") : "";
  if (!isDigestHex(text)) throw fail(field, "HASH_INVALID", msg("evidenceInput.HASH_INVALID", { field }));
  return text;
}

export function parseSize(value: unknown): number {
  const n = typeof value === "string" && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== "number" || !Number.isSafeInteger(n) || n < 0) {
    throw fail("contentSize", "SIZE_INVALID", msg("evidenceInput.SIZE_INVALID"));
  }
  return n;
}
