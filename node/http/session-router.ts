import { createHash } from "node:crypto";
import type { Router } from "express";
import { strictRouter } from "./strict-router.js";
import type { SessionService } from "../services/session.js";
import type { RateLimiter } from "./rate-limit.js";

/** `GET /v1/me` (any staff): who the token belongs to — the console's first call. `GET /v1/members`: the directory. */
export function sessionRouter(service: SessionService): { me: Router; members: Router } {
  const me = strictRouter();
  me.get("/", async (req, res) => {
    res.json(await service.me(req.staff!));
  });
  const members = strictRouter();
  members.get("/", async (_req, res) => {
    res.json(await service.members());
  });
  return { me, members };
}

/**
 * `POST /v1/console/probe` (no token; rate limited): `{ "tokenSha256": "<64 hex>" }` → `{ "mine": true|false }`.
 * The console is one URL for the whole consortium: it asks each member's gateway whether a pasted token is one
 * of its own by the token's SHA-256 — which is all a gateway stores of a token and which authenticates nothing —
 * and then continues at that gateway. The token itself goes to its own gateway only. `GET /v1/console/directory`:
 * the members' names and console URLs (public metadata), so that the console knows whom to ask.
 */
export function consolePublicRouter(service: SessionService, limiter: RateLimiter): Router {
  const router = strictRouter();
  router.use((_req, res, next) => {
    // Answers are read by the console of another member's gateway (another origin).
    res.set("Access-Control-Allow-Origin", "*");
    next();
  });
  router.get("/directory", async (_req, res) => {
    res.json(await service.consoleDirectory());
  });
  router.post("/probe", limiter.middleware(), async (req, res) => {
    // text/plain keeps the cross-origin request "simple" (no preflight); JSON is accepted too.
    let body: unknown = req.body;
    if (typeof body === "string") {
      try {
        body = JSON.parse(body);
      } catch {
        body = undefined;
      }
    }
    res.json(await service.probe((body as { tokenSha256?: unknown } | undefined)?.tokenSha256));
  });
  return router;
}

/** SHA-256 hex of a token, as StaffTokens stores it. */
export const tokenDigest = (token: string) => createHash("sha256").update(token, "utf8").digest("hex");
