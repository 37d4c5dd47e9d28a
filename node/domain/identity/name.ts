import { codePointLength, isWhiteSpace, nfkc } from "./normalize-text.js";

/**
 * Debtor names: NFKC, trim, every run of inner white space (incl. ideographic space U+3000, tabs, line breaks)
 * collapsed to one ASCII space; 1–100 Unicode code points (a rare ideograph outside the BMP counts once).
 */

export const NAME_MAX_LENGTH = 100;

export type NameResult = { ok: true; name: string } | { ok: false; code: "FIELD_MISSING" | "FIELD_TOO_LONG" };

export function normalizeName(raw: string): NameResult {
  const name = collapseWhiteSpace(nfkc(raw));
  if (name.length === 0) return { ok: false, code: "FIELD_MISSING" };
  // Code units ≥ code points: the exact count is needed only near the limit.
  if (name.length > NAME_MAX_LENGTH && codePointLength(name) > NAME_MAX_LENGTH) {
    return { ok: false, code: "FIELD_TOO_LONG" };
  }
  return { ok: true, name };
}

function collapseWhiteSpace(text: string): string {
  let out = "";
  let start = -1; // start of the current run of non-space characters
  let clean = true; // whether `out` is still a prefix of `text` (then `text` can be returned as it is)
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (isWhiteSpace(code)) {
      if (start >= 0) {
        if (out.length > 0) out += " ";
        out += text.slice(start, i);
        start = -1;
      }
      clean = false;
    } else if (start < 0) {
      start = i;
    }
  }
  if (clean) return text;
  if (start >= 0) {
    if (out.length > 0) out += " ";
    out += text.slice(start);
  }
  return out;
}

/**
 * Two-character (复姓) surnames kept whole by maskName, simplified and traditional forms. A name of exactly
 * two characters is one surname character and a one-character given name (欧阳 alone masks as 欧*).
 */
const COMPOUND_SURNAMES: ReadonlySet<string> = new Set(
  (
    "欧阳 太史 端木 上官 司马 东方 独孤 南宫 万俟 闻人 夏侯 诸葛 尉迟 公羊 赫连 澹台 皇甫 宗政 濮阳 公冶 太叔 申屠 " +
    "公孙 慕容 仲孙 钟离 长孙 宇文 司徒 鲜于 司空 闾丘 子车 亓官 司寇 巫马 公西 颛孙 壤驷 公良 漆雕 乐正 宰父 谷梁 " +
    "拓跋 夹谷 轩辕 令狐 段干 百里 呼延 东郭 南门 羊舌 微生 梁丘 左丘 东门 西门 第五 公乘 南荣 东里 即墨 达奚 " +
    "褚师 呼衍 " +
    "歐陽 司馬 東方 獨孤 南宮 聞人 諸葛 尉遲 赫連 澹臺 濮陽 公孫 鍾離 長孫 鮮於 閭丘 顓孫 壤駟 樂正 穀梁 軒轅 " +
    "東郭 南門 東門 西門 東里"
  ).split(" "),
);

/**
 * `张*`, `张**`, `欧阳**`: the surname (one character, or two for a compound surname when the name has ≥ 3),
 * then one star per remaining character. A name of ≥ 2 words that all begin with a Latin letter keeps the
 * first letter of each word: `John Smith` → `J*** S****`. A one-character name becomes `*`.
 * Expects a name from normalizeName.
 */
export function maskName(name: string): string {
  const chars = Array.from(name);
  const first = chars[0];
  if (first === undefined) return "";
  if (chars.length === 1) return "*";
  if (name.includes(" ")) {
    const words = name.split(" ");
    if (words.every((word) => isLatinLetter(word.codePointAt(0) ?? 0))) return maskLatinWords(words);
  }
  const keep = chars.length >= 3 && COMPOUND_SURNAMES.has(first + (chars[1] as string)) ? 2 : 1;
  return chars.slice(0, keep).join("") + "*".repeat(chars.length - keep);
}

function maskLatinWords(words: string[]): string {
  return words
    .map((word) => {
      const letters = Array.from(word);
      return (letters[0] as string) + "*".repeat(letters.length - 1);
    })
    .join(" ");
}

/** A–Z, a–z, and the letters of Latin-1 Supplement and Latin Extended-A/B (é, ü, ł…). */
function isLatinLetter(code: number): boolean {
  return (
    (code >= 0x41 && code <= 0x5a) ||
    (code >= 0x61 && code <= 0x7a) ||
    (code >= 0xc0 && code <= 0x24f && code !== 0xd7 && code !== 0xf7)
  );
}
