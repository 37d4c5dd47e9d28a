import type { IncomingMessage, ServerResponse } from "node:http";
import type { MemberStatus } from "../services/member-status.js";
import type { OwnershipService } from "../services/ownership.js";
import type { StaffTokens } from "../services/staff-tokens.js";
import { logRequest } from "./access-log.js";
import { SECURITY_HEADERS } from "./app.js";
import { hasRole, staffOf } from "./auth.js";
import type { Logger } from "./error-handler.js";
import type { RateLimiter } from "./rate-limit.js";
import type { OwnershipAuditor } from "./ownership-audit.js";
import { OWNERSHIP_ROLES } from "./ownership-router.js";

/** Exactly one parameter, a well-formed case key: anything else is the express route's to answer. */
const HOT = /^\/v1\/ownership\?caseKey=(0x[0-9a-fA-F]{64})$/;
/**
 * The route express's match records for the same request (its router's root is its mount path): the path the access
 * log shows and the metric label, as for the express route.
 */
const MATCHED_ROUTE = "/v1/ownership";
/** Names and values in one flat list, as writeHead takes them. */
const HEADERS: string[] = [...Object.entries(SECURITY_HEADERS).flat(), "Content-Type", "application/json; charset=utf-8"];

export interface OwnershipFastPathDeps {
  tokens: StaffTokens;
  service: OwnershipService;
  log: Logger;
  /** The express app's failed-token limiter: an address it blocks is express's to refuse (429), whatever its token. */
  authFailures?: RateLimiter;
  /** A suspended or removed member's staff are express's to refuse (403 MEMBER_SUSPENDED). */
  memberStatus?: MemberStatus;
  /**
   * http.trustProxy is set: the limiter's addresses are the ones proxies forward for, which only express resolves,
   * so once any address has failed, every request is express's to check.
   */
  behindProxy?: boolean;
  /** Each answered lookup to the audit log, as the express route does (written without waiting). */
  audit?: OwnershipAuditor;
  /** Told each answer, as the express app tells its own (the metrics' latency histogram). */
  observe?: (method: string, route: string, status: number, started: bigint) => void;
}

/**
 * `GET /v1/ownership?caseKey=…` answered without express: agencies check a case before every call they place, and
 * express's routing through ~20 layers cost more than the answer. The same parts do the work — staffOf and
 * hasRole (auth.ts), OwnershipService.byCaseKey, SECURITY_HEADERS, logRequest — and only the success is
 * answered here: a request this does not handle, a bad token, another role or any error goes to `next` (the
 * express app), which handles it from the start as it always has (the request is a read; nothing was written).
 * test/node/http/ownership.test.ts holds the two to the same answers.
 */
export function ownershipFastPath(deps: OwnershipFastPathDeps) {
  return (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    const caseKey = req.method === "GET" && req.url !== undefined ? HOT.exec(req.url)?.[1] : undefined;
    if (caseKey === undefined) return next();
    const started = process.hrtime.bigint();
    answer(deps, req, caseKey).then(
      (done) => {
        if (!done) return next();
        res.writeHead(200, [...HEADERS, "Content-Length", String(Buffer.byteLength(done.body))]);
        res.end(done.body);
        logRequest(deps.log, "GET", MATCHED_ROUTE, 200, started, done.tokenId);
        deps.observe?.("GET", MATCHED_ROUTE, 200, started);
      },
      () => next(),
    );
  };
}

async function answer(deps: OwnershipFastPathDeps, req: IncomingMessage, caseKey: string): Promise<{ body: string; tokenId: string } | undefined> {
  // Whatever express would refuse before looking at the token, it refuses: this path never answers first.
  const { authFailures, memberStatus } = deps;
  if (authFailures && authFailures.size > 0 && (deps.behindProxy || authFailures.blocked(req.socket.remoteAddress ?? "?"))) return undefined;
  if (memberStatus && memberStatus.state !== "active" && memberStatus.state !== "unknown") return undefined;
  const staff = await staffOf(deps.tokens, req.headers.authorization);
  if (!staff || !hasRole(staff, OWNERSHIP_ROLES)) return undefined;
  const found = await deps.service.byCaseKey(caseKey);
  deps.audit?.(staff, "GET", { by: "caseKey", answer: found });
  return { body: JSON.stringify(found), tokenId: staff.tokenId };
}
