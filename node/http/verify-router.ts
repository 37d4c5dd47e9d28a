import { Router } from "express";
import { msg } from "../messages/message.js";
import { ContentHasher } from "../domain/evidence/content-digest.js";
import { MAX_RECEIPT_BYTES } from "../domain/evidence/receipt.js";
import type { ReceiptSource } from "../domain/evidence/receipt-parse.js";
import type { EvidenceVerifier } from "../services/evidence-verify.js";
import { parseDigest, parseSize } from "../services/evidence-input.js";
import { ApiError } from "./api-error.js";

/**
 * `POST /v1/verify` — the one verification result (docs/receipt-format.md), checked against this gateway's chain:
 * - JSON `{ "receipt": {…} | "…", "sha256": "…", "size"?: n, "sm3"?: "…", "expectMember"?: n }`: a file's hash;
 * - the file itself as the raw body (any other Content-Type; streamed and hashed, never stored), with the receipt
 *   in the `X-Caseledger-Receipt` header as base64 (or base64url) of its JSON.
 * 200 whatever the verdict: the verdict is in the body.
 */
export function verifyRouter(verifier: EvidenceVerifier): Router {
  const router = Router();
  router.post("/", async (req, res) => {
    const type = (req.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
    if (type === "application/json") {
      const body = (req.body ?? {}) as Record<string, unknown>;
      if (body.receipt === undefined) throw new ApiError("VALIDATION_FAILED", msg("api.RECEIPT_MISSING"));
      const sha256 = parseDigest(body.sha256, "sha256", false);
      const file = sha256 ? { sha256, ...(body.size === undefined ? {} : { size: parseSize(body.size) }), ...(body.sm3 ? { sm3: parseDigest(body.sm3, "sm3", true)! } : {}) } : undefined;
      const expectMember = body.expectMember === undefined ? undefined : Number(body.expectMember);
      res.json(await verifier.verify({ value: body.receipt }, file, Number.isSafeInteger(expectMember) ? expectMember : undefined));
      return;
    }
    const header = req.get("x-caseledger-receipt");
    if (!header) throw new ApiError("VALIDATION_FAILED", msg("api.RECEIPT_HEADER_MISSING"));
    const bytes = Buffer.from(header, header.includes("-") || header.includes("_") ? "base64url" : "base64");
    const source: ReceiptSource = bytes.length > MAX_RECEIPT_BYTES ? { oversized: bytes.length } : { bytes };
    // SM3 too when the record has one: it costs little beside reading the file.
    const wantsSm3 = /"sm3":"/.test(bytes.toString("utf8"));
    const hasher = new ContentHasher({ sm3: wantsSm3 });
    for await (const chunk of req) hasher.update(chunk as Buffer);
    res.json(await verifier.verify(source, hasher.digest()));
  });
  return router;
}
