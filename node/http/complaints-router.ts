import type { Request, Router } from "express";
import { createHash } from "node:crypto";
import type { ComplaintService } from "../services/conduct/complaints.js";
import { requireRole } from "./auth.js";
import type { RateLimiter } from "./rate-limit.js";
import { strictRouter } from "./strict-router.js";

/**
 * `POST /v1/public/complaints/:token` (no token; docs/design.md §26): the complaint form of the page behind a letter's
 * QR code. Limited per client address (express's `req.ip`: the TCP peer, or what a trusted proxy forwards for) and
 * per letter (the token's hash, so that many addresses cannot flood one case's creditor), 429 with Retry-After.
 */
export function publicComplaintsRouter(service: ComplaintService, limits: { byAddress: RateLimiter; byLetter: RateLimiter }): Router {
  const router = strictRouter();
  const letterKey = (req: Request) => createHash("sha256").update(String(req.params.token)).digest("hex");
  router.post("/:token", limits.byAddress.middleware(), limits.byLetter.middleware(letterKey), async (req, res) => {
    res.status(201).json(await service.file(String(req.params.token), req.body));
  });
  return router;
}

/**
 * `/v1/complaints` (lender): the creditor's complaints — the list without the debtor's words, one complaint with them
 * (audited), share with the agency, close with a resolution code. `/v1/complaint-notices` (agency): what its creditors
 * said about complaints on its cases.
 */
export function complaintsRouter(service: ComplaintService): { complaints: Router; notices: Router } {
  const complaints = strictRouter();
  complaints.use(requireRole("lender"));
  complaints.get("/", async (req, res) => {
    const state = typeof req.query.state === "string" ? req.query.state : undefined;
    const agencyId = typeof req.query.agencyId === "string" && /^[1-9][0-9]{0,9}$/.test(req.query.agencyId) ? Number(req.query.agencyId) : undefined;
    res.json({ complaints: await service.list({ state, agencyId }) });
  });
  complaints.get("/:id", async (req, res) => {
    res.json(await service.get(String(req.params.id)));
  });
  complaints.post("/:id/share", async (req, res) => {
    res.json(await service.share(String(req.params.id), req.staff!.tokenId));
  });
  complaints.post("/:id/close", async (req, res) => {
    res.json(await service.close(String(req.params.id), req.body, req.staff!.tokenId));
  });
  const notices = strictRouter();
  notices.get("/", requireRole("agency"), async (_req, res) => {
    res.json({ notices: await service.notices() });
  });
  return { complaints, notices };
}
