import type { Router } from "express";
import type { StatementService } from "../services/fees/statements.js";
import { requireRole } from "./auth.js";
import { pairQuery } from "./pair-query.js";
import { strictRouter } from "./strict-router.js";

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/**
 * Monthly statements (docs/design.md §23): the lender issues (`POST /v1/statements {agencyId, month}`), the agency
 * accepts or disputes lines on its own gateway; both read them, as JSON, CSV or PDF.
 */
export function statementsRouter(service: Pick<StatementService, "issue" | "resend" | "accept" | "dispute" | "list" | "get" | "csv" | "pdf">): Router {
  const router = strictRouter();
  router.get("/", requireRole("lender", "agency"), async (req, res) => {
    const month = typeof req.query.month === "string" && MONTH.test(req.query.month) ? req.query.month : undefined;
    res.json({ statements: await service.list({ ...pairQuery(req.query), ...(month ? { month } : {}) }) });
  });
  router.get("/:hash.csv", requireRole("lender", "agency"), async (req, res) => {
    const csv = await service.csv(String(req.params.hash));
    res.type("text/csv; charset=utf-8");
    res.attachment(csv.name);
    for (const chunk of csv.chunks) res.write(chunk);
    res.end();
  });
  router.get("/:hash.pdf", requireRole("lender", "agency"), async (req, res) => {
    const pdf = await service.pdf(String(req.params.hash));
    res.type("application/pdf");
    res.attachment(pdf.name);
    res.end(pdf.bytes);
  });
  router.get("/:hash", requireRole("lender", "agency"), async (req, res) => {
    res.json(await service.get(String(req.params.hash)));
  });
  router.post("/", requireRole("lender"), async (req, res) => {
    res.status(201).json(await service.issue(req.body));
  });
  router.post("/:hash/resend", requireRole("lender"), async (req, res) => {
    res.json(await service.resend(String(req.params.hash)));
  });
  router.post("/:hash/accept", requireRole("agency"), async (req, res) => {
    res.json(await service.accept(String(req.params.hash)));
  });
  router.post("/:hash/dispute", requireRole("agency"), async (req, res) => {
    res.json(await service.dispute(String(req.params.hash), req.body));
  });
  return router;
}
