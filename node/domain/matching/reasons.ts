import { bilingual } from "../errors.js";
import { formatFen } from "../money.js";

/**
 * Why a case went to an agency, or stayed with the lender: stable codes (part of the API, like the case-list
 * codes in ../errors.ts — never rename one, only add) and the "中文 / English" message a person reads.
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

interface Text {
  zh: string;
  en: string;
}

export function coDebtText(agencyId: number): Text {
  return { zh: `共债：债务人已由机构 ${agencyId} 处置`, en: `co-debt: debtor already with agency ${agencyId}` };
}

export function sameDebtorText(agencyId: number): Text {
  return {
    zh: `同一债务人：随本批次中该债务人的前一案件分配给机构 ${agencyId}`,
    en: `same debtor: follows the debtor's earlier case in this batch to agency ${agencyId}`,
  };
}

export function matchedText(region: string, score: string): Text {
  return { zh: `地区 ${region}，得分 ${score}`, en: `region ${region}, score ${score}` };
}

export function noRegionText(region: string): Text {
  return { zh: `无机构服务地区 ${region}`, en: `no agency serves region ${region}` };
}

export function noRangeText(region: string, miss: RangeMiss, outstandingFen: bigint, overdueDays: number): Text {
  const yuan = formatFen(outstandingFen);
  switch (miss) {
    case "outstanding":
      return {
        zh: `服务地区 ${region} 的机构均不接受欠款余额 ${yuan} 元`,
        en: `no agency serving region ${region} takes an outstanding of ${yuan} yuan`,
      };
    case "overdue":
      return {
        zh: `服务地区 ${region} 的机构均不接受逾期 ${overdueDays} 天`,
        en: `no agency serving region ${region} takes ${overdueDays} days overdue`,
      };
    case "both":
      return {
        zh: `服务地区 ${region} 的机构均不接受欠款余额 ${yuan} 元，也不接受逾期 ${overdueDays} 天`,
        en: `no agency serving region ${region} takes an outstanding of ${yuan} yuan, nor ${overdueDays} days overdue`,
      };
    case "combination":
      return {
        zh: `服务地区 ${region} 的机构没有一家同时接受欠款余额 ${yuan} 元与逾期 ${overdueDays} 天`,
        en: `no agency serving region ${region} takes both an outstanding of ${yuan} yuan and ${overdueDays} days overdue`,
      };
  }
}

export function noCapacityText(region: string, full: readonly number[]): Text {
  return {
    zh: `地区 ${region} 的合适机构均已满额（机构 ${full.join("、")}）`,
    en: `every eligible agency for region ${region} is at capacity (${agencies(full)})`,
  };
}

/** The text of a decision, with what rule 2 passed over appended to both languages. */
export function reasonMessage(text: Text, passedOver: readonly PassedOver[]): string {
  if (passedOver.length === 0) return bilingual(text);
  let zh = text.zh;
  let en = text.en;
  const notListed = passedOver.filter((p) => p.why === "NOT_IN_LENDER_LIST").map((p) => p.agencyId);
  const fullChain = passedOver.filter((p) => p.why === "AT_CAPACITY" && p.from === "chain").map((p) => p.agencyId);
  const fullBatch = passedOver.filter((p) => p.why === "AT_CAPACITY" && p.from === "batch").map((p) => p.agencyId);
  if (notListed.length > 0) {
    zh += `；共债机构 ${notListed.join("、")} 不在本贷款机构的合作名单中`;
    en += `; co-debt ${agencies(notListed)} ${notListed.length > 1 ? "are" : "is"} not on this lender's agency list`;
  }
  if (fullChain.length > 0) {
    zh += `；共债机构 ${fullChain.join("、")} 已满额`;
    en += `; co-debt ${agencies(fullChain)} ${fullChain.length > 1 ? "are" : "is"} at capacity`;
  }
  if (fullBatch.length > 0) {
    zh += `；本批次中该债务人前一案件的机构 ${fullBatch.join("、")} 已满额`;
    en += `; ${agencies(fullBatch)}, which got the debtor's earlier case in this batch, ${fullBatch.length > 1 ? "are" : "is"} at capacity`;
  }
  return bilingual({ zh, en });
}

function agencies(ids: readonly number[]): string {
  return `${ids.length > 1 ? "agencies" : "agency"} ${ids.join(", ")}`;
}
