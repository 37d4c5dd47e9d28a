import { canonicalDigest } from "../canonical-json.js";
import type { ConductPolicy } from "../consortium/conduct-policy.js";
import { CST_OFFSET_MS } from "../fees/month.js";
import type { ContactChannel, PermitRefusal } from "./contact.js";

/**
 * Contact permits (docs/design.md §25): the rules a permit is granted by, and the permit itself — a short-lived
 * statement, signed with the agency gateway's member key, that this agency may contact this case's party on this
 * channel now. Pure: the service gathers the facts (holding, tally, complaint, promise) and this decides.
 */

/** The minute of the China-time day of an instant (0…1439). */
export function chinaMinuteOf(ms: number): number {
  const d = new Date(ms + CST_OFFSET_MS);
  return d.getUTCHours() * 60 + d.getUTCMinutes();
}

/** The hour (0…23) of an instant in China time. */
export const chinaHourOf = (ms: number): number => Math.floor(chinaMinuteOf(ms) / 60);

/** The allowed window for a case: the consortium's, narrowed by its lender's published hours (only ever stricter). */
export function allowedHours(policy: ConductPolicy, lenderHours?: { from: number; to: number }): { from: number; to: number } {
  if (!lenderHours) return { from: policy.allowedFromMinute, to: policy.allowedToMinute };
  return { from: Math.max(policy.allowedFromMinute, lenderHours.from), to: Math.min(policy.allowedToMinute, lenderHours.to) };
}

export const withinHours = (hours: { from: number; to: number }, ms: number): boolean => {
  const minute = chinaMinuteOf(ms);
  return minute >= hours.from && minute < hours.to;
};

/** The facts a permit is decided on, gathered by the service at `now`. */
export interface PermitFacts {
  now: number;
  policy: ConductPolicy;
  lenderHours?: { from: number; to: number };
  /** The chain says this agency holds the case now (isHeldAt, node/domain/consortium). */
  held: boolean;
  /** Connected contacts and open reservations with the debtor today, over every agency (this one's included). */
  countToday: number;
  /** Another holder's tally may not be current (our increments to it undelivered beyond the staleness). */
  stale: boolean;
  openComplaint: boolean;
  promisePending: boolean;
}

/** The first rule a contact now would break, or undefined: the permit may be granted. */
export function permitRefusal(f: PermitFacts): PermitRefusal | undefined {
  if (!f.held) return "CONTACT_NOT_HELD";
  if (!withinHours(allowedHours(f.policy, f.lenderHours), f.now)) return "CONTACT_QUIET_HOURS";
  if (f.policy.pauseOnComplaint && f.openComplaint) return "CONTACT_OPEN_COMPLAINT";
  if (f.policy.pauseOnPromise && f.promisePending) return "CONTACT_PROMISE_PENDING";
  if (f.countToday >= f.policy.dailyCap) return "CONTACT_DAILY_CAP";
  if (f.stale && f.policy.failClosed) return "CONTACT_TALLY_STALE";
  return undefined;
}

/** What a permit says; its digest is what the agency's member key signs. */
export interface Permit {
  v: 1;
  permitId: string;
  /** The agency member the permit is for (its gateway signed it). */
  agency: number;
  caseKey: string;
  channel: ContactChannel;
  /** The China day whose tally holds its reservation. */
  day: string;
  issuedAt: number;
  expiresAt: number;
  /** SHA-256 of the text a text channel will send (0x hex), when the request carried one. */
  textSha256?: string;
}

export interface SignedPermit {
  permit: Permit;
  /** SHA-256 of the permit's canonical JSON (0x hex). */
  digest: string;
  /** The agency's registered secp256k1 key, uncompressed (0x04…): its address is the member's signer on chain. */
  publicKey: string;
  /** ECDSA (secp256k1) over the digest: r ‖ s, 0x + 128 hex. */
  signature: string;
}

export const permitDigest = (permit: Permit): string => canonicalDigest(permit);

/** Why a logged contact's permit does not cover it, or undefined when it does. */
export function permitMismatch(
  permit: Permit,
  contact: { agency: number; caseKey: string; channel: ContactChannel; startedAt: number },
  maxSkewMs: number,
): "permit_expired" | "permit_mismatch" | undefined {
  if (permit.agency !== contact.agency || permit.caseKey !== contact.caseKey || permit.channel !== contact.channel) return "permit_mismatch";
  if (contact.startedAt > permit.expiresAt || contact.startedAt < permit.issuedAt - maxSkewMs) return "permit_expired";
  return undefined;
}
