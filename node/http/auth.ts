import type { NextFunction, Request, Response } from "express";
import type { Staff, StaffRole, StaffTokens } from "../services/staff-tokens.js";
import { ApiError, forbidden } from "./api-error.js";
import type { RateLimiter } from "./rate-limit.js";

declare module "express-serve-static-core" {
  interface Request {
    staff?: Staff;
  }
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
        throw new ApiError("RATE_LIMITED", "失败的登录尝试过多，请稍后再试 / too many failed attempts, try again later");
      }
    }
    const header = req.get("authorization") ?? "";
    const match = /^Bearer ([A-Za-z0-9_\-]+)$/.exec(header);
    const staff = await tokens.verify(match?.[1]);
    if (!staff) {
      // A request without credentials guesses nothing; only a presented token that fails counts.
      if (header) failures?.take(req.ip ?? "?");
      throw new ApiError("UNAUTHENTICATED", "需要有效的访问令牌 / a valid bearer token is required");
    }
    req.staff = staff;
    next();
  };
}

/** 403 unless the staff member has one of `roles` (admin may do everything its member may). */
export function requireRole(...roles: StaffRole[]) {
  return (req: Request, _res: Response, next: NextFunction) => {
    const role = req.staff?.role;
    if (!role || (role !== "admin" && !roles.includes(role))) {
      throw forbidden(`this needs the role ${roles.join(" or ")}`);
    }
    next();
  };
}
