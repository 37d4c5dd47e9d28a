import type { FeeModel } from "./fee-schedule.js";
import { commissionFen } from "./money-rounding.js";
import type { StatementDocument } from "./statement-document.js";
import type { AgreedSchedule } from "./statement-input.js";

/**
 * What the agency checks of a statement a creditor sends it, before it shows it to anyone (docs/design.md §23): it is
 * addressed to this pair, it prices lines only by schedules both signed, each line's fee is the one rounding of its
 * amount at a rate the schedule has, fixed fees are the schedule's, no line is there twice, and the totals are the
 * sums of the lines. A creditor's arithmetic is not taken on trust.
 */

export type StatementProblemCode =
  | "FORMAT"
  | "PAIR"
  | "SCHEDULE_UNKNOWN"
  | "LINE_DUPLICATE"
  | "LINE_KIND"
  | "LINE_RATE"
  | "LINE_FEE"
  | "TOTALS";

export interface StatementProblem {
  readonly code: StatementProblemCode;
  readonly lineId: string;
}

const FEN = /^-?(?:0|[1-9]\d*)$/;

function rates(model: FeeModel): Set<number> {
  return new Set(model.kind === "no-risk" ? [0] : model.buckets.map((b) => b.bp));
}

export function checkStatement(doc: StatementDocument, pair: { creditorId: number; agencyId: number }, agreed: readonly AgreedSchedule[]): StatementProblem[] {
  const problems: StatementProblem[] = [];
  if (doc.creditorId !== pair.creditorId || doc.agencyId !== pair.agencyId) return [{ code: "PAIR", lineId: "" }];
  const byVersion = new Map<number, AgreedSchedule>();
  for (const a of agreed) {
    if (a.schedule.creditorId === pair.creditorId && a.schedule.agencyId === pair.agencyId) byVersion.set(a.schedule.version, a);
  }
  for (const used of doc.schedules) {
    if (byVersion.get(used.version)?.hash !== used.hash) problems.push({ code: "SCHEDULE_UNKNOWN", lineId: `schedule:${used.version}` });
  }
  const seen = new Set<string>();
  let repaid = 0n;
  let commission = 0n;
  let fixed = 0n;
  for (const line of doc.lines) {
    if (seen.has(line.lineId)) problems.push({ code: "LINE_DUPLICATE", lineId: line.lineId });
    seen.add(line.lineId);
    const schedule = byVersion.get(line.scheduleVersion)?.schedule;
    if (!schedule || !doc.schedules.some((s) => s.version === line.scheduleVersion)) {
      problems.push({ code: "SCHEDULE_UNKNOWN", lineId: line.lineId });
      continue;
    }
    if (!FEN.test(line.amountFen) || !FEN.test(line.feeFen)) {
      problems.push({ code: "FORMAT", lineId: line.lineId });
      continue;
    }
    const amount = BigInt(line.amountFen);
    const fee = BigInt(line.feeFen);
    repaid += amount;
    const { model } = schedule;
    switch (line.kind) {
      case "repayment":
      case "reversal": {
        const positive = line.kind === "repayment" ? amount : -amount;
        if (positive <= 0n) problems.push({ code: "LINE_KIND", lineId: line.lineId });
        else if (!rates(model).has(line.bp)) problems.push({ code: "LINE_RATE", lineId: line.lineId });
        else if ((line.kind === "repayment" ? fee : -fee) !== commissionFen(positive, line.bp)) problems.push({ code: "LINE_FEE", lineId: line.lineId });
        commission += fee;
        break;
      }
      case "case-fee":
      case "month-fee": {
        const expected =
          line.kind === "case-fee"
            ? model.kind === "half-risk" ? model.caseFeeFen : model.kind === "no-risk" && model.per === "case" ? model.fixedFeeFen : undefined
            : model.kind === "no-risk" && model.per === "month" ? model.fixedFeeFen : undefined;
        if (expected === undefined || amount !== 0n) problems.push({ code: "LINE_KIND", lineId: line.lineId });
        else if (fee !== expected) problems.push({ code: "LINE_FEE", lineId: line.lineId });
        fixed += fee;
        break;
      }
      default:
        problems.push({ code: "LINE_KIND", lineId: line.lineId });
    }
  }
  const t = doc.totals;
  const totalsOk =
    t.lines === doc.lines.length &&
    t.repaidFen === repaid.toString() &&
    t.commissionFen === commission.toString() &&
    t.fixedFeeFen === fixed.toString() &&
    t.feeFen === (commission + fixed).toString() &&
    t.apartLines === doc.apart.length;
  if (!totalsOk) problems.push({ code: "TOTALS", lineId: "" });
  return problems;
}
