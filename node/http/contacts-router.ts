import type { Request, Router } from "express";
import { msg } from "../messages/message.js";
import type { ContactService } from "../services/conduct/contacts.js";
import { ApiError } from "./api-error.js";
import { requireRole } from "./auth.js";
import { strictRouter } from "./strict-router.js";

const bodyOf = (req: Request): Record<string, unknown> => {
  const body: unknown = req.body;
  if (!body || typeof body !== "object" || Array.isArray(body)) throw new ApiError("VALIDATION_FAILED", msg("api.SEND_JSON"));
  return body as Record<string, unknown>;
};

const instant = (value: unknown, field: string): number => {
  const ms = typeof value === "string" ? Date.parse(value) : NaN;
  if (!Number.isFinite(ms)) throw new ApiError("VALIDATION_FAILED", msg("contact.STARTED_AT_INVALID", { field }), { problem: "RANGE_INVALID", field });
  return ms;
};

/**
 * `/v1/contacts` (docs/design.md §25), an agency's contacts with debtors:
 * - `POST /permits` `{ caseKey, channel, text? }`: a signed permit for a contact now (201), or the refusal's code;
 * - `POST /` `{ caseKey, channel, party, startedAt, durationSeconds, outcome, promise?, collector, permitId?,
 *   disclosedDebt?, evidence? | evidenceId? }`: logs a contact (201), flagged when it breaks a rule;
 * - `GET /?caseKey=` the log, newest first; `GET /promises` the promises to pay by due date;
 * - `GET /figures?from=&to=` the member's conduct figures (counts only) over [from, to).
 */
export function contactsRouter(contacts: ContactService): Router {
  const router = strictRouter();
  const agency = requireRole("agency");

  router.post("/permits", agency, async (req, res) => {
    res.status(201).json(await contacts.requestPermit(bodyOf(req)));
  });

  router.post("/", agency, async (req, res) => {
    res.status(201).json(await contacts.log(bodyOf(req), req.staff!.tokenId));
  });

  router.get("/", agency, async (req, res) => {
    const caseKey = typeof req.query.caseKey === "string" ? req.query.caseKey.toLowerCase() : undefined;
    res.json({ contacts: await contacts.list(caseKey) });
  });

  router.get("/promises", agency, async (_req, res) => {
    res.json({ promises: await contacts.promises() });
  });

  router.get("/figures", agency, async (req, res) => {
    res.json({ figures: await contacts.figures({ from: instant(req.query.from, "from"), to: instant(req.query.to, "to") }) });
  });
  return router;
}
