import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import PDFDocument from "pdfkit";
import { formatFen } from "../domain/money.js";
import type { StatementDocument } from "../domain/fees/statement-document.js";
import { bilingual, msg } from "../messages/message.js";

/**
 * A statement as a PDF (docs/design.md §22): parties by their directory names, month, the schedules with their hashes,
 * the totals, every line, the lines apart, the statement hash and the evidence records that notarize it. Chinese text
 * needs a CJK font: Noto Sans SC, embedded as a subset of the glyphs used, so a statement stays small.
 */

const FONT_PATH = createRequire(import.meta.url).resolve("@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf");
let fontBytes: Buffer | undefined;

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

export async function renderStatementPdf(input: StatementPdfInput): Promise<Buffer> {
  fontBytes ??= readFileSync(FONT_PATH);
  const { doc, hash } = input;
  const pdf = new PDFDocument({ size: "A4", margin: 40, info: { Title: `CaseLedger statement ${doc.month}`, Subject: hash, Keywords: hash } });
  const chunks: Buffer[] = [];
  pdf.on("data", (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on("end", () => resolve(Buffer.concat(chunks)));
    pdf.on("error", reject);
  });
  pdf.registerFont("cjk", fontBytes);
  pdf.font("cjk");

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
  pdf.fontSize(7);
  for (const l of doc.lines) {
    pdf.text(`${l.lineId}  ${l.kind}  ${l.caseKey}  ${l.at}  ${yuan(l.amountFen)}  ${l.bucket} ${l.bp}bp v${l.scheduleVersion}  ${yuan(l.feeFen)}${l.reverses === "" ? "" : `  ↩ ${l.reverses}`}`);
  }
  pdf.moveDown(0.5).fontSize(11).text(bilingual(msg("statementPdf.APART", { lines: t.apartLines, yuan: yuan(t.apartFen) })));
  pdf.fontSize(7);
  for (const l of doc.apart) pdf.text(`${l.lineId}  ${l.caseKey}  ${l.paidAt}  ${yuan(l.amountFen)}  ${l.state}`);
  pdf.end();
  return done;
}
