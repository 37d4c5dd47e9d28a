import { isInvisible, nfkc } from "./normalize-text.js";

/**
 * Mainland mobile numbers, per docs/design.md §5: NFKC; remove white space, `-`, `(`, `)`;
 * strip a leading `+86`, `0086` or `86` only when 11 digits remain; then `^1[3-9]\d{9}$`.
 * An empty cell is allowed (the caller reports warning PHONE_EMPTY); anything else that fails is PHONE_INVALID.
 * Full-width forms (＋８６ １３８－…, （…）) become ASCII through NFKC.
 */

export type MobileResult =
  | { ok: true; phone: string; empty: false }
  | { ok: true; phone: ""; empty: true }
  | { ok: false; code: "PHONE_INVALID" };

const EMPTY: MobileResult = Object.freeze({ ok: true, phone: "", empty: true });
const INVALID: MobileResult = Object.freeze({ ok: false, code: "PHONE_INVALID" });

export function parseMobile(raw: string): MobileResult {
  const text = nfkc(raw);
  let phone = "";
  let start = -1;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x2d || code === 0x28 || code === 0x29 || isInvisible(code)) {
      if (start >= 0) {
        phone += text.slice(start, i);
        start = -1;
      }
    } else if (start < 0) {
      start = i;
    }
  }
  if (start >= 0) phone += start === 0 ? text : text.slice(start);
  if (phone.length === 0) return EMPTY;
  if (phone.length === 14 && phone.startsWith("+86")) phone = phone.slice(3);
  else if (phone.length === 15 && phone.startsWith("0086")) phone = phone.slice(4);
  else if (phone.length === 13 && phone.startsWith("86")) phone = phone.slice(2);
  return isMobile(phone) ? { ok: true, phone, empty: false } : INVALID;
}

/** `^1[3-9]\d{9}$`, without a regular expression. */
export function isMobile(phone: string): boolean {
  if (phone.length !== 11 || phone.charCodeAt(0) !== 0x31) return false;
  const second = phone.charCodeAt(1);
  if (second < 0x33 || second > 0x39) return false;
  for (let i = 2; i < 11; i++) {
    const code = phone.charCodeAt(i);
    if (code < 0x30 || code > 0x39) return false;
  }
  return true;
}

/** `138****5678`. Empty stays empty; anything but 11 characters becomes all stars. */
export function maskPhone(phone: string): string {
  if (phone.length !== 11) return "*".repeat(phone.length);
  return `${phone.slice(0, 3)}****${phone.slice(7)}`;
}
