import type { CaseIndexer } from "../../chain/case-indexer.js";
import { overdueDaysAt } from "../../domain/fees/month.js";
import type { ConfirmedRepayment, OpenRepayment, RepaymentReversal, StatementAssignment } from "../../domain/fees/statement-input.js";
import type { CaseRepository } from "../../store/case-repository.js";

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

/** Until the repayment ledger is wired in: no entries (statements then carry fixed fees only). */
export const NO_ENTRIES: StatementEntrySource = {
  entries: () => Promise.resolve({ confirmed: [], reversals: [], open: [] }),
};

export interface StatementAssignmentSource {
  assignments(creditorId: number, agencyId: number): Promise<StatementAssignment[]>;
}

/**
 * The creditor's cases whose current or last assignment is to the agency, from the chain index, with the overdue days
 * at that assignment: the days the case list gave, plus the days from that upload to the assignment.
 */
export function chainAssignments(indexer: Pick<CaseIndexer, "casesOfCreditor">, cases: Pick<CaseRepository, "get">): StatementAssignmentSource {
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
