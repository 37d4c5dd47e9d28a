import { createHash } from "node:crypto";
import { canonicalJson } from "../canonical-json.js";
import { isInvisible } from "../identity/normalize-text.js";

/**
 * Text screening (docs/design.md §26): a collection text (an SMS, a letter, a template of either) is checked against
 * a versioned lexicon of forbidden wording before it may be sent. The text is compared in a normalized form — NFKC
 * per character (full-width → half-width), Latin lower-cased, white space, zero-width characters and filler
 * punctuation removed — so that `坐 牢`, `坐\u200b牢` or `坐*牢` are found as `坐牢`. A finding names the rule, its category
 * and the span of the ORIGINAL text it covers, in code points; never the text itself.
 */

export const CONDUCT_CATEGORIES = ["THREAT", "INSULT", "FALSE_LEGAL_CLAIM", "THIRD_PARTY_DISCLOSURE"] as const;
export type ConductCategory = (typeof CONDUCT_CATEGORIES)[number];

/** The longest text screened, in code points (a letter's body); longer is refused as bad input, not screened. */
export const MAX_SCREENED_TEXT = 20_000;

export interface LexiconRule {
  id: string;
  category: ConductCategory;
  terms: string[];
}
export interface Lexicon {
  format: "caseledger-lexicon/1";
  version: string;
  note?: string;
  rules: LexiconRule[];
}

export type ScreenResult =
  | { ok: true; lexiconVersion: string }
  | { ok: false; rule: string; category: ConductCategory; span: [number, number]; lexiconVersion: string };

/** Characters removed before comparing, besides white space and the invisible ones: what an evader puts between characters. */
const FILLERS = new Set([..."*-_.·•/\\|~^`'\",，。、・…—"]);

function fillerOrInvisible(ch: string): boolean {
  const code = ch.codePointAt(0)!;
  return isInvisible(code) || FILLERS.has(ch);
}

/** One character's comparison form: NFKC, Latin lower-cased; "" when it is dropped. */
function fold(ch: string): string {
  const n = ch.normalize("NFKC").toLowerCase();
  let out = "";
  for (const c of n) if (!fillerOrInvisible(c)) out += c;
  return out;
}

/**
 * The comparison form of `text` and, for each of its UTF-16 units, the code-point index in `text` of the character
 * it came from.
 */
export function normalizeForScreening(text: string): { folded: string; origin: number[] } {
  let folded = "";
  const origin: number[] = [];
  let index = 0;
  for (const ch of text) {
    const f = fold(ch);
    folded += f;
    for (let i = 0; i < f.length; i++) origin.push(index);
    index++;
  }
  return { folded, origin };
}

/** Checks the lexicon's shape (a data file in the repository, read at start): every rule an id, a known category, terms. */
export function checkLexicon(value: unknown): Lexicon {
  const lexicon = value as Lexicon;
  if (lexicon?.format !== "caseledger-lexicon/1" || typeof lexicon.version !== "string" || !Array.isArray(lexicon.rules)) throw new TypeError("not a caseledger-lexicon/1");
  const ids = new Set<string>();
  for (const rule of lexicon.rules) {
    if (typeof rule.id !== "string" || ids.has(rule.id)) throw new TypeError(`lexicon rule id ${String(rule.id)} missing or repeated`);
    ids.add(rule.id);
    if (!(CONDUCT_CATEGORIES as readonly string[]).includes(rule.category)) throw new TypeError(`lexicon rule ${rule.id}: unknown category`);
    if (!Array.isArray(rule.terms) || rule.terms.length === 0) throw new TypeError(`lexicon rule ${rule.id}: no terms`);
    for (const term of rule.terms) if (typeof term !== "string" || normalizeForScreening(term).folded.length < 2) throw new TypeError(`lexicon rule ${rule.id}: a term shorter than 2 characters`);
  }
  return lexicon;
}

/** The lexicon's SHA-256 over its canonical JSON (RFC 8785): what the gateway notarizes when it starts using a version. */
export function lexiconHash(lexicon: Lexicon): string {
  return `0x${createHash("sha256").update(canonicalJson(lexicon)).digest("hex")}`;
}

/** A lexicon ready to screen with: its terms in comparison form. */
export class Screener {
  readonly #terms: Array<{ rule: LexiconRule; folded: string }> = [];
  readonly version: string;
  readonly hash: string;

  constructor(readonly lexicon: Lexicon) {
    checkLexicon(lexicon);
    this.version = lexicon.version;
    this.hash = lexiconHash(lexicon);
    for (const rule of lexicon.rules) for (const term of rule.terms) this.#terms.push({ rule, folded: normalizeForScreening(term).folded });
  }

  /** The first forbidden term in `text` (the earliest start; the longest at one start), or ok. */
  screen(text: string): ScreenResult {
    const { folded, origin } = normalizeForScreening(text);
    let best: { rule: LexiconRule; at: number; end: number } | undefined;
    for (const { rule, folded: term } of this.#terms) {
      const at = folded.indexOf(term);
      if (at < 0) continue;
      const end = at + term.length;
      if (!best || at < best.at || (at === best.at && end > best.end)) best = { rule, at, end };
    }
    if (!best) return { ok: true, lexiconVersion: this.version };
    return { ok: false, rule: best.rule.id, category: best.rule.category, span: [origin[best.at]!, origin[best.end - 1]! + 1], lexiconVersion: this.version };
  }
}
