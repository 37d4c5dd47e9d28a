import type { NextFunction, Request, Response } from "express";
import { msg } from "../messages/message.js";
import type { Staff, StaffRole, StaffTokens } from "../services/staff-tokens.js";
import { ApiError } from "./api-error.js";
import type { RateLimiter } from "./rate-limit.js";

declare module "express-serve-static-core" {
  interface Request {
    staff?: Staff;
  }
}

const BEARER = /^Bearer ([A-Za-z0-9_\-]+)$/;

/** The staff member behind an `Authorization` header's bearer token, or undefined. */
export function staffOf(tokens: StaffTokens, authorization: string | undefined): Promise<Staff | undefined> {
  return tokens.verify(BEARER.exec(authorization ?? "")?.[1]);
}

/** Whether `staff` may use a route for `roles` (admin may do everything its member may). */
export function hasRole(staff: Staff | undefined, roles: readonly StaffRole[]): boolean {
  const role = staff?.role;
  return role !== undefined && (role === "admin" || roles.includes(role));
}

/**
 * Resolves `Authorization: Bearer <token>` to a staff member; 401 without a valid one. With `failures`, every
 * failed attempt takes from the client address's bucket, and an address whose bucket is empty gets 429 before its
 * token is even looked at (so guessing is slow whether a guess is right or not). Addresses that never failed cost
 * nothing: the limiter is not consulted while it holds no bucket.
 */
export function authenticate(tokens: StaffTokens, failures?: RateLimiter) {
  return async (req: Request, res: Response, next: NextFunction) => {
    if (failures && failures.size > 0) {
      const client = req.ip ?? "?";
      if (failures.blocked(client)) {
        res.set("Retry-After", String(failures.retryAfterSeconds(client)));
        throw new ApiError("RATE_LIMITED", msg("api.TOO_MANY_FAILED_LOGINS"));
      }
    }
    const header = req.get("authorization") ?? "";
    const staff = await staffOf(tokens, header);
    if (!staff) {
      // A request without credentials guesses nothing; only a presented token that fails counts.
      if (header) failures?.take(req.ip ?? "?");
      throw new ApiError("UNAUTHENTICATED", msg("api.TOKEN_REQUIRED"));
    }
    req.staff = staff;
    next();
  };
}

/** 403 unless the staff member has one of `roles` (admin may do everything its member may). */
export function requireRole(...roles: StaffRole[]) {
  return (req: Request, _res: Response, next: NextFunction) => {
    if (!hasRole(req.staff, roles)) {
      throw new ApiError("FORBIDDEN", msg("api.ROLE_REQUIRED", { rolesZh: roles.join(" 或 "), rolesEn: roles.join(" or ") }));
    }
    next();
  };
}
