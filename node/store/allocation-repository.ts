import type { Decision } from "../domain/matching/index.js";
import type { Table } from "./table.js";

export type AllocationState = "preview" | "committing" | "committed" | "discarded";

/** An allocation of one case list: the preview a lender reviews, then its commit to the chain. */
export interface AllocationRecord {
  id: string;
  listId: string;
  state: AllocationState;
  createdAt: string;
  createdBy: string;
  decisions: Array<Omit<Decision, "score"> & { score?: number; loanRef: string; outstandingFen: string }>;
  byAgency: Array<{ agencyId: number; name: string; cases: number; outstandingFen: string }>;
  unmatched: number;
  /** Accepted cases of the list not allocated because they are already held, settled or closed on chain. */
  skipped: Array<{ caseKey: string; loanRef: string; status: string }>;
  commit?: {
    committedAt: string;
    committedBy: string;
    until: number;
    jobs: Array<{ agencyId: number; jobId: string; kind: "registerAndAssign" | "assign"; cases: number }>;
  };
}

/** The `allocations` sublevel: allocationId → AllocationRecord. */
export class AllocationRepository {
  constructor(private readonly table: Table<AllocationRecord>) {}

  get(id: string): Promise<AllocationRecord | undefined> {
    return this.table.get(id);
  }

  put(record: AllocationRecord): Promise<void> {
    return this.table.put(record.id, record);
  }
}
