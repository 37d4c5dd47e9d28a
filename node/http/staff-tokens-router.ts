import { Router } from "express";
import { msg } from "../messages/message.js";
import type { MemberStatus } from "../services/member-status.js";
import { MAX_TOKEN_TTL_DAYS, STAFF_ROLES, type StaffRole, type StaffTokens } from "../services/staff-tokens.js";
import { ApiError, notFound } from "./api-error.js";
import { requireRole } from "./auth.js";

/**
 * `/v1/staff-tokens` (admin): list, issue and revoke this gateway's staff tokens. A token's secret is in the answer
 * to its issue only; lists show public ids. A role the member does not hold on chain is refused (an agency's gateway
 * issues no lender tokens), except admin.
 */
export function staffTokensRouter(tokens: StaffTokens, status: MemberStatus): Router {
  const router = Router();
  router.use(requireRole("admin"));
  router.get("/", async (_req, res) => {
    res.json({ tokens: await tokens.list() });
  });
  router.post("/", async (req, res) => {
    const { role, name, ttlDays } = (req.body ?? {}) as { role?: unknown; name?: unknown; ttlDays?: unknown };
    const errors: Array<{ field: string; code: string }> = [];
    if (typeof role !== "string" || !STAFF_ROLES.includes(role as StaffRole)) errors.push({ field: "role", code: "ROLE_UNKNOWN" });
    else if (role !== "admin" && status.holdsRole(role) === false) errors.push({ field: "role", code: "ROLE_NOT_HELD" });
    if (typeof name !== "string" || name.trim() === "" || name.length > 100) errors.push({ field: "name", code: "NAME_INVALID" });
    if (ttlDays !== undefined && !(Number.isInteger(ttlDays) && (ttlDays as number) >= 1 && (ttlDays as number) <= MAX_TOKEN_TTL_DAYS)) {
      errors.push({ field: "ttlDays", code: "TTL_INVALID" });
    }
    if (errors.length) {
      throw new ApiError(
        "VALIDATION_FAILED",
        msg("api.TOKEN_REQUEST_INVALID", { rolesZh: STAFF_ROLES.join("/"), rolesEn: STAFF_ROLES.join(", "), maxTtlDays: MAX_TOKEN_TTL_DAYS }),
        errors,
      );
    }
    const issued = await tokens.create(role as StaffRole, (name as string).trim(), ttlDays as number | undefined);
    res.status(201).location(`/v1/staff-tokens/${issued.record.id}`).json(issued);
  });
  router.delete("/:id", async (req, res) => {
    if (!/^[0-9a-f]{12}$/.test(req.params.id) || !(await tokens.revoke(req.params.id))) throw notFound("staffToken", req.params.id);
    res.status(204).end();
  });
  return router;
}
