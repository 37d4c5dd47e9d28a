/**
 * The Unicode clean-up every field of a case list goes through: NFKC (full-width digits and letters,
 * ideographic and no-break spaces, full-width punctuation → their ASCII forms) and the set of characters
 * that count as white space. Hot path: one loop over char codes, no regular expressions.
 */

/** NFKC, skipping the ICU call when the text is pure ASCII (which NFKC never changes). */
export function nfkc(raw: string): string {
  for (let i = 0; i < raw.length; i++) {
    if (raw.charCodeAt(i) >= 0x80) return raw.normalize("NFKC");
  }
  return raw;
}

/**
 * White space as JavaScript's `\s` knows it: tab, LF, VT, FF, CR, space, NBSP, U+1680, U+2000–U+200A,
 * U+2028, U+2029, U+202F, U+205F, U+3000 (ideographic space) and U+FEFF (BOM).
 */
export function isWhiteSpace(code: number): boolean {
  if (code < 0x80) return code === 0x20 || (code >= 0x09 && code <= 0x0d);
  return (
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}

/**
 * White space plus the invisible characters that spreadsheets and copy-paste leave in identifiers:
 * zero-width space U+200B, zero-width (non-)joiner U+200C/U+200D, word joiner U+2060.
 */
export function isInvisible(code: number): boolean {
  return isWhiteSpace(code) || (code >= 0x200b && code <= 0x200d) || code === 0x2060;
}

/** NFKC, then every white space or invisible character removed, wherever it is. */
export function nfkcWithoutSpaces(raw: string): string {
  const text = nfkc(raw);
  let i = 0;
  while (i < text.length && !isInvisible(text.charCodeAt(i))) i++;
  if (i === text.length) return text;
  let out = text.slice(0, i);
  let start = -1;
  for (; i < text.length; i++) {
    if (isInvisible(text.charCodeAt(i))) {
      if (start >= 0) {
        out += text.slice(start, i);
        start = -1;
      }
    } else if (start < 0) {
      start = i;
    }
  }
  if (start >= 0) out += text.slice(start);
  return out;
}

/** Number of Unicode code points (a character outside the BMP, e.g. a rare CJK ideograph, counts once). */
export function codePointLength(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0xdc00 || code > 0xdfff || i === 0 || !isHighSurrogate(text.charCodeAt(i - 1))) n++;
  }
  return n;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/** True when the string has no lone surrogate (so that its UTF-8 encoding is lossless). */
export function isWellFormedUnicode(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0xd800 || code > 0xdfff) continue;
    if (code > 0xdbff) return false;
    const next = text.charCodeAt(i + 1);
    if (!(next >= 0xdc00 && next <= 0xdfff)) return false;
    i++;
  }
  return true;
}
