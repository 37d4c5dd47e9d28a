import type { StatementDocument } from "../domain/fees/statement-document.js";
import type { StoredPeerEnvelope } from "./peer-outbox.js";
import type { Table } from "./table.js";

export interface DisputedLine {
  lineId: string;
  reason: string;
}

/**
 * A monthly statement as one member's gateway keeps it (docs/design.md §23). The document never changes once stored
 * (its hash is its id); what happens to it is added beside it: the creditor's signed issue, the agency's signed
 * acceptance or dispute and the other side's signed answer, the evidence record. A correction is a new statement that
 * names this one in `supersedes`.
 */
export interface StoredStatement {
  hash: string;
  doc: StatementDocument;
  /** issued (creditor: sent) / received (agency) → accepted or disputed. */
  state: "issued" | "received" | "accepted" | "disputed";
  issue?: StoredPeerEnvelope;
  issueAnswer?: StoredPeerEnvelope;
  decision?: StoredPeerEnvelope;
  decisionAnswer?: StoredPeerEnvelope;
  disputes?: DisputedLine[];
  evidenceId?: number;
  /** Creditor: a code when the agency's gateway refused the statement or a part, or delivery ran out of attempts. */
  deliveryError?: string;
  /** Creditor: when the agency's gateway said it holds every part and took the whole. */
  deliveredAt?: string;
  createdAt: string;
  updatedAt: string;
}

/** What a list shows of a statement: everything but its lines. */
export type StatementSummary = Omit<StoredStatement, "doc" | "issue" | "issueAnswer" | "decision" | "decisionAnswer"> & {
  creditorId: number;
  agencyId: number;
  month: string;
  supersedes: string;
  totals: StatementDocument["totals"];
};

/** The `statements` sublevel: hash → StoredStatement. */
export class StatementStore {
  constructor(private readonly table: Table<StoredStatement>) {}

  get(hash: string): Promise<StoredStatement | undefined> {
    return this.table.get(hash);
  }

  put(record: StoredStatement): Promise<void> {
    return this.table.put(record.hash, record);
  }

  async list(filter: { creditorId?: number; agencyId?: number; month?: string } = {}): Promise<StatementSummary[]> {
    const out: StatementSummary[] = [];
    for await (const record of this.table.values()) {
      const { doc } = record;
      if (filter.creditorId !== undefined && doc.creditorId !== filter.creditorId) continue;
      if (filter.agencyId !== undefined && doc.agencyId !== filter.agencyId) continue;
      if (filter.month !== undefined && doc.month !== filter.month) continue;
      const { doc: _doc, issue: _i, issueAnswer: _a, decision: _d, decisionAnswer: _da, ...rest } = record;
      out.push({ ...rest, creditorId: doc.creditorId, agencyId: doc.agencyId, month: doc.month, supersedes: doc.supersedes, totals: doc.totals });
    }
    return out.sort((a, b) => (a.month < b.month ? 1 : a.month > b.month ? -1 : a.createdAt < b.createdAt ? 1 : -1));
  }
}
