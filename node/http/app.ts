import express, { type Express, type NextFunction, type Request, type Response, Router } from "express";
import type { StaffTokens } from "../services/staff-tokens.js";
import { logRequest } from "./access-log.js";
import { authenticate } from "./auth.js";
import { type Logger, errorHandler } from "./error-handler.js";
import { ApiError } from "./api-error.js";

export interface AppParts {
  tokens: StaffTokens;
  log: Logger;
  /** Routers that need no token (health, public pages, gateway-to-gateway with their own signatures). */
  publicRoutes: Record<string, Router>;
  /** Routers behind a staff token, mounted under /v1. */
  staffRoutes: Record<string, Router>;
  /** JSON body limit; uploads stream and have their own limit. */
  jsonLimit?: string;
}

/** On every response (the ownership fast path sends the same). */
export const SECURITY_HEADERS = {
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  "Referrer-Policy": "no-referrer",
  "Cache-Control": "no-store",
} as const;

/** The gateway's express app: security headers, JSON, access log, routes, errors in one shape. */
export function createApp(parts: AppParts): Express {
  const app = express();
  app.disable("x-powered-by");
  // Responses are never cached (Cache-Control: no-store), so an ETag would only cost a hash per response.
  app.set("etag", false);
  app.set("query parser", "simple");
  app.use((_req: Request, res: Response, next: NextFunction) => {
    res.set(SECURITY_HEADERS);
    next();
  });
  // Access log: the route's pattern, not the path (see logRequest).
  app.use((req: Request, res: Response, next: NextFunction) => {
    const started = process.hrtime.bigint();
    res.on("finish", () => {
      const path = req.baseUrl + (req.route?.path ?? req.path.split("/").slice(0, 3).join("/"));
      logRequest(parts.log, req.method, path, res.statusCode, started, req.staff?.tokenId);
    });
    next();
  });
  app.use(express.json({ limit: parts.jsonLimit ?? "1mb", type: ["application/json"] }));
  for (const [path, router] of Object.entries(parts.publicRoutes)) app.use(path, router);
  const v1 = Router();
  v1.use(authenticate(parts.tokens));
  for (const [path, router] of Object.entries(parts.staffRoutes)) v1.use(path, router);
  app.use("/v1", v1);
  app.use((req: Request) => {
    throw new ApiError("NOT_FOUND", `没有这个接口 / no such endpoint: ${req.method} ${req.path}`);
  });
  app.use(errorHandler(parts.log));
  return app;
}
