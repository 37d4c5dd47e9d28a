import { hasRole, isRoleName, MEMBER_STATUS, ROLE_BY_NAME } from "../domain/consortium/index.js";
import { DEFAULTS } from "../config.js";

/** This gateway's own member as MemberRegistry has it: status and roles. */
export type MemberState = "active" | "suspended" | "removed" | "unknown";

const STATES: Record<number, MemberState> = {
  [MEMBER_STATUS.Active]: "active",
  [MEMBER_STATUS.Suspended]: "suspended",
  [MEMBER_STATUS.Removed]: "removed",
};

export interface MemberStatusDeps {
  /** `MemberRegistry.memberOf(id)`: the status (MEMBER_STATUS) and the role bitmask. */
  memberOf(memberId: number): Promise<{ status: bigint | number; roles: bigint | number }>;
  memberId: number;
  /** How often the chain is asked again (default 10 s). */
  refreshMs?: number;
}

/**
 * The member's standing, read from the chain in the background and answered from memory, so that checking it on
 * every request costs nothing. A suspension takes effect within `refreshMs`. While the chain has not answered yet
 * (node down at start) the state is "unknown", which the HTTP layer lets through: the contracts refuse a suspended
 * member's transactions anyway, and reads of its own store should not depend on the chain node being up.
 */
export class MemberStatus {
  #state: MemberState = "unknown";
  #roles: number | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: MemberStatusDeps) {}

  get state(): MemberState {
    return this.#state;
  }

  /** Whether the member holds an on-chain role (lender, agency, court); undefined while unknown. */
  holdsRole(role: string): boolean | undefined {
    if (this.#roles === undefined) return undefined;
    return isRoleName(role) && hasRole(this.#roles, ROLE_BY_NAME[role]);
  }

  /** Asks the chain now; keeps the last known state when it cannot be reached. */
  async refresh(): Promise<MemberState> {
    try {
      const member = await this.deps.memberOf(this.deps.memberId);
      this.#state = STATES[Number(member.status)] ?? "removed";
      this.#roles = Number(member.roles);
    } catch {
      // keep what we knew
    }
    return this.#state;
  }

  /** First read (bounded by `timeoutMs`), then a refresh every `refreshMs`. */
  async start(timeoutMs: number = DEFAULTS.timeouts.quickRpcMs): Promise<void> {
    await Promise.race([this.refresh(), new Promise((resolve) => setTimeout(resolve, timeoutMs).unref())]);
    this.#timer = setInterval(() => void this.refresh(), this.deps.refreshMs ?? DEFAULTS.timeouts.memberStatusRefreshMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
  }
}
