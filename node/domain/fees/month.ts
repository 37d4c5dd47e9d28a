/**
 * Statement months and schedule days are calendar dates in China Standard Time (UTC+8, no daylight saving), as
 * "today" is everywhere in CaseLedger (docs/design.md §3, §23). Instants are ISO 8601 strings with a zone.
 */

/** China Standard Time (UTC+8, no daylight saving): the debtor's local time for every case of this system. */
export const CST_OFFSET_MS = 8 * 3_600_000;
const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
const DAY = /^(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/** [start, end) of a "YYYY-MM" month as epoch milliseconds; undefined for anything else. */
export function monthBounds(month: string): { start: number; end: number } | undefined {
  const m = MONTH.exec(month);
  if (!m) return undefined;
  const year = Number(m[1]);
  const index = Number(m[2]) - 1;
  return { start: Date.UTC(year, index, 1) - CST_OFFSET_MS, end: Date.UTC(year, index + 1, 1) - CST_OFFSET_MS };
}

/** The first instant of a "YYYY-MM-DD" day, epoch milliseconds; undefined when it is not a real calendar day. */
export function dayStart(day: string): number | undefined {
  const m = DAY.exec(day);
  if (!m) return undefined;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (new Date(ms).getUTCDate() !== Number(m[3])) return undefined;
  return ms - CST_OFFSET_MS;
}

/** The "YYYY-MM" month (CST) an instant falls in. */
export function monthOf(epochMs: number): string {
  return new Date(epochMs + CST_OFFSET_MS).toISOString().slice(0, 7);
}

/** "YYYY-MM-DD" of an instant (epoch milliseconds) in China time. */
export const chinaDayOf = (ms: number): string => new Date(ms + CST_OFFSET_MS).toISOString().slice(0, 10);

/** The "YYYY-MM-DD" day (CST) of an ISO 8601 instant. */
export function chinaDay(iso: string): string {
  return chinaDayOf(Date.parse(iso));
}

/** "YYYY-MM-DD HH:MM" (CST) of an ISO 8601 instant, as a statement prints it. */
export function chinaMinute(iso: string): string {
  return new Date(Date.parse(iso) + CST_OFFSET_MS).toISOString().slice(0, 16).replace("T", " ");
}

/** Epoch milliseconds of an ISO 8601 instant, or NaN. */
export function instant(iso: string): number {
  return Date.parse(iso);
}

/**
 * Overdue days at `atIso` of a case that was `days` overdue at `thenIso` (the upload that last wrote it): the days
 * in between are added, never subtracted.
 */
export function overdueDaysAt(days: number, thenIso: string, atIso: string): number {
  const elapsed = Math.floor((instant(atIso) - instant(thenIso)) / 86_400_000);
  return Number.isFinite(elapsed) && elapsed > 0 ? days + elapsed : days;
}
