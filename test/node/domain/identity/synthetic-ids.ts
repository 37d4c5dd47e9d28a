import { prng } from "../../../support/prng.js";

export { prng };

/**
 * Synthetic ID numbers for tests, computed here independently of the code under test (GB 11643 check
 * character). Region codes are public administrative codes; birth dates and sequence numbers are made up.
 * Never put a real person's number in a test.
 */

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/** The check character of 17 digits. */
export function checkCharFor(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (WEIGHTS[i] as number);
  return "10X98765432"[sum % 11] as string;
}

/** A valid 18-character number: region + YYYYMMDD + 3-digit sequence + check character. */
export function syntheticId18(birth: string, sequence = "123", region = "110101"): string {
  const first17 = region + birth + sequence;
  return first17 + checkCharFor(first17);
}

/** The first sequence number 000…999 that gives the wanted check character for this region and birth date. */
export function syntheticId18WithCheck(check: string, birth = "19900101", region = "110101"): string {
  for (let n = 0; n < 1000; n++) {
    const id = syntheticId18(birth, String(n).padStart(3, "0"), region);
    if (id.endsWith(check)) return id;
  }
  throw new Error(`no sequence gives check character ${check}`);
}

/** ASCII digits and letters → their full-width forms (U+FF10…). */
export function toFullWidth(text: string): string {
  return Array.from(text, (c) => {
    const code = c.charCodeAt(0);
    return code > 0x20 && code < 0x7f ? String.fromCharCode(code + 0xfee0) : c;
  }).join("");
}
