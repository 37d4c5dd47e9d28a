import type { Table } from "./table.js";

export interface HandoverDelivery {
  jobId: string;
  agencyId: number;
  /**
   * pending: to be tried (at `nextAttemptAt`); delivered: every package acknowledged; cancelled: the chain no longer
   * backs it (nothing sent); dead-letter: the attempts ran out (retried by hand); failed: a state of older versions.
   */
  state: "pending" | "delivered" | "failed" | "cancelled" | "dead-letter";
  attempts: number;
  /** `ackHash`: the agency's signed acknowledgement (absent in deliveries recorded before acknowledgements). */
  packages: Array<{ packageHash: string; ackHash?: string; cases: number; accepted: number; rejected: number }>;
  lastError?: string;
  /** When a pending delivery is tried next (absent: at once). */
  nextAttemptAt?: string;
  updatedAt: string;
}

/** The `handoverDeliveries` sublevel: jobId → HandoverDelivery (the lender's handovers to send, and how they went). */
export class HandoverDeliveries {
  constructor(private readonly table: Table<HandoverDelivery>) {}

  get(jobId: string): Promise<HandoverDelivery | undefined> {
    return this.table.get(jobId);
  }

  put(delivery: HandoverDelivery): Promise<void> {
    return this.table.put(delivery.jobId, delivery);
  }

  all(): AsyncGenerator<HandoverDelivery> {
    return this.table.values();
  }
}
