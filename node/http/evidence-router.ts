import type { Router } from "express";
import { strictRouter } from "./strict-router.js";
import { msg } from "../messages/message.js";
import type { AnchorerStatus } from "../chain/evidence-anchorer.js";
import { receiptFileName } from "../domain/evidence/receipt.js";
import type { EvidenceService } from "../services/evidence.js";
import type { EvidenceVerifier } from "../services/evidence-verify.js";
import { ApiError } from "./api-error.js";
import { requireRole } from "./auth.js";

export interface EvidenceRouterDeps {
  evidence: EvidenceService;
  verifier: EvidenceVerifier;
  anchoring: () => AnchorerStatus;
}

const flag = (value: unknown) => value === "true" || value === "1" || value === "yes";

function idOf(raw: string): number {
  const id = Number(raw);
  if (!/^\d{1,16}$/.test(raw) || !Number.isSafeInteger(id)) throw new ApiError("VALIDATION_FAILED", msg("api.EVIDENCE_ID_INVALID"));
  return id;
}

/**
 * `/v1/evidence`:
 * - `POST /?caseKey=…&kind=…[&keep=true][&sm3=true][&capturedAt=…]` with the file as the raw body (streamed; its
 *   Content-Type is the record's media type) → 201 with the record;
 * - `POST /hash` JSON `{ caseKey, kind, contentSha256, contentSize, mediaType, capturedAt?, sm3? }` → 201;
 * - `GET /?caseKey=…` a case's records and timeline; `GET /status` anchoring progress and lag;
 * - `GET /:id`, `GET /:id/content`, `GET /:id/receipt` (pending until anchored; asking again upgrades it);
 * - `POST /:leafHash/court-verification` `{ receipt }`: a court member records on chain that it verified.
 */
export function evidenceRouter(deps: EvidenceRouterDeps): Router {
  const router = strictRouter();
  const recorders = requireRole("lender", "agency");
  const readers = requireRole("lender", "agency", "court");

  router.post("/", recorders, async (req, res) => {
    const type = (req.get("content-type") ?? "application/octet-stream").split(";")[0]!.trim().toLowerCase();
    if (type === "application/json" || type === "multipart/form-data") {
      throw new ApiError("UNSUPPORTED_MEDIA_TYPE", msg("api.EVIDENCE_BODY_TYPE"));
    }
    const query = req.query as Record<string, unknown>;
    const view = await deps.evidence.recordFile({ ...query, mediaType: query.mediaType ?? type }, req, {
      keep: flag(query.keep),
      sm3: flag(query.sm3),
      by: req.staff?.tokenId,
    });
    res.status(201).location(`/v1/evidence/${view.id}`).json(view);
  });

  router.post("/hash", recorders, async (req, res) => {
    if (!req.body || typeof req.body !== "object") throw new ApiError("VALIDATION_FAILED", msg("api.SEND_JSON"));
    const view = await deps.evidence.recordHash(req.body as Record<string, unknown>, req.staff?.tokenId);
    res.status(201).location(`/v1/evidence/${view.id}`).json(view);
  });

  router.get("/", readers, async (req, res) => {
    const caseKey = req.query.caseKey;
    if (typeof caseKey !== "string") throw new ApiError("VALIDATION_FAILED", msg("api.CASE_KEY_MISSING"));
    const after = req.query.after === undefined ? undefined : idOf(String(req.query.after));
    const limit = req.query.limit === undefined ? undefined : Number(req.query.limit) || undefined;
    res.json(await deps.evidence.list(caseKey, { after, limit }));
  });

  router.get("/status", readers, (_req, res) => {
    res.json(deps.anchoring());
  });

  router.get("/:id", readers, async (req, res) => {
    res.json(await deps.evidence.get(idOf(String(req.params.id))));
  });

  router.get("/:id/content", readers, async (req, res) => {
    const content = await deps.evidence.content(idOf(String(req.params.id)));
    res.type(content.mediaType).set("Content-Length", String(content.size));
    if (typeof content.body === "string") res.end(content.body);
    else content.body.pipe(res);
  });

  router.get("/:id/receipt", readers, async (req, res) => {
    const receipt = await deps.evidence.receipt(idOf(String(req.params.id)));
    if (flag(req.query.download)) res.attachment(receiptFileName(receipt.leafHash));
    res.json(receipt);
  });

  router.post("/:leafHash/court-verification", requireRole("court"), async (req, res) => {
    const leafHash = String(req.params.leafHash).toLowerCase();
    if (!/^0x[0-9a-f]{64}$/.test(leafHash)) throw new ApiError("VALIDATION_FAILED", msg("api.LEAF_HASH_PATH"));
    const receipt = (req.body as { receipt?: unknown } | undefined)?.receipt;
    if (receipt === undefined) throw new ApiError("VALIDATION_FAILED", msg("api.RECEIPT_MISSING_IN_BODY"));
    res.status(201).json(await deps.verifier.recordCourtVerification(leafHash, receipt));
  });

  return router;
}
