import type { AcceptanceMethod, MediationAgreement } from "../domain/mediation/agreement.js";
import type { StoredPeerEnvelope } from "./peer-outbox.js";
import type { Table } from "./table.js";

/**
 * A mediation agreement as one member's gateway keeps it (docs/design.md §28): the creditor's side (draft →
 * requested → signed → effective, or refused) and the mediator's (received → signed, or refused). No personal data:
 * the agreement names the debtor by role; the debtor's name and ID number stay in the case record.
 */
export type MediationState = "draft" | "requested" | "received" | "signed" | "refused" | "effective";

export interface StoredMediation {
  /** "0x" + SHA-256 of the agreement's canonical JSON: its id on both gateways, and what both members sign. */
  hash: string;
  agreement: MediationAgreement;
  /** Which party this gateway is. */
  side: "creditor" | "mediator";
  state: MediationState;
  /** EIP-191 signatures of the 32 hash bytes by the creditor's and the mediator's registered keys. */
  creditorSignature?: string;
  mediatorSignature?: string;
  /** The creditor's signed request (caseledger-peer/1) and the mediator's signed approval or refusal. */
  request?: StoredPeerEnvelope;
  answer?: StoredPeerEnvelope;
  refusal?: { reason: string; at: string };
  /** The debtor's acceptance: how, and the evidence record of its file in the creditor's log. */
  acceptance?: { method: AcceptanceMethod; evidenceId: number; leafHash: string; contentSha256: string; recordedAt: string };
  /** The evidence record notarizing the agreement with both signatures (and, at the creditor, the acceptance). */
  evidenceId?: number;
  leafHash?: string;
  createdAt: string;
  updatedAt: string;
}

/** The `mediations` sublevel: hash → StoredMediation. */
export class MediationStore {
  constructor(private readonly table: Table<StoredMediation>) {}

  get(hash: string): Promise<StoredMediation | undefined> {
    return this.table.get(hash);
  }

  put(record: StoredMediation): Promise<void> {
    return this.table.put(record.hash, record);
  }

  /** Every agreement kept here, newest first, optionally of one case or in one state. */
  async list(filter: { caseKey?: string; state?: MediationState } = {}): Promise<StoredMediation[]> {
    const out: StoredMediation[] = [];
    for await (const record of this.table.values()) {
      if (filter.caseKey !== undefined && record.agreement.caseKey !== filter.caseKey) continue;
      if (filter.state !== undefined && record.state !== filter.state) continue;
      out.push(record);
    }
    return out.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
  }
}
