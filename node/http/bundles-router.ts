import type { Request, Router } from "express";
import { msg } from "../messages/message.js";
import { type BundleInput, MAX_BUNDLE_BYTES } from "../domain/evidence/bundle.js";
import type { CaseBundleService } from "../services/case-bundle.js";
import { ServiceError } from "../services/service-error.js";
import { requireRole } from "./auth.js";
import { strictRouter } from "./strict-router.js";

/**
 * Case bundles (docs/design.md §27, docs/case-bundle-format.md):
 * - `POST /v1/bundles { caseKey }` — the creditor of record builds and signs the case's bundle (lender staff);
 * - `POST /v1/bundles/verify` — any staff verifies a bundle against this gateway's chain: as JSON (≤ 1 MB), or as
 *   the raw file under any other Content-Type, up to 64 MiB — refused with 413 by its Content-Length before a byte
 *   is read, and while streaming when it has none. 200 whatever the verdict: the verdict is in the body;
 * - `POST /v1/bundles/report` — a court member's report of the verified bundle as a PDF (its SHA-256 in the
 *   `X-Caseledger-Report-Sha256` header);
 * - `POST /v1/bundles/court-verification[?reportHash=0x…]` — a court member verifies the bundle (as above) and
 *   records its verification on chain once: EvidenceRegistry.recordBundleVerification (201).
 */
/** The bundle of a request: parsed JSON (≤ 1 MB), or the raw body under any other type, at most 64 MiB. */
async function bundleBody(req: Request): Promise<BundleInput> {
  const type = (req.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (type === "application/json") return { value: req.body };
  const tooLarge = () => new ServiceError("PAYLOAD_TOO_LARGE", msg("bundle.BUNDLE_TOO_LARGE"), { maxBytes: MAX_BUNDLE_BYTES });
  const declared = Number(req.get("content-length"));
  if (Number.isFinite(declared) && declared > MAX_BUNDLE_BYTES) {
    req.resume();
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BUNDLE_BYTES) {
      req.destroy();
      throw tooLarge();
    }
    chunks.push(chunk);
  }
  return { bytes: Buffer.concat(chunks) };
}

export function bundlesRouter(service: CaseBundleService): Router {
  const router = strictRouter();
  router.post("/", requireRole("lender"), async (req, res) => {
    const caseKey = (req.body as { caseKey?: unknown } | undefined)?.caseKey;
    res.status(201).json(await service.build(typeof caseKey === "string" ? caseKey : ""));
  });
  router.post("/verify", async (req, res) => {
    res.json(await service.verify(await bundleBody(req)));
  });
  router.post("/report", requireRole("court"), async (req, res) => {
    const { pdf, sha256 } = await service.report(await bundleBody(req));
    res.status(200).type("application/pdf").set("x-caseledger-report-sha256", sha256).send(pdf);
  });
  router.post("/court-verification", requireRole("court"), async (req, res) => {
    const reportHash = typeof req.query.reportHash === "string" ? req.query.reportHash : undefined;
    res.status(201).json(await service.recordCourtVerification(await bundleBody(req), reportHash));
  });
  return router;
}
