import type { StoreBatch } from "./store-batch.js";
import type { Table } from "./table.js";

export interface HandoverReceipt {
  packageHash: string;
  accepted: number;
  rejected: Array<{ caseKey: string; reason: string }>;
}

export interface StoredHandoverReceipt extends HandoverReceipt {
  creditorId: number;
  receivedAt: string;
}

/** The `handoverReceipts` sublevel: packageHash → what the agency made of a package, kept for good (no replay). */
export class HandoverReceipts {
  constructor(private readonly table: Table<StoredHandoverReceipt>) {}

  get(packageHash: string): Promise<StoredHandoverReceipt | undefined> {
    return this.table.get(packageHash);
  }

  putIn(batch: StoreBatch, receipt: StoredHandoverReceipt): void {
    this.table.putIn(batch, receipt.packageHash, receipt);
  }

  async count(): Promise<number> {
    let n = 0;
    for await (const _ of this.table.keys()) n++;
    return n;
  }
}
