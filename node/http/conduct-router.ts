import type { Router } from "express";
import type { TextScreening } from "../services/conduct/screening.js";
import { requireRole } from "./auth.js";
import { strictRouter } from "./strict-router.js";

/**
 * `/v1/conduct` (docs/design.md §26): `POST /screen` checks a text or template against the lexicon (lender, agency;
 * changes nothing), `GET /lexicon` names the lexicon in use and the record that notarized it.
 */
export function conductRouter(screening: TextScreening): Router {
  const router = strictRouter();
  router.post("/screen", requireRole("lender", "agency"), async (req, res) => {
    const answer = screening.check(req.body);
    await screening.inUse();
    res.json(answer);
  });
  router.get("/lexicon", requireRole("lender", "agency", "supervisor"), (_req, res) => {
    res.json(screening.lexicon());
  });
  return router;
}
