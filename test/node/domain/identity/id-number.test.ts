import { expect } from "chai";
import {
  canonicalizeIdNumber,
  checkCharacter,
  isCanonicalId18,
  maskIdNumber,
  parseIdNumber,
} from "../../../../node/domain/identity/id-number.js";
import { checkCharFor, prng, syntheticId18, syntheticId18WithCheck, toFullWidth } from "./synthetic-ids.js";

/** 2024-06-15, noon in Beijing. */
const TODAY = new Date("2024-06-15T12:00:00+08:00");

function parsed(raw: string, today: Date = TODAY) {
  const result = parseIdNumber(raw, today);
  if (!result.ok) throw new Error(`expected ${raw} to parse, got ${result.code}`);
  return result;
}

function codeOf(raw: string, today: Date = TODAY): string {
  const result = parseIdNumber(raw, today);
  return result.ok ? "ok" : result.code;
}

describe("identity/id-number", () => {
  describe("canonicalizeIdNumber", () => {
    const id = syntheticId18WithCheck("X");

    it("uppercases a lowercase x", () => {
      expect(canonicalizeIdNumber(id.toLowerCase())).to.equal(id);
    });

    it("turns full-width digits and a full-width x into ASCII", () => {
      expect(canonicalizeIdNumber(toFullWidth(id))).to.equal(id);
      expect(canonicalizeIdNumber(toFullWidth(id.toLowerCase()))).to.equal(id);
    });

    it("removes padding and inner white space of every kind", () => {
      expect(canonicalizeIdNumber(`  ${id}\t`)).to.equal(id);
      expect(canonicalizeIdNumber(`${id.slice(0, 6)} ${id.slice(6, 14)}\u3000${id.slice(14)}`)).to.equal(id);
      expect(canonicalizeIdNumber(`\u00a0${id.slice(0, 9)}\u200b${id.slice(9)}\r\n`)).to.equal(id);
      expect(canonicalizeIdNumber(`\ufeff${id.slice(0, 3)}\u2003\u202f${id.slice(3)}`)).to.equal(id);
    });

    it("leaves other characters in place (they make the number ID_FORMAT)", () => {
      expect(canonicalizeIdNumber("110101-1990")).to.equal("110101-1990");
      expect(canonicalizeIdNumber("")).to.equal("");
    });
  });

  describe("parseIdNumber, 18 characters", () => {
    it("accepts a valid number and reports region, birth date and that it was not upgraded", () => {
      const id = syntheticId18("19900307", "452", "440305");
      expect(parsed(id)).to.deep.equal({
        ok: true,
        id18: id,
        upgraded: false,
        provinceCode: "44",
        birthDate: "1990-03-07",
      });
    });

    it("accepts X as the check character, in either case, half- or full-width", () => {
      const id = syntheticId18WithCheck("X");
      expect(id.endsWith("X")).to.equal(true);
      for (const form of [id, id.toLowerCase(), toFullWidth(id), toFullWidth(id.toLowerCase())]) {
        expect(parsed(form).id18).to.equal(id);
      }
    });

    it("accepts every check character 0–9 and X", () => {
      for (const check of "0123456789X") {
        const id = syntheticId18WithCheck(check, "19850612", "320102");
        expect(parsed(id).id18).to.equal(id);
      }
    });

    it("canonicalizes padding, inner spaces and full-width input to the same id18", () => {
      const id = syntheticId18("19800101", "007");
      for (const form of [
        ` ${id} `,
        `${id.slice(0, 6)} ${id.slice(6, 14)} ${id.slice(14)}`,
        `\u3000${toFullWidth(id)}\u3000`,
        `${id.slice(0, 6)}\u3000\u3000${id.slice(6)}`,
      ]) {
        const result = parsed(form);
        expect(result.id18).to.equal(id);
        expect(result.upgraded).to.equal(false);
      }
    });

    it("rejects a wrong check character with ID_CHECK_DIGIT", () => {
      const id = syntheticId18("19900101");
      const wrong = id.slice(0, 17) + (id.endsWith("0") ? "1" : "0");
      expect(codeOf(wrong)).to.equal("ID_CHECK_DIGIT");
      const wrongX = id.endsWith("X") ? `${id.slice(0, 17)}5` : `${id.slice(0, 17)}X`;
      expect(codeOf(wrongX)).to.equal("ID_CHECK_DIGIT");
    });

    it("rejects a malformed number with ID_FORMAT", () => {
      const id = syntheticId18("19900101");
      const cases = [
        id.slice(0, 17), // 17 characters
        `${id}1`, // 19
        id.slice(0, 16), // 16
        id.slice(0, 14), // 14
        `X${id.slice(1)}`, // X not at the end
        `${id.slice(0, 8)}A${id.slice(9)}`, // a letter inside
        `${id.slice(0, 17)}Y`, // a check character other than digit/X
        `${id.slice(0, 6)}-${id.slice(6)}`, // a separator
        "一二三四五六七八九十一二三四五六七八", // 18 Chinese characters
      ];
      for (const raw of cases) expect(codeOf(raw), raw).to.equal("ID_FORMAT");
    });

    it("takes what NFKC makes an X as an X (U+2169 ROMAN NUMERAL TEN)", () => {
      const withX = syntheticId18WithCheck("X");
      expect(parsed(`${withX.slice(0, 17)}\u2169`).id18).to.equal(withX);
    });

    it("rejects an empty or blank cell with FIELD_MISSING (the caller's required-field error)", () => {
      expect(codeOf("")).to.equal("FIELD_MISSING");
      expect(codeOf(" \u3000\t")).to.equal("FIELD_MISSING");
    });

    it("checks the format before the check character and the check character before the birth date", () => {
      const badDate = "11010119901301123"; // month 13
      expect(codeOf(badDate + checkCharFor(badDate))).to.equal("ID_BIRTH_DATE");
      const wrongCheck = checkCharFor(badDate) === "0" ? "1" : "0";
      expect(codeOf(badDate + wrongCheck)).to.equal("ID_CHECK_DIGIT");
      expect(codeOf(`${badDate.slice(0, 16)}A0`)).to.equal("ID_FORMAT");
    });
  });

  describe("parseIdNumber, birth date", () => {
    const accepts = (birth: string, today: Date = TODAY) =>
      expect(codeOf(syntheticId18(birth), today), birth).to.equal("ok");
    const rejects = (birth: string, today: Date = TODAY) =>
      expect(codeOf(syntheticId18(birth), today), birth).to.equal("ID_BIRTH_DATE");

    it("knows leap years: 1900-02-29 does not exist, 2000-02-29 and 2024-02-29 do", () => {
      rejects("19000229");
      accepts("20000229");
      accepts("19960229");
      accepts("20240229");
      rejects("20230229");
      rejects("21000229", new Date("2100-12-31T00:00:00+08:00"));
    });

    it("knows the length of every month", () => {
      const lengths = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
      lengths.forEach((length, index) => {
        const month = String(index + 1).padStart(2, "0");
        accepts(`1999${month}01`);
        accepts(`1999${month}${length}`);
        rejects(`1999${month}${length + 1}`);
        rejects(`1999${month}00`);
      });
      rejects("19990001");
      rejects("19991301");
      rejects("19999901");
      rejects("19990132");
    });

    it("accepts 1900-01-01 and rejects anything before 1900", () => {
      accepts("19000101");
      rejects("18991231");
      rejects("18000101");
      rejects("00000101");
    });

    it("accepts a birth date of today and rejects tomorrow", () => {
      accepts("20240615");
      rejects("20240616");
      rejects("20250101");
      rejects("29991231");
    });

    it("takes 'today' in China Standard Time (UTC+8)", () => {
      // 2024-06-14T16:30Z is already 2024-06-15 00:30 in Beijing.
      const justAfterMidnight = new Date("2024-06-14T16:30:00Z");
      accepts("20240615", justAfterMidnight);
      rejects("20240616", justAfterMidnight);
      // 2024-06-14T15:59Z is still 2024-06-14 23:59 in Beijing.
      const justBeforeMidnight = new Date("2024-06-14T15:59:59Z");
      accepts("20240614", justBeforeMidnight);
      rejects("20240615", justBeforeMidnight);
    });

    it("uses the current date when no 'today' is given", () => {
      expect(parseIdNumber(syntheticId18("19900101")).ok).to.equal(true);
      expect(parseIdNumber(syntheticId18("29990101")).ok).to.equal(false);
      const now = new Date(Date.now() + 8 * 3_600_000);
      const todayCst = now.toISOString().slice(0, 10).replaceAll("-", "");
      expect(parseIdNumber(syntheticId18(todayCst)).ok).to.equal(true);
    });

    it("throws a TypeError for an invalid 'today'", () => {
      expect(() => parseIdNumber(syntheticId18("19900101"), new Date(Number.NaN))).to.throw(TypeError);
    });
  });

  describe("parseIdNumber, 15 digits (first-generation cards)", () => {
    it("upgrades the docs/design.md §3 example 130503670401001 to 130503196704010016", () => {
      expect(parsed("130503670401001")).to.deep.equal({
        ok: true,
        id18: "130503196704010016",
        upgraded: true,
        provinceCode: "13",
        birthDate: "1967-04-01",
      });
    });

    it("gives the same id18 as the 18-digit form of the same person", () => {
      const random = prng(15);
      for (let n = 0; n < 500; n++) {
        const yy = String(Math.floor(random() * 100)).padStart(2, "0");
        const mm = String(1 + Math.floor(random() * 12)).padStart(2, "0");
        const dd = String(1 + Math.floor(random() * 28)).padStart(2, "0");
        const seq = String(Math.floor(random() * 1000)).padStart(3, "0");
        const id15 = `110105${yy}${mm}${dd}${seq}`;
        const id18 = syntheticId18(`19${yy}${mm}${dd}`, seq, "110105");
        const old = parsed(id15);
        expect(old.id18).to.equal(id18);
        expect(old.upgraded).to.equal(true);
        expect(parsed(id18).id18).to.equal(old.id18);
      }
    });

    it("accepts full-width and padded 15-digit numbers", () => {
      expect(parsed(` ${toFullWidth("130503670401001")}\u3000`).id18).to.equal("130503196704010016");
      expect(parsed("130503 670401 001").id18).to.equal("130503196704010016");
    });

    it("rejects a 15-digit number whose date is not real with ID_BIRTH_DATE", () => {
      expect(codeOf("130503670230001")).to.equal("ID_BIRTH_DATE"); // 1967-02-30
      expect(codeOf("130503001301001")).to.equal("ID_BIRTH_DATE"); // month 13
      expect(codeOf("130503000229001")).to.equal("ID_BIRTH_DATE"); // 1900-02-29
      expect(codeOf("130503960229001")).to.equal("ok"); // 1996-02-29
    });

    it("rejects X or any non-digit in a 15-character number with ID_FORMAT", () => {
      expect(codeOf("13050367040100X")).to.equal("ID_FORMAT");
      expect(codeOf("1305036704010A1")).to.equal("ID_FORMAT");
    });
  });

  describe("properties", () => {
    const random = prng(2024);
    const randomId = (): string => {
      const year = 1900 + Math.floor(random() * 124);
      const birth = `${year}${String(1 + Math.floor(random() * 12)).padStart(2, "0")}${String(1 + Math.floor(random() * 28)).padStart(2, "0")}`;
      const region = String(110000 + Math.floor(random() * 540000));
      return syntheticId18(birth, String(Math.floor(random() * 1000)).padStart(3, "0"), region);
    };

    it("every mutation of one character of a valid number is rejected, never accepted as another", () => {
      for (let n = 0; n < 100; n++) {
        const id = randomId();
        expect(parsed(id).id18).to.equal(id);
        for (let position = 0; position < 18; position++) {
          for (const replacement of "0123456789X") {
            if (replacement === id[position]) continue;
            const mutated = id.slice(0, position) + replacement + id.slice(position + 1);
            const code = codeOf(mutated);
            if (replacement === "X" && position < 17) expect(code, mutated).to.equal("ID_FORMAT");
            else expect(code, mutated).to.equal("ID_CHECK_DIGIT");
          }
        }
      }
    });

    it("every transposition of two different adjacent digits among the first 17 is caught", () => {
      for (let n = 0; n < 200; n++) {
        const id = randomId();
        for (let position = 0; position < 16; position++) {
          if (id[position] === id[position + 1]) continue;
          const swapped = id.slice(0, position) + id[position + 1] + id[position] + id.slice(position + 2);
          expect(codeOf(swapped), swapped).to.equal("ID_CHECK_DIGIT");
        }
      }
    });

    it("a random 18-digit string is accepted exactly when its check character and birth date are right", () => {
      let accepted = 0;
      for (let n = 0; n < 20_000; n++) {
        let first17 = "11010";
        for (let i = 5; i < 17; i++) first17 += String(Math.floor(random() * 10));
        // Half the time put a plausible date in, so that both branches are exercised.
        if (n % 2 === 0) first17 = `${first17.slice(0, 6)}19${first17.slice(8, 10)}0${1 + (n % 9)}1${n % 10}${first17.slice(14)}`;
        const check = random() < 0.5 ? checkCharFor(first17) : "0123456789X"[Math.floor(random() * 11)];
        const id = first17 + check;
        const result = parseIdNumber(id, TODAY);
        const checkRight = check === checkCharFor(first17);
        const birth = first17.slice(6, 14);
        const date = new Date(`${birth.slice(0, 4)}-${birth.slice(4, 6)}-${birth.slice(6, 8)}T00:00:00Z`);
        const realDate =
          !Number.isNaN(date.getTime()) &&
          date.toISOString().slice(0, 10).replaceAll("-", "") === birth &&
          birth >= "19000101" &&
          birth <= "20240615";
        expect(result.ok, id).to.equal(checkRight && realDate);
        if (result.ok) {
          accepted++;
          expect(result.id18).to.equal(id);
        } else {
          expect(result.code).to.equal(checkRight ? "ID_BIRTH_DATE" : "ID_CHECK_DIGIT");
        }
      }
      expect(accepted).to.be.greaterThan(1000);
    });

    it("parsing is idempotent: the canonical id18 parses to itself", () => {
      for (let n = 0; n < 500; n++) {
        const id = randomId();
        const noisy = ` ${toFullWidth(id.slice(0, 9))}\u3000${id.slice(9).toLowerCase()} `;
        const first = parsed(noisy);
        expect(first.id18).to.equal(id);
        expect(parsed(first.id18)).to.deep.equal(first);
      }
    });
  });

  describe("checkCharacter and isCanonicalId18", () => {
    it("computes the check character of 17 digits", () => {
      expect(checkCharacter("13050319670401001")).to.equal("6");
      expect(checkCharacter(syntheticId18WithCheck("X").slice(0, 17))).to.equal("X");
      expect(() => checkCharacter("1305031967040100")).to.throw(TypeError);
      expect(() => checkCharacter("1305031967040100A")).to.throw(TypeError);
    });

    it("accepts only canonical 18-character numbers with a right check character", () => {
      const id = syntheticId18WithCheck("X");
      expect(isCanonicalId18(id)).to.equal(true);
      expect(isCanonicalId18(id.toLowerCase())).to.equal(false);
      expect(isCanonicalId18(` ${id}`)).to.equal(false);
      expect(isCanonicalId18("130503670401001")).to.equal(false);
      expect(isCanonicalId18(`${id.slice(0, 17)}0`)).to.equal(false);
    });
  });

  describe("maskIdNumber", () => {
    it("keeps the first 6 and the last 4 characters around 8 stars", () => {
      const id = syntheticId18WithCheck("X", "19900101", "110101");
      expect(maskIdNumber(id)).to.equal(`110101********${id.slice(14)}`);
      expect(maskIdNumber(id)).to.match(/^110101\*{8}\d{3}X$/);
      expect(maskIdNumber("110101199001011234")).to.equal("110101********1234");
    });

    it("masks anything that is not 18 characters completely", () => {
      expect(maskIdNumber("130503670401001")).to.equal("*".repeat(15));
      expect(maskIdNumber("")).to.equal("");
    });
  });
});
