import type { Router } from "express";
import { strictRouter } from "./strict-router.js";
import type { HealthService } from "../services/health.js";

/** `GET /v1/health` (no token): whether the gateway, its store and its chain node work; 503 when one does not. */
export function healthRouter(health: HealthService): Router {
  const router = strictRouter();
  router.get("/", async (_req, res) => {
    const status = await health.check();
    res.status(status.status === "ok" ? 200 : 503).json(status);
  });
  return router;
}
