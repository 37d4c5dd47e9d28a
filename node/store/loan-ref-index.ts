import type { StoreBatch } from "./store-batch.js";
import type { Table } from "./table.js";

/** The `loanRefs` sublevel: originatorId/loanRef → caseKey (a lender's own reference of a loan, to its case). */
export class LoanRefIndex {
  constructor(private readonly table: Table<string>) {}

  static key(originatorId: number, loanRef: string): string {
    return `${originatorId}/${loanRef}`;
  }

  caseKeyOf(originatorId: number, loanRef: string): Promise<string | undefined> {
    return this.table.get(LoanRefIndex.key(originatorId, loanRef));
  }

  /** Keys made with {@link LoanRefIndex.key}: the ingest builds them once per row. */
  caseKeysOf(keys: string[]): Promise<Array<string | undefined>> {
    return this.table.getMany(keys);
  }

  put(originatorId: number, loanRef: string, caseKey: string): Promise<void> {
    return this.table.put(LoanRefIndex.key(originatorId, loanRef), caseKey);
  }

  putIn(batch: StoreBatch, originatorId: number, loanRef: string, caseKey: string): void {
    this.table.putIn(batch, LoanRefIndex.key(originatorId, loanRef), caseKey);
  }

  putKeyIn(batch: StoreBatch, key: string, caseKey: string): void {
    this.table.putIn(batch, key, caseKey);
  }

  /** Every entry, key → caseKey (tests: nothing is left behind). */
  entries(): AsyncGenerator<[string, string]> {
    return this.table.entries();
  }

  delIn(batch: StoreBatch, originatorId: number, loanRef: string): void {
    this.table.delIn(batch, LoanRefIndex.key(originatorId, loanRef));
  }
}
