import { msg } from "../../messages/message.js";
import type { Clock } from "../../domain/clock.js";
import type { SeenNonces } from "../../store/seen-nonces.js";
import { ServiceError } from "../service-error.js";
import type { DigestSigner } from "../signed-digest.js";
import { answerKind, answerProblem, envelopeProblem, type EnvelopeProblem, isPeerKind, isSignedBy, newPeerId, PEER_FORMAT, type PeerEnvelope, type PeerRefusal, signEnvelope, type SignedPeerEnvelope } from "./envelope.js";
import { activeSigner, type PeerMemberRecord } from "./member-signer.js";
import { postEnvelope } from "./post.js";

/**
 * What a service answers a peer's request of its kind: the answer's body, signed by this member. A ServiceError it
 * throws is answered as a signed refusal (its code, message id and parameters); any other error is a 5xx, which the
 * sender takes as "try again".
 */
export type PeerHandler = (from: number, body: unknown, request: SignedPeerEnvelope) => Promise<unknown>;

/** A request and the receiver's answer, both signed: the sender keeps them as proof of what was said. */
export interface PeerExchange<B = unknown> {
  request: SignedPeerEnvelope;
  answer: SignedPeerEnvelope<B>;
}

export interface PeerChannelDeps {
  memberId: number;
  /** This member's registered signing key. */
  signer: DigestSigner;
  /** MemberRegistry.memberOf, read for every message (a member suspended or re-keyed a second ago is refused). */
  memberOf: (id: number) => Promise<PeerMemberRecord>;
  /** The base URL of a member's gateway from the chain-verified directory (Active, verified metadata), or undefined. */
  gatewayOf: (id: number) => Promise<string | undefined>;
  /** Envelope ids seen: `from/id`, kept while the envelope could pass as fresh. */
  nonces: SeenNonces;
  clock: Clock;
  /** Envelopes signed more than this before or after now are refused (DEFAULTS.peerMaxSkewMs). */
  maxSkewMs: number;
  /** One request to another member's gateway (DEFAULTS.timeouts.peerRequestMs). */
  requestTimeoutMs: number;
  /** Plain http:// gateways allowed (config handover.allowHttpPeers). */
  allowHttpPeers: boolean;
}

const PROBLEM_CODE = {
  FORMAT: "PEER_FORMAT",
  WRONG_RECIPIENT: "PEER_WRONG_RECIPIENT",
  STALE: "PEER_STALE",
  BAD_SIGNATURE: "PEER_BAD_SIGNATURE",
} as const satisfies Record<EnvelopeProblem, string>;

const refusedWith = (problem: EnvelopeProblem) => new ServiceError(PROBLEM_CODE[problem], msg(`peer.${problem}`), { problem });
const replayed = () => new ServiceError("PEER_REPLAYED", msg("peer.REPLAYED"), { problem: "REPLAYED" });
/** The nonce store is pruned at most this often. */
const PRUNE_EVERY_MS = 60_000;

/**
 * caseledger-peer/1, the one signed channel between members' gateways (docs/design.md, "The peer channel"). Receiving:
 * the envelope is for this member, fresh, never seen, from an Active member whose current key on chain signed it;
 * then the handler of its kind answers, and the answer is signed by this member. Sending: to the gateway the
 * chain-verified directory names (never an address a person typed), and only an answer signed by the receiver's
 * current key counts.
 */
export class PeerChannel {
  readonly #handlers = new Map<string, PeerHandler>();
  readonly #inFlight = new Set<string>();
  #prunedAt = 0;

  constructor(private readonly deps: PeerChannelDeps) {}

  /** Registers the handler of requests of `kind` (one per kind; a second registration is a programming error). */
  handle(kind: string, handler: PeerHandler): void {
    if (!isPeerKind(kind) || kind.endsWith(".answer")) throw new Error(`not a request kind: ${String(kind)}`);
    if (this.#handlers.has(kind)) throw new Error(`a handler of ${kind} is registered already`);
    this.#handlers.set(kind, handler);
  }

  /** Verifies a request posted to `/v1/peer`, dispatches it and returns this member's signed answer. */
  async receive(raw: unknown): Promise<SignedPeerEnvelope> {
    const { deps } = this;
    const now = deps.clock();
    const problem = envelopeProblem(raw, { me: deps.memberId, now, maxSkewMs: deps.maxSkewMs });
    if (problem) throw refusedWith(problem);
    const request = raw as SignedPeerEnvelope;
    const { from, id, kind } = request.envelope;
    if (request.envelope.inReplyTo !== undefined || request.envelope.refused !== undefined) throw refusedWith("FORMAT");
    const nonce = `${from}/${id}`;
    if (this.#inFlight.has(nonce)) throw replayed();
    this.#inFlight.add(nonce);
    try {
      if (await deps.nonces.seen(from, id)) throw replayed();
      const signer = await activeSigner(deps.memberOf, from);
      if (signer === undefined) throw new ServiceError("PEER_NOT_MEMBER", msg("peer.NOT_MEMBER"), { problem: "NOT_MEMBER" });
      if (!isSignedBy(request, signer)) throw refusedWith("BAD_SIGNATURE");
      const handler = this.#handlers.get(kind);
      if (!handler) throw new ServiceError("PEER_UNKNOWN_KIND", msg("peer.UNKNOWN_KIND", { kind }), { problem: "UNKNOWN_KIND" });
      // Kept before the handler runs: the same envelope again is a replay whatever the handler made of it.
      await deps.nonces.put(from, id, Date.parse(request.envelope.sentAt) + deps.maxSkewMs);
      let answer: { body: unknown } | { refused: PeerRefusal };
      try {
        answer = { body: (await handler(from, request.envelope.body, request)) ?? {} };
      } catch (error) {
        if (!(error instanceof ServiceError)) throw error;
        const refusal = error as ServiceError;
        const params: Record<string, string | number> = refusal.params;
        answer = { refused: { code: refusal.code, message: refusal.messageId, ...(Object.keys(params).length ? { params } : {}) } };
      }
      await this.#prune(now);
      return signEnvelope({ ...this.#envelope(from, answerKind(kind)), inReplyTo: id, ...answer }, deps.signer);
    } finally {
      this.#inFlight.delete(nonce);
    }
  }

  /**
   * Signs `body` as a request of `kind` to member `to`, posts it to its gateway and returns the request with the
   * receiver's signed answer (which may be a refusal). Throws PEER_UNREACHABLE when there is no usable gateway, the
   * gateway does not answer 200, or the answer is not signed by `to`'s current key.
   */
  async send<B = unknown>(to: number, kind: string, body: unknown): Promise<PeerExchange<B>> {
    const { deps } = this;
    if (!isPeerKind(kind)) throw new Error("not a request kind");
    const url = await deps.gatewayOf(to);
    const protocol = url === undefined ? undefined : new URL(url).protocol;
    if (url === undefined || !(protocol === "https:" || (protocol === "http:" && deps.allowHttpPeers))) {
      throw new ServiceError("PEER_UNREACHABLE", msg("peer.NO_ROUTE", { member: to }), { member: to });
    }
    const request = await signEnvelope({ ...this.#envelope(to, kind), body }, deps.signer);
    let http: Awaited<ReturnType<typeof postEnvelope>>;
    try {
      http = await postEnvelope(url, request, deps.requestTimeoutMs);
    } catch (error) {
      throw new ServiceError("PEER_UNREACHABLE", msg("peer.UNREACHABLE", { member: to, problem: (error as Error).name }), { member: to }, { cause: error });
    }
    if (http.status !== 200) {
      const code = (http.body as { error?: { code?: unknown } } | undefined)?.error?.code;
      const problem = `HTTP ${http.status}${typeof code === "string" ? ` ${code}` : ""}`;
      throw new ServiceError("PEER_UNREACHABLE", msg("peer.UNREACHABLE", { member: to, problem }), { member: to, status: http.status, code, retryAfter: http.retryAfter });
    }
    const signer = await activeSigner(deps.memberOf, to);
    const problem = signer === undefined ? "NOT_MEMBER" : answerProblem(http.body, request.envelope, { now: deps.clock(), maxSkewMs: deps.maxSkewMs, signer });
    if (problem) throw new ServiceError("PEER_UNREACHABLE", msg("peer.UNREACHABLE", { member: to, problem }), { member: to, problem });
    return { request, answer: http.body as SignedPeerEnvelope<B> };
  }

  #envelope(to: number, kind: string): PeerEnvelope {
    return { format: PEER_FORMAT, kind, from: this.deps.memberId, to, id: newPeerId(), sentAt: new Date(this.deps.clock()).toISOString() };
  }

  async #prune(now: number): Promise<void> {
    if (now - this.#prunedAt < PRUNE_EVERY_MS) return;
    this.#prunedAt = now;
    await this.deps.nonces.prune(now);
  }
}
