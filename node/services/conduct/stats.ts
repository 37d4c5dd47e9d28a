import type { ContactChannel, PermitRefusal, ViolationKind } from "../../domain/conduct/contact.js";

/**
 * One member's conduct figures for one (agency, lender) pair over [from, to) (docs/design.md §25): counts only — no
 * case key, debtor key or personal data. The supervisor's monthly report (the next section: complaints, text screening, the supervisor) asks each member for them.
 */
export interface ConductFigures {
  /** The agency member that made the contacts. */
  agency: number;
  /** The lender member whose cases they were. */
  lender: number;
  /** Milliseconds since the epoch, [from, to). */
  from: number;
  to: number;
  contactsByChannel: Record<ContactChannel, number>;
  /** Index 0–23: the hour of the contact's start in China time (UTC+8). */
  contactsByChinaHour: number[];
  /** Contacts in which the party was reached (the ones the daily cap counts). */
  connected: number;
  /** Permits refused, by refusal code (CONTACT_DAILY_CAP counts the cap hits). */
  permitsRefused: Record<PermitRefusal, number>;
  violations: Record<ViolationKind, number>;
}

/** The read-only source of a member's conduct figures. */
export interface ConductStats {
  /** One row per (agency, lender) pair with any activity in [from, to). */
  figures(range: { from: number; to: number }): Promise<ConductFigures[]>;
}
