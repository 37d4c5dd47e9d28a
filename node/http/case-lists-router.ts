import type { Router } from "express";
import { strictRouter } from "./strict-router.js";
import { safeFileName } from "../domain/export/file-name.js";
import type { CaseListService } from "../services/case-lists.js";
import { requireRole } from "./auth.js";
import { randomBytes } from "node:crypto";

/** A reference the client may choose for its upload (X-Upload-Ref), to find it in the queue while it waits. */
const UPLOAD_REF = /^[A-Za-z0-9_-]{8,64}$/;

/** `/v1/case-lists`: upload (streamed), summaries, the validation report, rejected rows as CSV. Lender only. */
export function caseListsRouter(service: CaseListService): Router {
  const router = strictRouter();
  router.use(requireRole("lender"));

  router.post("/", async (req, res) => {
    const length = Number(req.get("content-length") ?? NaN);
    const given = req.get("x-upload-ref") ?? "";
    // The client went away before the answer: a waiting upload leaves the queue (a running one fails on its body).
    const gone = new AbortController();
    res.once("close", () => {
      if (!res.writableFinished) gone.abort();
    });
    const summary = await service.upload({
      owner: req.staff!.tokenId,
      ref: UPLOAD_REF.test(given) ? given : randomBytes(9).toString("base64url"),
      signal: gone.signal,
      contentType: (req.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase(),
      contentLength: Number.isFinite(length) ? length : undefined,
      file: safeFileName(String(req.query.name ?? req.get("x-file-name") ?? ""), "upload.csv"),
      sheet: typeof req.query.sheet === "string" ? req.query.sheet : undefined,
      chunks: req,
      uploadedBy: req.staff!.name,
    });
    res.status(201).location(`/v1/case-lists/${summary.id}`).json(summary);
  });

  router.get("/", async (_req, res) => {
    res.json(await service.recent());
  });

  // Before "/:id": the word is a route, not a list id.
  router.get("/queue", (req, res) => {
    res.json(service.queue(req.staff!.tokenId));
  });

  router.get("/:id", async (req, res) => {
    res.json(await service.get(req.params.id));
  });

  router.get("/:id/report", async (req, res) => {
    res.json(
      await service.report(req.params.id, {
        limit: Number(req.query.limit ?? 200) || 200,
        status: req.query.status,
        code: typeof req.query.code === "string" ? req.query.code : undefined,
        afterLine: req.query.after === undefined ? undefined : Number(req.query.after),
      }),
    );
  });

  router.get("/:id/rejected.csv", async (req, res) => {
    const csv = await service.rejectedCsv(req.params.id);
    res.type("text/csv; charset=utf-8");
    res.attachment(csv.fileName);
    for await (const line of csv.lines) res.write(line);
    res.end();
  });

  return router;
}
