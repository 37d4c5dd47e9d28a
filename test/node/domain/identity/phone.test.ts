import { expect } from "chai";
import { isMobile, maskPhone, parseMobile } from "../../../../node/domain/identity/phone.js";
import { prng, toFullWidth } from "./synthetic-ids.js";

// Synthetic numbers only: 138 0000 xxxx style, not anybody's phone.
const PHONE = "13800001234";

function phoneOf(raw: string): string {
  const result = parseMobile(raw);
  if (!result.ok) throw new Error(`expected ${JSON.stringify(raw)} to parse, got ${result.code}`);
  return result.phone;
}

function invalid(raw: string): void {
  expect(parseMobile(raw), JSON.stringify(raw)).to.deep.equal({ ok: false, code: "PHONE_INVALID" });
}

describe("identity/phone", () => {
  describe("parseMobile", () => {
    it("accepts an 11-digit mobile number", () => {
      expect(parseMobile(PHONE)).to.deep.equal({ ok: true, phone: PHONE, empty: false });
    });

    it("removes spaces, hyphens and parentheses anywhere", () => {
      for (const raw of [
        "138 0000 1234",
        "138-0000-1234",
        "(138)00001234",
        "(138) 0000-1234",
        " 13800001234 ",
        "1-3-8-0-0-0-0-1-2-3-4",
        "138\u30000000\u30001234",
        "\t138\u00a000001234\r\n",
      ]) {
        expect(phoneOf(raw), raw).to.equal(PHONE);
      }
    });

    it("applies NFKC: full-width digits, plus, hyphen, parentheses and ideographic space", () => {
      expect(phoneOf(toFullWidth(PHONE))).to.equal(PHONE);
      expect(phoneOf("＋８６\u3000１３８－００００－１２３４")).to.equal(PHONE);
      expect(phoneOf("（１３８）００００１２３４")).to.equal(PHONE);
    });

    it("strips +86, 0086 or 86 when 11 digits remain", () => {
      for (const raw of [
        `+86${PHONE}`,
        `+86 ${PHONE}`,
        `+86-138-0000-1234`,
        `(+86) 138 0000 1234`,
        `0086${PHONE}`,
        `0086 138 0000 1234`,
        `86${PHONE}`,
        `86-${PHONE}`,
      ]) {
        expect(phoneOf(raw), raw).to.equal(PHONE);
      }
    });

    it("does not strip a prefix when that would not leave 11 digits", () => {
      invalid("+861380000123"); // 10 digits after +86
      invalid("+86138000012345"); // 12 digits after +86
      invalid("86138000012"); // 11 digits starting 86: no prefix to strip, and not a mobile number
      invalid("008613800001"); // 8 digits after 0086
      invalid("+8613800001234+86"); // a second +86 is not padding
    });

    it("does not strip other prefixes", () => {
      invalid(`+1${PHONE}`);
      invalid(`+0086${PHONE}`);
      invalid(`086${PHONE}`);
      invalid(`0${PHONE}`);
      invalid(`+${PHONE}`);
      invalid(`8086${PHONE}`);
    });

    it("requires 1, then 3–9, then 9 digits", () => {
      for (const second of "0123456789") {
        const result = parseMobile(`1${second}800001234`);
        expect(result.ok, second).to.equal(second >= "3");
      }
      invalid("23800001234");
      invalid("03800001234");
      invalid("1380000123"); // 10 digits
      invalid("138000012345"); // 12 digits
      invalid("1380000123a");
      invalid("138.0000.1234"); // dots are not separators
      invalid("138/0000/1234");
      invalid("010-12345678"); // a landline
      invalid("１３８０００01２３４五");
    });

    it("reports an empty cell as empty, not as invalid (the caller warns PHONE_EMPTY)", () => {
      for (const raw of ["", " ", "\u3000", "\t\r\n", "-", "()", " - ( ) "]) {
        expect(parseMobile(raw), JSON.stringify(raw)).to.deep.equal({ ok: true, phone: "", empty: true });
      }
    });

    it("agrees with ^1[3-9]\\d{9}$ on random strings", () => {
      const random = prng(86);
      const alphabet = "0123456789+- ()x";
      const pattern = /^1[3-9]\d{9}$/;
      for (let n = 0; n < 20_000; n++) {
        const length = 9 + Math.floor(random() * 8);
        let raw = n % 3 === 0 ? "1" : "";
        while (raw.length < length) {
          raw += alphabet[Math.floor(random() * (random() < 0.85 ? 10 : alphabet.length))];
        }
        let cleaned = raw.replace(/[ ()-]/g, "");
        if (cleaned.length === 14 && cleaned.startsWith("+86")) cleaned = cleaned.slice(3);
        else if (cleaned.length === 15 && cleaned.startsWith("0086")) cleaned = cleaned.slice(4);
        else if (cleaned.length === 13 && cleaned.startsWith("86")) cleaned = cleaned.slice(2);
        const result = parseMobile(raw);
        if (cleaned === "") expect(result).to.deep.equal({ ok: true, phone: "", empty: true });
        else if (pattern.test(cleaned)) expect(result, raw).to.deep.equal({ ok: true, phone: cleaned, empty: false });
        else expect(result, raw).to.deep.equal({ ok: false, code: "PHONE_INVALID" });
      }
    });
  });

  describe("isMobile", () => {
    it("checks an already clean number", () => {
      expect(isMobile(PHONE)).to.equal(true);
      expect(isMobile(` ${PHONE}`)).to.equal(false);
      expect(isMobile("12800001234")).to.equal(false);
    });
  });

  describe("maskPhone", () => {
    it("keeps the first 3 and the last 4 digits", () => {
      expect(maskPhone("13812345678")).to.equal("138****5678");
      expect(maskPhone(PHONE)).to.equal("138****1234");
    });

    it("leaves an empty phone empty and masks anything else completely", () => {
      expect(maskPhone("")).to.equal("");
      expect(maskPhone("1234567")).to.equal("*******");
    });
  });
});
