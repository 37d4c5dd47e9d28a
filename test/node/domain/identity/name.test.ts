import { expect } from "chai";
import { maskName, NAME_MAX_LENGTH, normalizeName } from "../../../../node/domain/identity/name.js";

// Placeholder names only (张三, 李四, John Doe…).

function nameOf(raw: string): string {
  const result = normalizeName(raw);
  if (!result.ok) throw new Error(`expected ${JSON.stringify(raw)} to be a name, got ${result.code}`);
  return result.name;
}

/** U+20000, a CJK Extension B ideograph: two UTF-16 code units, one character. */
const EXT_B = "\u{20000}";

describe("identity/name", () => {
  describe("normalizeName", () => {
    it("trims and keeps a plain name", () => {
      expect(normalizeName("张三")).to.deep.equal({ ok: true, name: "张三" });
      expect(nameOf("  张三\t")).to.equal("张三");
      expect(nameOf("\u3000李四\u3000")).to.equal("李四");
      expect(nameOf("\ufeff王五")).to.equal("王五");
    });

    it("collapses every run of inner white space to one space", () => {
      expect(nameOf("John   Doe")).to.equal("John Doe");
      expect(nameOf("John\t\u3000 Doe")).to.equal("John Doe");
      expect(nameOf(" Mary \r\n Ann\u00a0 Roe ")).to.equal("Mary Ann Roe");
      expect(nameOf("张\u3000三")).to.equal("张 三");
    });

    it("applies NFKC (full-width Latin, compatibility ideographs)", () => {
      expect(nameOf("Ｊｏｈｎ\u3000Ｄｏｅ")).to.equal("John Doe");
      expect(nameOf("\uf900")).to.equal("\u8c48"); // CJK COMPATIBILITY IDEOGRAPH-F900 → 豈
    });

    it("keeps the middle dot of transliterated names", () => {
      expect(nameOf("阿卜杜·某某")).to.equal("阿卜杜·某某");
    });

    it("rejects an empty or blank name with FIELD_MISSING", () => {
      for (const raw of ["", " ", "\u3000\t\r\n"]) {
        expect(normalizeName(raw)).to.deep.equal({ ok: false, code: "FIELD_MISSING" });
      }
    });

    it("allows 100 characters and rejects 101 with FIELD_TOO_LONG", () => {
      expect(NAME_MAX_LENGTH).to.equal(100);
      expect(nameOf("张".repeat(100))).to.have.length(100);
      expect(normalizeName("张".repeat(101))).to.deep.equal({ ok: false, code: "FIELD_TOO_LONG" });
      expect(nameOf(` ${"a".repeat(100)} `)).to.have.length(100);
    });

    it("counts code points, not UTF-16 units: 100 supplementary ideographs fit", () => {
      expect(nameOf(EXT_B.repeat(100))).to.equal(EXT_B.repeat(100));
      expect(normalizeName(EXT_B.repeat(101))).to.deep.equal({ ok: false, code: "FIELD_TOO_LONG" });
      expect(nameOf(`张${EXT_B.repeat(99)}`)).to.have.length(199);
    });

    it("counts the length after collapsing white space", () => {
      expect(nameOf(`${"a".repeat(50)}          ${"b".repeat(49)}`)).to.have.length(100);
    });
  });

  describe("maskName", () => {
    it("keeps the surname and stars the rest, one star per character", () => {
      expect(maskName("张三")).to.equal("张*");
      expect(maskName("张三丰")).to.equal("张**");
      expect(maskName("李某某某")).to.equal("李***");
    });

    it("keeps a two-character compound surname whole", () => {
      expect(maskName("欧阳某某")).to.equal("欧阳**");
      expect(maskName("欧阳某")).to.equal("欧阳*");
      for (const surname of [
        "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙",
        "宇文", "司徒", "夏侯", "轩辕", "令狐", "端木", "独孤", "南宫", "西门", "歐陽", "司馬",
      ]) {
        expect(maskName(`${surname}某某`), surname).to.equal(`${surname}**`);
      }
    });

    it("treats a two-character name as surname + given name even when it spells a compound surname", () => {
      expect(maskName("欧阳")).to.equal("欧*");
    });

    it("does not mistake an ordinary surname followed by a given name for a compound surname", () => {
      expect(maskName("司某某")).to.equal("司**");
      expect(maskName("欧某某")).to.equal("欧**");
    });

    it("masks a one-character name completely and leaves an empty one empty", () => {
      expect(maskName("张")).to.equal("*");
      expect(maskName("")).to.equal("");
    });

    it("keeps the first letter of each word of a Latin name", () => {
      expect(maskName("John Doe")).to.equal("J*** D**");
      expect(maskName("Mary Ann Roe")).to.equal("M*** A** R**");
      expect(maskName("José Álvarez")).to.equal("J*** Á******");
      expect(maskName("Jo D")).to.equal("J* D");
    });

    it("masks a single Latin word like a Chinese name", () => {
      expect(maskName("Doe")).to.equal("D**");
    });

    it("handles supplementary characters as one character each", () => {
      expect(maskName(`${EXT_B}三`)).to.equal(`${EXT_B}*`);
      expect(maskName(`张${EXT_B}`)).to.equal("张*");
    });

    it("masks a Chinese name written with a space as a Chinese name", () => {
      expect(maskName("张 三")).to.equal("张**");
    });

    it("never reveals more than the surname of the names it masks", () => {
      for (const name of ["张三", "欧阳某某", "John Doe", "阿卜杜·某某"]) {
        const masked = maskName(name);
        expect(Array.from(masked)).to.have.length(Array.from(name).length);
        expect(masked).to.not.equal(name);
      }
    });
  });
});
