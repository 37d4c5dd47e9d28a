import type { DebtorHolding } from "./types.js";

/** What the chain says about one debtor: who else lends to them, and which agencies already work on them. */
export interface DebtorSituation {
  /** Distinct creditors other than the allocating lender with an active case of the debtor. */
  otherCreditors: number;
  /**
   * Agencies with an active case of the debtor (any creditor's, the lender's own too), the one holding the most
   * of them first, then by agencyId: the order in which rule 2 tries them.
   */
  agencies: ReadonlyArray<{ agencyId: number; cases: number }>;
}

const NONE: DebtorSituation = Object.freeze({ otherCreditors: 0, agencies: Object.freeze([]) });

/** Asks `holdingsOf` once per distinct debtor and keeps the summary. */
export class CoDebtIndex {
  readonly #lenderId: number;
  readonly #holdingsOf: (debtorKey: string) => readonly DebtorHolding[];
  readonly #cache = new Map<string, DebtorSituation>();

  constructor(lenderId: number, holdingsOf: (debtorKey: string) => readonly DebtorHolding[]) {
    this.#lenderId = lenderId;
    this.#holdingsOf = holdingsOf;
  }

  of(debtorKey: string): DebtorSituation {
    let situation = this.#cache.get(debtorKey);
    if (situation === undefined) {
      situation = summarize(this.#lenderId, debtorKey, this.#holdingsOf(debtorKey));
      this.#cache.set(debtorKey, situation);
    }
    return situation;
  }
}

/**
 * Holdings of another debtor (a caller's mistake) are ignored; the same case reported twice counts once.
 */
export function summarize(lenderId: number, debtorKey: string, holdings: readonly DebtorHolding[]): DebtorSituation {
  if (holdings.length === 0) return NONE;
  const creditors = new Set<number>();
  const casesByAgency = new Map<number, Set<string>>();
  for (const h of holdings) {
    if (h.debtorKey !== debtorKey) continue;
    if (h.creditorId !== lenderId) creditors.add(h.creditorId);
    let cases = casesByAgency.get(h.agencyId);
    if (cases === undefined) casesByAgency.set(h.agencyId, (cases = new Set()));
    cases.add(h.caseKey);
  }
  const agencies = [...casesByAgency].map(([agencyId, cases]) => ({ agencyId, cases: cases.size }));
  agencies.sort((a, b) => b.cases - a.cases || a.agencyId - b.agencyId);
  return { otherCreditors: creditors.size, agencies };
}
