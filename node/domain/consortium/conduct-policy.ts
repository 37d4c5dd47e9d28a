/**
 * The consortium's conduct policy (docs/design.md §25): when an agency may contact a debtor, how many connected
 * contacts a debtor takes a day from all agencies together, and what pauses contact. These are the defaults a
 * consortium starts with; the policy in force is the operator's on chain, and a lender may publish stricter hours.
 */
export interface ConductPolicy {
  /** Contacts may start from this minute of the day (debtor's local time, China time: UTC+8) … */
  allowedFromMinute: number;
  /** … until before this minute. */
  allowedToMinute: number;
  /** Connected contacts with one debtor per China day, over every agency of every lender. */
  dailyCap: number;
  /** No permit while the debtor has an open complaint about the case. */
  pauseOnComplaint: boolean;
  /** No permit while a promise to pay on the case is not yet due. */
  pauseOnPromise: boolean;
  /** Refuse (true) or grant (false) when another holder's tally cannot be current. */
  failClosed: boolean;
}

/** 08:00–22:00 China time, three connected contacts a day, both pauses on, closed when a tally is stale. */
export const DEFAULT_CONDUCT_POLICY: ConductPolicy = {
  allowedFromMinute: 8 * 60,
  allowedToMinute: 22 * 60,
  dailyCap: 3,
  pauseOnComplaint: true,
  pauseOnPromise: true,
  failClosed: true,
};

/** The highest daily cap a policy may set (a cap that is no cap is not a policy). */
export const MAX_DAILY_CAP = 20;

/** Whether `p` is a well-formed policy: a non-empty window inside one day, a cap 1…MAX_DAILY_CAP. */
export function isConductPolicy(p: ConductPolicy): boolean {
  const minute = (m: number) => Number.isSafeInteger(m) && m >= 0 && m <= 24 * 60;
  return minute(p.allowedFromMinute) && minute(p.allowedToMinute) && p.allowedFromMinute < p.allowedToMinute && Number.isSafeInteger(p.dailyCap) && p.dailyCap >= 1 && p.dailyCap <= MAX_DAILY_CAP;
}

/** Whether a lender's hours [from, to) are within the consortium's (only stricter hours are accepted). */
export const isStricterHours = (policy: ConductPolicy, from: number, to: number): boolean =>
  Number.isSafeInteger(from) && Number.isSafeInteger(to) && from < to && from >= policy.allowedFromMinute && to <= policy.allowedToMinute;
