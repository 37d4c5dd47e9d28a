import type { NextFunction, Request, Response } from "express";
import { msg } from "../messages/message.js";
import type { MemberStatus } from "../services/member-status.js";
import { ApiError } from "./api-error.js";

/**
 * What a suspended or removed member's staff may still do: see who they are, administer tokens and audit, and see and
 * cancel the operator's proposal against the member (MemberRegistry lets a suspended member's signer cancel: a
 * suspension must not silence the member while the operator's proposal runs out its delay).
 */
const STILL_ALLOWED = /^\/(me|staff-tokens|audit|member)(\/|$)/;
const WHO_AM_I = /^\/me(\/|$)/;

/**
 * 403 `MEMBER_SUSPENDED` on staff routes while MemberRegistry has this gateway's member suspended or removed: its
 * staff must not check ownership, open personal data or queue chain work. Answered from MemberStatus's memory, so it
 * costs a comparison per request.
 */
export function requireActiveMember(status: MemberStatus) {
  return (req: Request, _res: Response, next: NextFunction) => {
    const state = status.state;
    if (state === "active" || state === "unknown" || (STILL_ALLOWED.test(req.path) && (req.method === "GET" || !WHO_AM_I.test(req.path)))) return next();
    throw new ApiError("MEMBER_SUSPENDED", msg(state === "removed" ? "api.MEMBER_REMOVED" : "api.MEMBER_SUSPENDED"), { status: state });
  };
}
