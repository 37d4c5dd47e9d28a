import type { Router } from "express";
import { strictRouter } from "./strict-router.js";
import type { AuthorizationLetters } from "../services/authorization-letters.js";
import { requireRole } from "./auth.js";
import type { RateLimiter } from "./rate-limit.js";

/** `POST /v1/cases/:caseKey/authorization-letter` (agency): a letter for a case it holds now; 201 with the token. */
export function authorizationLetterRouter(letters: AuthorizationLetters): Router {
  const router = strictRouter();
  router.post("/:caseKey/authorization-letter", requireRole("agency"), async (req, res) => {
    const issued = await letters.issue(String(req.params.caseKey), req.staff!.name);
    res.status(201).json(issued);
  });
  return router;
}

/**
 * `GET /v1/public/authorizations/:token` (no token, rate limited per client address): what a debtor sees behind
 * the QR code. The access log shows the route pattern, never the token.
 */
export function publicAuthorizationsRouter(letters: AuthorizationLetters, limiter: RateLimiter): Router {
  const router = strictRouter();
  router.get("/authorizations/:token", limiter.middleware(), async (req, res) => {
    res.json(await letters.lookup(String(req.params.token)));
  });
  return router;
}
