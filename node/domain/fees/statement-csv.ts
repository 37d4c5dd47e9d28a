import { toCsvField } from "../export/neutralize.js";
import { formatFen } from "../money.js";
import type { StatementDocument } from "./statement-document.js";

/**
 * A statement as a spreadsheet (docs/design.md §11, §23): UTF-8 with a BOM (so that Excel reads the Chinese header),
 * CRLF records, text cells neutralized against formulas. Amounts are yuan with 2 decimals formatted from fen by
 * formatFen — a number, possibly negative (a reversal), written as it is: a cell of the form `-12.34` is a number to
 * every spreadsheet, never a formula, and a quote in front would turn it into text.
 * One table: a `section` column says line, apart (not in the totals) or total.
 */

const BOM = "\uFEFF";
const HEADER = [
  "section 部分",
  "line_id 行号",
  "kind 类型",
  "case_key 案件标识",
  "entry_id 流水",
  "reverses 冲正对象",
  "at 时间",
  "amount_yuan 回款金额(元)",
  "bucket 账龄段",
  "bp 佣金基点",
  "schedule_version 费率版本",
  "fee_yuan 费用(元)",
  "state 状态",
];
const AMOUNT = /^-?\d+\.\d\d$/;

function amount(fen: string): string {
  const text = formatFen(BigInt(fen));
  if (!AMOUNT.test(text)) throw new Error("formatFen gave a non-number");
  return text;
}

function record(cells: ReadonlyArray<string | { readonly yuan: string }>): string {
  return `${cells.map((c) => (typeof c === "string" ? toCsvField(c) : amount(c.yuan))).join(",")}\r\n`;
}

/** The CSV text, chunk by chunk (a statement may have hundreds of thousands of lines). */
export function* statementCsv(doc: StatementDocument): Generator<string> {
  yield BOM + record(HEADER);
  let chunk = "";
  for (const l of doc.lines) {
    chunk += record(["line", l.lineId, l.kind, l.caseKey, l.entryId, l.reverses, l.at, { yuan: l.amountFen }, l.bucket, String(l.bp), String(l.scheduleVersion), { yuan: l.feeFen }, ""]);
    if (chunk.length > 65_536) {
      yield chunk;
      chunk = "";
    }
  }
  for (const l of doc.apart) {
    chunk += record(["apart", l.lineId, "repayment", l.caseKey, l.entryId, "", l.paidAt, { yuan: l.amountFen }, "", "", "", { yuan: "0" }, l.state]);
  }
  const t = doc.totals;
  chunk += record(["total", "repaid", "", "", "", "", "", { yuan: t.repaidFen }, "", "", "", { yuan: "0" }, ""]);
  chunk += record(["total", "commission", "", "", "", "", "", { yuan: "0" }, "", "", "", { yuan: t.commissionFen }, ""]);
  chunk += record(["total", "fixed-fees", "", "", "", "", "", { yuan: "0" }, "", "", "", { yuan: t.fixedFeeFen }, ""]);
  chunk += record(["total", "fees", "", "", "", "", "", { yuan: "0" }, "", "", "", { yuan: t.feeFen }, ""]);
  chunk += record(["total", "apart", "", "", "", "", "", { yuan: t.apartFen }, "", "", "", { yuan: "0" }, ""]);
  yield chunk;
}
