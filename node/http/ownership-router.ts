import type { Router } from "express";
import { strictRouter } from "./strict-router.js";
import { msg } from "../messages/message.js";
import type { OwnershipService } from "../services/ownership.js";
import { ApiError } from "./api-error.js";
import { requireRole } from "./auth.js";
import type { OwnershipAuditor } from "./ownership-audit.js";
import type { RateLimiter } from "./rate-limit.js";

/** Who may ask (and admin). */
export const OWNERSHIP_ROLES = ["agency"] as const;

interface OwnershipRouteParts {
  /** Each lookup to the audit log. */
  audit?: OwnershipAuditor;
  /** Lookups by ID number, per staff token id: enumerating ID numbers is held to a collector's pace. */
  byIdNumberLimit?: RateLimiter;
}

/**
 * `GET /v1/ownership?caseKey=…` or `?creditorId=…&loanRef=…`; `POST /v1/ownership` with `{ "idNumber": … }` —
 * by POST so that an ID number never appears in a URL (and so in no access log or proxy log).
 * The busiest of them, `GET ?caseKey=` alone, is usually answered by ownershipFastPath before express sees it.
 */
export function ownershipRouter(service: OwnershipService, parts: OwnershipRouteParts = {}): Router {
  const router = strictRouter();
  router.use(requireRole(...OWNERSHIP_ROLES));
  router.get("/", async (req, res) => {
    const { caseKey, creditorId, loanRef } = req.query as Record<string, string | undefined>;
    let answer;
    if (caseKey) answer = await service.byCaseKey(caseKey);
    else if (creditorId && loanRef) answer = await service.byLoanRef(Number(creditorId), loanRef);
    else throw new ApiError("VALIDATION_FAILED", msg("api.OWNERSHIP_QUERY"));
    if (req.staff) parts.audit?.(req.staff, "GET", { by: "caseKey", answer });
    res.json(answer);
  });
  router.post("/", async (req, res) => {
    const idNumber = req.body?.idNumber;
    if (typeof idNumber !== "string") throw new ApiError("VALIDATION_FAILED", msg("api.ID_NUMBER_MISSING"));
    // Charged before the ID number is even parsed: a bad one tells nothing, but guessing is what the limit is for.
    const limit = parts.byIdNumberLimit;
    if (limit && req.staff && !limit.take(req.staff.tokenId)) {
      parts.audit?.(req.staff, "POST", { by: "idNumber", refused: 429 });
      res.set("Retry-After", String(limit.retryAfterSeconds(req.staff.tokenId)));
      throw new ApiError("RATE_LIMITED", msg("api.RATE_LIMITED"));
    }
    const answer = await service.byIdNumber(idNumber);
    if (req.staff) parts.audit?.(req.staff, "POST", { by: "idNumber", ...answer });
    res.json(answer);
  });
  return router;
}
