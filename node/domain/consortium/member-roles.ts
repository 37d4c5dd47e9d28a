/**
 * The role bits of `MemberRoles` (MemberRegistry). A member may hold several: an AMC that buys a package and also
 * collects is LENDER | AGENCY. OPERATOR grants nothing in governance; it marks the operator's own member. SUPERVISOR
 * (a regulator or an industry association) may ask members for conduct figures, never personal data (docs/design.md §26).
 * MEDIATOR (a mediation body, 调解组织) co-signs mediation agreements between a lender and a debtor (§28).
 */
export const ROLE = { LENDER: 1, AGENCY: 2, COURT: 4, OPERATOR: 8, SUPERVISOR: 16, MEDIATOR: 32 } as const;

/** Every known bit: the registry rejects a roles mask with any other bit. */
export const ALL_ROLES = ROLE.LENDER | ROLE.AGENCY | ROLE.COURT | ROLE.OPERATOR | ROLE.SUPERVISOR | ROLE.MEDIATOR;

/** The bit of each role by the lower-case name the gateway's staff tokens and config use. */
export const ROLE_BY_NAME = { lender: ROLE.LENDER, agency: ROLE.AGENCY, court: ROLE.COURT, operator: ROLE.OPERATOR, supervisor: ROLE.SUPERVISOR, mediator: ROLE.MEDIATOR } as const;
export type RoleName = keyof typeof ROLE_BY_NAME;

export function isRoleName(name: string): name is RoleName {
  return Object.hasOwn(ROLE_BY_NAME, name);
}

/** Whether the bitmask `roles` holds every bit of `role`, as `MemberRegistry.isActive` reads it. */
export function hasRole(roles: bigint | number, role: number): boolean {
  const bits = Number(roles);
  return (bits & role) === role;
}

/**
 * Whether a member with `roles` needs the consortium pepper: lenders and agencies compute case and debtor keys; a
 * court, a supervisor, a mediator (or the operator's own member) computes none. Unknown or empty roles need it too, so that a gateway never
 * runs keyless because the chain could not be read.
 */
export function needsPepper(roles: number | undefined): boolean {
  if (roles === undefined || roles === 0) return true;
  return (roles & (ROLE.LENDER | ROLE.AGENCY)) !== 0;
}
