import type { CaseListSummary } from "./case-records.js";
import type { Table } from "./table.js";

/** The `lists` sublevel: listId → CaseListSummary. List ids are time-ordered. */
export class CaseListRepository {
  constructor(private readonly table: Table<CaseListSummary>) {}

  get(listId: string): Promise<CaseListSummary | undefined> {
    return this.table.get(listId);
  }

  put(summary: CaseListSummary): Promise<void> {
    return this.table.put(summary.id, summary);
  }

  /** The newest lists first. */
  recent(limit: number): AsyncGenerator<CaseListSummary> {
    return this.table.values({ reverse: true, limit });
  }

  /** Every list, oldest first. */
  all(): AsyncGenerator<CaseListSummary> {
    return this.table.values();
  }
}
