import { createHash } from "node:crypto";
import { canonicalJson } from "../canonical-json.js";
import type { ContactChannel, PermitRefusal, ViolationKind } from "./contact.js";

/**
 * The supervisor's monthly conduct report (docs/design.md §26): each member's signed statement of its figures, kept
 * whole; counts per (agency, lender) pair only, never a case key or personal data. Its hash is SHA-256 over its
 * canonical JSON (RFC 8785), notarized in the supervisor's evidence log.
 */
export const REPORT_FORMAT = "caseledger-conduct-report/1";

/**
 * One member's conduct figures for one (agency, lender) pair over [from, to) (docs/design.md §25): counts only — no
 * case key, debtor key or personal data. The agency states them (the permits' ConductStats); the supervisor's monthly
 * report (§26) asks each member for them and keeps them whole.
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

/** Complaints a creditor received about one agency in the range: counts only. */
export interface ComplaintFigures {
  agency: number;
  lender: number;
  received: number;
  open: number;
  byCategory: Record<string, number>;
}

/** What a member states for a range: its contact figures (as an agency) and its complaint counts (as a creditor). */
export interface StatsAnswer {
  member: number;
  from: number;
  to: number;
  figures: ConductFigures[];
  complaints: ComplaintFigures[];
}

/** One member's statement: its signed answer envelope whole (caseledger-peer/1), or why there is none. */
export interface MemberStatement {
  member: number;
  answer?: {
    envelope: { format: string; kind: string; from: number; to: number; id: string; sentAt: string; inReplyTo?: string; body?: StatsAnswer };
    hash: string;
    signature: string;
  };
  problem?: string;
}

export interface ConductReport {
  format: typeof REPORT_FORMAT;
  supervisor: number;
  month: string;
  from: number;
  to: number;
  generatedAt: string;
  statements: MemberStatement[];
}

export const reportHash = (report: ConductReport): string => `0x${createHash("sha256").update(canonicalJson(report)).digest("hex")}`;

/** Per (agency, lender) pair, the figures of every statement added up: what the dashboard and the PDF show. */
export interface PairTotals {
  agency: number;
  lender: number;
  /** Which members stated figures for this pair. */
  statedBy: number[];
  contacts: number;
  connected: number;
  capHits: number;
  refusals: number;
  violations: number;
  complaints: number;
  openComplaints: number;
  byChinaHour: number[];
}

const sum = (values: Record<string, number>) => Object.values(values).reduce((a, b) => a + b, 0);

export function pairTotals(report: ConductReport): PairTotals[] {
  const rows = new Map<string, PairTotals>();
  const row = (agency: number, lender: number) => {
    const key = `${agency}/${lender}`;
    let r = rows.get(key);
    if (!r) rows.set(key, (r = { agency, lender, statedBy: [], contacts: 0, connected: 0, capHits: 0, refusals: 0, violations: 0, complaints: 0, openComplaints: 0, byChinaHour: Array.from({ length: 24 }, () => 0) }));
    return r;
  };
  const stated = (r: PairTotals, member: number) => {
    if (!r.statedBy.includes(member)) r.statedBy.push(member);
  };
  for (const s of report.statements) {
    const body = s.answer?.envelope.body;
    if (!body) continue;
    for (const f of body.figures) {
      const r = row(f.agency, f.lender);
      stated(r, s.member);
      r.contacts += sum(f.contactsByChannel);
      r.connected += f.connected;
      r.capHits += f.permitsRefused.CONTACT_DAILY_CAP ?? 0;
      r.refusals += sum(f.permitsRefused);
      r.violations += sum(f.violations);
      f.contactsByChinaHour.forEach((n, h) => (r.byChinaHour[h] = (r.byChinaHour[h] ?? 0) + n));
    }
    for (const c of body.complaints) {
      const r = row(c.agency, c.lender);
      stated(r, s.member);
      r.complaints += c.received;
      r.openComplaints += c.open;
    }
  }
  return [...rows.values()].sort((a, b) => a.agency - b.agency || a.lender - b.lender);
}
