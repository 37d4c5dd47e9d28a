import type { StaffToken } from "../store/staff-token-repository.js";
import type { MemberStatus } from "./member-status.js";
import { notFound, ServiceError } from "./service-error.js";
import { MAX_TOKEN_TTL_DAYS, STAFF_ROLES, type StaffRole, type StaffTokens } from "./staff-tokens.js";
import { msg } from "../messages/message.js";

export interface TokenRequest {
  role?: unknown;
  name?: unknown;
  ttlDays?: unknown;
}

/**
 * An admin's view of this gateway's staff tokens: list, issue and revoke. A role the member does not hold on chain
 * is refused (an agency's gateway issues no lender tokens), except admin.
 */
export class StaffTokenAdmin {
  constructor(private readonly deps: { tokens: StaffTokens; status: Pick<MemberStatus, "holdsRole"> }) {}

  async list(): Promise<{ tokens: StaffToken[] }> {
    return { tokens: await this.deps.tokens.list() };
  }

  /** A new token: its secret is in this answer only. */
  async issue(request: unknown): Promise<{ token: string; record: StaffToken }> {
    const { role, name, ttlDays } = (typeof request === "object" && request !== null ? request : {}) as TokenRequest;
    const errors: Array<{ field: string; code: string }> = [];
    if (typeof role !== "string" || !STAFF_ROLES.includes(role as StaffRole)) errors.push({ field: "role", code: "ROLE_UNKNOWN" });
    else if (role !== "admin" && this.deps.status.holdsRole(role) === false) errors.push({ field: "role", code: "ROLE_NOT_HELD" });
    if (typeof name !== "string" || name.trim() === "" || name.length > 100) errors.push({ field: "name", code: "NAME_INVALID" });
    if (ttlDays !== undefined && !(Number.isInteger(ttlDays) && (ttlDays as number) >= 1 && (ttlDays as number) <= MAX_TOKEN_TTL_DAYS)) {
      errors.push({ field: "ttlDays", code: "TTL_INVALID" });
    }
    if (errors.length) {
      throw new ServiceError(
        "VALIDATION_FAILED",
        msg("api.TOKEN_REQUEST_INVALID", { rolesZh: STAFF_ROLES.join("/"), rolesEn: STAFF_ROLES.join(", "), maxTtlDays: MAX_TOKEN_TTL_DAYS }),
        errors,
      );
    }
    return this.deps.tokens.create(role as StaffRole, (name as string).trim(), ttlDays as number | undefined);
  }

  async revoke(id: string): Promise<void> {
    if (!/^[0-9a-f]{12}$/.test(id) || !(await this.deps.tokens.revoke(id))) throw notFound("staffToken", id);
  }
}
