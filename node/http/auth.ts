import type { NextFunction, Request, Response } from "express";
import type { Staff, StaffRole, StaffTokens } from "../services/staff-tokens.js";
import { ApiError, forbidden } from "./api-error.js";

declare module "express-serve-static-core" {
  interface Request {
    staff?: Staff;
  }
}

/** Resolves `Authorization: Bearer <token>` to a staff member; 401 without a valid one. */
export function authenticate(tokens: StaffTokens) {
  return async (req: Request, _res: Response, next: NextFunction) => {
    const header = req.get("authorization") ?? "";
    const match = /^Bearer ([A-Za-z0-9_\-]+)$/.exec(header);
    const staff = await tokens.verify(match?.[1]);
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
    const role = req.staff?.role;
    if (!role || (role !== "admin" && !roles.includes(role))) {
      throw forbidden(`this needs the role ${roles.join(" or ")}`);
    }
    next();
  };
}
