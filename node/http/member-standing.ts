import type { NextFunction, Request, Response } from "express";
import { msg } from "../messages/message.js";
import type { MemberStatus } from "../services/member-status.js";
import { ApiError } from "./api-error.js";

/** What a suspended or removed member's staff may still do: see who they are, and administer tokens and audit. */
const STILL_ALLOWED = /^\/(me|staff-tokens|audit)(\/|$)/;

/**
 * 403 `MEMBER_SUSPENDED` on staff routes while MemberRegistry has this gateway's member suspended or removed: its
 * staff must not check ownership, open personal data or queue chain work. Answered from MemberStatus's memory, so it
 * costs a comparison per request.
 */
export function requireActiveMember(status: MemberStatus) {
  return (req: Request, _res: Response, next: NextFunction) => {
    const state = status.state;
    if (state === "active" || state === "unknown" || (STILL_ALLOWED.test(req.path) && (req.method === "GET" || !req.path.startsWith("/me")))) return next();
    throw new ApiError("MEMBER_SUSPENDED", msg(state === "removed" ? "api.MEMBER_REMOVED" : "api.MEMBER_SUSPENDED"), { status: state });
  };
}
