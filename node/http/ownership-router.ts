import type { Router } from "express";
import { strictRouter } from "./strict-router.js";
import { msg } from "../messages/message.js";
import type { OwnershipService } from "../services/ownership.js";
import { ApiError } from "./api-error.js";
import { requireRole } from "./auth.js";

/** Who may ask (and admin). */
export const OWNERSHIP_ROLES = ["agency"] as const;

/**
 * `GET /v1/ownership?caseKey=…` or `?creditorId=…&loanRef=…`; `POST /v1/ownership` with `{ "idNumber": … }` —
 * by POST so that an ID number never appears in a URL (and so in no access log or proxy log).
 * The busiest of them, `GET ?caseKey=` alone, is usually answered by ownershipFastPath before express sees it.
 */
export function ownershipRouter(service: OwnershipService): Router {
  const router = strictRouter();
  router.use(requireRole(...OWNERSHIP_ROLES));
  router.get("/", async (req, res) => {
    const { caseKey, creditorId, loanRef } = req.query as Record<string, string | undefined>;
    if (caseKey) res.json(await service.byCaseKey(caseKey));
    else if (creditorId && loanRef) res.json(await service.byLoanRef(Number(creditorId), loanRef));
    else {
      throw new ApiError(
        "VALIDATION_FAILED",
        msg("api.OWNERSHIP_QUERY"),
      );
    }
  });
  router.post("/", async (req, res) => {
    const idNumber = req.body?.idNumber;
    if (typeof idNumber !== "string") throw new ApiError("VALIDATION_FAILED", msg("api.ID_NUMBER_MISSING"));
    res.json(await service.byIdNumber(idNumber));
  });
  return router;
}
