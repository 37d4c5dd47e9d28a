/**
 * The CaseRegistry events that make a case's history (docs/contracts.md): what the indexer replays and what a case
 * bundle's history holds, named once.
 */
export const CASE_EVENT_NAMES = [
  "CaseRegistered",
  "CasesAssigned",
  "CaseAccepted",
  "CaseReturned",
  "CaseRecalled",
  "CaseMandateExtended",
  "CaseSettled",
  "CaseClosed",
  "CaseCreditorTransferred",
] as const;
export type CaseEventName = (typeof CASE_EVENT_NAMES)[number];
