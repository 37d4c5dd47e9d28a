import type { Router } from "express";
import { strictRouter } from "./strict-router.js";
import type { StaffTokenAdmin } from "../services/staff-token-admin.js";
import { requireRole } from "./auth.js";

/**
 * `/v1/staff-tokens` (admin): list, issue and revoke this gateway's staff tokens. A token's secret is in the answer
 * to its issue only; lists show public ids.
 */
export function staffTokensRouter(admin: StaffTokenAdmin): Router {
  const router = strictRouter();
  router.use(requireRole("admin"));
  router.get("/", async (_req, res) => {
    res.json(await admin.list());
  });
  router.post("/", async (req, res) => {
    const issued = await admin.issue(req.body ?? {});
    res.status(201).location(`/v1/staff-tokens/${issued.record.id}`).json(issued);
  });
  router.delete("/:id", async (req, res) => {
    await admin.revoke(req.params.id);
    res.status(204).end();
  });
  return router;
}
