import { isInvisible, nfkc } from "./identity/normalize-text.js";

/**
 * Amounts of money as integer fen (1 yuan = 100 fen), per docs/design.md §6: NFKC; strip `￥ ¥ RMB 元`
 * and thousands separators; at most 2 decimals. No floating point anywhere: the digits go straight into a bigint.
 *
 * Accepted, around the number and in any order: white space, the currency marks `¥` (`￥` after NFKC), `RMB`,
 * `CNY` (any case), `元`, `人民币`, one sign (`+`, `-`, `−` U+2212; `－` and `﹣` after NFKC) before the number
 * or one `-` after it (SAP style), or accounting parentheses around it: `(100)`.
 * The number: digits, optionally grouped by `,` (`，` after NFKC) in thousands — `1,234,567.89`; a group of
 * other than 3 digits (`1,2,3`, `12,50`, `1234,567`) or a first group starting with 0 (`0,123`) is not a
 * number, so that a decimal comma is never misread. `.5` and `5.` are accepted. No exponent, no `Infinity`.
 * Decimals beyond the second are accepted only when they are zeros (`12.3400`, as DECIMAL(18,4) exports give).
 * A negative zero (`-0.00`) is zero.
 *
 * The first failure, in this order: empty (after clean-up) → FIELD_MISSING, AMOUNT_NOT_NUMBER, AMOUNT_NEGATIVE,
 * AMOUNT_TOO_PRECISE, AMOUNT_TOO_LARGE (≥ 10^15 fen, i.e. ≥ 10^13 yuan).
 */

export type AmountErrorCode =
  | "FIELD_MISSING"
  | "AMOUNT_NOT_NUMBER"
  | "AMOUNT_NEGATIVE"
  | "AMOUNT_TOO_PRECISE"
  | "AMOUNT_TOO_LARGE";

export type AmountResult = { ok: true; fen: bigint } | { ok: false; code: AmountErrorCode };

/** The smallest amount that is AMOUNT_TOO_LARGE. */
export const FEN_LIMIT = 10n ** 15n;
/** 10^15 fen = 10^13 yuan: at most 13 significant digits before the decimal point. */
const MAX_YUAN_DIGITS = 13;

const CODE_0 = 0x30;
const COMMA = 0x2c;
const DOT = 0x2e;
const PLUS = 0x2b;
const HYPHEN_MINUS = 0x2d;
const MINUS_SIGN = 0x2212;
const OPEN_PAREN = 0x28;
const CLOSE_PAREN = 0x29;
const YEN = 0xa5;
const YUAN = 0x5143; // 元
const REN_MIN_BI = "人民币";

const FAILURES: Readonly<Record<AmountErrorCode, AmountResult>> = {
  FIELD_MISSING: Object.freeze({ ok: false, code: "FIELD_MISSING" }),
  AMOUNT_NOT_NUMBER: Object.freeze({ ok: false, code: "AMOUNT_NOT_NUMBER" }),
  AMOUNT_NEGATIVE: Object.freeze({ ok: false, code: "AMOUNT_NEGATIVE" }),
  AMOUNT_TOO_PRECISE: Object.freeze({ ok: false, code: "AMOUNT_TOO_PRECISE" }),
  AMOUNT_TOO_LARGE: Object.freeze({ ok: false, code: "AMOUNT_TOO_LARGE" }),
};

function fail(code: AmountErrorCode): AmountResult {
  return FAILURES[code];
}

export function parseAmountToFen(raw: string): AmountResult {
  const s = nfkc(raw);
  let lo = 0;
  let hi = s.length;
  let sign = false; // a sign was seen (either end)
  let negative = false;
  let parens = 0; // +1 for "(" at the start, +2 for ")" at the end; 0 or 3 are well formed

  for (;;) {
    if (lo >= hi) break;
    const code = s.charCodeAt(lo);
    const token = currencyTokenAt(s, lo, hi);
    if (token > 0) lo += token;
    else if (isInvisible(code)) lo++;
    else if (!sign && parens === 0 && (code === PLUS || code === HYPHEN_MINUS || code === MINUS_SIGN)) {
      sign = true;
      negative = code !== PLUS;
      lo++;
    } else if (parens === 0 && code === OPEN_PAREN) {
      parens = 1;
      lo++;
    } else break;
  }
  for (;;) {
    if (lo >= hi) break;
    const code = s.charCodeAt(hi - 1);
    const token = currencyTokenBefore(s, lo, hi);
    if (token > 0) hi -= token;
    else if (isInvisible(code)) hi--;
    else if (!sign && parens < 2 && code === HYPHEN_MINUS) {
      sign = true;
      negative = true;
      hi--;
    } else if (parens < 2 && code === CLOSE_PAREN) {
      parens += 2;
      hi--;
    } else break;
  }
  if (lo >= hi) return fail(onlyInvisible(s) ? "FIELD_MISSING" : "AMOUNT_NOT_NUMBER");
  if (parens === 3) negative = true;
  else if (parens !== 0) return fail("AMOUNT_NOT_NUMBER");

  // The number itself: [lo, dot) integer part, (dot, hi) decimals.
  let dot = hi;
  let commas = 0;
  let lastComma = -1;
  for (let i = lo; i < hi; i++) {
    const code = s.charCodeAt(i);
    if (code >= CODE_0 && code <= CODE_0 + 9) continue;
    if (code === COMMA && dot === hi) {
      // Grouping: first group 1–3 digits not starting with 0, then groups of exactly 3.
      const group = i - (lastComma < 0 ? lo : lastComma + 1);
      if (lastComma < 0 ? group < 1 || group > 3 || s.charCodeAt(lo) === CODE_0 : group !== 3) {
        return fail("AMOUNT_NOT_NUMBER");
      }
      lastComma = i;
      commas++;
    } else if (code === DOT && dot === hi) {
      dot = i;
    } else {
      return fail("AMOUNT_NOT_NUMBER");
    }
  }
  if (commas > 0 && dot - lastComma - 1 !== 3) return fail("AMOUNT_NOT_NUMBER");
  const intDigits = dot - lo - commas;
  const decimals = dot === hi ? 0 : hi - dot - 1;
  if (intDigits + decimals === 0) return fail("AMOUNT_NOT_NUMBER");

  let significant = lo; // first non-zero integer digit (or dot)
  while (significant < dot && s.charCodeAt(significant) === CODE_0) significant++;
  let extraNonZero = false;
  for (let i = dot + 3; i < hi; i++) if (s.charCodeAt(i) !== CODE_0) extraNonZero = true;
  let fracNonZero = false;
  for (let i = dot + 1; i < hi && i < dot + 3; i++) if (s.charCodeAt(i) !== CODE_0) fracNonZero = true;
  const zero = significant === dot && !fracNonZero && !extraNonZero;

  if (negative && !zero) return fail("AMOUNT_NEGATIVE");
  if (extraNonZero) return fail("AMOUNT_TOO_PRECISE");
  if (dot - significant - (commas > 0 ? countCommas(s, significant, dot) : 0) > MAX_YUAN_DIGITS) {
    return fail("AMOUNT_TOO_LARGE");
  }
  if (zero) return { ok: true, fen: 0n };

  let digits = commas > 0 ? withoutCommas(s, significant, dot) : s.slice(significant, dot);
  if (decimals >= 2) digits += s.slice(dot + 1, dot + 3);
  else if (decimals === 1) digits += `${s[dot + 1]}0`;
  else digits += "00";
  return { ok: true, fen: BigInt(digits) };
}

/** "1234.50", "0.05", "-3.00": yuan with exactly 2 decimals, no grouping. */
export function formatFen(fen: bigint): string {
  if (fen < 0n) return `-${formatFen(-fen)}`;
  const s = fen.toString().padStart(3, "0");
  return `${s.slice(0, -2)}.${s.slice(-2)}`;
}

export type IntegerResult = { ok: true; value: number } | { ok: false; code: "FIELD_MISSING" | "INTEGER_INVALID" };

/** The largest overdue_days (about 274 years) that parseNonNegativeInteger accepts by default. */
export const MAX_OVERDUE_DAYS = 100_000;

/**
 * A whole number 0…max (overdue_days): NFKC (so full-width digits count), surrounding white space trimmed,
 * then digits only — no sign, no grouping, no decimal point. Empty → FIELD_MISSING.
 */
export function parseNonNegativeInteger(raw: string, max: number = MAX_OVERDUE_DAYS): IntegerResult {
  const s = nfkc(raw);
  let lo = 0;
  let hi = s.length;
  while (lo < hi && isInvisible(s.charCodeAt(lo))) lo++;
  while (hi > lo && isInvisible(s.charCodeAt(hi - 1))) hi--;
  if (lo === hi) return { ok: false, code: "FIELD_MISSING" };
  let value = 0;
  for (let i = lo; i < hi; i++) {
    const digit = s.charCodeAt(i) - CODE_0;
    if (digit < 0 || digit > 9) return { ok: false, code: "INTEGER_INVALID" };
    value = value * 10 + digit;
    if (value > max) return { ok: false, code: "INTEGER_INVALID" };
  }
  return { ok: true, value };
}

/** Length of the currency mark starting at `i` (¥, RMB, CNY, 元, 人民币), or 0. */
function currencyTokenAt(s: string, i: number, hi: number): number {
  const code = s.charCodeAt(i);
  if (code === YEN || code === YUAN) return 1;
  if (hi - i >= 3) {
    if (isLetters(s, i, "RMB") || isLetters(s, i, "CNY")) return 3;
    if (code === 0x4eba && s.startsWith(REN_MIN_BI, i)) return 3;
  }
  return 0;
}

/** Length of the currency mark ending just before `hi`, or 0. */
function currencyTokenBefore(s: string, lo: number, hi: number): number {
  const code = s.charCodeAt(hi - 1);
  if (code === YEN || code === YUAN) return 1;
  if (hi - lo >= 3) {
    if (isLetters(s, hi - 3, "RMB") || isLetters(s, hi - 3, "CNY")) return 3;
    if (code === 0x5e01 && s.startsWith(REN_MIN_BI, hi - 3)) return 3;
  }
  return 0;
}

/** Case-insensitive match of 3 uppercase ASCII letters at `i`. */
function isLetters(s: string, i: number, upper: string): boolean {
  for (let k = 0; k < 3; k++) {
    if ((s.charCodeAt(i + k) & ~0x20) !== upper.charCodeAt(k)) return false;
  }
  return true;
}

function onlyInvisible(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (!isInvisible(s.charCodeAt(i))) return false;
  return true;
}

function countCommas(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) if (s.charCodeAt(i) === COMMA) n++;
  return n;
}

function withoutCommas(s: string, from: number, to: number): string {
  let out = "";
  let start = from;
  for (let i = from; i < to; i++) {
    if (s.charCodeAt(i) === COMMA) {
      out += s.slice(start, i);
      start = i + 1;
    }
  }
  return out + s.slice(start, to);
}
