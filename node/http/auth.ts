import type { NextFunction, Request, Response } from "express";
import type { Staff, StaffRole, StaffTokens } from "../services/staff-tokens.js";
import { ApiError, forbidden } from "./api-error.js";

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

/** Resolves `Authorization: Bearer <token>` to a staff member; 401 without a valid one. */
export function authenticate(tokens: StaffTokens) {
  return async (req: Request, _res: Response, next: NextFunction) => {
    const staff = await staffOf(tokens, req.get("authorization"));
    if (!staff) {
      throw new ApiError("UNAUTHENTICATED", "需要有效的访问令牌 / a valid bearer token is required");
    }
    req.staff = staff;
    next();
  };
}

/** 403 unless the staff member has one of `roles` (admin may do everything its member may). */
export function requireRole(...roles: StaffRole[]) {
  return (req: Request, _res: Response, next: NextFunction) => {
    if (!hasRole(req.staff, roles)) {
      throw forbidden(`this needs the role ${roles.join(" or ")}`);
    }
    next();
  };
}
