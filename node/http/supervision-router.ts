import type { Router } from "express";
import type { SupervisionService } from "../services/conduct/supervision.js";
import { renderReportPdf } from "../services/conduct/report-pdf.js";
import { pairTotals } from "../domain/conduct/report.js";
import { requireRole } from "./auth.js";
import { strictRouter } from "./strict-router.js";

/**
 * `/v1/supervision` (supervisor; docs/design.md §26): build a month's conduct report from every member's signed
 * figures (notarized), list the reports, read one as JSON (with the totals per pair and the signature check) or PDF.
 */
export function supervisionRouter(service: SupervisionService): Router {
  const router = strictRouter();
  router.use(requireRole("supervisor"));
  router.post("/reports", async (req, res) => {
    const month = (req.body as { month?: unknown } | undefined)?.month;
    const built = await service.build(typeof month === "string" ? month : "");
    res.status(201).json({ ...built, totals: pairTotals(built.report) });
  });
  router.get("/reports", async (_req, res) => {
    res.json({ reports: await service.list() });
  });
  router.get("/reports/:hash.pdf", async (req, res) => {
    const stored = await service.get(String(req.params.hash));
    res.type("application/pdf").set("Content-Disposition", `attachment; filename="conduct-report-${stored.month}.pdf"`).send(await renderReportPdf(stored));
  });
  router.get("/reports/:hash", async (req, res) => {
    const stored = await service.get(String(req.params.hash));
    res.json({ ...stored, totals: pairTotals(stored.report), verification: await service.verify(stored.report) });
  });
  return router;
}

/**
 * `GET /v1/agency-figures?month=YYYY-MM` (lender): its agencies' conduct figures about its own cases — contacts, cap
 * hits, violations — each from the agency's signed answer (`conduct.lender-figures`), for the compliance tab.
 */
export function agencyFiguresRouter(service: SupervisionService): Router {
  const router = strictRouter();
  router.get("/", requireRole("lender"), async (req, res) => {
    const month = typeof req.query.month === "string" ? req.query.month : "";
    res.json({ month, agencies: await service.agencyFigures(month) });
  });
  return router;
}
