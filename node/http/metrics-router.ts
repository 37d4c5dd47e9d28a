import { isIP } from "node:net";
import type { Request, Router } from "express";
import { msg } from "../messages/message.js";
import type { StaffTokens } from "../services/staff-tokens.js";
import { ApiError } from "./api-error.js";
import { staffOf } from "./auth.js";
import type { GatewayMetrics } from "./metrics.js";
import type { RateLimiter } from "./rate-limit.js";
import { strictRouter } from "./strict-router.js";

const isLoopback = (address: string | undefined): boolean => {
  if (!address) return false;
  const plain = address.startsWith("::ffff:") && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
  return plain === "::1" || (isIP(plain) === 4 && plain.startsWith("127."));
};

/**
 * Whether the client is on this machine. Behind a trusted proxy the TCP peer is the proxy (often itself on
 * loopback): such a request is local only when the proxy forwarded for a loopback client (X-Forwarded-For), never
 * merely because the proxy is local.
 */
export function fromLoopback(req: Request): boolean {
  const peer = req.socket.remoteAddress;
  const trusted = req.app.get("trust proxy fn") as ((address: string, hop: number) => boolean) | undefined;
  const viaProxy = peer !== undefined && trusted !== undefined && trusted(peer, 0);
  if (viaProxy && req.ips.length === 0) return false;
  return isLoopback(req.ip);
}

/**
 * `GET /metrics` (Prometheus text): to loopback clients, or to an admin token from anywhere. A token that fails here
 * counts against its address like one that fails under /v1 (`failures`): this public route is no way round the limit
 * on guessing tokens.
 */
export function metricsRouter(metrics: GatewayMetrics, tokens: StaffTokens, failures?: RateLimiter): Router {
  const router = strictRouter();
  router.get("/", async (req, res) => {
    if (!fromLoopback(req)) {
      const client = req.ip ?? "?";
      if (failures && failures.size > 0 && failures.blocked(client)) {
        res.set("Retry-After", String(failures.retryAfterSeconds(client)));
        throw new ApiError("RATE_LIMITED", msg("api.TOO_MANY_FAILED_LOGINS"));
      }
      const header = req.get("authorization");
      const staff = await staffOf(tokens, header);
      if (!staff && header) failures?.take(client);
      if (staff?.role !== "admin") throw new ApiError("FORBIDDEN", msg("api.METRICS_FORBIDDEN"));
    }
    const text = await metrics.text();
    res.type(metrics.contentType).send(text);
  });
  return router;
}
