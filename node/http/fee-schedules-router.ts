import type { Router } from "express";
import type { FeeScheduleService } from "../services/fees/fee-schedules.js";
import { requireRole } from "./auth.js";
import { pairQuery } from "./pair-query.js";
import { strictRouter } from "./strict-router.js";

/**
 * Fee schedules between a lender and an agency (docs/design.md §23): the lender's admin proposes
 * (`POST /v1/fee-schedules`), the agency's staff accept on the agency's gateway (`POST /v1/fee-schedules/:hash/accept`);
 * both see the same schedules (`GET /v1/fee-schedules?agencyId=` at the lender, `?creditorId=` at the agency).
 */
export function feeSchedulesRouter(service: Pick<FeeScheduleService, "propose" | "resend" | "accept" | "list" | "get">): Router {
  const router = strictRouter();
  router.get("/", requireRole("lender", "agency"), async (req, res) => {
    res.json({ schedules: await service.list(pairQuery(req.query)) });
  });
  router.get("/:hash", requireRole("lender", "agency"), async (req, res) => {
    res.json(await service.get(String(req.params.hash)));
  });
  router.post("/", requireRole("admin"), async (req, res) => {
    res.status(201).json(await service.propose(req.body));
  });
  router.post("/:hash/resend", requireRole("admin"), async (req, res) => {
    res.json(await service.resend(String(req.params.hash)));
  });
  router.post("/:hash/accept", requireRole("agency"), async (req, res) => {
    res.json(await service.accept(String(req.params.hash)));
  });
  return router;
}
