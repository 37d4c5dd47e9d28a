import { Router } from "express";
import type { AllocationService } from "../services/allocation.js";
import { deliveriesOf, type HandoverSender } from "../services/handover.js";
import { requireRole } from "./auth.js";

/**
 * `POST /v1/case-lists/:id/allocation` (preview), `GET /v1/allocations/:id` (preview, or progress once committed),
 * `POST /v1/allocations/:id/commit` (202: the chain work runs in the background; a second commit is 409).
 */
export function allocationsRouter(service: AllocationService, handovers: HandoverSender): { lists: Router; allocations: Router } {
  const lists = Router();
  lists.use(requireRole("lender"));
  lists.post("/:id/allocation", async (req, res) => {
    const record = await service.preview(req.params.id, req.staff!.name);
    res.status(201).location(`/v1/allocations/${record.id}`).json(record);
  });

  const allocations = Router();
  allocations.use(requireRole("lender"));
  allocations.get("/:id", async (req, res) => {
    const record = await service.get(req.params.id);
    if (record.state === "preview") {
      res.json(record);
      return;
    }
    const progress = await service.progress(req.params.id);
    res.json({ ...progress, handovers: await deliveriesOf(handovers, await service.get(req.params.id)) });
  });
  allocations.get("/:id/decisions", async (req, res) => {
    const record = await service.get(req.params.id);
    res.json({ id: record.id, decisions: record.decisions, byAgency: record.byAgency, unmatched: record.unmatched, skipped: record.skipped });
  });
  allocations.post("/:id/commit", async (req, res) => {
    const mandateDays = req.body?.mandateDays === undefined ? undefined : Number(req.body.mandateDays);
    await service.commit(req.params.id, req.staff!.name, mandateDays);
    // The audit entry names the cases this commit assigns.
    res.locals.auditCaseKeys = (await service.get(req.params.id)).decisions.filter((d) => d.agencyId !== null).map((d) => d.caseKey);
    res.status(202).location(`/v1/allocations/${req.params.id}`).json(await service.progress(req.params.id));
  });
  return { lists, allocations };
}
