import type { CaseRecord } from "../../chain/case-events.js";
import type { PageOptions } from "../../chain/case-index-store.js";
import { overdueDaysAt } from "../../domain/fees/month.js";
import type { ConfirmedRepayment, OpenRepayment, RepaymentReversal, StatementAssignment } from "../../domain/fees/statement-input.js";
import type { StoredCase } from "../../store/case-records.js";
import type { RepaymentLedger } from "../repayments/ledger.js";

/**
 * Where a statement's entries come from. The repayment ledger implements StatementEntrySource (its confirmed
 * repayments, reversals and open reports of one pair); the chain index and the case store give the assignments.
 */
export interface StatementEntrySource {
  /**
   * The pair's entries that can fall in [fromMs, toMs): repayments confirmed then, reversals recorded then (each
   * with the confirmed repayment it reverses), and repayments still reported or disputed. More is harmless: the
   * statement keeps only what falls in its month.
   */
  entries(creditorId: number, agencyId: number, fromMs: number, toMs: number): Promise<{
    confirmed: ConfirmedRepayment[];
    reversals: RepaymentReversal[];
    open: OpenRepayment[];
  }>;
}

/** The creditor's repayment ledger as a statement's source; it takes the month's bounds as ISO instants. */
export function ledgerEntries(ledger: Pick<RepaymentLedger, "confirmedBetween">): StatementEntrySource {
  return {
    entries: (creditorId, agencyId, fromMs, toMs) => ledger.confirmedBetween(creditorId, agencyId, new Date(fromMs).toISOString(), new Date(toMs).toISOString()),
  };
}

export interface StatementAssignmentSource {
  assignments(creditorId: number, agencyId: number): Promise<StatementAssignment[]>;
}

/** What chainAssignments reads of the chain index and of the case store. */
interface AssignmentIndex {
  casesOfCreditor(creditorId: number, options: PageOptions): Promise<{ cases: Array<Pick<CaseRecord, "caseKey" | "agencyId" | "assignedAt">>; next: string | undefined }>;
}
interface AssignmentCases {
  get(caseKey: string): Promise<Pick<StoredCase, "overdueDays" | "updatedAt"> | undefined>;
}

/**
 * The creditor's cases whose current or last assignment is to the agency, from the chain index, with the overdue days
 * at that assignment: the days the case list gave, plus the days from that upload to the assignment.
 */
export function chainAssignments(indexer: AssignmentIndex, cases: AssignmentCases): StatementAssignmentSource {
  return {
    async assignments(creditorId, agencyId) {
      const out: StatementAssignment[] = [];
      let after: string | undefined;
      do {
        const page = await indexer.casesOfCreditor(creditorId, { limit: 1_000, ...(after ? { after } : {}) });
        for (const c of page.cases) {
          if (c.agencyId !== agencyId || c.assignedAt === 0) continue;
          const stored = await cases.get(c.caseKey);
          const assignedAt = new Date(c.assignedAt * 1000).toISOString();
          out.push({ caseKey: c.caseKey, assignedAt, overdueDays: stored ? overdueDaysAt(stored.overdueDays, stored.updatedAt, assignedAt) : 0 });
        }
        after = page.next;
      } while (after);
      return out;
    },
  };
}
