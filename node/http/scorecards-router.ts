import type { Router } from "express";
import { strictRouter } from "./strict-router.js";
import { msg } from "../messages/message.js";
import { ServiceError } from "../services/service-error.js";
import type { ScorecardService } from "../services/scorecards.js";
import { requireRole } from "./auth.js";

/**
 * `GET /v1/scorecards?view=lender|consortium` (lender, agency): a lender's scorecards of its agencies (its default),
 * or the consortium-wide view from the chain alone (an agency's only view), with no creditor named.
 */
export function scorecardsRouter(service: ScorecardService): Router {
  const router = strictRouter();
  router.use(requireRole("lender", "agency"));
  router.get("/", async (req, res) => {
    const role = req.staff!.role;
    const view = req.query.view ?? (role === "lender" ? "lender" : "consortium");
    if (view !== "lender" && view !== "consortium") throw new ServiceError("VALIDATION_FAILED", msg("scorecard.VIEW_INVALID"));
    res.json(view === "lender" ? await service.lenderView(role) : await service.consortiumView());
  });
  return router;
}
