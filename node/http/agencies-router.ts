import { Router } from "express";
import { msg } from "../messages/message.js";
import { validateAgencyProfile } from "../domain/matching/index.js";
import { type StoredAgency, toStored } from "../store/agency-records.js";
import type { GatewayDatabase } from "../store/database.js";
import { ApiError, notFound } from "./api-error.js";
import { requireRole } from "./auth.js";

function parseGatewayUrl(raw: unknown): string | undefined {
  if (raw === undefined || raw === null || raw === "") return undefined;
  try {
    const url = new URL(String(raw));
    if (url.protocol === "http:" || url.protocol === "https:") return url.toString().replace(/\/$/, "");
  } catch {
    // reported below
  }
  throw new ApiError("VALIDATION_FAILED", msg("api.GATEWAY_URL_INVALID"), [
    { field: "gatewayUrl", code: "URL_INVALID" },
  ]);
}

function validated(body: unknown, agencyId?: number): StoredAgency {
  const raw = { ...(body as Record<string, unknown>), ...(agencyId === undefined ? {} : { agencyId }) };
  const result = validateAgencyProfile(raw);
  if (!result.ok) throw new ApiError("VALIDATION_FAILED", msg("api.AGENCY_PROFILE_INVALID"), result.errors);
  return toStored(result.profile, parseGatewayUrl((body as Record<string, unknown>)?.gatewayUrl));
}

/** `/v1/agencies`: the agencies a lender works with, and their profiles (regions, ranges, capacity). */
export function agenciesRouter(store: GatewayDatabase): Router {
  const router = Router();
  router.use(requireRole("lender"));
  router.get("/", async (_req, res) => {
    res.json({ agencies: await store.agencies.list() });
  });
  router.get("/:id", async (req, res) => {
    const found = await store.agencies.get(Number(req.params.id));
    if (!found) throw notFound("agency", req.params.id);
    res.json(found);
  });
  router.put("/:id", async (req, res) => {
    const id = Number(req.params.id);
    if (!Number.isSafeInteger(id) || id < 1) throw new ApiError("VALIDATION_FAILED", msg("api.AGENCY_ID_INVALID"));
    const agency = validated(req.body, id);
    await store.agencies.put(agency);
    res.json(agency);
  });
  router.delete("/:id", async (req, res) => {
    const id = Number(req.params.id);
    if (!(await store.agencies.get(id))) throw notFound("agency", req.params.id);
    await store.agencies.del(id);
    res.status(204).end();
  });
  return router;
}

/** `/v1/profile`: an agency's own profile, which it gives to the lenders it works with. */
export function profileRouter(store: GatewayDatabase, memberId: number): Router {
  const router = Router();
  router.use(requireRole("agency"));
  router.get("/", async (_req, res) => {
    const found = await store.agencies.self();
    if (!found) throw new ApiError("NOT_FOUND", msg("api.PROFILE_NOT_SET"));
    res.json(found);
  });
  router.put("/", async (req, res) => {
    const agency = validated(req.body, memberId);
    await store.agencies.putSelf(agency);
    res.json(agency);
  });
  return router;
}
