import { ROLE, hasRole } from "./member-roles.js";

/** `IMemberRegistry.MemberStatus`, by name, in the enum's order. None: an id never admitted. */
export const MEMBER_STATUSES = ["None", "Active", "Suspended", "Removed"] as const;
export type MemberStatusName = (typeof MEMBER_STATUSES)[number];

export const MEMBER_STATUS = Object.fromEntries(MEMBER_STATUSES.map((name, value) => [name, value])) as {
  readonly [N in MemberStatusName]: number;
};

/** The name of an on-chain member status; a value outside the enum reads as "None" (no such member). */
export function memberStatusName(value: bigint | number): MemberStatusName {
  return MEMBER_STATUSES[Number(value)] ?? "None";
}

/** Active members, and only they, may act; suspended and removed ones can do nothing on chain. */
export function isActiveStatus(status: bigint | number): boolean {
  return Number(status) === MEMBER_STATUS.Active;
}

/** The member as `MemberRegistry.memberOf` returns it (only the fields the rules read). */
export interface MemberStanding {
  status: bigint | number;
  roles: bigint | number;
}

/** Active with every bit of `role`: `MemberRegistry.isActive(id, role)`. */
export function isActiveWithRole(member: MemberStanding, role: number): boolean {
  return isActiveStatus(member.status) && hasRole(member.roles, role);
}

/** An agency that may hold cases: active and holding the AGENCY role (`isAssignedTo` requires both). */
export function isActiveAgency(member: MemberStanding): boolean {
  return isActiveWithRole(member, ROLE.AGENCY);
}

/** `IMemberRegistry.ChangeKind`, by name, in the enum's order: what an operator proposal would change. */
export const CHANGE_KINDS = ["None", "Signer", "Metadata", "Recovery"] as const;
export type ChangeKindName = (typeof CHANGE_KINDS)[number];

/** The name of an on-chain change kind; a value outside the enum reads as "None" (nothing pending). */
export function changeKindName(value: bigint | number): ChangeKindName {
  return CHANGE_KINDS[Number(value)] ?? "None";
}
