import type { ConductReport } from "../domain/conduct/report.js";
import type { Table } from "./table.js";

/**
 * A complaint as the creditor keeps it (docs/design.md §26). The debtor's words and call-back number are sealed with
 * the PII cipher (`sealed`, bound to the complaint id); everything else is what the lists show.
 */
export interface StoredComplaint {
  id: string;
  caseKey: string;
  /** The agency whose letter the complaint came through (the holder it is about). */
  agencyId: number;
  category: string;
  /** PiiCipher.sealJson({ text, callback? }, id). */
  sealed: string;
  receivedAt: string;
  /** The hash of the agency's signed envelope that carried it. */
  envelopeHash: string;
  state: "open" | "closed";
  sharedAt?: string;
  resolution?: string;
  closedAt?: string;
  /** The staff tokens (ids) that shared and closed it. */
  sharedBy?: string;
  closedBy?: string;
}

/**
 * What a holder (an agency) knows of a complaint: that it exists, its category and state, and the text only once the
 * creditor shared it (sealed here too). Kept from the creditor's signed words.
 */
export interface ComplaintNotice {
  id: string;
  caseKey: string;
  creditorId: number;
  category: string;
  state: "open" | "closed";
  receivedAt: string;
  resolution?: string;
  /** PiiCipher.sealJson({ text }, id), once shared. */
  sharedText?: string;
  /** The hash of the creditor's latest signed envelope about it. */
  envelopeHash: string;
  updatedAt: string;
}

/** The `complaints` sublevel: c/id → StoredComplaint (creditor side), n/id → ComplaintNotice, k/caseKey/id → "" (holder side). */
export class ComplaintStore {
  constructor(private readonly table: Table<StoredComplaint | ComplaintNotice | string>) {}

  async complaint(id: string): Promise<StoredComplaint | undefined> {
    return (await this.table.get(`c/${id}`)) as StoredComplaint | undefined;
  }

  putComplaint(complaint: StoredComplaint): Promise<void> {
    return this.table.put(`c/${complaint.id}`, complaint);
  }

  async *complaints(): AsyncGenerator<StoredComplaint> {
    for await (const value of this.table.values({ gt: "c/", lt: "c/\uffff" })) yield value as StoredComplaint;
  }

  async notice(id: string): Promise<ComplaintNotice | undefined> {
    return (await this.table.get(`n/${id}`)) as ComplaintNotice | undefined;
  }

  putNotice(notice: ComplaintNotice): Promise<void> {
    return this.table.putMany([
      [`n/${notice.id}`, notice],
      [`k/${notice.caseKey}/${notice.id}`, ""],
    ]);
  }

  async *notices(): AsyncGenerator<ComplaintNotice> {
    for await (const value of this.table.values({ gt: "n/", lt: "n/\uffff" })) yield value as ComplaintNotice;
  }

  async *noticesOfCase(caseKey: string): AsyncGenerator<ComplaintNotice> {
    for await (const key of this.table.keys({ gt: `k/${caseKey}/`, lt: `k/${caseKey}/\uffff` })) {
      const notice = await this.notice(key.slice(key.lastIndexOf("/") + 1));
      if (notice) yield notice;
    }
  }
}

/** A lexicon version this gateway started using, and the evidence record that notarized its hash. */
export interface LexiconMark {
  version: string;
  hash: string;
  evidenceId: number;
  leafHash: string;
  since: string;
}

/** The lexicon marks share the `complaints` sublevel under l/version: the conduct records of one gateway. */
export class LexiconMarks {
  constructor(private readonly table: Table<LexiconMark>) {}

  get(version: string): Promise<LexiconMark | undefined> {
    return this.table.get(`l/${version}`);
  }

  put(mark: LexiconMark): Promise<void> {
    return this.table.put(`l/${mark.version}`, mark);
  }
}

/** A supervisor's monthly conduct report as built (docs/design.md §26): its hash, the record notarizing it, the report. */
export interface StoredConductReport {
  hash: string;
  month: string;
  evidence: { id: number; leafHash: string };
  report: ConductReport;
}

/** The reports share the `complaints` sublevel under r/hash (the supervisor's side). */
export class SupervisionReports {
  constructor(private readonly table: Table<StoredConductReport>) {}

  get(hash: string): Promise<StoredConductReport | undefined> {
    return this.table.get(`r/${hash}`);
  }

  put(stored: StoredConductReport): Promise<void> {
    return this.table.put(`r/${stored.hash}`, stored);
  }

  all(): AsyncGenerator<StoredConductReport> {
    return this.table.values({ gt: "r/", lt: "r/\uffff" });
  }
}
