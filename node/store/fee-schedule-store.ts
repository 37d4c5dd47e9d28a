import type { FeeScheduleJson } from "../domain/fees/fee-schedule.js";
import type { StoredPeerEnvelope } from "./peer-outbox.js";
import type { Table } from "./table.js";

/**
 * A fee schedule as one member's gateway keeps it (both the lender's and the agency's, docs/design.md §23):
 * proposed (lender) or received (agency) until the agency accepts; agreed when both signatures exist — the lender's
 * signed `fee-schedule.propose` and the agency's signed `fee-schedule.accept`. A state only ever moves forward; a new
 * version is a new record, and nothing is deleted.
 */
export interface StoredFeeSchedule {
  /** "0x" + SHA-256 of the schedule's canonical JSON: its id on both gateways. */
  hash: string;
  schedule: FeeScheduleJson;
  /** proposed/received → agreed. */
  state: "proposed" | "received" | "agreed";
  /** The lender's signed proposal (the request it sent; the agency keeps the one it received). */
  proposal?: StoredPeerEnvelope;
  /** The agency's signed acceptance, and the lender's signed answer to it. */
  acceptance?: StoredPeerEnvelope;
  acceptanceAnswer?: StoredPeerEnvelope;
  /** The evidence record that notarizes the agreement in this member's log. */
  evidenceId?: number;
  /** The last delivery problem of the proposal (lender side), if it has not arrived. */
  deliveryError?: string;
  createdAt: string;
  updatedAt: string;
}

/** The `feeSchedules` sublevel: hash → StoredFeeSchedule. */
export class FeeScheduleStore {
  constructor(private readonly table: Table<StoredFeeSchedule>) {}

  get(hash: string): Promise<StoredFeeSchedule | undefined> {
    return this.table.get(hash);
  }

  put(record: StoredFeeSchedule): Promise<void> {
    return this.table.put(record.hash, record);
  }

  /** Every schedule of the pairs `filter` selects, by version. */
  async list(filter: { creditorId?: number; agencyId?: number } = {}): Promise<StoredFeeSchedule[]> {
    const out: StoredFeeSchedule[] = [];
    for await (const record of this.table.values()) {
      if (filter.creditorId !== undefined && record.schedule.creditorId !== filter.creditorId) continue;
      if (filter.agencyId !== undefined && record.schedule.agencyId !== filter.agencyId) continue;
      out.push(record);
    }
    return out.sort((a, b) => a.schedule.creditorId - b.schedule.creditorId || a.schedule.agencyId - b.schedule.agencyId || a.schedule.version - b.schedule.version);
  }
}
