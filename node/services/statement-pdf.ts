import { chinaMinute as cst } from "../domain/fees/month.js";
import { formatFen } from "../domain/money.js";
import type { StatementDocument } from "../domain/fees/statement-document.js";
import { bilingual, msg } from "../messages/message.js";
import { startPdf } from "./pdf/document.js";

/**
 * A statement as a PDF (docs/design.md §23): parties by their directory names, month, the schedules with their hashes,
 * the totals, every line, the lines apart, the statement hash and the evidence records that notarize it. Chinese text
 * in the CJK font every CaseLedger PDF uses (pdf/document.ts).
 */

export interface StatementPdfInput {
  readonly doc: StatementDocument;
  readonly hash: string;
  readonly creditorName: string;
  readonly agencyName: string;
  readonly state: string;
  /** "member #1: leaf 12 of its evidence log", one per notarizing member. */
  readonly receipts: readonly string[];
}

const yuan = (fen: string) => formatFen(BigInt(fen));
/** "15.00%" from basis points, in integers. */
const bpText = (bp: number) => `${Math.floor(bp / 100)}.${String(bp % 100).padStart(2, "0")}%`;
/** An instant as China Standard Time, "2026-11-05 09:30", as statement months are counted (docs/design.md §23). */
/** The case key's ends (the CSV and the JSON carry it whole). */
const shortKey = (key: string) => (key.length > 26 ? `${key.slice(0, 14)}…${key.slice(-8)}` : key);

/** Columns of a line table: x offset, width, right-aligned; pages are turned by hand (text at x, y does not). */
const COLUMNS: ReadonlyArray<readonly [number, number, boolean]> = [
  [0, 100, false],
  [102, 108, false],
  [212, 66, false],
  [280, 62, true],
  [348, 62, false],
  [412, 22, false],
  [436, 79, true],
];
const ROW_HEIGHT = 10;

class Columns {
  constructor(private readonly pdf: PDFKit.PDFDocument) {}

  row(cells: readonly string[], header = false): void {
    const { pdf } = this;
    const bottom = pdf.page.height - pdf.page.margins.bottom;
    if (pdf.y + ROW_HEIGHT * (header ? 2 : 1) > bottom) pdf.addPage();
    const y = pdf.y;
    pdf.fontSize(header ? 6 : 6.5);
    cells.forEach((cell, i) => {
      const [x, width, right] = COLUMNS[i]!;
      pdf.text(cell, pdf.page.margins.left + x, y, { width, align: right ? "right" : "left", lineBreak: header, height: header ? ROW_HEIGHT * 2 : ROW_HEIGHT, ellipsis: !header });
    });
    pdf.x = pdf.page.margins.left;
    pdf.y = y + ROW_HEIGHT * (header ? 2 : 1);
  }
}

export async function renderStatementPdf(input: StatementPdfInput): Promise<Buffer> {
  const { doc, hash } = input;
  const { pdf, bytes: done } = startPdf({ Title: `CaseLedger statement ${doc.month}`, Subject: hash, Keywords: hash });

  pdf.fontSize(16).text(bilingual(msg("statementPdf.TITLE", { month: doc.month })));
  pdf.moveDown(0.5).fontSize(9);
  pdf.text(bilingual(msg("statementPdf.CREDITOR", { name: input.creditorName, id: doc.creditorId })));
  pdf.text(bilingual(msg("statementPdf.AGENCY", { name: input.agencyName, id: doc.agencyId })));
  pdf.text(bilingual(msg("statementPdf.ISSUED", { at: doc.issuedAt, state: input.state })));
  if (doc.supersedes !== "") pdf.text(bilingual(msg("statementPdf.SUPERSEDES", { hash: doc.supersedes })));
  for (const s of doc.schedules) pdf.text(bilingual(msg("statementPdf.SCHEDULE", { version: s.version, kind: s.kind, from: s.effectiveFrom, hash: s.hash })));
  pdf.text(bilingual(msg("statementPdf.HASH", { hash })));
  for (const r of input.receipts) pdf.text(bilingual(msg("statementPdf.RECEIPT", { ref: r })));

  const t = doc.totals;
  pdf.moveDown(0.5).fontSize(10);
  pdf.text(bilingual(msg("statementPdf.TOTAL_REPAID", { yuan: yuan(t.repaidFen), lines: t.lines })));
  pdf.text(bilingual(msg("statementPdf.TOTAL_COMMISSION", { yuan: yuan(t.commissionFen) })));
  pdf.text(bilingual(msg("statementPdf.TOTAL_FIXED", { yuan: yuan(t.fixedFeeFen) })));
  pdf.text(bilingual(msg("statementPdf.TOTAL_FEES", { yuan: yuan(t.feeFen) })));

  pdf.moveDown(0.5).fontSize(11).text(bilingual(msg("statementPdf.LINES")));
  const table = new Columns(pdf);
  table.row([msg("statementPdf.COL_ENTRY"), msg("statementPdf.COL_CASE"), msg("statementPdf.COL_AT"), msg("statementPdf.COL_AMOUNT"), msg("statementPdf.COL_RATE"), msg("statementPdf.COL_VERSION"), msg("statementPdf.COL_FEE")].map((m) => bilingual(m)), true);
  for (const l of doc.lines) {
    const entry = l.kind === "repayment" || l.kind === "reversal" ? l.entryId : l.kind;
    const rate = l.kind === "repayment" || l.kind === "reversal" ? `${l.bucket} ${bpText(l.bp)}` : "";
    table.row([l.reverses === "" ? entry : `${entry} (-${l.reverses})`, shortKey(l.caseKey), cst(l.at), yuan(l.amountFen), rate, `v${l.scheduleVersion}`, yuan(l.feeFen)]);
  }
  pdf.x = pdf.page.margins.left;
  pdf.moveDown(0.5).fontSize(11).text(bilingual(msg("statementPdf.APART", { lines: t.apartLines, yuan: yuan(t.apartFen) })));
  const apart = new Columns(pdf);
  for (const l of doc.apart) apart.row([l.entryId, shortKey(l.caseKey), cst(l.paidAt), yuan(l.amountFen), l.state, "", ""]);
  pdf.end();
  return done;
}
