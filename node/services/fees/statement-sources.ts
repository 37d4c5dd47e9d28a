import type { CaseHistoryEntry, CaseRecord } from "../../chain/case-events.js";
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

/** Which assignments a statement needs: every one in its month, and those that price its repayments. */
export interface AssignmentScope {
  /** The month's first instant: every assignment to the agency from then on. */
  fromMs: number;
  /** The cases of the month's repayments and reversals: every assignment of theirs to the agency. */
  caseKeys: ReadonlySet<string>;
}

export interface StatementAssignmentSource {
  assignments(creditorId: number, agencyId: number, scope: AssignmentScope): Promise<StatementAssignment[]>;
}

/** What chainAssignments reads of the chain index and of the case store. */
interface AssignmentIndex {
  casesOfCreditor(creditorId: number, options: PageOptions): Promise<{ cases: Array<Pick<CaseRecord, "caseKey" | "agencyId" | "assignedAt">>; next: string | undefined }>;
  history(caseKey: string): Promise<Array<Pick<CaseHistoryEntry, "type" | "time" | "agencyId" | "creditorId">>>;
}
interface AssignmentCases {
  get(caseKey: string): Promise<Pick<StoredCase, "overdueDays" | "updatedAt"> | undefined>;
}

/**
 * The creditor's assignments to the agency from the chain index, with the overdue days at each: the days the case
 * list gave, plus the days from that upload to the assignment. A case's current assignment is its latest, so a case
 * assigned in the month — to this agency, or to it and then on to another (docs/design.md §23) — has its current
 * assignment in the month or later: for those, and for the cases of the month's repayments, the case's history gives
 * every assignment to this agency; of the agency's other cases the current assignment is enough.
 */
export function chainAssignments(indexer: AssignmentIndex, cases: AssignmentCases): StatementAssignmentSource {
  return {
    async assignments(creditorId, agencyId, scope) {
      const out: StatementAssignment[] = [];
      const add = async (caseKey: string, seconds: number) => {
        const stored = await cases.get(caseKey);
        const assignedAt = new Date(seconds * 1000).toISOString();
        out.push({ caseKey, assignedAt, overdueDays: stored ? overdueDaysAt(stored.overdueDays, stored.updatedAt, assignedAt) : 0 });
      };
      let after: string | undefined;
      do {
        const page = await indexer.casesOfCreditor(creditorId, { limit: 1_000, ...(after ? { after } : {}) });
        for (const c of page.cases) {
          if (c.assignedAt === 0) continue;
          if (c.assignedAt * 1000 >= scope.fromMs || scope.caseKeys.has(c.caseKey)) {
            for (const e of await indexer.history(c.caseKey)) {
              // Assignments by this creditor only: before a transfer the case was another creditor's to assign.
              if (e.type === "CasesAssigned" && e.agencyId === agencyId && e.creditorId === creditorId) await add(c.caseKey, e.time);
            }
          } else if (c.agencyId === agencyId) await add(c.caseKey, c.assignedAt);
        }
        after = page.next;
      } while (after);
      return out;
    },
  };
}
