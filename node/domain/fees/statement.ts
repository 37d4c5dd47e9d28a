import { bucketLabel, commissionBp, type FeeModelKind } from "./fee-schedule.js";
import { commissionFen } from "./money-rounding.js";
import { dayStart, instant, monthBounds } from "./month.js";
import type {
  AgreedSchedule,
  ConfirmedRepayment,
  OpenRepayment,
  RepaymentReversal,
  StatementAssignment,
} from "./statement-input.js";

/**
 * The monthly statement of one creditor–agency pair, per docs/design.md §23:
 * - a repayment is on the statement of the month (CST) its confirmation falls in, priced by the schedule in force on
 *   the day it was paid, with the bucket of the case's overdue days at its assignment;
 * - a reversal is on the statement of the month it was recorded in, as a negative line naming the entry it reverses,
 *   priced exactly as the reversed repayment was (its fee is the negation of that fee);
 * - per-case fixed fees for cases assigned in the month (half-risk; no-risk per case), a month fee (no-risk per
 *   month, the schedule in force on the month's last day);
 * - repayments not confirmed, or that no schedule or assignment prices, are listed apart and not in the totals;
 * - one rounding per line (money-rounding.ts); totals are sums of lines.
 * The result does not depend on the order or grouping in which entries are added: lines are keyed by id and sorted.
 */

export type StatementLineKind = "repayment" | "reversal" | "case-fee" | "month-fee";

export interface StatementLine {
  readonly lineId: string;
  readonly kind: StatementLineKind;
  /** Empty for the month fee. */
  readonly caseKey: string;
  readonly entryId: string;
  /** The reversed entry (reversals only), else "". */
  readonly reverses: string;
  /** paidAt (repayment, reversal: the reversed payment's), assignedAt (case fee), the month's first instant (month fee). */
  readonly at: string;
  /** Repaid amount: positive for a repayment, negative for a reversal, 0 for a fee line. */
  readonly amountFen: bigint;
  readonly bucket: string;
  readonly bp: number;
  readonly scheduleVersion: number;
  readonly feeFen: bigint;
}

export type ApartState = "reported" | "disputed" | "unpriced";

export interface ApartLine {
  readonly lineId: string;
  readonly caseKey: string;
  readonly entryId: string;
  readonly amountFen: bigint;
  readonly paidAt: string;
  readonly state: ApartState;
}

export interface StatementTotals {
  readonly lines: number;
  readonly repaidFen: bigint;
  readonly commissionFen: bigint;
  readonly fixedFeeFen: bigint;
  readonly feeFen: bigint;
  readonly apartLines: number;
  readonly apartFen: bigint;
}

export interface UsedSchedule {
  readonly version: number;
  readonly hash: string;
  readonly effectiveFrom: string;
  readonly kind: FeeModelKind;
}

export interface Statement {
  readonly creditorId: number;
  readonly agencyId: number;
  readonly month: string;
  readonly schedules: readonly UsedSchedule[];
  readonly lines: readonly StatementLine[];
  readonly apart: readonly ApartLine[];
  readonly totals: StatementTotals;
}

export interface StatementScope {
  readonly creditorId: number;
  readonly agencyId: number;
  readonly month: string;
  readonly schedules: readonly AgreedSchedule[];
  readonly assignments: readonly StatementAssignment[];
}

interface Timed {
  readonly from: number;
  readonly agreed: AgreedSchedule;
}

interface Priced {
  readonly agreed: AgreedSchedule;
  readonly overdueDays: number;
  readonly paid: number;
}

interface Keyed<T> {
  readonly line: T;
  readonly at: number;
}

export class StatementBuilder {
  readonly #scope: StatementScope;
  readonly #start: number;
  readonly #end: number;
  /** Schedules by the instant they come into force, then version: the last one not after an instant is in force. */
  readonly #timeline: Timed[];
  /** Assignments of each case, oldest first. */
  readonly #assignments = new Map<string, Array<{ at: number; overdueDays: number }>>();
  /** Lines by id, each with the instant it sorts by (parsed once). */
  readonly #lines = new Map<string, Keyed<StatementLine>>();
  readonly #apart = new Map<string, Keyed<ApartLine>>();
  /** Bucket labels by schedule version and overdue days: one string per bucket, not one per line. */
  readonly #labels = new Map<number, string>();

  constructor(scope: StatementScope) {
    const bounds = monthBounds(scope.month);
    if (!bounds) throw new RangeError("month must be YYYY-MM");
    this.#scope = scope;
    this.#start = bounds.start;
    this.#end = bounds.end;
    this.#timeline = scope.schedules
      .filter((a) => a.schedule.creditorId === scope.creditorId && a.schedule.agencyId === scope.agencyId)
      .map((agreed) => ({ from: dayStart(agreed.schedule.effectiveFrom) ?? Infinity, agreed }))
      .sort((a, b) => a.from - b.from || a.agreed.schedule.version - b.agreed.schedule.version);
    for (const a of scope.assignments) {
      const list = this.#assignments.get(a.caseKey) ?? [];
      list.push({ at: instant(a.assignedAt), overdueDays: a.overdueDays });
      this.#assignments.set(a.caseKey, list);
    }
    for (const list of this.#assignments.values()) list.sort((a, b) => a.at - b.at);
  }

  /** Adds a confirmed repayment; one of another agency or confirmed outside the month is not this statement's. */
  addConfirmed(r: ConfirmedRepayment): void {
    if (r.agencyId !== this.#scope.agencyId || !this.#inMonth(r.confirmedAt)) return;
    const priced = this.#price(r);
    if (!priced) {
      this.#putApart({ lineId: `repayment:${r.entryId}`, caseKey: r.caseKey, entryId: r.entryId, amountFen: r.amountFen, paidAt: r.paidAt, state: "unpriced" });
      return;
    }
    const { model, version } = priced.agreed.schedule;
    const bp = commissionBp(model, priced.overdueDays);
    this.#put(priced.paid, {
      lineId: `repayment:${r.entryId}`,
      kind: "repayment",
      caseKey: r.caseKey,
      entryId: r.entryId,
      reverses: "",
      at: r.paidAt,
      amountFen: r.amountFen,
      bucket: this.#label(priced),
      bp,
      scheduleVersion: version,
      feeFen: commissionFen(r.amountFen, bp),
    });
  }

  /** Adds a reversal of a confirmed repayment: a negative line the size of the reversed one, fee included. */
  addReversal(v: RepaymentReversal): void {
    const r = v.reversed;
    if (r.agencyId !== this.#scope.agencyId || !this.#inMonth(v.reversedAt)) return;
    const priced = this.#price(r);
    if (!priced) {
      this.#putApart({ lineId: `reversal:${v.entryId}`, caseKey: r.caseKey, entryId: v.entryId, amountFen: -r.amountFen, paidAt: r.paidAt, state: "unpriced" });
      return;
    }
    const { model, version } = priced.agreed.schedule;
    const bp = commissionBp(model, priced.overdueDays);
    this.#put(priced.paid, {
      lineId: `reversal:${v.entryId}`,
      kind: "reversal",
      caseKey: r.caseKey,
      entryId: v.entryId,
      reverses: r.entryId,
      at: r.paidAt,
      amountFen: -r.amountFen,
      bucket: this.#label(priced),
      bp,
      scheduleVersion: version,
      feeFen: -commissionFen(r.amountFen, bp),
    });
  }

  /** Adds a repayment the creditor has not confirmed: listed apart, outside the totals. */
  addOpen(o: OpenRepayment): void {
    if (o.agencyId !== this.#scope.agencyId || instant(o.paidAt) >= this.#end) return;
    this.#putApart({ lineId: `repayment:${o.entryId}`, caseKey: o.caseKey, entryId: o.entryId, amountFen: o.amountFen, paidAt: o.paidAt, state: o.state });
  }

  /** Takes every line of another builder of the same scope (statements computed in parts). */
  merge(other: StatementBuilder): void {
    for (const k of other.#lines.values()) this.#put(k.at, k.line);
    for (const k of other.#apart.values()) this.#putApart(k.line);
  }

  finish(): Statement {
    const lines = sortLines([...this.#lines.values(), ...this.#fixedFees()]);
    const apart = sortLines([...this.#apart.values()]);
    let repaidFen = 0n;
    let commission = 0n;
    let fixedFeeFen = 0n;
    const used = new Map<number, AgreedSchedule>();
    for (const line of lines) {
      repaidFen += line.amountFen;
      if (line.kind === "repayment" || line.kind === "reversal") commission += line.feeFen;
      else fixedFeeFen += line.feeFen;
      if (!used.has(line.scheduleVersion)) {
        const agreed = this.#timeline.find((t) => t.agreed.schedule.version === line.scheduleVersion)?.agreed;
        if (agreed) used.set(line.scheduleVersion, agreed);
      }
    }
    let apartFen = 0n;
    for (const line of apart) apartFen += line.amountFen;
    return {
      creditorId: this.#scope.creditorId,
      agencyId: this.#scope.agencyId,
      month: this.#scope.month,
      schedules: [...used.values()]
        .sort((a, b) => a.schedule.version - b.schedule.version)
        .map(({ schedule, hash }) => ({ version: schedule.version, hash, effectiveFrom: schedule.effectiveFrom, kind: schedule.model.kind })),
      lines,
      apart,
      totals: {
        lines: lines.length,
        repaidFen,
        commissionFen: commission,
        fixedFeeFen,
        feeFen: commission + fixedFeeFen,
        apartLines: apart.length,
        apartFen,
      },
    };
  }

  #inMonth(iso: string): boolean {
    const at = instant(iso);
    return at >= this.#start && at < this.#end;
  }

  #inForce(at: number): AgreedSchedule | undefined {
    let found: AgreedSchedule | undefined;
    for (const t of this.#timeline) {
      if (t.from > at) break;
      found = t.agreed;
    }
    return found;
  }

  /** The schedule in force on the day of payment and the overdue days of the case's assignment current then. */
  #price(r: ConfirmedRepayment): Priced | undefined {
    const paid = instant(r.paidAt);
    const agreed = this.#inForce(paid);
    const list = this.#assignments.get(r.caseKey);
    if (!agreed || !list) return undefined;
    let current = list[0];
    for (const a of list) if (a.at <= paid) current = a;
    return current && { agreed, overdueDays: current.overdueDays, paid };
  }

  #label(priced: Priced): string {
    const key = priced.agreed.schedule.version * 1_000_000 + priced.overdueDays;
    let label = this.#labels.get(key);
    if (label === undefined) {
      label = bucketLabel(priced.agreed.schedule.model, priced.overdueDays);
      this.#labels.set(key, label);
    }
    return label;
  }

  *#fixedFees(): Generator<Keyed<StatementLine>> {
    for (const [caseKey, list] of this.#assignments) {
      // One case fee per case and month: the first assignment to this agency in the month (lists are in time order);
      // assigned away and back, or again after a recall, it is still the one case the agency was given (§23).
      const a = list.find((x) => x.at >= this.#start && x.at < this.#end);
      if (!a) continue;
      const agreed = this.#inForce(a.at);
      if (!agreed) continue;
      const { model, version } = agreed.schedule;
      const fee = model.kind === "half-risk" ? model.caseFeeFen : model.kind === "no-risk" && model.per === "case" ? model.fixedFeeFen : undefined;
      if (fee === undefined) continue;
      const at = new Date(a.at).toISOString();
      yield { at: a.at, line: { lineId: `case-fee:${caseKey}:${at}`, kind: "case-fee", caseKey, entryId: "", reverses: "", at, amountFen: 0n, bucket: "", bp: 0, scheduleVersion: version, feeFen: fee } };
    }
    const last = this.#inForce(this.#end - 1);
    if (last && last.schedule.model.kind === "no-risk" && last.schedule.model.per === "month") {
      const at = new Date(this.#start).toISOString();
      yield { at: this.#start, line: { lineId: "month-fee", kind: "month-fee", caseKey: "", entryId: "", reverses: "", at, amountFen: 0n, bucket: "", bp: 0, scheduleVersion: last.schedule.version, feeFen: last.schedule.model.fixedFeeFen } };
    }
  }

  #put(at: number, line: StatementLine): void {
    const had = this.#lines.get(line.lineId);
    if (had) {
      if (!sameLine(had.line, line)) throw new Error(`statement line ${line.lineId} added twice with different contents`);
      return;
    }
    this.#lines.set(line.lineId, { line, at });
  }

  #putApart(line: ApartLine): void {
    const had = this.#apart.get(line.lineId);
    if (had) {
      if (!sameLine(had.line, line)) throw new Error(`statement line ${line.lineId} added twice with different contents`);
      return;
    }
    this.#apart.set(line.lineId, { line, at: instant(line.paidAt) });
  }
}

function sameLine<T extends object>(a: T, b: T): boolean {
  for (const key of Object.keys(a) as Array<keyof T>) if (a[key] !== b[key]) return false;
  return true;
}

/** Case, then time, then line id: a total order, so that the same lines always come out in the same order. */
function sortLines<T extends { readonly caseKey: string; readonly lineId: string }>(keyed: Array<Keyed<T>>): T[] {
  keyed.sort((a, b) => {
    if (a.line.caseKey !== b.line.caseKey) return a.line.caseKey < b.line.caseKey ? -1 : 1;
    if (a.at !== b.at) return a.at - b.at;
    return a.line.lineId < b.line.lineId ? -1 : a.line.lineId > b.line.lineId ? 1 : 0;
  });
  return keyed.map((k) => k.line);
}

/** The statement of a scope computed in one go. */
export function computeStatement(
  scope: StatementScope,
  entries: { confirmed?: Iterable<ConfirmedRepayment>; reversals?: Iterable<RepaymentReversal>; open?: Iterable<OpenRepayment> },
): Statement {
  const builder = new StatementBuilder(scope);
  for (const r of entries.confirmed ?? []) builder.addConfirmed(r);
  for (const v of entries.reversals ?? []) builder.addReversal(v);
  for (const o of entries.open ?? []) builder.addOpen(o);
  return builder.finish();
}
