import type { StoreBatch } from "./store-batch.js";
import { pad, type Table } from "./table.js";

/** A permit this gateway issued (the signed document as issued) and what became of it. */
export interface StoredPermit {
  permit: { v: 1; permitId: string; agency: number; caseKey: string; channel: string; day: string; issuedAt: number; expiresAt: number; textSha256?: string };
  digest: string;
  signature: string;
  /** The case's creditor (for the figures per lender). */
  creditorId: number;
  debtorKey: string;
  /** The log entry that cited it (a permit covers one contact). */
  usedBy?: string;
}

/** One logged contact (docs/design.md §25): data only, no personal data of the contacted party. */
export interface ContactEntry {
  entryId: string;
  caseKey: string;
  creditorId: number;
  channel: string;
  party: string;
  startedAt: string;
  durationSeconds: number;
  outcome: string;
  promise?: { dueDate: string; amountFen: string };
  collector: string;
  permitId?: string;
  /** The recording or the text in this member's evidence log. */
  evidence?: { id: number; leafHash: string };
  /** What the entry is flagged for (empty: a clean contact). */
  violations: string[];
  recordedAt: string;
  by?: string;
}

/** A permit refused, counted for the figures (no case key). */
export interface PermitRefusalMark {
  at: number;
  creditorId: number;
  code: string;
}

type Value = StoredPermit | ContactEntry | { dueDate: string; entryId: string } | string | PermitRefusalMark;

const START_WIDTH = 15;

/**
 * The `contacts` sublevel (agency side): `e/entryId` → ContactEntry, `k/permitId` → StoredPermit, `p/caseKey` → the
 * latest promise to pay, `c/collector/start/entryId` → entryId (a collector's live contacts in time order, for the
 * overlap check), `r/at/permitId` → PermitRefusalMark.
 */
export class ContactLog {
  constructor(private readonly table: Table<Value>) {}

  async permit(permitId: string): Promise<StoredPermit | undefined> {
    return (await this.table.get(`k/${permitId}`)) as StoredPermit | undefined;
  }

  putPermit(p: StoredPermit): Promise<void> {
    return this.table.put(`k/${p.permit.permitId}`, p);
  }

  putPermitIn(batch: StoreBatch, p: StoredPermit): void {
    this.table.putIn(batch, `k/${p.permit.permitId}`, p);
  }

  putRefusal(mark: PermitRefusalMark, id: string): Promise<void> {
    return this.table.put(`r/${pad(mark.at, START_WIDTH)}/${id}`, mark);
  }

  async *refusals(from: number, to: number): AsyncGenerator<PermitRefusalMark> {
    for await (const v of this.table.values({ gte: `r/${pad(from, START_WIDTH)}`, lt: `r/${pad(to, START_WIDTH)}` })) yield v as PermitRefusalMark;
  }

  async entry(entryId: string): Promise<ContactEntry | undefined> {
    return (await this.table.get(`e/${entryId}`)) as ContactEntry | undefined;
  }

  /** The entry, its place in its collector's timeline, and the case's promise when it makes one. */
  putEntryIn(batch: StoreBatch, e: ContactEntry): void {
    this.table.putIn(batch, `e/${e.entryId}`, e);
    this.table.putIn(batch, `c/${e.collector}/${pad(Date.parse(e.startedAt), START_WIDTH)}/${e.entryId}`, e.entryId);
    if (e.promise) this.table.putIn(batch, `p/${e.caseKey}`, { dueDate: e.promise.dueDate, entryId: e.entryId });
  }

  /** The ids of a collector's contacts that started in [from, to). */
  async *collectorEntries(collector: string, from: number, to: number): AsyncGenerator<string> {
    for await (const v of this.table.values({ gte: `c/${collector}/${pad(Math.max(0, from), START_WIDTH)}`, lt: `c/${collector}/${pad(Math.max(0, to), START_WIDTH)}` })) yield v as string;
  }

  async promise(caseKey: string): Promise<{ dueDate: string; entryId: string } | undefined> {
    return (await this.table.get(`p/${caseKey}`)) as { dueDate: string; entryId: string } | undefined;
  }

  async *entries(): AsyncGenerator<ContactEntry> {
    for await (const v of this.table.values({ gte: "e/", lt: "e0" })) yield v as ContactEntry;
  }
}
