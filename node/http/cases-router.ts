import type { Router } from "express";
import { strictRouter } from "./strict-router.js";
import type { CaseService } from "../services/cases.js";
import { requireRole } from "./auth.js";

/**
 * `/v1/cases`: a member's cases with their chain state and history; the lifecycle actions as durable jobs
 * (`POST /v1/cases/actions` → 202 with the job; `GET /v1/jobs/:id` for its progress). Who sees what is the
 * case service's decision.
 */
export function casesRouter(service: CaseService): { cases: Router; jobs: Router } {
  const cases = strictRouter();
  cases.use(requireRole("lender", "agency"));

  cases.get("/", async (req, res) => {
    res.json(
      await service.list({
        role: req.staff!.role,
        asAgency: req.query.as === "agency",
        loanRef: typeof req.query.loanRef === "string" ? req.query.loanRef : undefined,
        limit: Math.min(Number(req.query.limit ?? 100) || 100, 1_000),
        after: typeof req.query.after === "string" ? req.query.after : undefined,
      }),
    );
  });

  cases.get("/:caseKey", async (req, res) => {
    res.json(await service.get(req.params.caseKey));
  });

  cases.post("/actions", async (req, res) => {
    const job = await service.act(req.staff!.role, req.body ?? {});
    res.status(202).location(`/v1/jobs/${job.id}`).json(job);
  });

  const jobs = strictRouter();
  // A supervisor's staff read no case keys (docs/design.md §26): jobs are for the roles that act on cases.
  jobs.get("/:id", requireRole("lender", "agency", "court"), async (req, res) => {
    res.json(await service.job(String(req.params.id)));
  });
  return { cases, jobs };
}
