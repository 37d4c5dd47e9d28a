import type { Router } from "express";
import { strictRouter } from "./strict-router.js";
import type { PortfolioService } from "../services/portfolio.js";
import { requireRole } from "./auth.js";

/** `GET /v1/portfolio` (lender): the lender's own cases by status, outstanding and recovery by agency, and aging — the console's charts. */
export function portfolioRouter(service: PortfolioService): Router {
  const router = strictRouter();
  router.use(requireRole("lender"));
  router.get("/", async (_req, res) => {
    res.json(await service.portfolio());
  });
  return router;
}

/**
 * `GET /v1/case-summaries?after=&limit=` (lender, agency): the member's cases as the console lists them, names
 * masked; the full details are one click away (`GET /v1/cases/:caseKey`) for the member that holds the case.
 */
export function caseSummariesRouter(service: PortfolioService): Router {
  const router = strictRouter();
  router.use(requireRole("lender", "agency"));
  router.get("/", async (req, res) => {
    res.json(
      await service.summaries({
        asAgency: req.staff!.role === "agency" || req.query.as === "agency",
        limit: Math.min(Number(req.query.limit ?? 50) || 50, 500),
        after: typeof req.query.after === "string" && req.query.after ? req.query.after : undefined,
      }),
    );
  });
  return router;
}
