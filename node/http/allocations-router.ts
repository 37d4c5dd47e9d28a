import type { Router } from "express";
import { strictRouter } from "./strict-router.js";
import type { AllocationService } from "../services/allocation.js";
import { requireRole } from "./auth.js";

/**
 * `POST /v1/case-lists/:id/allocation` (preview), `GET /v1/allocations/:id` (preview, or progress once committed),
 * `POST /v1/allocations/:id/commit` (202: the chain work runs in the background; a second commit is 409).
 */
export function allocationsRouter(service: AllocationService): { lists: Router; allocations: Router } {
  const lists = strictRouter();
  lists.use(requireRole("lender"));
  lists.post("/:id/allocation", async (req, res) => {
    const record = await service.preview(req.params.id, req.staff!.name);
    res.status(201).location(`/v1/allocations/${record.id}`).json(record);
  });

  const allocations = strictRouter();
  allocations.use(requireRole("lender"));
  allocations.get("/:id", async (req, res) => {
    res.json(await service.view(req.params.id));
  });
  allocations.get("/:id/decisions", async (req, res) => {
    res.json(await service.decisions(req.params.id));
  });
  allocations.post("/:id/commit", async (req, res) => {
    const mandateDays = req.body?.mandateDays === undefined ? undefined : Number(req.body.mandateDays);
    const { progress, assignedCaseKeys } = await service.commitWithProgress(req.params.id, req.staff!.name, mandateDays);
    // The audit entry names the cases this commit assigns.
    res.locals.auditCaseKeys = assignedCaseKeys;
    res.status(202).location(`/v1/allocations/${req.params.id}`).json(progress);
  });
  return { lists, allocations };
}
