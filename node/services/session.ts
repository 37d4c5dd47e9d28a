import type { Clock } from "../domain/clock.js";
import type { StaffRole } from "../domain/staff-roles.js";
import type { GatewayDatabase } from "../store/database.js";
import type { MemberDirectory } from "./member-directory.js";

export interface SessionServiceDeps {
  store: GatewayDatabase;
  directory: Pick<MemberDirectory, "list">;
  memberId: number;
  memberName: string;
  clock: Clock;
}

/** The staff member a request comes from, as the HTTP layer authenticated it. */
export interface SessionStaff {
  role: StaffRole;
  name: string;
  tokenId: string;
}

/**
 * What the web console asks before and right after login: who a token belongs to, the member directory, and the
 * active members' console URLs (where a token naming another member is sent).
 */
export class SessionService {
  constructor(private readonly deps: SessionServiceDeps) {}

  async me(staff: SessionStaff) {
    const { directory, memberId, memberName } = this.deps;
    const self = (await directory.list()).find((m) => m.id === memberId);
    return { memberId, memberName, memberRoles: self?.roles ?? [], role: staff.role, staffName: staff.name, tokenId: staff.tokenId };
  }

  async members() {
    return { members: await this.deps.directory.list() };
  }

  /** Verified, active members with their console URLs (public metadata). */
  async consoleDirectory() {
    const entries = await this.deps.directory.list();
    return {
      self: this.deps.memberId,
      members: entries.filter((e) => e.verified && e.status === "Active").map((e) => ({ id: e.id, name: e.name, roles: e.roles, gatewayUrl: e.gatewayUrl ?? null })),
    };
  }
}
