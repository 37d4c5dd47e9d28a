import express, { type Router } from "express";
import { msg } from "../messages/message.js";
import { strictRouter } from "./strict-router.js";
import type { HandoverReceiver } from "../services/handover.js";
import { peersOnly } from "./peer-allowlist.js";
import type { RateLimiter } from "./rate-limit.js";

/**
 * The largest handover envelope (gateway to gateway): HANDOVER_MAX_CASES cases with every column of a list (16 MB of
 * JSON), sealed — the ciphertext travels as base64, a third larger.
 */
export const HANDOVER_BODY_LIMIT = "22mb";

export interface HandoverRouterDeps {
  receiver: HandoverReceiver;
  /** Per client address, taken before the body is read. */
  byAddress: RateLimiter;
  /** Per claimed creditor id: many addresses posting in one member's name share its bucket. */
  byCreditor: RateLimiter;
  /** The only addresses (or subnets, address/bits) answered; empty: any. */
  peers?: readonly string[];
}

/**
 * The creditor a package claims to come from (checked against its signature later, by the receiver); none for a
 * body without a plausible id, which the receiver refuses at once (FORMAT) and the address's bucket has paid for.
 */
function claimedCreditor(body: unknown): string | undefined {
  const id = (body as { header?: { creditorId?: unknown } } | undefined)?.header?.creditorId;
  return typeof id === "number" && Number.isSafeInteger(id) && id > 0 ? `creditor:${id}` : undefined;
}

/**
 * `POST /v1/handover`: gateway to gateway, no staff token — the package carries the sending member's signature.
 * Anyone can post here, so the cheap refusals come first: the peer list, the address's bucket (before a body of up to
 * 22 MB is read), then the claimed creditor's bucket; the receiver then checks cheap fields before hashing.
 */
export function handoverRouter(deps: HandoverRouterDeps): Router {
  const router = strictRouter();
  if (deps.peers && deps.peers.length > 0) router.use(peersOnly(deps.peers, msg("handover.NOT_A_PEER")));
  router.post(
    "/",
    deps.byAddress.middleware(),
    express.json({ limit: HANDOVER_BODY_LIMIT, type: ["application/json"] }),
    deps.byCreditor.middleware((req) => claimedCreditor(req.body)),
    async (req, res) => {
      res.json(await deps.receiver.receive(req.body));
    },
  );
  return router;
}
