import type { Router } from "express";
import type { FilingService } from "../services/mediation/filing.js";
import type { MediationService } from "../services/mediation/mediations.js";
import { requireRole } from "./auth.js";
import { strictRouter } from "./strict-router.js";

const bodyOf = (body: unknown): Record<string, unknown> => (typeof body === "object" && body !== null ? (body as Record<string, unknown>) : {});
const queryText = (value: unknown): string | undefined => (typeof value === "string" && value !== "" ? value : undefined);

/**
 * Mediation agreements and the filing package (docs/design.md §28). The lender's staff draft
 * (`POST /v1/mediations`), ask the mediator's signature (`…/:hash/request`), record the debtor's acceptance
 * (`…/acceptance`), read the schedule (`…/schedule`) and, on default, build the filing package (`…/filing`, a zip
 * carrying personal data: returned, never kept). The mediator's staff approve or refuse on the mediator's gateway.
 */
export function mediationsRouter(service: Pick<MediationService, "create" | "requestSignature" | "approve" | "refuse" | "recordAcceptance" | "recordAcceptanceFile" | "list" | "get" | "schedule">, filing: Pick<FilingService, "build">): Router {
  const router = strictRouter();
  router.get("/", requireRole("lender", "mediator"), async (req, res) => {
    const caseKey = queryText(req.query.caseKey);
    const state = queryText(req.query.state);
    res.json({ mediations: await service.list({ ...(caseKey ? { caseKey } : {}), ...(state ? { state } : {}) }) });
  });
  router.post("/", requireRole("lender"), async (req, res) => {
    res.status(201).json(await service.create(req.body));
  });
  router.get("/:hash", requireRole("lender", "mediator"), async (req, res) => {
    res.json(await service.get(String(req.params.hash)));
  });
  router.post("/:hash/request", requireRole("lender"), async (req, res) => {
    res.json(await service.requestSignature(String(req.params.hash)));
  });
  router.post("/:hash/approve", requireRole("mediator"), async (req, res) => {
    res.json(await service.approve(String(req.params.hash)));
  });
  router.post("/:hash/refuse", requireRole("mediator"), async (req, res) => {
    res.json(await service.refuse(String(req.params.hash), bodyOf(req.body).reason));
  });
  // JSON `{ method, evidenceId }` names a record already in the log; any other body is the file itself (?method=).
  router.post("/:hash/acceptance", requireRole("lender"), async (req, res) => {
    const type = (req.get("content-type") ?? "application/octet-stream").split(";")[0]!.trim().toLowerCase();
    if (type === "application/json") res.json(await service.recordAcceptance(String(req.params.hash), req.body));
    else res.json(await service.recordAcceptanceFile(String(req.params.hash), req.query.method, req, type, req.staff?.tokenId));
  });
  router.get("/:hash/schedule", requireRole("lender"), async (req, res) => {
    res.json(await service.schedule(String(req.params.hash)));
  });
  router.post("/:hash/filing", requireRole("lender"), async (req, res) => {
    const { zip, manifest, fileName } = await filing.build(String(req.params.hash), req.body);
    // The audit entry names the case whose personal data left the gateway.
    res.locals.auditCaseKeys = [manifest.caseKey];
    res
      .status(200)
      .type("application/zip")
      .set("content-disposition", `attachment; filename="${fileName}"`)
      .set("x-caseledger-filing-files", String(manifest.files.length + 1))
      .set("cache-control", "no-store")
      .send(Buffer.from(zip));
  });
  return router;
}
