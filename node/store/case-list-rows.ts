import type { StoredReportRow } from "./case-records.js";
import { type GatewayDatabase, rangeOf } from "./database.js";

export interface ReportRowFilter {
  status?: StoredReportRow["status"];
  /** Rows with an error or warning of this code. */
  code?: string;
  /** Rows after this physical line. */
  afterLine?: number;
}

/** A list's report rows in file order, filtered, streamed from their stored chunks. */
export async function* readReportRows(
  store: GatewayDatabase,
  listId: string,
  filter: ReportRowFilter = {},
): AsyncGenerator<StoredReportRow> {
  for await (const value of store.sub.listRows.values(rangeOf(listId))) {
    for (const row of value as StoredReportRow[]) {
      if (filter.afterLine !== undefined && row.line <= filter.afterLine) continue;
      if (filter.status && row.status !== filter.status) continue;
      if (filter.code && !row.errors.some((e) => e.code === filter.code) && !row.warnings.some((w) => w.code === filter.code)) {
        continue;
      }
      yield row;
    }
  }
}
