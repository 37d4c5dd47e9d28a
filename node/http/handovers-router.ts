import type { Router } from "express";
import { strictRouter } from "./strict-router.js";
import type { HandoverSender } from "../services/handover.js";
import { notFound } from "../services/service-error.js";
import { requireRole } from "./auth.js";

/**
 * The lender's handovers: `GET /v1/handovers` (every delivery and its state — pending, delivered, cancelled by the
 * chain, dead-letter after the attempts ran out), `GET /v1/handovers/:jobId`, and `POST /v1/handovers/:jobId/retry`,
 * which tries a dead letter again at once with a fresh count (the chain still read first; audited as a change).
 */
export function handoversRouter(sender: Pick<HandoverSender, "list" | "delivery" | "retry">): Router {
  const router = strictRouter();
  router.use(requireRole("lender"));
  router.get("/", async (_req, res) => {
    res.json({ handovers: await sender.list() });
  });
  router.get("/:jobId", async (req, res) => {
    const delivery = await sender.delivery(req.params.jobId);
    if (!delivery) throw notFound("handover", req.params.jobId);
    res.json(delivery);
  });
  router.post("/:jobId/retry", async (req, res) => {
    const delivery = await sender.retry(req.params.jobId);
    if (!delivery) throw notFound("handover", req.params.jobId);
    res.json(delivery);
  });
  return router;
}
