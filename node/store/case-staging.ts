import type { StoredCase } from "./case-records.js";
import type { StoreBatch } from "./store-batch.js";
import { rangeOf, type Table } from "./table.js";

/**
 * The `staging` sublevel: listId/caseKey → StoredCase, the updates of known cases an upload brings, applied
 * once the list is complete.
 */
export class CaseStaging {
  constructor(private readonly table: Table<StoredCase>) {}

  putEncodedIn(batch: StoreBatch, listId: string, caseKey: string, bytes: Buffer): void {
    this.table.putBytesIn(batch, `${listId}/${caseKey}`, bytes);
  }

  putIn(batch: StoreBatch, listId: string, stored: StoredCase): void {
    this.table.putIn(batch, `${listId}/${stored.caseKey}`, stored);
  }

  put(listId: string, stored: StoredCase): Promise<void> {
    return this.table.put(`${listId}/${stored.caseKey}`, stored);
  }

  /** A list's staged cases. */
  of(listId: string): AsyncGenerator<StoredCase> {
    return this.table.values(rangeOf(listId));
  }

  delIn(batch: StoreBatch, listId: string, caseKey: string): void {
    this.table.delIn(batch, `${listId}/${caseKey}`);
  }

  clear(listId: string): Promise<void> {
    return this.table.clear(rangeOf(listId));
  }

  /** Every staged case of every list (tests: nothing is left behind). */
  all(): AsyncGenerator<StoredCase> {
    return this.table.values();
  }
}
