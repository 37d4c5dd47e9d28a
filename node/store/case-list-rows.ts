import type { StoredReportRow } from "./case-records.js";
import type { StoreBatch } from "./store-batch.js";
import { pad, rangeOf, type Table } from "./table.js";

export interface ReportRowFilter {
  status?: StoredReportRow["status"];
  /** Rows with an error or warning of this code. */
  code?: string;
  /** Rows after this physical line. */
  afterLine?: number;
}

/** The `listRows` sublevel: listId/chunk(10) → StoredReportRow[] (the report of a list, in file order, a chunk per write). */
export class ReportRowStore {
  constructor(private readonly table: Table<StoredReportRow[]>) {}

  /** A chunk as ReportChunkWriter gives it: its stored bytes, or the rows when they did not fit the binary form. */
  putChunkIn(batch: StoreBatch, listId: string, chunk: number, value: Buffer | StoredReportRow[]): void {
    const key = `${listId}/${pad(chunk)}`;
    if (Buffer.isBuffer(value)) this.table.putBytesIn(batch, key, value);
    else this.table.putIn(batch, key, value);
  }

  put(listId: string, chunk: number, rows: StoredReportRow[]): Promise<void> {
    return this.table.put(`${listId}/${pad(chunk)}`, rows);
  }

  /** A list's report rows in file order, filtered, streamed from their stored chunks. */
  async *rows(listId: string, filter: ReportRowFilter = {}): AsyncGenerator<StoredReportRow> {
    for await (const value of this.table.values(rangeOf(listId))) {
      for (const row of value) {
        if (filter.afterLine !== undefined && row.line <= filter.afterLine) continue;
        if (filter.status && row.status !== filter.status) continue;
        if (filter.code && !row.errors.some((e) => e.code === filter.code) && !row.warnings.some((w) => w.code === filter.code)) {
          continue;
        }
        yield row;
      }
    }
  }

  /** How many chunks a list has stored (tests: a rollback leaves none). */
  async chunkCount(listId: string): Promise<number> {
    let n = 0;
    for await (const _ of this.table.keys(rangeOf(listId))) n++;
    return n;
  }

  clear(listId: string): Promise<void> {
    return this.table.clear(rangeOf(listId));
  }
}
