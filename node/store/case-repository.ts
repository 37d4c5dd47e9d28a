import type { StoredCase } from "./case-records.js";
import type { StoreBatch } from "./store-batch.js";
import type { KeyRange, Table } from "./table.js";

/** The `cases` sublevel: caseKey → StoredCase (PII sealed), in the binary form of record-encodings.ts. */
export class CaseRepository {
  constructor(private readonly table: Table<StoredCase>) {}

  get(caseKey: string): Promise<StoredCase | undefined> {
    return this.table.get(caseKey);
  }

  getMany(caseKeys: string[]): Promise<Array<StoredCase | undefined>> {
    return this.table.getMany(caseKeys);
  }

  put(stored: StoredCase): Promise<void> {
    return this.table.put(stored.caseKey, stored);
  }

  /** Every case, in caseKey order. */
  all(range: KeyRange = {}): AsyncGenerator<StoredCase> {
    return this.table.values(range);
  }

  keys(): AsyncIterable<string> {
    return this.table.keys();
  }

  putIn(batch: StoreBatch, stored: StoredCase): void {
    this.table.putIn(batch, stored.caseKey, stored);
  }

  /** A case already encoded (writeStoredCase): the ingest seals and encodes each row as it comes. */
  putEncodedIn(batch: StoreBatch, caseKey: string, bytes: Buffer): void {
    this.table.putBytesIn(batch, caseKey, bytes);
  }

  delIn(batch: StoreBatch, caseKey: string): void {
    this.table.delIn(batch, caseKey);
  }
}
