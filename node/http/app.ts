import express, { type Express, type NextFunction, type Request, type Response, type Router } from "express";
import { matchedRoute, ROUTING, strictRouter } from "./strict-router.js";
import { msg } from "../messages/message.js";
import type { StaffTokens } from "../services/staff-tokens.js";
import { logRequest } from "./access-log.js";
import { authenticate } from "./auth.js";
import { type Logger, errorHandler } from "./error-handler.js";
import { ApiError } from "./api-error.js";
import type { AuditLog } from "../store/audit-log.js";
import type { MemberStatus } from "../services/member-status.js";
import { auditRequests } from "./audit.js";
import { requireActiveMember } from "./member-standing.js";
import type { RateLimiter } from "./rate-limit.js";
import { UNMATCHED_ROUTE } from "./metrics.js";

export interface AppParts {
  tokens: StaffTokens;
  log: Logger;
  /** Routers that need no token (health, public pages, gateway-to-gateway with their own signatures). */
  publicRoutes: Record<string, Router>;
  /** Routers behind a staff token, mounted under /v1. */
  staffRoutes: Record<string, Router>;
  /** JSON body limit; uploads stream and have their own limit. */
  jsonLimit?: string;
  /** Failed bearer tokens per client address (429 beyond). */
  authFailures?: RateLimiter;
  /** The member's standing on chain: staff routes refuse a suspended member's staff. */
  memberStatus?: MemberStatus;
  /** Where staff actions are recorded. */
  audit?: AuditLog;
  /** The reverse proxies whose X-Forwarded-For names the client (config http.trustProxy; empty: trust none). */
  trustProxy?: readonly string[];
  /** Told every answered request by its route pattern (the metrics' latency histogram). */
  observe?: (method: string, route: string, status: number, started: bigint) => void;
}

/** Path segments that can be logged as they are: route words, not ids or tokens. */
const PLAIN_SEGMENT = /^[a-z][a-z0-9.-]{0,30}$/;
/** A path with every segment that is not a route word replaced by `:x` (for logs and error messages). */
const redacted = (path: string, segments = Infinity) =>
  path.split("/").slice(0, segments).map((p) => (p === "" || PLAIN_SEGMENT.test(p) ? p : ":x")).join("/");

const notFound = (req: Request) => new ApiError("NOT_FOUND", msg("api.NO_SUCH_ENDPOINT", { method: req.method, path: redacted(req.path) }));

/** On every response (the ownership fast path sends the same). */
export const SECURITY_HEADERS = {
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  "Referrer-Policy": "no-referrer",
  "Cache-Control": "no-store",
  // JSON needs no resources; the console's pages set their own policy.
  "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Resource-Policy": "same-site",
  "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
} as const;

/** The gateway's express app: security headers, JSON, access log, routes, errors in one shape. */
export function createApp(parts: AppParts): Express {
  const app = express();
  app.disable("x-powered-by");
  // Responses are never cached (Cache-Control: no-store), so an ETag would only cost a hash per response.
  app.set("etag", false);
  app.set("query parser", "simple");
  app.set("case sensitive routing", ROUTING.caseSensitive);
  app.set("strict routing", ROUTING.strict);
  // Behind a proxy every client would share its address (one bucket, one lockout for all); only the listed proxies
  // are believed, so a client cannot pick its own address with a header.
  app.set("trust proxy", parts.trustProxy && parts.trustProxy.length > 0 ? [...parts.trustProxy] : false);
  app.use((_req: Request, res: Response, next: NextFunction) => {
    res.set(SECURITY_HEADERS);
    next();
  });
  // Access log: the route's pattern, not the path (see logRequest).
  app.use((req: Request, res: Response, next: NextFunction) => {
    const started = process.hrtime.bigint();
    res.on("finish", () => {
      // An unmatched path is logged by its route words only: a token pasted into a URL must not reach the log.
      // The route a router matched (kept when an error unwinds req.baseUrl and req.route), else express's own.
      const path = matchedRoute(res)?.path ?? req.baseUrl + (req.route?.path ?? redacted(req.path, 3));
      logRequest(parts.log, req.method, path, res.statusCode, started, req.staff?.tokenId);
      // Unmatched paths are one label: route words a client makes up must not each become a time series.
      parts.observe?.(req.method, matchedRoute(res)?.path ?? UNMATCHED_ROUTE, res.statusCode, started);
    });
    next();
  });
  // One spelling per route: a router's root answers at its mount path only (`/v1/cases`, not `/v1/cases/`), which
  // strict routing alone does not refuse; an empty segment is never a route's.
  app.use((req: Request, _res: Response, next: NextFunction) => {
    if (req.path.includes("//") || (req.path.length > 1 && req.path.endsWith("/"))) throw notFound(req);
    next();
  });
  const json = express.json({ limit: parts.jsonLimit ?? "1mb", type: ["application/json"] });
  // A handover package (more than 1 MB) and a peer message are read by their routers, after the sender's address is
  // rate limited.
  app.use((req: Request, res: Response, next: NextFunction) => (req.path === "/v1/handover" || req.path === "/v1/peer" ? next() : json(req, res, next)));
  for (const [path, router] of Object.entries(parts.publicRoutes)) app.use(path, router);
  const v1 = strictRouter();
  v1.use(authenticate(parts.tokens, parts.authFailures));
  if (parts.memberStatus) v1.use(requireActiveMember(parts.memberStatus));
  if (parts.audit) v1.use(auditRequests(parts.audit, parts.log));
  for (const [path, router] of Object.entries(parts.staffRoutes)) v1.use(path, router);
  app.use("/v1", v1);
  app.use((req: Request) => {
    throw notFound(req);
  });
  app.use(errorHandler(parts.log));
  return app;
}
