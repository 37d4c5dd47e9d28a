import { dayStart } from "../fees/month.js";
import type { MediationAgreement } from "./agreement.js";

/**
 * An agreement's instalments against the creditor's confirmed repayments (docs/design.md §28). Pure: the money
 * counted, its allocation, each instalment's state and whether the agreement is in default at an instant.
 *
 * - Counted: confirmed, not reversed repayments of the case paid on or after the agreement's China day.
 * - Allocated in the order paid (then by id) to the earliest instalment with money still owing: a payment larger
 *   than an instalment runs on into the next; what is paid beyond the agreed amount is `excessFen`.
 * - An instalment not fully paid is `due` until its due day (China time, UTC+8) ends, `overdue` for `graceDays` China
 *   days after that, `defaulted` from then on. A payment made later still counts: it cures what it covers.
 * - The agreement is in default while any instalment is `defaulted`.
 */
export type InstalmentState = "paid" | "due" | "overdue" | "defaulted";

/** A confirmed, not reversed repayment of the case, as the creditor's ledger holds it. */
export interface CountedRepayment {
  id: string;
  amountFen: string;
  /** ISO 8601 instant, as the reporter said. */
  paidAt: string;
}

export interface InstalmentStatus {
  /** 1-based, in due order. */
  number: number;
  due: string;
  amountFen: string;
  paidFen: string;
  state: InstalmentState;
  /** The first China day it is overdue when unpaid, and the first on which it is a default. */
  overdueFrom: string;
  defaultFrom: string;
  /** The repayments whose money went to it, by id. */
  repayments: string[];
}

export interface ScheduleStatus {
  instalments: InstalmentStatus[];
  /** Money allocated to the instalments, what is still owed of the agreed amount, and what was paid beyond it. */
  paidFen: string;
  unpaidFen: string;
  excessFen: string;
  /** Fen of the instalments in default, summed (each instalment's unpaid part). */
  defaultedFen: string;
  defaulted: boolean;
  /** The China day the earliest defaulted instalment became one. */
  defaultedSince: string | null;
  /** The instalments paid in full, of all. */
  paidInstalments: number;
}

const DAY_MS = 86_400_000;

/** "YYYY-MM-DD" plus `days` calendar days. */
export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** The repayments that count toward the agreement: paid on or after its China day, in the order allocated. */
export function countedRepayments(agreement: Pick<MediationAgreement, "date">, repayments: readonly CountedRepayment[]): CountedRepayment[] {
  const from = dayStart(agreement.date) ?? Number.POSITIVE_INFINITY;
  return repayments
    .filter((r) => Date.parse(r.paidAt) >= from)
    .sort((a, b) => Date.parse(a.paidAt) - Date.parse(b.paidAt) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Each instalment's state at `now` (epoch ms), from the counted repayments (see the module comment). */
export function scheduleStatus(agreement: Pick<MediationAgreement, "date" | "instalments" | "graceDays">, repayments: readonly CountedRepayment[], now: number): ScheduleStatus {
  const owing = agreement.instalments.map((i) => BigInt(i.amountFen));
  const paid = owing.map(() => 0n);
  const ids: string[][] = owing.map(() => []);
  let excess = 0n;
  let cursor = 0;
  for (const r of countedRepayments(agreement, repayments)) {
    let left = BigInt(r.amountFen);
    while (left > 0n && cursor < owing.length) {
      const take = left < owing[cursor]! - paid[cursor]! ? left : owing[cursor]! - paid[cursor]!;
      paid[cursor]! += take;
      left -= take;
      if (!ids[cursor]!.includes(r.id)) ids[cursor]!.push(r.id);
      if (paid[cursor] === owing[cursor]) cursor++;
    }
    excess += left;
  }
  let defaultedFen = 0n;
  let defaultedSince: string | null = null;
  const instalments = agreement.instalments.map((inst, i): InstalmentStatus => {
    const overdueFrom = addDays(inst.due, 1);
    const defaultFrom = addDays(inst.due, 1 + agreement.graceDays);
    let state: InstalmentState;
    if (paid[i] === owing[i]) state = "paid";
    else if (now < dayStart(overdueFrom)!) state = "due";
    else if (now < dayStart(defaultFrom)!) state = "overdue";
    else {
      state = "defaulted";
      defaultedFen += owing[i]! - paid[i]!;
      defaultedSince ??= defaultFrom;
    }
    return { number: i + 1, due: inst.due, amountFen: inst.amountFen, paidFen: String(paid[i]), state, overdueFrom, defaultFrom, repayments: ids[i]! };
  });
  const paidFen = paid.reduce((a, b) => a + b, 0n);
  const total = owing.reduce((a, b) => a + b, 0n);
  return {
    instalments,
    paidFen: String(paidFen),
    unpaidFen: String(total - paidFen),
    excessFen: String(excess),
    defaultedFen: String(defaultedFen),
    defaulted: defaultedSince !== null,
    defaultedSince,
    paidInstalments: instalments.filter((s) => s.state === "paid").length,
  };
}
