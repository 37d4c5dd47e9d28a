import type { Router } from "express";
import { strictRouter } from "./strict-router.js";
import type { SessionService } from "../services/session.js";

/** `GET /v1/me` (any staff): who the token belongs to — the console's first call. `GET /v1/members`: the directory. */
export function sessionRouter(service: SessionService): { me: Router; members: Router } {
  const me = strictRouter();
  me.get("/", async (req, res) => {
    res.json(await service.me(req.staff!));
  });
  const members = strictRouter();
  members.get("/", async (_req, res) => {
    res.json(await service.members());
  });
  return { me, members };
}

/**
 * `GET /v1/console/directory` (no token): the chain-verified, active members' names and console URLs (public
 * metadata). A token names the member that issued it; the console sends it to that member's URL from this list and
 * nowhere else. No endpoint answers whether a token is some gateway's: such an answer, from a gateway that says
 * "mine" to everything, would decide where a secret goes.
 */
export function consolePublicRouter(service: SessionService): Router {
  const router = strictRouter();
  router.use((_req, res, next) => {
    // Public metadata, read by tools of other members too.
    res.set("Access-Control-Allow-Origin", "*");
    next();
  });
  router.get("/directory", async (_req, res) => {
    res.json(await service.consoleDirectory());
  });
  return router;
}
