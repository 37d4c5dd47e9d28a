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
 *
 * The builder keeps each line in the one form the issued document carries (money as decimal strings of fen,
 * StatementLineJson) and the totals as bigint sums kept as lines are added: a month of 300,000 lines is held once,
 * not once as computed and again as issued. `finish()` gives the bigint form for callers that compute with lines.
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

/** A line as the issued document carries it: StatementLine with money as decimal strings of fen. */
export interface StatementLineJson {
  readonly lineId: string;
  readonly kind: StatementLineKind;
  readonly caseKey: string;
  readonly entryId: string;
  readonly reverses: string;
  readonly at: string;
  readonly amountFen: string;
  readonly bucket: string;
  readonly bp: number;
  readonly scheduleVersion: number;
  readonly feeFen: string;
}

export interface ApartLineJson {
  readonly lineId: string;
  readonly caseKey: string;
  readonly entryId: string;
  readonly amountFen: string;
  readonly paidAt: string;
  readonly state: ApartState;
}

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

/** A statement with its lines in their document form (what `finishBody()` gives and the document is made of). */
export interface StatementBody extends Omit<Statement, "lines" | "apart"> {
  readonly lines: readonly StatementLineJson[];
  readonly apart: readonly ApartLineJson[];
}

export interface StatementScope {
  readonly creditorId: number;
  readonly agencyId: number;
  readonly month: string;
  readonly schedules: readonly AgreedSchedule[];
  /** Read once, when a builder is made: an array, or a stream so that no array of them is held beside the lines. */
  readonly assignments: Iterable<StatementAssignment>;
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

/**
 * Lines by id, in the order added, with the instant each sorts by (parsed once): an index per id and two parallel
 * arrays rather than a wrapper object per line, which at 300,000 lines is tens of megabytes.
 */
class LineTable<T extends { readonly lineId: string }> {
  readonly #index = new Map<string, number>();
  readonly lines: T[] = [];
  readonly ats: number[] = [];

  get(lineId: string): T | undefined {
    const i = this.#index.get(lineId);
    return i === undefined ? undefined : this.lines[i];
  }

  add(at: number, line: T): void {
    this.#index.set(line.lineId, this.lines.length);
    this.lines.push(line);
    this.ats.push(at);
  }
}

export class StatementBuilder {
  readonly #scope: StatementScope;
  readonly #start: number;
  readonly #end: number;
  /** Schedules by the instant they come into force, then version: the last one not after an instant is in force. */
  readonly #timeline: Timed[];
  /** Assignments of each case, oldest first. */
  readonly #assignments = new Map<string, Array<{ at: number; overdueDays: number }>>();
  readonly #lines = new LineTable<StatementLineJson>();
  readonly #apart = new LineTable<ApartLineJson>();
  /** Sums of the repayment and reversal lines (each line counted once: #put refuses a second), and their schedules. */
  #repaidFen = 0n;
  #commissionFen = 0n;
  readonly #versions = new Set<number>();
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
      this.#putApart({ lineId: `repayment:${r.entryId}`, caseKey: r.caseKey, entryId: r.entryId, amountFen: r.amountFen.toString(), paidAt: r.paidAt, state: "unpriced" });
      return;
    }
    const { model, version } = priced.agreed.schedule;
    const bp = commissionBp(model, priced.overdueDays);
    const fee = commissionFen(r.amountFen, bp);
    this.#put(priced.paid, r.amountFen, fee, {
      lineId: `repayment:${r.entryId}`,
      kind: "repayment",
      caseKey: r.caseKey,
      entryId: r.entryId,
      reverses: "",
      at: r.paidAt,
      amountFen: r.amountFen.toString(),
      bucket: this.#label(priced),
      bp,
      scheduleVersion: version,
      feeFen: fee.toString(),
    });
  }

  /** Adds a reversal of a confirmed repayment: a negative line the size of the reversed one, fee included. */
  addReversal(v: RepaymentReversal): void {
    const r = v.reversed;
    if (r.agencyId !== this.#scope.agencyId || !this.#inMonth(v.reversedAt)) return;
    const priced = this.#price(r);
    if (!priced) {
      this.#putApart({ lineId: `reversal:${v.entryId}`, caseKey: r.caseKey, entryId: v.entryId, amountFen: (-r.amountFen).toString(), paidAt: r.paidAt, state: "unpriced" });
      return;
    }
    const { model, version } = priced.agreed.schedule;
    const bp = commissionBp(model, priced.overdueDays);
    const fee = -commissionFen(r.amountFen, bp);
    this.#put(priced.paid, -r.amountFen, fee, {
      lineId: `reversal:${v.entryId}`,
      kind: "reversal",
      caseKey: r.caseKey,
      entryId: v.entryId,
      reverses: r.entryId,
      at: r.paidAt,
      amountFen: (-r.amountFen).toString(),
      bucket: this.#label(priced),
      bp,
      scheduleVersion: version,
      feeFen: fee.toString(),
    });
  }

  /** Adds a repayment the creditor has not confirmed: listed apart, outside the totals. */
  addOpen(o: OpenRepayment): void {
    if (o.agencyId !== this.#scope.agencyId || instant(o.paidAt) >= this.#end) return;
    this.#putApart({ lineId: `repayment:${o.entryId}`, caseKey: o.caseKey, entryId: o.entryId, amountFen: o.amountFen.toString(), paidAt: o.paidAt, state: o.state });
  }

  /** Takes every line of another builder of the same scope (statements computed in parts). */
  merge(other: StatementBuilder): void {
    const { lines, ats } = other.#lines;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      this.#put(ats[i]!, BigInt(line.amountFen), BigInt(line.feeFen), line);
    }
    for (const line of other.#apart.lines) this.#putApart(line);
  }

  /** The statement with its lines in their document form, sorted: what statementDocument issues, held once. */
  finishBody(): StatementBody {
    const fixed = [...this.#fixedFees()];
    const lines = sortLines(this.#lines.lines, this.#lines.ats, fixed);
    const apart = sortLines(this.#apart.lines, this.#apart.ats, []);
    let fixedFeeFen = 0n;
    const versions = new Set(this.#versions);
    for (const { line, fee } of fixed) {
      fixedFeeFen += fee;
      versions.add(line.scheduleVersion);
    }
    let apartFen = 0n;
    for (const line of apart) apartFen += BigInt(line.amountFen);
    const schedules: UsedSchedule[] = [];
    for (const version of [...versions].sort((a, b) => a - b)) {
      const agreed = this.#timeline.find((t) => t.agreed.schedule.version === version)?.agreed;
      if (agreed) schedules.push({ version, hash: agreed.hash, effectiveFrom: agreed.schedule.effectiveFrom, kind: agreed.schedule.model.kind });
    }
    return {
      creditorId: this.#scope.creditorId,
      agencyId: this.#scope.agencyId,
      month: this.#scope.month,
      schedules,
      lines,
      apart,
      totals: {
        lines: lines.length,
        repaidFen: this.#repaidFen,
        commissionFen: this.#commissionFen,
        fixedFeeFen,
        feeFen: this.#commissionFen + fixedFeeFen,
        apartLines: apart.length,
        apartFen,
      },
    };
  }

  /** The statement with bigint money on every line (for callers that compute with lines; the document needs none). */
  finish(): Statement {
    const body = this.finishBody();
    return {
      ...body,
      lines: body.lines.map((l) => ({ ...l, amountFen: BigInt(l.amountFen), feeFen: BigInt(l.feeFen) })),
      apart: body.apart.map((l) => ({ ...l, amountFen: BigInt(l.amountFen) })),
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

  *#fixedFees(): Generator<FixedFee> {
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
      yield { at: a.at, fee, line: { lineId: `case-fee:${caseKey}:${at}`, kind: "case-fee", caseKey, entryId: "", reverses: "", at, amountFen: "0", bucket: "", bp: 0, scheduleVersion: version, feeFen: fee.toString() } };
    }
    const last = this.#inForce(this.#end - 1);
    if (last && last.schedule.model.kind === "no-risk" && last.schedule.model.per === "month") {
      const at = new Date(this.#start).toISOString();
      const fee = last.schedule.model.fixedFeeFen;
      yield { at: this.#start, fee, line: { lineId: "month-fee", kind: "month-fee", caseKey: "", entryId: "", reverses: "", at, amountFen: "0", bucket: "", bp: 0, scheduleVersion: last.schedule.version, feeFen: fee.toString() } };
    }
  }

  /** Adds a repayment or reversal line; its money also as bigint, summed into the totals when the line is new. */
  #put(at: number, amountFen: bigint, feeFen: bigint, line: StatementLineJson): void {
    const had = this.#lines.get(line.lineId);
    if (had) {
      if (!sameLine(had, line)) throw new Error(`statement line ${line.lineId} added twice with different contents`);
      return;
    }
    this.#lines.add(at, line);
    this.#repaidFen += amountFen;
    this.#commissionFen += feeFen;
    this.#versions.add(line.scheduleVersion);
  }

  #putApart(line: ApartLineJson): void {
    const had = this.#apart.get(line.lineId);
    if (had) {
      if (!sameLine(had, line)) throw new Error(`statement line ${line.lineId} added twice with different contents`);
      return;
    }
    this.#apart.add(instant(line.paidAt), line);
  }
}

interface FixedFee {
  readonly at: number;
  readonly fee: bigint;
  readonly line: StatementLineJson;
}

function sameLine<T extends object>(a: T, b: T): boolean {
  for (const key of Object.keys(a) as Array<keyof T>) if (a[key] !== b[key]) return false;
  return true;
}

/**
 * Case, then time, then line id: a total order, so that the same lines always come out in the same order. Sorts
 * positions (4 bytes each) rather than an object per line.
 */
function sortLines<T extends { readonly caseKey: string; readonly lineId: string }>(lines: readonly T[], ats: readonly number[], more: ReadonlyArray<{ at: number; line: T }>): T[] {
  const all = more.length === 0 ? lines : [...lines, ...more.map((m) => m.line)];
  const at = more.length === 0 ? ats : [...ats, ...more.map((m) => m.at)];
  const order = new Uint32Array(all.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  order.sort((x, y) => {
    const a = all[x]!;
    const b = all[y]!;
    if (a.caseKey !== b.caseKey) return a.caseKey < b.caseKey ? -1 : 1;
    if (at[x] !== at[y]) return at[x]! - at[y]!;
    return a.lineId < b.lineId ? -1 : a.lineId > b.lineId ? 1 : 0;
  });
  return Array.from(order, (i) => all[i]!);
}

export interface StatementEntries {
  readonly confirmed?: Iterable<ConfirmedRepayment>;
  readonly reversals?: Iterable<RepaymentReversal>;
  readonly open?: Iterable<OpenRepayment>;
}

function built(scope: StatementScope, entries: StatementEntries): StatementBuilder {
  const builder = new StatementBuilder(scope);
  for (const r of entries.confirmed ?? []) builder.addConfirmed(r);
  for (const v of entries.reversals ?? []) builder.addReversal(v);
  for (const o of entries.open ?? []) builder.addOpen(o);
  return builder;
}

/** The statement of a scope computed in one go. */
export function computeStatement(scope: StatementScope, entries: StatementEntries): Statement {
  return built(scope, entries).finish();
}

/** The same, its lines in their document form (statementDocumentOf issues it without another copy of them). */
export function computeStatementBody(scope: StatementScope, entries: StatementEntries): StatementBody {
  return built(scope, entries).finishBody();
}
