import { CST_OFFSET_MS } from "../fees/month.js";
import { nfkcWithoutSpaces } from "./normalize-text.js";

/**
 * 居民身份证号码 (GB 11643-1999), per docs/design.md §3.
 *
 * Canonical form: NFKC, every white space (ASCII, no-break, ideographic…) or zero-width character removed,
 * uppercase. 18 characters = 17 digits + check character (digit or X); 15 digits (first-generation cards)
 * are upgraded to 18 by inserting "19" after the 6-digit region and appending the check character.
 *
 * Checks, in this order, the first failure being the one reported:
 *   empty → FIELD_MISSING; length/charset → ID_FORMAT; check character → ID_CHECK_DIGIT;
 *   birth date (real date, year ≥ 1900, not after today) → ID_BIRTH_DATE.
 * The region code is not checked against the administrative-division list: codes of abolished
 * divisions stay valid on cards issued before, and the list changes every year.
 * "Today" is the calendar date in China Standard Time (UTC+8, no daylight saving).
 */

export type IdNumberResult =
  | { ok: true; id18: string; upgraded: boolean; provinceCode: string; birthDate: string }
  | { ok: false; code: "FIELD_MISSING" | "ID_FORMAT" | "ID_CHECK_DIGIT" | "ID_BIRTH_DATE" };

const WEIGHTS = Uint8Array.of(7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2);
const CHECK_CHARS = "10X98765432";
/** Char codes of CHECK_CHARS, indexed by the weighted sum mod 11. */
const CHECK_CODES = Uint8Array.from(CHECK_CHARS, (c) => c.charCodeAt(0));
const DAYS_IN_MONTH = Uint8Array.of(0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31);
const CODE_0 = 0x30;
const CODE_X = 0x58;
const DAY_MS = 86_400_000;
const MIN_BIRTH_YEAR = 1900;

/** NFKC, trim, remove every inner white space (incl. U+3000 and zero-width characters), uppercase. */
export function canonicalizeIdNumber(raw: string): string {
  const text = nfkcWithoutSpaces(raw);
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) >= 0x61) return text.toUpperCase();
  }
  return text;
}

export function parseIdNumber(raw: string, today?: Date): IdNumberResult {
  const id = canonicalizeIdNumber(raw);
  let id18: string;
  let upgraded: boolean;
  if (id.length === 18) {
    if (!allDigits(id, 0, 17)) return { ok: false, code: "ID_FORMAT" };
    const last = id.charCodeAt(17);
    if (!(isDigit(last) || last === CODE_X)) return { ok: false, code: "ID_FORMAT" };
    if (checkCharCode(id) !== last) return { ok: false, code: "ID_CHECK_DIGIT" };
    id18 = id;
    upgraded = false;
  } else if (id.length === 15) {
    if (!allDigits(id, 0, 15)) return { ok: false, code: "ID_FORMAT" };
    const id17 = `${id.slice(0, 6)}19${id.slice(6)}`;
    id18 = id17 + String.fromCharCode(checkCharCode(id17));
    upgraded = true;
  } else {
    return { ok: false, code: id.length === 0 ? "FIELD_MISSING" : "ID_FORMAT" };
  }
  if (!isValidBirthDate(id18, todayNumber(today))) return { ok: false, code: "ID_BIRTH_DATE" };
  return {
    ok: true,
    id18,
    upgraded,
    provinceCode: id18.slice(0, 2),
    birthDate: `${id18.slice(6, 10)}-${id18.slice(10, 12)}-${id18.slice(12, 14)}`,
  };
}

/** The check character of the first 17 digits of `id` (which must be digits), as a char code. */
function checkCharCode(id: string): number {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (id.charCodeAt(i) - CODE_0) * (WEIGHTS[i] as number);
  return CHECK_CODES[sum % 11] as number;
}

/** The check character ("0"–"9" or "X") for 17 digits. Throws a TypeError on anything else. */
export function checkCharacter(first17: string): string {
  if (first17.length !== 17 || !allDigits(first17, 0, 17)) throw new TypeError("expected 17 digits");
  return String.fromCharCode(checkCharCode(first17));
}

/**
 * True for a canonical 18-character ID number with the right check character (birth date not checked):
 * the form pseudonyms are computed from.
 */
export function isCanonicalId18(id: string): boolean {
  if (id.length !== 18 || !allDigits(id, 0, 17)) return false;
  const last = id.charCodeAt(17);
  return (isDigit(last) || last === CODE_X) && checkCharCode(id) === last;
}

/** `110101********123X`: the region, 8 stars, the last 4. Anything but 18 characters becomes all stars. */
export function maskIdNumber(id18: string): string {
  if (id18.length !== 18) return "*".repeat(id18.length);
  return `${id18.slice(0, 6)}********${id18.slice(14)}`;
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

function allDigits(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (!isDigit(text.charCodeAt(i))) return false;
  return true;
}

function digitsAt(text: string, from: number, count: number): number {
  let n = 0;
  for (let i = from; i < from + count; i++) n = n * 10 + (text.charCodeAt(i) - CODE_0);
  return n;
}

function isValidBirthDate(id18: string, today: number): boolean {
  const year = digitsAt(id18, 6, 4);
  const month = digitsAt(id18, 10, 2);
  const day = digitsAt(id18, 12, 2);
  if (year < MIN_BIRTH_YEAR || month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const maxDay = month === 2 && leap ? 29 : (DAYS_IN_MONTH[month] as number);
  if (day > maxDay) return false;
  return year * 10_000 + month * 100 + day <= today;
}

let cachedToday = 0;
let cachedUntilMs = 0;

/** Today's date in China Standard Time as the number YYYYMMDD; the default "now" is cached for the day. */
function todayNumber(today: Date | undefined): number {
  if (today !== undefined) return cstDateNumber(today.getTime());
  const now = Date.now();
  if (now >= cachedUntilMs || now < cachedUntilMs - DAY_MS) {
    cachedToday = cstDateNumber(now);
    cachedUntilMs = (Math.floor((now + CST_OFFSET_MS) / DAY_MS) + 1) * DAY_MS - CST_OFFSET_MS;
  }
  return cachedToday;
}

function cstDateNumber(epochMs: number): number {
  if (!Number.isFinite(epochMs)) throw new TypeError("today is not a valid date");
  const d = new Date(epochMs + CST_OFFSET_MS);
  return d.getUTCFullYear() * 10_000 + (d.getUTCMonth() + 1) * 100 + d.getUTCDate();
}
