import { AgencyPool, type AgencyState, fitsOutstanding, fitsOverdue } from "./agency-pool.js";
import { CoDebtIndex, type DebtorSituation } from "./co-debt.js";
import { MatchingInputError } from "./input-error.js";
import {
  type PassedOver,
  type RangeMiss,
  type ReasonCode,
  coDebtText,
  matchedText,
  noCapacityText,
  noRangeText,
  noRegionText,
  reasonMessage,
  sameDebtorText,
} from "./reasons.js";
import { SCORE_SCALE, TieBreak, formatScore, scoreUnits } from "./score.js";
import type { Allocation, AllocationInput, CaseToAllocate, Decision } from "./types.js";

/**
 * The allocation preview of docs/design.md §13, rules 2–4 (rule 1, de-duplication, is done
 * before: every case here is new and unique). Cases are decided one by one in the order given, each taking one
 * place of capacity from its agency:
 *
 *   2a. CO_DEBT — the debtor has active cases on chain (any creditor's) with agencies: the first of them, by most
 *       cases of the debtor then lowest agencyId, that is on the lender's list and has room gets the case. The
 *       profile is not checked: keeping the debtor with one agency comes first.
 *   2b. SAME_DEBTOR_BATCH — an earlier case of the debtor in this batch went to an agency: it gets this one too
 *       while it has room (once it is full, the agency of the debtor's next assigned case takes over).
 *   3.  MATCHED — among the agencies serving the case's province (or "*") whose outstanding and overdue ranges
 *       (inclusive) hold the case and that have room, the highest score (score.ts) wins, ties by
 *       SHA-256(caseKey ‖ agencyId), lowest first.
 *   4.  Otherwise the case stays with the lender: NO_AGENCY_REGION, else NO_AGENCY_RANGE (saying whether the
 *       amount, the overdue days, both, or only their combination is outside), else NO_CAPACITY.
 * Agencies that rule 2 passed over (not on the list, full) are named in the reason of whatever was decided.
 *
 * Deterministic: the result depends on the order of `cases` (capacity is consumed in that order), never on the
 * order of `agencies`, `stats` or holdings, nor on the order of object keys. Cost per case: one look-up of the
 * debtor, one pass over the agencies serving its province; a SHA-256 only when two scores are equal.
 */
export function allocate(input: AllocationInput): Allocation {
  const pool = new AgencyPool(input.agencies, input.stats);
  const coDebt = new CoDebtIndex(input.lenderId, input.holdingsOf);
  /**
   * debtorKey → the agency of the debtor's latest assigned case in this batch. The latest is the first while
   * that one has room: a case of the debtor goes elsewhere only when it is full (capacity never comes back
   * within a batch), and then the debtor's remaining cases should stay together at the new agency.
   */
  const batchAgency = new Map<string, AgencyState>();
  const seen = new Set<string>();
  const decisions: Decision[] = [];
  let unmatched = 0;

  for (const item of input.cases) {
    if (seen.has(item.caseKey)) throw new MatchingInputError("DUPLICATE_CASE", { caseKey: item.caseKey });
    seen.add(item.caseKey);
    const { decision, agency } = decide(item, coDebt.of(item.debtorKey), batchAgency.get(item.debtorKey), pool);
    if (agency === undefined) {
      unmatched += 1;
    } else {
      pool.take(agency, item.outstandingFen);
      batchAgency.set(item.debtorKey, agency);
    }
    decisions.push(decision);
  }
  return { decisions, byAgency: pool.totals(), unmatched };
}

interface Outcome {
  decision: Decision;
  agency: AgencyState | undefined;
}

function decide(
  item: CaseToAllocate,
  situation: DebtorSituation,
  batchAgency: AgencyState | undefined,
  pool: AgencyPool,
): Outcome {
  const passedOver: PassedOver[] = [];
  const { otherCreditors } = situation;

  for (const held of situation.agencies) {
    const agency = pool.get(held.agencyId);
    if (agency === undefined) {
      passedOver.push({ agencyId: held.agencyId, why: "NOT_IN_LENDER_LIST", from: "chain" });
    } else if (agency.remaining <= 0) {
      passedOver.push({ agencyId: held.agencyId, why: "AT_CAPACITY", from: "chain" });
    } else {
      const text = coDebtText(agency.agencyId);
      const details = { agencyId: agency.agencyId, debtorCasesWithAgency: held.cases, otherCreditors };
      return assigned(item, agency, "CO_DEBT", reasonMessage(text, passedOver), details, passedOver, otherCreditors);
    }
  }

  if (batchAgency !== undefined && !passedOver.some((p) => p.agencyId === batchAgency.agencyId)) {
    if (batchAgency.remaining > 0) {
      const text = sameDebtorText(batchAgency.agencyId);
      const details = { agencyId: batchAgency.agencyId };
      const message = reasonMessage(text, passedOver);
      return assigned(item, batchAgency, "SAME_DEBTOR_BATCH", message, details, passedOver, otherCreditors);
    }
    passedOver.push({ agencyId: batchAgency.agencyId, why: "AT_CAPACITY", from: "batch" });
  }

  return match(item, pool, passedOver, otherCreditors);
}

function match(item: CaseToAllocate, pool: AgencyPool, passedOver: PassedOver[], otherCreditors: number): Outcome {
  const region = item.provinceCode;
  const serving = pool.serving(region);
  if (serving.length === 0) {
    const message = reasonMessage(noRegionText(region), passedOver);
    return unassigned(item, "NO_AGENCY_REGION", message, { region }, passedOver, otherCreditors);
  }

  let amountFits = false;
  let overdueFits = false;
  const full: number[] = [];
  let candidates = 0;
  let best: AgencyState | undefined;
  let bestScore = -1;
  let bestDigest: Buffer | undefined;
  let tieBreak: TieBreak | undefined;
  for (const agency of serving) {
    const amountOk = fitsOutstanding(agency, item.outstandingFen);
    const overdueOk = fitsOverdue(agency, item.overdueDays);
    if (amountOk) amountFits = true;
    if (overdueOk) overdueFits = true;
    if (!amountOk || !overdueOk) continue;
    if (agency.remaining <= 0) {
      full.push(agency.agencyId);
      continue;
    }
    candidates += 1;
    const score = scoreUnits(agency.recovery, agency.remaining, agency.capacity);
    if (best === undefined || score > bestScore) {
      best = agency;
      bestScore = score;
      bestDigest = undefined;
    } else if (score === bestScore) {
      tieBreak ??= new TieBreak(item.caseKey);
      bestDigest ??= tieBreak.digest(best.agencyId);
      const digest = tieBreak.digest(agency.agencyId);
      if (Buffer.compare(digest, bestDigest) < 0) {
        best = agency;
        bestDigest = digest;
      }
    }
  }

  if (best !== undefined) {
    const details = {
      region,
      agencyId: best.agencyId,
      score: bestScore / SCORE_SCALE,
      recovery90d: best.recovery90d,
      remainingCapacity: best.remaining,
      capacity: best.capacity,
      ...(best.throttled && { throttled: true }),
      candidates,
    };
    const message = reasonMessage(matchedText(region, formatScore(bestScore), best.recovery90d, best.remaining, best.capacity), passedOver);
    return assigned(item, best, "MATCHED", message, details, passedOver, otherCreditors, bestScore / SCORE_SCALE);
  }
  if (full.length > 0) {
    const message = reasonMessage(noCapacityText(region, full), passedOver);
    return unassigned(item, "NO_CAPACITY", message, { region, full }, passedOver, otherCreditors);
  }
  const miss: RangeMiss = !amountFits
    ? overdueFits
      ? "outstanding"
      : "both"
    : overdueFits
      ? "combination"
      : "overdue";
  const text = noRangeText(region, miss, item.outstandingFen, item.overdueDays);
  const details = { region, miss, outstandingFen: item.outstandingFen.toString(), overdueDays: item.overdueDays };
  return unassigned(item, "NO_AGENCY_RANGE", reasonMessage(text, passedOver), details, passedOver, otherCreditors);
}

function assigned(
  item: CaseToAllocate,
  agency: AgencyState,
  code: ReasonCode,
  message: string,
  details: Record<string, unknown>,
  passedOver: readonly PassedOver[],
  otherCreditors: number,
  score?: number,
): Outcome {
  const reason = { code, message, details: withPassedOver(details, passedOver) };
  const decision: Decision =
    score === undefined
      ? { caseKey: item.caseKey, agencyId: agency.agencyId, reason, otherCreditors }
      : { caseKey: item.caseKey, agencyId: agency.agencyId, reason, score, otherCreditors };
  return { agency, decision };
}

function unassigned(
  item: CaseToAllocate,
  code: ReasonCode,
  message: string,
  details: Record<string, unknown>,
  passedOver: readonly PassedOver[],
  otherCreditors: number,
): Outcome {
  const reason = { code, message, details: withPassedOver(details, passedOver) };
  return { agency: undefined, decision: { caseKey: item.caseKey, agencyId: null, reason, otherCreditors } };
}

function withPassedOver(details: Record<string, unknown>, passedOver: readonly PassedOver[]): Record<string, unknown> {
  return passedOver.length === 0 ? details : { ...details, passedOver: passedOver.map((p) => ({ ...p })) };
}
