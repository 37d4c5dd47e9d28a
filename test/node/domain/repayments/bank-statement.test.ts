import { expect } from "chai";
import { gb18030 } from "../csv/helpers.js";
import { parseBankDate, readBankStatement } from "../../../../node/domain/repayments/bank-statement.js";
import { CaseListFileError } from "../../../../node/domain/errors.js";

const read = (text: string | Uint8Array, maxBytes = 1 << 20) => readBankStatement([typeof text === "string" ? Buffer.from(text, "utf8") : text], { today: "2026-03-31", maxBytes });

describe("domain/repayments/bank-statement", () => {
  it("finds the loan ref, amount and date columns by their aliases and reads amounts into fen without floating point", async () => {
    const s = await read("交易日期,对方户名,借据号,金额,摘要\n2026-03-05 10:22:01,示例某某,RP-1,\"1,234.56\",还款\n2026/3/6,,RP-2,￥0.10,\n");
    expect(s.problems).to.deep.equal([]);
    expect(s.lines).to.deep.equal([
      { row: 2, loanRef: "RP-1", amountFen: 123456n, day: "2026-03-05" },
      { row: 3, loanRef: "RP-2", amountFen: 10n, day: "2026-03-06" },
    ]);
    const english = await read("loanRef,amount,date\nRP-3,5,20260307\n");
    expect(english.lines).to.deep.equal([{ row: 2, loanRef: "RP-3", amountFen: 500n, day: "2026-03-07" }]);
  });

  it("reads a GB18030 export", async () => {
    const s = await read(gb18030("借据号,金额,交易日期,备注\nRP-9,12.5,2026年3月9日,张某还款\n"));
    expect(s.lines).to.deep.equal([{ row: 2, loanRef: "RP-9", amountFen: 1250n, day: "2026-03-09" }]);
  });

  it("names each bad field of a line with its code: zero, negative, fractional fen, no number, a date that is not a day or is after today", async () => {
    const s = await read("借据号,金额,交易日期\nA,0,2026-03-01\nB,-5,2026-03-01\nC,1.005,2026-03-01\nD,abc,2026-02-30\n,1,2026-04-01\nE,1,\n");
    expect(s.lines).to.deep.equal([]);
    expect(s.problems).to.deep.equal([
      { row: 2, field: "amount", code: "AMOUNT_ZERO" },
      { row: 3, field: "amount", code: "AMOUNT_NEGATIVE" },
      { row: 4, field: "amount", code: "AMOUNT_TOO_PRECISE" },
      { row: 5, field: "amount", code: "AMOUNT_NOT_NUMBER" },
      { row: 5, field: "date", code: "DATE_INVALID" },
      { row: 6, field: "loanRef", code: "FIELD_MISSING" },
      { row: 6, field: "date", code: "DATE_INVALID" },
      { row: 7, field: "date", code: "FIELD_MISSING" },
    ]);
  });

  it("refuses a file without one of the three columns, naming only which are missing (never a cell of the first line)", async () => {
    const error = await read("RP-1,张某,110101199001011234,100.00\n").then(() => undefined, (e: unknown) => e);
    expect(error).to.be.instanceOf(CaseListFileError);
    expect((error as CaseListFileError).code).to.equal("HEADER_MISSING_COLUMN");
    expect((error as CaseListFileError).details).to.deep.equal({ missing: ["loanRef", "amount", "date"] });
    expect(JSON.stringify((error as CaseListFileError).details)).not.to.contain("张某");
    const large = await read("借据号,金额,交易日期\n" + "A,1,2026-03-01\n".repeat(100), 64).then(() => undefined, (e: unknown) => e);
    expect((large as CaseListFileError).code).to.equal("FILE_TOO_LARGE");
  });

  it("takes a date as a China-time day in the forms banks export", () => {
    expect(["2026-03-05", "2026/3/5", "20260305", "2026.03.05", "2026年3月5日", "２０２６-03-05", "2026-03-05T23:59:59"].map((d) => parseBankDate(d, "2026-03-31"))).to.deep.equal(Array(7).fill("2026-03-05"));
    expect(["2026-13-01", "2026-02-29", "05/03/2026", "2026-04-01", "yesterday"].map((d) => parseBankDate(d, "2026-03-31"))).to.deep.equal(Array(5).fill(undefined));
  });
});
