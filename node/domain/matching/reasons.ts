import { type Message, msg, render } from "../../messages/message.js";
import { formatFen } from "../money.js";

/**
 * Why a case went to an agency, or stayed with the lender: stable codes (part of the API, like the case-list
 * codes in ../errors.ts — never rename one, only add); the words a person reads are in the message catalog.
 *
 * Assigned:
 *   CO_DEBT            the debtor already has an active case (any creditor's) with an agency on this lender's list
 *                      that has room: that agency gets the case (docs/design.md §13 rule 2).
 *   SAME_DEBTOR_BATCH  an earlier case of the same debtor in this batch went to an agency that still has room.
 *   MATCHED            the best-scoring agency whose profile fits (rule 3).
 * Unmatched, from the most to the least specific:
 *   NO_AGENCY_REGION   no agency on the list serves the case's region.
 *   NO_AGENCY_RANGE    agencies serve the region, but none takes this outstanding amount and/or overdue days.
 *   NO_CAPACITY        agencies fit the case, but every one of them is at capacity.
 */
export const REASON_CODES = [
  "CO_DEBT",
  "SAME_DEBTOR_BATCH",
  "MATCHED",
  "NO_AGENCY_REGION",
  "NO_AGENCY_RANGE",
  "NO_CAPACITY",
] as const;

export type ReasonCode = (typeof REASON_CODES)[number];

/** Which side of a profile a case falls outside of (NO_AGENCY_RANGE): `combination` = each fits some agency, none fits both. */
export type RangeMiss = "outstanding" | "overdue" | "both" | "combination";

/** An agency that rule 2 would have chosen, and why it did not get the case. */
export interface PassedOver {
  agencyId: number;
  why: "NOT_IN_LENDER_LIST" | "AT_CAPACITY";
  /** `chain`: it holds an active case of the debtor; `batch`: it got an earlier case of the debtor in this batch. */
  from: "chain" | "batch";
}

export function coDebtText(agencyId: number): Message {
  return msg("reason.CO_DEBT", { agencyId });
}

export function sameDebtorText(agencyId: number): Message {
  return msg("reason.SAME_DEBTOR_BATCH", { agencyId });
}

/**
 * MATCHED, with what the score was made of: the 90-day recovery (null: no history, credited NO_HISTORY_RECOVERY) and
 * the remaining capacity share, both as whole percents for reading (the decision's details keep the exact figures).
 */
export function matchedText(region: string, score: string, recovery90d: number | null, remaining: number, capacity: number): Message {
  const capacityPct = capacity > 0 ? Math.round((remaining * 100) / capacity) : 0;
  if (recovery90d === null) return msg("reason.MATCHED_NO_HISTORY", { region, score, capacityPct });
  return msg("reason.MATCHED", { region, score, recoveryPct: Math.round(Math.min(1, Math.max(0, recovery90d)) * 100), capacityPct });
}

export function noRegionText(region: string): Message {
  return msg("reason.NO_AGENCY_REGION", { region });
}

export function noRangeText(region: string, miss: RangeMiss, outstandingFen: bigint, overdueDays: number): Message {
  const params = { region, yuan: formatFen(outstandingFen), overdueDays };
  switch (miss) {
    case "outstanding":
      return msg("reason.NO_AGENCY_RANGE_OUTSTANDING", params);
    case "overdue":
      return msg("reason.NO_AGENCY_RANGE_OVERDUE", params);
    case "both":
      return msg("reason.NO_AGENCY_RANGE_BOTH", params);
    case "combination":
      return msg("reason.NO_AGENCY_RANGE_COMBINATION", params);
  }
}

export function noCapacityText(region: string, full: readonly number[]): Message {
  return msg("reason.NO_CAPACITY", { region, ...agencies(full) });
}

/** The text of a decision, with what rule 2 passed over appended to both languages. */
export function reasonMessage(text: Message, passedOver: readonly PassedOver[]): string {
  const notListed = passedOver.filter((p) => p.why === "NOT_IN_LENDER_LIST").map((p) => p.agencyId);
  const fullChain = passedOver.filter((p) => p.why === "AT_CAPACITY" && p.from === "chain").map((p) => p.agencyId);
  const fullBatch = passedOver.filter((p) => p.why === "AT_CAPACITY" && p.from === "batch").map((p) => p.agencyId);
  const parts = [
    text,
    ...(notListed.length > 0 ? [msg("reason.PASSED_NOT_LISTED", agencies(notListed))] : []),
    ...(fullChain.length > 0 ? [msg("reason.PASSED_CO_DEBT_FULL", agencies(fullChain))] : []),
    ...(fullBatch.length > 0 ? [msg("reason.PASSED_BATCH_FULL", agencies(fullBatch))] : []),
  ];
  // Each part is worded in one language and the parts joined, so both halves read as one sentence each.
  return `${parts.map((part) => render(part, "zh")).join("")} / ${parts.map((part) => render(part, "en")).join("")}`;
}

/** Agency ids as each language lists them, and the English words that agree with their number. */
function agencies(ids: readonly number[]): { idsZh: string; agenciesEn: string; beEn: string } {
  return { idsZh: ids.join("、"), agenciesEn: `${ids.length > 1 ? "agencies" : "agency"} ${ids.join(", ")}`, beEn: ids.length > 1 ? "are" : "is" };
}
