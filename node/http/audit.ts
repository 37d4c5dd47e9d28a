import type { NextFunction, Request, Response } from "express";
import type { AuditLog } from "../store/audit-log.js";
import type { Logger } from "./error-handler.js";
import { DOCUMENTED_ROUTES } from "./openapi-routes.js";
import { type MatchedRoute, matchedRoute } from "./strict-router.js";

/**
 * The staff routes whose every call goes to the audit log, as `METHOD path` in the route list's spelling: those that
 * change something (not GET, unless marked read-only with `audit: false`) and the reads that open personal data
 * (marked `audit: true`).
 */
export const AUDITED_ROUTES: ReadonlySet<string> = new Set(
  DOCUMENTED_ROUTES.filter((r) => r.role !== "none" && (r.audit ?? r.method !== "GET")).map((r) => `${r.method} ${r.path}`),
);

const STAFF_ROUTES = DOCUMENTED_ROUTES.filter((r) => r.role !== "none").map((r) => ({ method: r.method, path: r.path, segments: r.path.split("/") }));

/**
 * The route list's entry for a request refused before its router reached a route (a role check at the router's
 * head): segment by segment as express matches under ROUTING (node/http/strict-router.ts), a `:name` taking one
 * non-empty segment. Only ever the fallback: a route that ran names itself (matchedRoute).
 */
function listedRoute(method: string, path: string): MatchedRoute | undefined {
  const segments = path.split("/");
  for (const r of STAFF_ROUTES) {
    if (r.method !== method || r.segments.length !== segments.length) continue;
    const params: Record<string, string> = {};
    if (r.segments.every((s, i) => (s.startsWith(":") ? segments[i] !== "" && (params[s.slice(1)] = decodeURIComponentSafe(segments[i]!)) !== undefined : s === segments[i])))
      return { path: r.path, params };
  }
  return undefined;
}

function decodeURIComponentSafe(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

const CASE_KEY = /^0x[0-9a-fA-F]{64}$/;

function caseKeysOf(req: Request, res: Response, params: Record<string, string>): string[] {
  const keys: string[] = [];
  const add = (v: unknown) => {
    if (typeof v === "string" && CASE_KEY.test(v)) keys.push(v);
  };
  const explicit = res.locals.auditCaseKeys as unknown;
  if (Array.isArray(explicit)) explicit.forEach(add);
  add(params.caseKey);
  add(typeof req.query?.caseKey === "string" ? req.query.caseKey : undefined);
  const body = req.body as { caseKey?: unknown; caseKeys?: unknown } | undefined;
  if (body && typeof body === "object") {
    add(body.caseKey);
    if (Array.isArray(body.caseKeys)) body.caseKeys.forEach(add);
  }
  return keys;
}

/**
 * Writes an audit entry for every audited staff request once its response is finished: who (token id and role),
 * what (method and route pattern, the lifecycle action's name), the status, the case keys it named, and the ids in
 * its path or in the Location it answered with. Never query strings, bodies or personal data. A failed write is
 * logged; the response has gone by then.
 */
export function auditRequests(audit: AuditLog, log: Logger) {
  return (req: Request, res: Response, next: NextFunction) => {
    res.on("finish", () => {
      if (!req.staff) return;
      // The route express ran, in the route list's spelling; never a pattern of the path as the client wrote it.
      const matched = matchedRoute(res) ?? listedRoute(req.method, req.originalUrl.split("?")[0]!);
      if (!matched || !AUDITED_ROUTES.has(`${req.method} ${matched.path}`)) return;
      const { path: route, params } = matched;
      const ref: Record<string, string> = {};
      // Already decoded, by express (req.params) or by listedRoute: a second decode would turn `%2541` into `A`.
      for (const [name, value] of Object.entries(params)) if (name !== "caseKey") ref[name] = value;
      const location = res.get("location");
      if (location) ref.location = location;
      const body = req.body as { action?: unknown } | undefined;
      const named = route === "/v1/cases/actions" && typeof body?.action === "string" && /^[A-Za-z]{1,32}$/.test(body.action) ? ` ${body.action}` : "";
      audit
        .append({
          actor: { tokenId: req.staff.tokenId, role: req.staff.role },
          action: `${req.method} ${route}${named}`,
          status: res.statusCode,
          caseKeys: caseKeysOf(req, res, params),
          ref,
        })
        .catch((error: unknown) => log({ level: "error", msg: "audit write failed", route, error: String((error as Error)?.message ?? error).slice(0, 200) }));
    });
    next();
  };
}
