import { Router } from "express";

export interface HealthStatus {
  status: "ok" | "degraded";
  memberId: number;
  memberName: string;
  version: string;
  chain: { reachable: boolean; chainId?: number; blockNumber?: number; error?: string };
  [key: string]: unknown;
}

/** `GET /v1/health` (no token): whether the gateway and its chain node answer; 503 when the chain does not. */
export function healthRouter(health: () => Promise<HealthStatus>): Router {
  const router = Router();
  router.get("/", async (_req, res) => {
    const status = await health();
    res.status(status.chain.reachable ? 200 : 503).json(status);
  });
  return router;
}
