import { type NextFunction, type Request, type Response, Router } from "express";

/**
 * Routing options of the app and of every router: a path matches its route only as written. Express's defaults
 * (case-insensitive, optional trailing slash) let `/v1/Cases/…` reach a route whose pattern-based checks (the audit
 * log's) did not recognize the spelling.
 */
export const ROUTING = { caseSensitive: true, strict: true } as const;

/** The route that answers a request, as the route list spells it (mount path and pattern) with its parameters. */
export interface MatchedRoute {
  path: string;
  params: Record<string, string>;
}

/** The route that a router matched for this request, set before its handlers run (errors unwind `req.baseUrl`). */
export const matchedRoute = (res: Response): MatchedRoute | undefined => res.locals.matchedRoute as MatchedRoute | undefined;

function recordMatch(req: Request, res: Response, next: NextFunction): void {
  const pattern = (req.route as { path?: unknown } | undefined)?.path;
  // A router's own root ("/") is its mount path: `/v1/cases`, not `/v1/cases/`.
  if (typeof pattern === "string") res.locals.matchedRoute = { path: pattern === "/" && req.baseUrl ? req.baseUrl : req.baseUrl + pattern, params: { ...req.params } };
  next();
}

/**
 * A router with ROUTING whose every route first records itself as the request's matched route: what the audit log
 * decides by (node/http/audit.ts), so its decision is express's own match, whatever the spelling of the path.
 */
export function strictRouter(): Router {
  const router = Router(ROUTING);
  const route = router.route.bind(router);
  router.route = (path: string) => route(path).all(recordMatch);
  return router;
}
