import type { Router } from "express";
import { strictRouter } from "./strict-router.js";
import type { EvidenceVerifier } from "../services/evidence-verify.js";

/**
 * `POST /v1/verify` — the one verification result (docs/receipt-format.md), checked against this gateway's chain:
 * - JSON `{ "receipt": {…} | "…", "sha256": "…", "size"?: n, "sm3"?: "…", "expectMember"?: n }`: a file's hash;
 * - the file itself as the raw body (any other Content-Type; streamed and hashed, never stored), with the receipt
 *   in the `X-Caseledger-Receipt` header as base64 (or base64url) of its JSON.
 * 200 whatever the verdict: the verdict is in the body.
 */
export function verifyRouter(verifier: EvidenceVerifier): Router {
  const router = strictRouter();
  router.post("/", async (req, res) => {
    const type = (req.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
    if (type === "application/json") res.json(await verifier.verifyHashed((req.body ?? {}) as Record<string, unknown>));
    else res.json(await verifier.verifyStreamed(req.get("x-caseledger-receipt"), req));
  });
  return router;
}
