import { Router } from "express";
import { msg } from "../messages/message.js";
import { safeFileName } from "../domain/export/file-name.js";
import { toCsvLine } from "../domain/export/neutralize.js";
import type { CaseListSummary } from "../store/case-records.js";
import type { ReportRowFilter } from "../store/case-list-rows.js";
import type { GatewayDatabase } from "../store/database.js";
import type { IngestDeps } from "../services/case-list-ingest.js";
import { ingestCaseList } from "../services/case-list-ingest.js";
import { ApiError, notFound } from "./api-error.js";
import { requireRole } from "./auth.js";

const CSV_TYPES = new Set(["text/csv", "application/csv", "text/plain", "application/octet-stream", "application/vnd.ms-excel"]);
const REPORT_PAGE_MAX = 1_000;

export interface CaseListsRouterDeps {
  ingest: IngestDeps;
  store: GatewayDatabase;
  uploadLimitBytes: number;
}

/** `/v1/case-lists`: upload (streamed), summaries, the validation report, rejected rows as CSV. Lender only. */
export function caseListsRouter(deps: CaseListsRouterDeps): Router {
  const router = Router();
  router.use(requireRole("lender"));

  const summaryOf = async (id: string): Promise<CaseListSummary> => {
    const summary = await deps.store.caseLists.get(id);
    if (!summary) throw notFound("caseList", id);
    return summary;
  };

  router.post("/", async (req, res) => {
    const type = (req.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
    if (!CSV_TYPES.has(type)) {
      throw new ApiError("UNSUPPORTED_MEDIA_TYPE", msg("api.UPLOAD_NOT_CSV"), { contentType: type || null });
    }
    const length = Number(req.get("content-length") ?? NaN);
    if (Number.isFinite(length) && length > deps.uploadLimitBytes) {
      throw new ApiError("PAYLOAD_TOO_LARGE", msg("api.UPLOAD_TOO_LARGE"), { maxBytes: deps.uploadLimitBytes });
    }
    const file = safeFileName(String(req.query.name ?? req.get("x-file-name") ?? ""), "upload.csv");
    const summary = await ingestCaseList(deps.ingest, {
      file,
      chunks: req,
      uploadedBy: req.staff!.name,
      maxBytes: deps.uploadLimitBytes,
    });
    res.status(201).location(`/v1/case-lists/${summary.id}`).json(summary);
  });

  router.get("/", async (_req, res) => {
    const lists: CaseListSummary[] = [];
    for await (const summary of deps.store.caseLists.recent(200)) lists.push(summary);
    res.json({ lists });
  });

  router.get("/:id", async (req, res) => {
    res.json(await summaryOf(req.params.id));
  });

  router.get("/:id/report", async (req, res) => {
    const summary = await summaryOf(req.params.id);
    const limit = Math.min(Number(req.query.limit ?? 200) || 200, REPORT_PAGE_MAX);
    const filter: ReportRowFilter = {
      status: req.query.status as ReportRowFilter["status"],
      code: typeof req.query.code === "string" ? req.query.code : undefined,
      afterLine: req.query.after === undefined ? undefined : Number(req.query.after),
    };
    if (filter.status && !["accepted", "duplicate", "rejected"].includes(filter.status)) {
      throw new ApiError("VALIDATION_FAILED", msg("api.LIST_STATUS_INVALID"));
    }
    const rows = [];
    for await (const row of deps.store.reportRows.rows(summary.id, filter)) {
      if (rows.length === limit) break;
      rows.push(row);
    }
    const next = rows.length === limit ? rows[rows.length - 1]!.line : null;
    res.json({ id: summary.id, file: summary.file, encoding: summary.encoding, state: summary.state, totals: summary.totals, rows, next });
  });

  router.get("/:id/rejected.csv", async (req, res) => {
    const summary = await summaryOf(req.params.id);
    res.type("text/csv; charset=utf-8");
    res.attachment(`${summary.file.replace(/\.csv$/i, "")}.rejected.csv`);
    // A BOM so that spreadsheet programs read the Chinese as UTF-8.
    res.write(`\ufeff${toCsvLine(["line", "loan_ref", "status", "field", "code", "message"])}`);
    for await (const row of deps.store.reportRows.rows(summary.id)) {
      if (row.status === "accepted") continue;
      const issues = row.errors.length ? row.errors : [{ field: "", code: row.status.toUpperCase(), message: "" }];
      for (const e of issues) res.write(toCsvLine([String(row.line), row.loanRef, row.status, e.field, e.code, e.message]));
    }
    res.end();
  });

  return router;
}
