/**
 * What a contact with a debtor is, as data (docs/design.md §25): the channels, the parties reached and the outcomes an
 * agency records, the codes a permit is refused with and the kinds of violation a contact log entry can carry. Pure:
 * every other module (services, routers, the CLI, the supervisor's report) reads these lists from here.
 */

/** How the agency reached out. */
export const CONTACT_CHANNELS = ["call", "sms", "letter", "visit", "app", "email"] as const;
export type ContactChannel = (typeof CONTACT_CHANNELS)[number];
export const isContactChannel = (v: unknown): v is ContactChannel => (CONTACT_CHANNELS as readonly unknown[]).includes(v);

/** Channels whose content is a text the agency writes in advance: its permit request carries the text (screened). */
export const TEXT_CHANNELS: readonly ContactChannel[] = ["sms", "letter", "app", "email"];
export const isTextChannel = (c: ContactChannel): boolean => TEXT_CHANNELS.includes(c);

/** Whom the contact reached. Only the debtor may hear about the debt. */
export const CONTACT_PARTIES = ["debtor", "emergency_contact", "third_party"] as const;
export type ContactParty = (typeof CONTACT_PARTIES)[number];
export const isContactParty = (v: unknown): v is ContactParty => (CONTACT_PARTIES as readonly unknown[]).includes(v);

/** How it went. `connected` and `promise_to_pay`, `refused`, `dispute_raised` count against the daily cap. */
export const CONTACT_OUTCOMES = ["connected", "no_answer", "promise_to_pay", "refused", "wrong_number", "dispute_raised"] as const;
export type ContactOutcome = (typeof CONTACT_OUTCOMES)[number];
export const isContactOutcome = (v: unknown): v is ContactOutcome => (CONTACT_OUTCOMES as readonly unknown[]).includes(v);
/** The outcomes in which the party was reached: these are the "connected contacts" the daily cap counts. */
export const isConnectedOutcome = (o: ContactOutcome): boolean => o !== "no_answer" && o !== "wrong_number";

/** Why a permit is refused (the API's error codes, one per rule). */
export const PERMIT_REFUSALS = [
  "CONTACT_NOT_HELD",
  "CONTACT_QUIET_HOURS",
  "CONTACT_DAILY_CAP",
  "CONTACT_TALLY_STALE",
  "CONTACT_OPEN_COMPLAINT",
  "CONTACT_PROMISE_PENDING",
  "CONTACT_TEXT_REFUSED",
] as const;
export type PermitRefusal = (typeof PERMIT_REFUSALS)[number];

/** What a logged contact is flagged for. */
export const VIOLATION_KINDS = [
  "no_permit",
  "permit_expired",
  "permit_reused",
  "permit_mismatch",
  "third_party_disclosure",
  "quiet_hours",
] as const;
export type ViolationKind = (typeof VIOLATION_KINDS)[number];
