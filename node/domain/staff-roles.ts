/** What a staff member may do at their member's gateway. */
export const STAFF_ROLES = ["admin", "lender", "agency", "court", "supervisor", "mediator"] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];
