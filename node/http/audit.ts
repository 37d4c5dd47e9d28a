import type { NextFunction, Request, Response } from "express";
import type { AuditLog } from "../store/audit-log.js";
import type { Logger } from "./error-handler.js";
import { DOCUMENTED_ROUTES } from "./openapi-routes.js";

/**
 * The staff routes whose every call goes to the audit log: those that change something (not GET, unless marked
 * read-only with `audit: false`) and the reads that open personal data (marked `audit: true`).
 */
export const AUDITED_ROUTES = DOCUMENTED_ROUTES.filter((r) => r.role !== "none" && (r.audit ?? r.method !== "GET")).map((r) => ({
  method: r.method,
  path: r.path,
  // Matched against the request's own path: the route pattern survives errors, which unwind express's baseUrl.
  pattern: new RegExp(`^${r.path.replace(/:([A-Za-z0-9_]+)/g, "(?<$1>[^/]+)")}/?$`),
}));

/** Paths (under /v1) of the read-only POSTs without parameters — the ownership check is the hot path: skipped at once. */
const SKIPPED = new Set(
  DOCUMENTED_ROUTES.filter((r) => r.role !== "none" && r.method !== "GET" && r.audit === false && !r.path.includes(":")).map((r) => `${r.method} ${r.path.slice(3)}`),
);
/** The audited GETs, as patterns of the path under /v1 (few, so a GET costs one or two regex tests). */
const AUDITED_GETS = DOCUMENTED_ROUTES.filter((r) => r.method === "GET" && r.audit === true).map(
  (r) => new RegExp(`^${r.path.slice(3).replace(/:[A-Za-z0-9_]+/g, "[^/]+")}/?$`),
);

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
    if (req.method === "GET" ? !AUDITED_GETS.some((p) => p.test(req.path)) : SKIPPED.has(`${req.method} ${req.path}`)) return next();
    res.on("finish", () => {
      if (!req.staff) return;
      const path = req.originalUrl.split("?")[0]!;
      let params: Record<string, string> | undefined;
      let route = "";
      for (const r of AUDITED_ROUTES) {
        const m = r.method === req.method ? r.pattern.exec(path) : null;
        if (m) {
          params = { ...m.groups };
          route = r.path;
          break;
        }
      }
      if (!params) return;
      const ref: Record<string, string> = {};
      for (const [name, value] of Object.entries(params)) if (name !== "caseKey") ref[name] = decodeURIComponentSafe(value);
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
