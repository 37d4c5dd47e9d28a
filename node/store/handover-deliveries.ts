import type { Table } from "./table.js";

export interface HandoverDelivery {
  jobId: string;
  agencyId: number;
  state: "pending" | "delivered" | "failed";
  attempts: number;
  packages: Array<{ packageHash: string; cases: number; accepted: number; rejected: number }>;
  lastError?: string;
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
