import { randomBytes } from "node:crypto";
import { canonicalDigest } from "../../domain/canonical-json.js";
import { type DigestSigner, signDigest, signedBy } from "../signed-digest.js";

export const PEER_FORMAT = "caseledger-peer/1";

/** A request's kind: lower-case words joined by dots (`repayment.report`); its answer's kind adds `.answer`. */
const KIND = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*){0,7}$/;
const ID = /^[0-9a-f]{32}$/;
/** The longest kind name: it keys handlers and goes into logs. */
const MAX_KIND_LENGTH = 64;

/**
 * A refusal, signed like any answer: `code` is a stable error code, `message` the message id (node/messages/catalog.ts)
 * and `params` its parameters, so that the sender can show it in words and prove it was refused.
 */
export interface PeerRefusal {
  code: string;
  message: string;
  params?: Record<string, string | number>;
}

/**
 * One caseledger-peer/1 message (docs/design.md, "The peer channel"). `body` is canonical-JSON data: no bigints (fen
 * travel as decimal strings), no non-finite numbers. An answer names its request in `inReplyTo` and carries either a
 * `body` or a `refused`.
 */
export interface PeerEnvelope<B = unknown> {
  format: typeof PEER_FORMAT;
  kind: string;
  from: number;
  to: number;
  /** 128 random bits, 32 lower-case hex: unique per sender within the skew window (replays are refused). */
  id: string;
  /** ISO 8601 with a zone: when it was signed; refused beyond the receiver's skew window either way. */
  sentAt: string;
  inReplyTo?: string;
  body?: B;
  refused?: PeerRefusal;
}

export interface SignedPeerEnvelope<B = unknown> {
  envelope: PeerEnvelope<B>;
  /** 0x-hex SHA-256 of the envelope's canonical JSON (RFC 8785). */
  hash: string;
  /** EIP-191 signature of the 32 hash bytes by the sending member's registered key (MemberRegistry `signer`). */
  signature: string;
}

export type EnvelopeProblem = "FORMAT" | "WRONG_RECIPIENT" | "STALE" | "BAD_SIGNATURE";

export const newPeerId = (): string => randomBytes(16).toString("hex");

export const answerKind = (kind: string): string => `${kind}.answer`;

export function isPeerKind(kind: unknown): kind is string {
  return typeof kind === "string" && kind.length <= MAX_KIND_LENGTH && KIND.test(kind);
}

const isMemberId = (id: unknown): id is number => typeof id === "number" && Number.isSafeInteger(id) && id > 0 && id < 2 ** 32;

export async function signEnvelope<B>(envelope: PeerEnvelope<B>, signer: DigestSigner): Promise<SignedPeerEnvelope<B>> {
  const hash = canonicalDigest(envelope);
  return { envelope, hash, signature: await signDigest(hash, signer) };
}

/**
 * The checks that need nothing but the message and the clock, cheapest first: its shape (FORMAT), that it is for
 * `me` (WRONG_RECIPIENT), that it was signed within `maxSkewMs` of `now` either way (STALE), and that its hash is the
 * hash of its envelope (FORMAT). The signer and the replay store are the caller's (they need the chain and the store).
 */
export function envelopeProblem(raw: unknown, expect: { me: number; now: number; maxSkewMs: number }): EnvelopeProblem | undefined {
  const signed = raw as Partial<SignedPeerEnvelope> | undefined;
  const e = signed?.envelope;
  if (!e || typeof e !== "object" || Array.isArray(e) || typeof signed.hash !== "string" || typeof signed.signature !== "string") return "FORMAT";
  if (e.format !== PEER_FORMAT || !isPeerKind(e.kind) || !isMemberId(e.from) || !isMemberId(e.to) || typeof e.id !== "string" || !ID.test(e.id)) return "FORMAT";
  if (e.inReplyTo !== undefined && (typeof e.inReplyTo !== "string" || !ID.test(e.inReplyTo))) return "FORMAT";
  if (e.refused !== undefined && (typeof e.refused !== "object" || e.refused === null || typeof e.refused.code !== "string" || typeof e.refused.message !== "string")) return "FORMAT";
  const sentAt = typeof e.sentAt === "string" && /^\d{4}-\d\d-\d\dT[\d:.]+(Z|[+-]\d\d:\d\d)$/.test(e.sentAt) ? Date.parse(e.sentAt) : NaN;
  if (!Number.isFinite(sentAt)) return "FORMAT";
  if (e.to !== expect.me) return "WRONG_RECIPIENT";
  if (Math.abs(expect.now - sentAt) > expect.maxSkewMs) return "STALE";
  let hash: string;
  try {
    hash = canonicalDigest(e);
  } catch {
    return "FORMAT";
  }
  return hash === signed.hash ? undefined : "FORMAT";
}

/** Whether a well-formed envelope (envelopeProblem passed) was signed by `signer` (the sender's key on chain). */
export function isSignedBy(signed: SignedPeerEnvelope, signer: string): boolean {
  return signedBy(signed.hash, signed.signature, signer);
}

/**
 * Why `raw` is not the signed answer of member `to` to `request` (kind `<kind>.answer`, inReplyTo its id, from
 * `request.to` back to `request.from`, signed by `signer`, the receiver's current key on chain), or undefined.
 */
export function answerProblem(
  raw: unknown,
  request: PeerEnvelope,
  expect: { now: number; maxSkewMs: number; signer: string },
): EnvelopeProblem | "NOT_AN_ANSWER" | undefined {
  const problem = envelopeProblem(raw, { me: request.from, now: expect.now, maxSkewMs: expect.maxSkewMs });
  if (problem) return problem;
  const answer = raw as SignedPeerEnvelope;
  const e = answer.envelope;
  if (e.from !== request.to || e.kind !== answerKind(request.kind) || e.inReplyTo !== request.id) return "NOT_AN_ANSWER";
  if ((e.body === undefined) === (e.refused === undefined)) return "NOT_AN_ANSWER";
  return isSignedBy(answer, expect.signer) ? undefined : "BAD_SIGNATURE";
}
