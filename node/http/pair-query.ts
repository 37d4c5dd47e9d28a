/** A member id from the query, or undefined (absent or not a positive integer). */
function memberIdQuery(value: unknown): number | undefined {
  return typeof value === "string" && /^[1-9]\d{0,9}$/.test(value) ? Number(value) : undefined;
}

/**
 * The (creditor, agency) pair a list of fee schedules or statements is narrowed to (`?creditorId=&agencyId=`): each
 * present only when the query gives a positive integer for it.
 */
export function pairQuery(query: { creditorId?: unknown; agencyId?: unknown }): { creditorId?: number; agencyId?: number } {
  const creditorId = memberIdQuery(query.creditorId);
  const agencyId = memberIdQuery(query.agencyId);
  return { ...(creditorId ? { creditorId } : {}), ...(agencyId ? { agencyId } : {}) };
}
