import type { Decision, DisputeReason } from "./entries.js";

/** The `format` of a creditor's decision document. */
export const DECISION_FORMAT = "caseledger-repayment-decision/1";

/**
 * What a creditor notarizes when it confirms or disputes a repayment (docs/design.md §22): the evidence record of
 * kind `repayment` holds the SHA-256 of this document's canonical JSON, and the document itself inline. No personal
 * data: case key, member ids, amounts, times, codes and a staff token id.
 */
export interface DecisionDocument {
  format: typeof DECISION_FORMAT;
  creditorId: number;
  caseKey: string;
  repaymentId: string;
  amountFen: string;
  paidAt: string;
  reportedBy: number;
  decision: Decision;
  reason?: DisputeReason;
  decidedAt: string;
  /** The staff token's id. */
  by: string;
}

/**
 * The document's canonical JSON (RFC 8785), written out in the fixed key order JCS gives these keys (UTF-16 order):
 * a bulk confirmation serializes 20,000 of them, and the generic canonicalJson sorts each one's keys again. The tests
 * check it against canonicalJson (canonical-json.ts) with and without a reason.
 */
export function decisionJson(d: DecisionDocument): string {
  const s = JSON.stringify;
  return (
    `{"amountFen":${s(d.amountFen)},"by":${s(d.by)},"caseKey":${s(d.caseKey)},"creditorId":${s(d.creditorId)},` +
    `"decidedAt":${s(d.decidedAt)},"decision":${s(d.decision)},"format":${s(d.format)},"paidAt":${s(d.paidAt)},` +
    `${d.reason === undefined ? "" : `"reason":${s(d.reason)},`}"repaymentId":${s(d.repaymentId)},"reportedBy":${s(d.reportedBy)}}`
  );
}
