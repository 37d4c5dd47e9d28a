import { expect } from "chai";
import { validateCaseList, validateCaseListEvents } from "../../../../node/domain/case-list/report.js";
import { type CaseListEvent, readCaseRows } from "../../../../node/domain/csv/read-case-list.js";
import { CaseListFileError } from "../../../../node/domain/errors.js";
import type { Pepper } from "../../../../node/domain/pseudonyms.js";
import { gb18030, utf8 } from "../csv/helpers.js";
import { syntheticId18 } from "../identity/synthetic-ids.js";

const pepper: Pepper = { version: 1, secret: new Uint8Array(32).fill(7) };
const TODAY = new Date("2026-11-23T00:00:00Z");
const options = { pepper, originatorMemberId: 1, today: TODAY };

const ID_A = syntheticId18("19850312", "417", "440305");
const ID_B = syntheticId18("19920101", "031", "110101");
/** The 15-digit form of a person born in 1967 and the 18-digit form the rules upgrade it to. */
const ID_C15 = "130503670401001";
const ID_C18 = "130503196704010016";
const badCheck = `${ID_B.slice(0, 17)}${ID_B.endsWith("0") ? "1" : "0"}`;

/** Line numbers are physical: the header is line 1. */
const CSV = [
  "合同编号,姓名,身份证号,手机号,本金,欠款余额,逾期天数,省份,渠道",
  `TR-001,测试甲,${ID_A},138 0013 8000,"￥12,000.00",9500.5,95,44,线上`, // 2 accepted
  `TR-002,测试乙,${ID_B},+8613900139000,5000,5000,30,,`, // 3 accepted
  `TR-001,测试甲,${ID_A},138 0013 8000,"￥12,000.00",9500.5,95,44,线上`, // 4 duplicate
  `TR-001,测试丙,${ID_B},,100,100,1,,`, // 5 REF_CONFLICT
  `TR-003,测试丁,${badCheck},,100,100,1,,`, // 6 ID_CHECK_DIGIT
  `TR-004,测试戊,${syntheticId18("20270101")},,100,100,1,,`, // 7 ID_BIRTH_DATE
  `TR-005,测试己,${ID_C15},12345,100,-5,abc,,`, // 8 PHONE_INVALID, AMOUNT_NEGATIVE, INTEGER_INVALID
  `TR-006,,${ID_C18},,一百,100,1,,`, // 9 FIELD_MISSING, AMOUNT_NOT_NUMBER
  `TR-007,测试庚,${ID_C15},,100,100,1,,"多行`, // 10 accepted, its quoted field spans lines 10–11
  `备注"`,
  `TR-008,测试辛`, // 12 ROW_COLUMNS
  `${"X".repeat(65)},测试壬,${ID_A},,1,1,1,,`, // 13 FIELD_TOO_LONG
  `TR-009,测试癸,${ID_C18},,1,1,1,,`, // 14 accepted, same person as line 10
].join("\r\n");

describe("node/domain/case-list/report", () => {
  it("reports every row with its status, codes and physical line, and totals that add up", async () => {
    const report = await validateCaseList("list.csv", [utf8(CSV)], options);
    expect(report.file).to.equal("list.csv");
    expect(report.encoding).to.equal("utf-8");
    const byLine = new Map(report.rows.map((r) => [r.line, r]));
    const codes = (line: number) => byLine.get(line)!.errors.map((e) => `${e.field}:${e.code}`);
    expect(report.rows.map((r) => [r.line, r.status])).to.deep.equal([
      [2, "accepted"],
      [3, "accepted"],
      [4, "duplicate"],
      [5, "rejected"],
      [6, "rejected"],
      [7, "rejected"],
      [8, "rejected"],
      [9, "rejected"],
      [10, "accepted"],
      [12, "rejected"],
      [13, "rejected"],
      [14, "accepted"],
    ]);
    expect(codes(5)).to.deep.equal(["loan_ref:REF_CONFLICT"]);
    expect(codes(6)).to.deep.equal(["id_number:ID_CHECK_DIGIT"]);
    expect(codes(7)).to.deep.equal(["id_number:ID_BIRTH_DATE"]);
    expect(codes(8)).to.deep.equal(["phone:PHONE_INVALID", "outstanding:AMOUNT_NEGATIVE", "overdue_days:INTEGER_INVALID"]);
    expect(codes(9)).to.deep.equal(["name:FIELD_MISSING", "principal:AMOUNT_NOT_NUMBER"]);
    expect(codes(12)).to.deep.equal(["*:ROW_COLUMNS"]);
    expect(codes(13)).to.deep.equal(["loan_ref:FIELD_TOO_LONG"]);
    for (const row of report.rows) for (const e of row.errors) expect(e.message).to.match(/ \/ /); // 中文 / English
    expect(byLine.get(3)!.warnings).to.deep.equal([]);
    expect(byLine.get(10)!.warnings.map((w) => w.code)).to.deep.equal(["ID_UPGRADED", "PHONE_EMPTY"]);
    expect(report.totals).to.deep.equal({ rows: 12, accepted: 4, duplicate: 1, rejected: 7, debtors: 3 });
    const t = report.totals;
    expect(t.accepted + t.duplicate + t.rejected).to.equal(t.rows);
  });

  it("gives rows of one person one debtorKey, across the 15- and 18-digit forms, and distinct caseKeys", async () => {
    const report = await validateCaseList("list.csv", [utf8(CSV)], options);
    const row = (line: number) => report.rows.find((r) => r.line === line)!;
    expect(row(10).debtorKey).to.equal(row(14).debtorKey);
    expect(row(2).debtorKey).to.not.equal(row(3).debtorKey);
    expect(new Set(report.rows.filter((r) => r.caseKey).map((r) => r.caseKey)).size).to.equal(4);
    expect(row(2).caseKey).to.match(/^0x01[0-9a-f]{62}$/);
  });

  it("never holds raw PII: no name, ID number or phone in the report", async () => {
    const report = await validateCaseList("list.csv", [utf8(CSV)], options);
    const json = JSON.stringify(report);
    for (const secret of [ID_A, ID_B, ID_C15, ID_C18, badCheck, "测试甲", "测试乙", "13800138000", "13900139000", "12345"]) {
      expect(json, secret).to.not.include(secret);
    }
  });

  it("reads the same list in GB18030 to the same report, and hands accepted cases to the caller", async () => {
    const utf = await validateCaseList("list.csv", [utf8(CSV)], options);
    const accepted: string[] = [];
    const gbk = await validateCaseList("list.csv", [gb18030(CSV)], {
      ...options,
      onRow: (row) => {
        if (row.accepted) accepted.push(`${row.accepted.loanRef}:${row.accepted.principalFen}:${row.accepted.provinceCode}`);
      },
    });
    expect(gbk.encoding).to.equal("gb18030");
    expect(gbk.rows).to.deep.equal(utf.rows);
    expect(accepted).to.deep.equal(["TR-001:1200000:44", "TR-002:500000:11", "TR-007:10000:13", "TR-009:100:13"]);
  });

  it("validates rows from any reader that gives the CSV reader's events (the seam of other formats) to the same report", async () => {
    const events: CaseListEvent[] = [];
    for await (const event of readCaseRows([utf8(CSV)])) events.push(event);
    // Another format's reader: the same events, in batches of its own choosing.
    const batches = events.map((event) => [event]);
    const fromEvents = await validateCaseListEvents("list.xlsx", batches, options);
    const fromCsv = await validateCaseList("list.xlsx", [utf8(CSV)], options);
    expect(fromEvents).to.deep.equal(fromCsv);
    expect(fromEvents.totals.rows).to.be.greaterThan(5);
  });

  it("fails a file that is not CSV as a whole", async () => {
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
    let failure: unknown;
    await validateCaseList("x.png", [png], options).catch((e: unknown) => (failure = e));
    expect(failure).to.be.instanceOf(CaseListFileError);
    expect((failure as CaseListFileError).code).to.equal("FILE_NOT_CSV");
  });
});
