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

/**
 * One of a case's events on chain, as the indexer decodes it and a case bundle's history holds it: where it is (the
 * transaction, its block, the log's index there; (block, logIndex) orders events), its block time and what it said.
 * Member ids only; no personal data exists on chain to begin with.
 */
export interface CaseEvent {
  type: CaseEventName;
  txHash: string;
  block: number;
  logIndex: number;
  /** Block time, Unix seconds. */
  time: number;
  creditorId?: number;
  agencyId?: number;
  /** CasesAssigned and CaseMandateExtended: the mandate's last second. */
  until?: number;
  /** CaseMandateExtended. */
  previousUntil?: number;
  /** CaseCreditorTransferred. */
  fromCreditorId?: number;
  toCreditorId?: number;
  /** CaseSettled: the amount the creditor stated, in fen, as a decimal string (uint64 on chain). */
  settledFen?: string;
  /** CaseSettled: SHA-256 (0x) of the settlement terms; absent when the creditor gave none (zero on chain). */
  termsHash?: string;
}

/** The fields an event may carry besides where and when it is, in the order a bundle lists them. */
const CASE_EVENT_DETAILS = ["creditorId", "agencyId", "until", "previousUntil", "fromCreditorId", "toCreditorId", "settledFen", "termsHash"] as const;

/** The event alone: from a larger entry (an indexed change carries its case key too), the fields of a CaseEvent that are set. */
export function caseEventOf(entry: CaseEvent): CaseEvent {
  const { type, txHash, block, logIndex, time } = entry;
  const event: CaseEvent = { type, txHash, block, logIndex, time };
  for (const k of CASE_EVENT_DETAILS) if (entry[k] !== undefined) (event as unknown as Record<string, unknown>)[k] = entry[k];
  return event;
}
