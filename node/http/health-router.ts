import { Router } from "express";

export interface HealthStatus {
  status: "ok" | "degraded";
  memberId: number;
  memberName: string;
  version: string;
  chain: { reachable: boolean; chainId?: number; blockNumber?: number; error?: string };
  /** Whether the store takes a durable write now; `code` says why not (STORAGE_FULL, LEVEL_IO_ERROR…). */
  store?: { writable: boolean; code?: string };
  [key: string]: unknown;
}

/** `GET /v1/health` (no token): whether the gateway, its store and its chain node work; 503 when one does not. */
export function healthRouter(health: () => Promise<HealthStatus>): Router {
  const router = Router();
  router.get("/", async (_req, res) => {
    const status = await health();
    res.status(status.status === "ok" ? 200 : 503).json(status);
  });
  return router;
}
