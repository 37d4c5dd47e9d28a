import { Router } from "express";
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
  if (!/^\d{1,16}$/.test(raw) || !Number.isSafeInteger(id)) throw new ApiError("VALIDATION_FAILED", "证据编号应为非负整数 / the evidence id is a non-negative integer");
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
  const router = Router();
  const recorders = requireRole("lender", "agency");
  const readers = requireRole("lender", "agency", "court");

  router.post("/", recorders, async (req, res) => {
    const type = (req.get("content-type") ?? "application/octet-stream").split(";")[0]!.trim().toLowerCase();
    if (type === "application/json" || type === "multipart/form-data") {
      throw new ApiError("UNSUPPORTED_MEDIA_TYPE", "请以原始字节上传文件（或用 /v1/evidence/hash 提交摘要）/ send the file as the raw body (or its hash to /v1/evidence/hash)");
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
    if (!req.body || typeof req.body !== "object") throw new ApiError("VALIDATION_FAILED", "请提交 JSON / send JSON");
    const view = await deps.evidence.recordHash(req.body as Record<string, unknown>, req.staff?.tokenId);
    res.status(201).location(`/v1/evidence/${view.id}`).json(view);
  });

  router.get("/", readers, async (req, res) => {
    const caseKey = req.query.caseKey;
    if (typeof caseKey !== "string") throw new ApiError("VALIDATION_FAILED", "请给出 caseKey / give caseKey");
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
    if (!/^0x[0-9a-f]{64}$/.test(leafHash)) throw new ApiError("VALIDATION_FAILED", "路径应为记录的叶哈希 / the path must be the record's leaf hash (0x…)");
    const receipt = (req.body as { receipt?: unknown } | undefined)?.receipt;
    if (receipt === undefined) throw new ApiError("VALIDATION_FAILED", "请在请求体中给出 receipt / give the receipt in the body");
    res.status(201).json(await deps.verifier.recordCourtVerification(leafHash, receipt));
  });

  return router;
}
