import { expect } from "chai";
import fc from "fast-check";
import { CURRENT_LEXICON } from "../../../../node/domain/conduct/lexicon.js";
import { checkLexicon, lexiconHash, normalizeForScreening, Screener, type Lexicon } from "../../../../node/domain/conduct/screen.js";
import { propertyParameters } from "../../../support/property.js";

const screener = new Screener(CURRENT_LEXICON);
const cp = (s: string) => Array.from(s);

describe("domain/conduct: text screening against the forbidden-word lexicon (design §26)", () => {
  it("passes a polite reminder and names the lexicon version", () => {
    expect(screener.screen("您好，您的借款已逾期，请尽快联系我们协商还款方案。")).to.deep.equal({ ok: true, lexiconVersion: "2026.1" });
  });

  it("refuses a false legal claim with the rule, its category and the span in code points", () => {
    const text = "𠀀先生：你已被法院已判决，请立即还款";
    const result = screener.screen(text);
    expect(result).to.deep.equal({ ok: false, rule: "LEGAL-02", category: "FALSE_LEGAL_CLAIM", span: [7, 12], lexiconVersion: "2026.1" });
    if (!result.ok) expect(cp(text).slice(...result.span).join("")).to.equal("法院已判决");
  });

  it("finds threats, insults and disclosure to third parties", () => {
    expect(screener.screen("再不还就弄死你")).to.deep.include({ ok: false, rule: "THREAT-01", category: "THREAT" });
    expect(screener.screen("你这个老赖")).to.deep.include({ ok: false, rule: "INSULT-01", category: "INSULT" });
    expect(screener.screen("我们将通知你的单位")).to.deep.include({ ok: false, rule: "DISCLOSE-01", category: "THIRD_PARTY_DISCLOSURE" });
  });

  it("is not evaded by spaces, zero-width characters, full-width forms or filler punctuation; the span covers them", () => {
    for (const text of ["坐 牢", "坐\u200b牢", "坐\u3000牢", "坐*牢", "坐·牢", "坐\u2060\u200d牢"]) {
      const result = screener.screen(`否则${text}！`);
      expect(result, JSON.stringify(text)).to.deep.include({ ok: false, rule: "LEGAL-01" });
      if (!result.ok) expect(result.span).to.deep.equal([2, 2 + cp(text).length]);
    }
  });

  it("reports the earliest finding when several rules match", () => {
    expect(screener.screen("老赖，否则坐牢")).to.deep.include({ rule: "INSULT-01", span: [0, 2] });
  });

  it("property: any forbidden term, however padded with invisible or full-width characters, is found at its place", () => {
    const terms = CURRENT_LEXICON.rules.flatMap((rule) => rule.terms.map((term) => ({ rule: rule.id, term })));
    const noise = fc.constantFrom(" ", "\u200b", "\u200c", "\u200d", "\u2060", "\u3000", "\u00a0", "*", "-", "·");
    const polite = fc.constantFrom("您好", "请", "还款", "联系", "我们", "协商", "谢谢", "。", "，", "A", "１", "x");
    fc.assert(
      fc.property(
        fc.constantFrom(...terms),
        fc.array(polite, { maxLength: 8 }),
        fc.array(noise, { maxLength: 3 }),
        fc.boolean(),
        (pick, before, pads, wide) => {
          const chars = cp(pick.term).map((c) => (wide ? String.fromCodePoint(c.codePointAt(0)! < 0x7f ? c.codePointAt(0)! + 0xfee0 : c.codePointAt(0)!) : c));
          const evaded = chars.join(pads.join(""));
          const prefix = before.join("");
          const result = screener.screen(prefix + evaded);
          expect(result.ok).to.equal(false);
          if (!result.ok) {
            expect(result.span[0]).to.be.at.least(0);
            expect(result.span[1]).to.be.at.most(cp(prefix).length + cp(evaded).length);
          }
        },
      ),
      propertyParameters(300),
    );
  });

  it("property: a text built only of polite words is accepted", () => {
    const polite = fc.constantFrom("您好", "请", "尽快", "还款", "联系", "我们", "协商", "方案", "谢谢", "。", "，", " ");
    fc.assert(
      fc.property(fc.array(polite, { maxLength: 30 }), (words) => {
        expect(screener.screen(words.join("")).ok).to.equal(true);
      }),
      propertyParameters(300),
    );
  });

  it("normalizes full-width Latin to lower-case half-width, keeping each unit's origin", () => {
    const { folded, origin } = normalizeForScreening("Ａ b\u200bC");
    expect(folded).to.equal("abc");
    expect(origin).to.deep.equal([0, 2, 4]);
  });

  it("refuses a malformed lexicon and hashes a lexicon by its canonical JSON", () => {
    const base: Lexicon = { format: "caseledger-lexicon/1", version: "t", rules: [{ id: "R", category: "THREAT", terms: ["弄死"] }] };
    expect(() => checkLexicon({ ...base, rules: [{ id: "R", category: "NOPE", terms: ["弄死"] }] })).to.throw(TypeError);
    expect(() => checkLexicon({ ...base, rules: [base.rules[0], base.rules[0]] })).to.throw(TypeError);
    expect(() => checkLexicon({ ...base, rules: [{ id: "R", category: "THREAT", terms: ["死"] }] })).to.throw(TypeError);
    expect(lexiconHash(base)).to.match(/^0x[0-9a-f]{64}$/);
    expect(lexiconHash({ version: "t", rules: base.rules, format: base.format })).to.equal(lexiconHash(base));
    expect(lexiconHash({ ...base, version: "u" })).to.not.equal(lexiconHash(base));
  });
});
