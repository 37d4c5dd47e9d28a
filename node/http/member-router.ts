import type { Router } from "express";
import { strictRouter } from "./strict-router.js";
import type { PendingChangeWatch } from "../services/pending-change.js";
import { requireRole } from "./auth.js";

/**
 * `/v1/member` (admin): the operator's proposal pending against this member, if any (`GET /pending-change`: kind,
 * proposed signer, recovery key or metadata hash, when it becomes executable; with the member's recovery key address
 * on chain), and its cancellation with the member's own key (`POST /pending-change/cancel`, audited).
 */
export function memberRouter(watch: Pick<PendingChangeWatch, "refresh" | "cancel" | "recovery">): Router {
  const router = strictRouter();
  router.use(requireRole("admin"));
  router.get("/pending-change", async (_req, res) => {
    const pending = (await watch.refresh()) ?? null;
    res.json({ pending, recovery: watch.recovery ?? null });
  });
  router.post("/pending-change/cancel", async (_req, res) => {
    res.json(await watch.cancel());
  });
  return router;
}
