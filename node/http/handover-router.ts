import type { Router } from "express";
import { strictRouter } from "./strict-router.js";
import type { HandoverReceiver } from "../services/handover.js";

/** `POST /v1/handover`: gateway to gateway, no staff token — the package carries the sending member's signature. */
export function handoverRouter(receiver: HandoverReceiver): Router {
  const router = strictRouter();
  router.post("/", async (req, res) => {
    res.json(await receiver.receive(req.body));
  });
  return router;
}
