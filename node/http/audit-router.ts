import type { Router } from "express";
import { strictRouter } from "./strict-router.js";
import { msg } from "../messages/message.js";
import type { AuditLog } from "../store/audit-log.js";
import { ApiError } from "./api-error.js";
import { requireRole } from "./auth.js";

/**
 * `GET /v1/audit?after=&limit=&action=` (admin): the audit log, oldest first, optionally one action's entries only;
 * `GET /v1/audit/verify`: its hash chain checked.
 */
export function auditRouter(audit: AuditLog): Router {
  const router = strictRouter();
  router.use(requireRole("admin"));
  router.get("/", async (req, res) => {
    const after = req.query.after === undefined ? 0 : Number(req.query.after);
    const limit = req.query.limit === undefined ? 100 : Number(req.query.limit);
    const action = req.query.action;
    const actionOk = action === undefined || (typeof action === "string" && action.length >= 1 && action.length <= 200);
    if (!Number.isSafeInteger(after) || after < 0 || !Number.isSafeInteger(limit) || limit < 1 || limit > 1_000 || !actionOk) {
      throw new ApiError("VALIDATION_FAILED", msg("api.AUDIT_PAGE_INVALID"));
    }
    res.json({ ...(await audit.page({ after, limit, ...(typeof action === "string" ? { action } : {}) })), head: audit.head });
  });
  router.get("/verify", async (_req, res) => {
    res.json(await audit.verify());
  });
  return router;
}
