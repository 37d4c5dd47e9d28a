import type { Router } from "express";
import { strictRouter } from "./strict-router.js";
import type { AgencyService } from "../services/agencies.js";
import { requireRole } from "./auth.js";

/** `/v1/agencies`: the agencies a lender works with, and their profiles (regions, ranges, capacity). */
export function agenciesRouter(service: AgencyService): Router {
  const router = strictRouter();
  router.use(requireRole("lender"));
  router.get("/", async (_req, res) => {
    res.json({ agencies: await service.list() });
  });
  router.get("/:id", async (req, res) => {
    res.json(await service.get(req.params.id));
  });
  router.put("/:id", async (req, res) => {
    res.json(await service.put(req.params.id, req.body));
  });
  router.delete("/:id", async (req, res) => {
    await service.remove(req.params.id);
    res.status(204).end();
  });
  return router;
}

/** `/v1/profile`: an agency's own profile, which it gives to the lenders it works with. */
export function profileRouter(service: AgencyService): Router {
  const router = strictRouter();
  router.use(requireRole("agency"));
  router.get("/", async (_req, res) => {
    res.json(await service.ownProfile());
  });
  router.put("/", async (req, res) => {
    res.json(await service.putOwnProfile(req.body));
  });
  return router;
}
