import { expect } from "chai";
import {
  FEN_LIMIT,
  formatFen,
  MAX_OVERDUE_DAYS,
  parseAmountToFen,
  parseNonNegativeInteger,
} from "../../../node/domain/money.js";
import { prng } from "./identity/synthetic-ids.js";

function fenOf(raw: string): bigint {
  const result = parseAmountToFen(raw);
  if (!result.ok) throw new Error(`expected ${JSON.stringify(raw)} to be an amount, got ${result.code}`);
  return result.fen;
}

function codeOf(raw: string): string {
  const result = parseAmountToFen(raw);
  return result.ok ? `ok ${result.fen}` : result.code;
}

describe("money", () => {
  describe("parseAmountToFen", () => {
    it("reads plain amounts as integer fen", () => {
      const cases: [string, bigint][] = [
        ["0", 0n],
        ["1", 100n],
        ["1234", 123_400n],
        ["1234.5", 123_450n],
        ["1234.50", 123_450n],
        ["1234.05", 123_405n],
        ["0.01", 1n],
        ["0.1", 10n],
        ["007", 700n],
        ["00.50", 50n],
        [".5", 50n],
        ["5.", 500n],
        ["+5", 500n],
      ];
      for (const [raw, fen] of cases) expect(fenOf(raw), raw).to.equal(fen);
      expect(parseAmountToFen("12.34")).to.deep.equal({ ok: true, fen: 1234n });
    });

    it("never goes through floating point: 0.1 + 0.2 style values are exact", () => {
      expect(fenOf("0.29")).to.equal(29n); // 0.29 * 100 = 28.999999999999996 in floating point
      expect(fenOf("1.15")).to.equal(115n); // 1.15 * 100 = 114.99999999999999
      expect(fenOf("9999999999999.99")).to.equal(999_999_999_999_999n); // beyond float's exact cents
      expect(fenOf("4503599627370.49")).to.equal(450_359_962_737_049n);
    });

    it("strips ￥, ¥, RMB (any case), CNY, 元 and 人民币 at either end", () => {
      const cases = [
        "￥1234.50",
        "¥1234.50",
        "¥ 1234.50",
        "1234.50元",
        "1234.50 元",
        "RMB1234.50",
        "RMB 1234.50",
        "rmb 1234.50",
        "Rmb1234.50",
        "1234.50 RMB",
        "1234.50RMB",
        "CNY 1234.50",
        "1234.50 cny",
        "人民币1234.50元",
        "￥1,234.50元",
        "ＲＭＢ１２３４．５０",
        "¥1234.50元 ",
      ];
      for (const raw of cases) expect(fenOf(raw), raw).to.equal(123_450n);
    });

    it("applies NFKC: full-width digits, decimal point and comma", () => {
      expect(fenOf("１２３４．５０")).to.equal(123_450n);
      expect(fenOf("１，２３４．５０")).to.equal(123_450n);
      expect(fenOf("１,２３４.５")).to.equal(123_450n);
      expect(fenOf("\u30001234.50\u3000")).to.equal(123_450n);
    });

    it("accepts thousands separators only in thousands positions", () => {
      expect(fenOf("1,234")).to.equal(123_400n);
      expect(fenOf("1,234,567.89")).to.equal(123_456_789n);
      expect(fenOf("12,345,678")).to.equal(1_234_567_800n);
      expect(fenOf("123,456")).to.equal(12_345_600n);
      expect(fenOf("1，234，567")).to.equal(123_456_700n);
      expect(fenOf("1,234.")).to.equal(123_400n);
      for (const raw of [
        "1,2,3",
        "12,50", // a decimal comma is never taken for a thousands separator
        "1234,567",
        "1,2345",
        "1,23",
        ",123",
        "123,",
        "1,,234",
        "0,123",
        "1,234.567,8",
        "1.234,56",
        "1,234,56",
      ]) {
        expect(codeOf(raw), raw).to.equal("AMOUNT_NOT_NUMBER");
      }
    });

    it("rejects anything that is not a decimal number with AMOUNT_NOT_NUMBER", () => {
      for (const raw of [
        "abc",
        "1e5",
        "1E5",
        "1.5e2",
        "Infinity",
        "NaN",
        "0x10",
        "1 234",
        "1.2.3",
        ".",
        "¥",
        "元",
        "RMB",
        "-",
        "+",
        "()",
        "--5",
        "+-5",
        "5-5",
        "1万",
        "12.34.",
        "¥12¥34",
        "(100",
        "100)",
        "((100))",
        "(abc)",
        "-abc",
        "1_000",
        "١٢٣", // Arabic-Indic digits are not ASCII digits after NFKC
      ]) {
        expect(codeOf(raw), raw).to.equal("AMOUNT_NOT_NUMBER");
      }
    });

    it("rejects negative amounts with AMOUNT_NEGATIVE: -, −, －, a trailing minus, accounting parentheses", () => {
      for (const raw of [
        "-1",
        "-0.01",
        "-1,234.50",
        "\u22121234.50",
        "－1234.50",
        "\ufe631234.50",
        "-¥1234.50",
        "¥-1234.50",
        "- 1234.50",
        "RMB -100",
        "1234.50-",
        "(100)",
        "(1,234.50)",
        "¥(100)",
        "(¥100)",
        "( 100 )",
        "（100）",
        "-(100)",
        "-1.234", // negative comes before too precise
        "-99999999999999999",
      ]) {
        expect(codeOf(raw), raw).to.equal("AMOUNT_NEGATIVE");
      }
    });

    it("reads a negative zero as zero", () => {
      expect(fenOf("-0")).to.equal(0n);
      expect(fenOf("-0.00")).to.equal(0n);
      expect(fenOf("(0.00)")).to.equal(0n);
    });

    it("rejects more than 2 decimals with AMOUNT_TOO_PRECISE, unless the extra ones are zeros", () => {
      expect(codeOf("1.234")).to.equal("AMOUNT_TOO_PRECISE");
      expect(codeOf("0.001")).to.equal("AMOUNT_TOO_PRECISE");
      expect(codeOf("1.2301")).to.equal("AMOUNT_TOO_PRECISE");
      expect(codeOf("1,234.567")).to.equal("AMOUNT_TOO_PRECISE");
      expect(fenOf("1.230")).to.equal(123n);
      expect(fenOf("1234.5000")).to.equal(123_450n);
      expect(fenOf("0.000000")).to.equal(0n);
    });

    it("rejects 10^15 fen and more with AMOUNT_TOO_LARGE", () => {
      expect(FEN_LIMIT).to.equal(10n ** 15n);
      expect(fenOf("9999999999999.99")).to.equal(FEN_LIMIT - 1n);
      expect(fenOf("9,999,999,999,999.99")).to.equal(FEN_LIMIT - 1n);
      expect(fenOf("0009999999999999")).to.equal(999_999_999_999_900n);
      expect(codeOf("10000000000000")).to.equal("AMOUNT_TOO_LARGE");
      expect(codeOf("10,000,000,000,000.00")).to.equal("AMOUNT_TOO_LARGE");
      expect(codeOf("99999999999999999999999")).to.equal("AMOUNT_TOO_LARGE");
      expect(codeOf("1".repeat(100_000))).to.equal("AMOUNT_TOO_LARGE");
      expect(codeOf("10000000000000.001")).to.equal("AMOUNT_TOO_PRECISE");
    });

    it("reports an empty cell as FIELD_MISSING", () => {
      for (const raw of ["", " ", "\u3000", "\t\r\n", "\u200b"]) {
        expect(parseAmountToFen(raw), JSON.stringify(raw)).to.deep.equal({ ok: false, code: "FIELD_MISSING" });
      }
    });

    it("agrees with exact decimal arithmetic on random amounts and their formatted forms", () => {
      const random = prng(100);
      for (let n = 0; n < 20_000; n++) {
        const digits = 1 + Math.floor(random() * 13);
        let yuan = String(1 + Math.floor(random() * 9));
        while (yuan.length < digits) yuan += String(Math.floor(random() * 10));
        if (random() < 0.1) yuan = "0";
        const cents = String(Math.floor(random() * 100)).padStart(2, "0");
        const expected = BigInt(yuan + cents);
        const grouped = yuan.replace(/\B(?=(\d{3})+$)/g, ",");
        expect(fenOf(`${yuan}.${cents}`)).to.equal(expected);
        expect(fenOf(`¥${grouped}.${cents}元`)).to.equal(expected);
        expect(fenOf(formatFen(expected))).to.equal(expected);
        expect(formatFen(expected)).to.equal(`${yuan}.${cents}`);
      }
    });
  });

  describe("formatFen", () => {
    it("writes yuan with exactly 2 decimals and no grouping", () => {
      expect(formatFen(0n)).to.equal("0.00");
      expect(formatFen(1n)).to.equal("0.01");
      expect(formatFen(10n)).to.equal("0.10");
      expect(formatFen(100n)).to.equal("1.00");
      expect(formatFen(123_450n)).to.equal("1234.50");
      expect(formatFen(FEN_LIMIT - 1n)).to.equal("9999999999999.99");
      expect(formatFen(-5n)).to.equal("-0.05");
      expect(formatFen(-123_450n)).to.equal("-1234.50");
    });
  });

  describe("parseNonNegativeInteger", () => {
    it("reads whole numbers 0 … 100000", () => {
      expect(MAX_OVERDUE_DAYS).to.equal(100_000);
      expect(parseNonNegativeInteger("0")).to.deep.equal({ ok: true, value: 0 });
      expect(parseNonNegativeInteger("45")).to.deep.equal({ ok: true, value: 45 });
      expect(parseNonNegativeInteger("007")).to.deep.equal({ ok: true, value: 7 });
      expect(parseNonNegativeInteger("100000")).to.deep.equal({ ok: true, value: 100_000 });
      expect(parseNonNegativeInteger(" 30 ")).to.deep.equal({ ok: true, value: 30 });
      expect(parseNonNegativeInteger("\u3000９０\u3000")).to.deep.equal({ ok: true, value: 90 });
      expect(parseNonNegativeInteger(`${"0".repeat(50)}1`)).to.deep.equal({ ok: true, value: 1 });
    });

    it("rejects signs, decimals, grouping, letters and values over the maximum with INTEGER_INVALID", () => {
      for (const raw of ["-1", "+1", "1.0", "1.5", "1,000", "1e3", "abc", "3 0", "100001", "99999999999999999999", "٣"]) {
        expect(parseNonNegativeInteger(raw), raw).to.deep.equal({ ok: false, code: "INTEGER_INVALID" });
      }
    });

    it("takes another maximum", () => {
      expect(parseNonNegativeInteger("10", 10)).to.deep.equal({ ok: true, value: 10 });
      expect(parseNonNegativeInteger("11", 10)).to.deep.equal({ ok: false, code: "INTEGER_INVALID" });
    });

    it("reports an empty cell as FIELD_MISSING", () => {
      for (const raw of ["", "  ", "\u3000"]) {
        expect(parseNonNegativeInteger(raw)).to.deep.equal({ ok: false, code: "FIELD_MISSING" });
      }
    });
  });
});
