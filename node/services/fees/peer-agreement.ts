import { createHash } from "node:crypto";
import { canonicalJson } from "../../domain/canonical-json.js";
import { entryOf, fill, msg } from "../../messages/message.js";
import type { RecordDraft } from "../../store/evidence-log/evidence-log.js";
import type { StoredPeerEnvelope } from "../../store/peer-outbox.js";
import type { PeerExchange } from "../peer/channel.js";
import { API_ERRORS, type ApiErrorCode, ServiceError } from "../service-error.js";

/**
 * What fee schedules and statements share: the evidence record that notarizes an agreement between two members, and
 * the reading of the other member's signed answer.
 */

export const AGREEMENT_FORMAT = "caseledger-agreement/1";

/**
 * An `other` evidence record (docs/design.md §23) whose content is the agreement: what was agreed (its hash) and the
 * two members' signed envelopes, by hash and signature. Its `caseKey` is the agreed document's hash — a 32-byte key
 * that groups the records about one document in the log, as a case key groups a case's.
 */
export function agreementRecord(
  subject: "fee-schedule" | "statement",
  hash: string,
  parties: { creditorId: number; agencyId: number },
  signed: readonly StoredPeerEnvelope[],
  extra: Record<string, unknown>,
  capturedAt: string,
): RecordDraft {
  const text = canonicalJson({
    format: AGREEMENT_FORMAT,
    subject,
    hash,
    ...parties,
    ...extra,
    signatures: signed.map((s) => ({ envelopeHash: s.hash, signature: s.signature })),
  });
  const bytes = Buffer.from(text, "utf8");
  return {
    caseKey: hash,
    kind: "other",
    contentSha256: createHash("sha256").update(bytes).digest("hex"),
    contentSize: bytes.length,
    mediaType: "application/json",
    capturedAt,
    kept: false,
    source: "system",
    inline: text,
  };
}

export function stored(envelope: PeerExchange["request"]): StoredPeerEnvelope {
  return { envelope: envelope.envelope, hash: envelope.hash, signature: envelope.signature };
}

/** The other member's signed answer: its body, or its signed refusal raised here as the error it was. */
export function answerBody<B>(exchange: PeerExchange<B>): B {
  const { refused, body } = exchange.answer.envelope;
  if (refused) {
    const code: ApiErrorCode = Object.hasOwn(API_ERRORS, refused.code) ? (refused.code as ApiErrorCode) : "CONFLICT";
    // The other gateway's words, from this gateway's own catalog: the signed refusal carries only a message id.
    const entry = entryOf(refused.message);
    const params = refused.params ?? {};
    const text = msg("fees.PEER_REFUSED", {
      member: exchange.answer.envelope.from,
      code: refused.code,
      reasonZh: entry ? fill(entry.zh, params) : refused.code,
      reasonEn: entry ? fill(entry.en, params) : refused.code,
    });
    throw new ServiceError(code, text, { refusedBy: exchange.answer.envelope.from, code: refused.code, params, answer: exchange.answer.hash });
  }
  return body as B;
}
