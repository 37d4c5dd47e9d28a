import { foldLedger } from "../domain/repayments/ledger.js";
import type { ScorecardRepayment } from "../domain/scorecards/index.js";
import type { RepaymentLedgerStore } from "../store/repayment-ledger.js";
import type { ScorecardRepaymentSource } from "./scorecards.js";

/**
 * The scorecards' view of the creditor's repayment ledger (docs/design.md §22, §24): each reported repayment with its
 * state after every decision and reversal (the ledger's own fold). One the creditor recorded itself (no agency) is
 * given agency 0: it lowers what is left of the case at a later assignment but is no agency's recovery or dispute.
 */
export function ledgerRepayments(ledger: Pick<RepaymentLedgerStore, "ofCases">): ScorecardRepaymentSource {
  return {
    async ofCases(caseKeys) {
      const lists = await ledger.ofCases(caseKeys);
      return lists.flatMap((entries, i) =>
        foldLedger(0n, entries).repayments.map(
          (r): ScorecardRepayment => ({
            caseKey: caseKeys[i]!,
            agencyId: r.agencyId ?? 0,
            amountFen: BigInt(r.amountFen),
            paidAt: Math.floor(Date.parse(r.paidAt) / 1000),
            state: r.state,
          }),
        ),
      );
    },
  };
}
