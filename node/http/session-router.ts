import { createHash } from "node:crypto";
import { Router } from "express";
import { msg } from "../messages/message.js";
import type { MemberDirectory } from "../services/member-directory.js";
import type { GatewayDatabase } from "../store/database.js";
import { ApiError } from "./api-error.js";
import type { RateLimiter } from "./rate-limit.js";

export interface SessionDeps {
  store: GatewayDatabase;
  directory: MemberDirectory;
  memberId: number;
  memberName: string;
}

/** `GET /v1/me` (any staff): who the token belongs to — the console's first call. `GET /v1/members`: the directory. */
export function sessionRouter(deps: SessionDeps): { me: Router; members: Router } {
  const me = Router();
  me.get("/", async (req, res) => {
    const staff = req.staff!;
    const self = (await deps.directory.list()).find((m) => m.id === deps.memberId);
    res.json({
      memberId: deps.memberId,
      memberName: deps.memberName,
      memberRoles: self?.roles ?? [],
      role: staff.role,
      staffName: staff.name,
      tokenId: staff.tokenId,
    });
  });
  const members = Router();
  members.get("/", async (_req, res) => {
    res.json({ members: await deps.directory.list() });
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
export function consolePublicRouter(deps: SessionDeps, limiter: RateLimiter): Router {
  const router = Router();
  router.use((_req, res, next) => {
    // Answers are read by the console of another member's gateway (another origin).
    res.set("Access-Control-Allow-Origin", "*");
    next();
  });
  router.get("/directory", async (_req, res) => {
    const entries = await deps.directory.list();
    res.json({
      self: deps.memberId,
      members: entries.filter((e) => e.verified && e.status === "Active").map((e) => ({ id: e.id, name: e.name, roles: e.roles, gatewayUrl: e.gatewayUrl ?? null })),
    });
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
    const digest = (body as { tokenSha256?: unknown } | undefined)?.tokenSha256;
    if (typeof digest !== "string" || !/^[0-9a-f]{64}$/.test(digest)) {
      throw new ApiError("VALIDATION_FAILED", msg("api.TOKEN_HASH_INVALID"));
    }
    const record = await deps.store.tokens.get(digest);
    const mine = !!record && !record.revokedAt && record.memberId === deps.memberId && !(record.expiresAt && Date.parse(record.expiresAt) <= Date.now());
    res.json({ mine, memberId: deps.memberId, memberName: mine ? deps.memberName : undefined });
  });
  return router;
}

/** SHA-256 hex of a token, as StaffTokens stores it. */
export const tokenDigest = (token: string) => createHash("sha256").update(token, "utf8").digest("hex");
