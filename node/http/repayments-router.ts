import type { Request, Response, Router } from "express";
import { msg } from "../messages/message.js";
import type { Actor } from "../domain/repayments/entries.js";
import type { RepaymentLedger } from "../services/repayments/ledger.js";
import type { RepaymentReconciler } from "../services/repayments/reconcile.js";
import type { RepaymentReporter } from "../services/repayments/reports.js";
import { ApiError } from "./api-error.js";
import { requireRole } from "./auth.js";
import { strictRouter } from "./strict-router.js";

export interface RepaymentsRouterDeps {
  ledger: RepaymentLedger;
  reporter: RepaymentReporter;
  reconciler: RepaymentReconciler;
}

const actorOf = (req: Request): Actor => ({ tokenId: req.staff!.tokenId, role: req.staff!.role });
const bodyOf = (req: Request): Record<string, unknown> => {
  const body: unknown = req.body;
  if (!body || typeof body !== "object" || Array.isArray(body)) throw new ApiError("VALIDATION_FAILED", msg("api.SEND_JSON"));
  return body as Record<string, unknown>;
};

/**
 * `/v1/repayments` (docs/design.md §22):
 * - `POST /` `{ caseKey, amountFen, paidAt, channel, payer, voucherEvidenceId | voucher }`: an agency reports a
 *   repayment to the case's creditor (202: delivered through the outbox; the state follows at `GET /`); the case's
 *   creditor records one to its own account (201, confirmed at once; `voucherLeafHash` optional);
 * - `GET /?caseKey=` the agency's reports and what the creditor made of them;
 * - `POST /reconcile` the bank's statement (CSV body): each line matched to an open repayment, the rest with reasons;
 * - `POST /confirm` `{ ids }` many at once; `POST /:id/confirm`, `POST /:id/dispute` `{ reason }`,
 *   `POST /:id/reverse` `{ reason }`: the creditor's decisions and corrections.
 * And `POST /v1/cases/:caseKey/repayments` (`POST /` with the case in the path), `GET /v1/cases/:caseKey/repayments` the ledger and the outstanding, `POST /v1/cases/:caseKey/waivers` (the
 * second router, mounted at `/v1`).
 */
export function repaymentsRouter(deps: RepaymentsRouterDeps): { repayments: Router; cases: Router } {
  const repayments = strictRouter();
  const lender = requireRole("lender");

  const recordOrReport = async (req: Request, res: Response, body: Record<string, unknown>) => {
    const role = req.staff!.role;
    const asCreditor = role === "lender" || (role === "admin" && typeof body.caseKey === "string" && (await deps.ledger.isCreditorOf(body.caseKey)));
    if (asCreditor) {
      res.status(201).json(await deps.ledger.record(body, actorOf(req)));
      return;
    }
    res.status(202).json(await deps.reporter.report(body, req.staff!.tokenId));
  };

  repayments.post("/", requireRole("lender", "agency"), async (req, res) => {
    await recordOrReport(req, res, bodyOf(req));
  });

  repayments.get("/", requireRole("agency"), async (req, res) => {
    res.json({ reports: await deps.reporter.list(req.query.caseKey) });
  });

  // The bank's CSV as the body (streamed, like a case list): a preview only; the lender confirms `ids` at /confirm.
  repayments.post("/reconcile", lender, async (req, res) => {
    res.json(await deps.reconciler.preview(req));
  });

  repayments.post("/confirm", lender, async (req, res) => {
    res.json({ results: await deps.ledger.decide(bodyOf(req).ids, "confirmed", undefined, actorOf(req)) });
  });

  repayments.post("/:id/confirm", lender, async (req, res) => {
    res.json(await deps.ledger.decideOne(req.params.id as string, "confirmed", undefined, actorOf(req)));
  });

  repayments.post("/:id/dispute", lender, async (req, res) => {
    res.json(await deps.ledger.decideOne(req.params.id as string, "disputed", bodyOf(req).reason, actorOf(req)));
  });

  repayments.post("/:id/reverse", lender, async (req, res) => {
    res.status(201).json(await deps.ledger.reverse(req.params.id as string, bodyOf(req).reason, actorOf(req)));
  });

  const cases = strictRouter();
  // The spelling of `POST /v1/repayments`: the case in the path, the rest in the body (a caseKey there is refused
  // unless it is the same case, so that the two cannot disagree).
  cases.post("/cases/:caseKey/repayments", requireRole("lender", "agency"), async (req, res) => {
    const body = bodyOf(req);
    const caseKey = req.params.caseKey as string;
    if (body.caseKey !== undefined && (typeof body.caseKey !== "string" || body.caseKey.toLowerCase() !== caseKey.toLowerCase())) throw new ApiError("VALIDATION_FAILED", msg("repayment.CASE_KEY_INVALID"), { problem: "CASE_KEY_INVALID" });
    await recordOrReport(req, res, { ...body, caseKey });
  });
  cases.get("/cases/:caseKey/repayments", lender, async (req, res) => {
    res.json(await deps.ledger.view(req.params.caseKey as string));
  });
  cases.post("/cases/:caseKey/waivers", lender, async (req, res) => {
    res.status(201).json(await deps.ledger.waive(req.params.caseKey as string, bodyOf(req), actorOf(req)));
  });
  return { repayments, cases };
}
