import { expect } from "chai";
import {
  CASE_FIELDS,
  FIELD_ALIASES,
  fieldOfHeader,
  mapHeader,
  normalizeHeaderName,
  REQUIRED_FIELDS,
} from "../../../../node/domain/csv/header.js";
import { expectFileError } from "./helpers.js";

const REQUIRED_ZH = ["合同编号", "姓名", "身份证号", "本金", "欠款余额", "逾期天数"];

describe("case list header", () => {
  it("has exactly the aliases of docs/design.md §8", () => {
    expect(FIELD_ALIASES).to.deep.equal({
      loan_ref: ["合同编号", "借据号", "贷款编号"],
      name: ["姓名", "借款人姓名"],
      id_number: ["身份证号", "证件号码", "身份证号码"],
      phone: ["手机号", "手机号码", "联系电话"],
      principal: ["本金", "贷款本金"],
      outstanding: ["欠款余额", "逾期金额", "剩余应还"],
      overdue_days: ["逾期天数"],
      region: ["省份"],
      product: ["产品"],
    });
    expect(REQUIRED_FIELDS).to.deep.equal(["loan_ref", "name", "id_number", "principal", "outstanding", "overdue_days"]);
  });

  it("maps every alias and every English field name", () => {
    for (const field of CASE_FIELDS) {
      expect(fieldOfHeader(field)).to.equal(field);
      for (const alias of FIELD_ALIASES[field]) expect(fieldOfHeader(alias), alias).to.equal(field);
    }
  });

  it("compares after NFKC, trimming and lower-casing", () => {
    expect(normalizeHeaderName("  ＬＯＡＮ＿ＲＥＦ\t")).to.equal("loan_ref");
    expect(fieldOfHeader("LOAN_REF")).to.equal("loan_ref");
    expect(fieldOfHeader("Overdue_Days")).to.equal("overdue_days");
    expect(fieldOfHeader("ｐｈｏｎｅ")).to.equal("phone");
    expect(fieldOfHeader(" 合同编号 ")).to.equal("loan_ref");
    expect(fieldOfHeader("\ufeff姓名")).to.equal("name"); // a stray BOM is white space to trim()
    expect(fieldOfHeader("　手机号　")).to.equal("phone"); // ideographic spaces
  });

  it("nothing fuzzy: near misses are unknown columns", () => {
    for (const name of ["loan ref", "loan-ref", "LoanRef", "合同 编号", "身份证", "电话", "金额", "name1"]) {
      expect(fieldOfHeader(name), name).to.equal(null);
    }
  });

  it("maps a Chinese header to columns, keeping unknown columns under their own name", () => {
    const columns = mapHeader([...REQUIRED_ZH, "手机号码", " 备注 ", "省份", "催收员"]);
    expect(columns.map((c) => [c.index, c.field, c.key])).to.deep.equal([
      [0, "loan_ref", "loan_ref"],
      [1, "name", "name"],
      [2, "id_number", "id_number"],
      [3, "principal", "principal"],
      [4, "outstanding", "outstanding"],
      [5, "overdue_days", "overdue_days"],
      [6, "phone", "phone"],
      [7, null, "备注"],
      [8, "region", "region"],
      [9, null, "催收员"],
    ]);
    expect(columns[7]?.name).to.equal(" 备注 ");
  });

  it("maps an English header in any order and case", () => {
    const columns = mapHeader(["Overdue_Days", "outstanding", "PRINCIPAL", "id_number", "Name", "loan_ref", "product"]);
    expect(columns.map((c) => c.field)).to.deep.equal(["overdue_days", "outstanding", "principal", "id_number", "name", "loan_ref", "product"]);
  });

  it("an empty header cell becomes column_<position>", () => {
    const columns = mapHeader([...REQUIRED_ZH, "", " "]);
    expect(columns.slice(6).map((c) => c.key)).to.deep.equal(["column_7", "column_8"]);
  });

  it("a missing required column → HEADER_MISSING_COLUMN listing every missing field", async () => {
    const error = await expectFileError(() => mapHeader(["合同编号", "姓名", "手机号", "本金"]), "HEADER_MISSING_COLUMN");
    expect(error.details).to.deep.equal({ missing: ["id_number", "outstanding", "overdue_days"] });
    // Optional columns are optional.
    expect(() => mapHeader(REQUIRED_ZH)).not.to.throw();
  });

  it("two columns for the same field → HEADER_DUPLICATE_COLUMN", async () => {
    const error = await expectFileError(() => mapHeader([...REQUIRED_ZH, "借据号"]), "HEADER_DUPLICATE_COLUMN");
    expect(error.details).to.deep.equal({ duplicates: [{ key: "loan_ref", columns: [1, 7], names: ["合同编号", "借据号"] }] });
    await expectFileError(() => mapHeader([...REQUIRED_ZH, "NAME"]), "HEADER_DUPLICATE_COLUMN");
  });

  it("two unknown columns with the same name → HEADER_DUPLICATE_COLUMN (their values would collide)", async () => {
    const error = await expectFileError(() => mapHeader([...REQUIRED_ZH, "备注", " 备注"]), "HEADER_DUPLICATE_COLUMN");
    expect(error.details).to.deep.equal({ duplicates: [{ key: "备注", columns: [7, 8], names: ["备注", " 备注"] }] });
  });

  it("a debtor's row in place of the header (a phone in two columns) → HEADER_MISSING_COLUMN, its cells never quoted", async () => {
    // Found by the property test of validateCaseList: the duplicate's details used to echo the phone number.
    const error = await expectFileError(() => mapHeader(["LN-1", "赵赵", "110101197001010008", "13000000000", "0.00", "0.00", "0", "", "13000000000"]), "HEADER_MISSING_COLUMN");
    expect(JSON.stringify(error.details)).not.to.include("13000000000");
  });
});
