/** A case as `CaseRegistry.casesOf` returns it: what a repayment report is checked against (its creditor and holder now). */
export interface ChainCaseState {
  creditorId: bigint;
  agencyId: bigint;
  status: bigint;
  until: bigint;
}
