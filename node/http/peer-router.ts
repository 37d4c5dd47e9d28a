import express, { type Router } from "express";
import { msg } from "../messages/message.js";
import type { PeerChannel } from "../services/peer/channel.js";
import { peersOnly } from "./peer-allowlist.js";
import type { RateLimiter } from "./rate-limit.js";
import { strictRouter } from "./strict-router.js";

/** The largest caseledger-peer/1 request: repayment reports and decisions in bulk, fee schedules, statements. */
export const PEER_BODY_LIMIT = "1mb";

export interface PeerRouterDeps {
  channel: Pick<PeerChannel, "receive">;
  /** Per client address, taken before the body is read. */
  byAddress: RateLimiter;
  /** Per claimed sender (`envelope.from`): many addresses posting in one member's name share its bucket. */
  bySender: RateLimiter;
  /** The only addresses (or subnets, address/bits) answered; empty: any (config http.handoverPeers). */
  peers?: readonly string[];
}

/** The member a message claims to come from (its signature is checked later); none for a body without one. */
function claimedSender(body: unknown): string | undefined {
  const from = (body as { envelope?: { from?: unknown } } | undefined)?.envelope?.from;
  return typeof from === "number" && Number.isSafeInteger(from) && from > 0 ? `member:${from}` : undefined;
}

/**
 * `POST /v1/peer`: member to member, no staff token — the envelope carries the sending member's signature. Anyone can
 * post here, so the cheap refusals come first: the peer list, the address's bucket (before the body is read), the
 * body limit, the claimed sender's bucket; then the channel verifies and dispatches, and answers signed.
 */
export function peerRouter(deps: PeerRouterDeps): Router {
  const router = strictRouter();
  if (deps.peers && deps.peers.length > 0) router.use(peersOnly(deps.peers, msg("peer.NOT_A_PEER")));
  router.post(
    "/",
    deps.byAddress.middleware(),
    express.json({ limit: PEER_BODY_LIMIT, type: ["application/json"] }),
    deps.bySender.middleware((req) => claimedSender(req.body)),
    async (req, res) => {
      res.json(await deps.channel.receive(req.body));
    },
  );
  return router;
}
