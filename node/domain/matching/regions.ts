/** Regions as agency profiles declare them: 2-digit province codes (GB/T 2260, 11–82) or "*" for all. */

export const ANY_REGION = "*";
const FIRST_PROVINCE = 11;
const LAST_PROVINCE = 82;

/**
 * True for "11"…"82". Codes in that span that name no province today are accepted, as ID numbers are
 * (identity/id-number.ts): the administrative-division list changes, profiles should not break with it.
 */
export function isProvinceCode(code: string): boolean {
  if (code.length !== 2) return false;
  const tens = code.charCodeAt(0) - 0x30;
  const ones = code.charCodeAt(1) - 0x30;
  if (tens < 0 || tens > 9 || ones < 0 || ones > 9) return false;
  const n = tens * 10 + ones;
  return n >= FIRST_PROVINCE && n <= LAST_PROVINCE;
}
