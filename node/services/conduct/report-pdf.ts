import { chinaMinute } from "../../domain/fees/month.js";
import { pairTotals, type ConductReport } from "../../domain/conduct/report.js";
import { bilingual, msg, render } from "../../messages/message.js";
import { startPdf } from "../pdf/document.js";

/**
 * The supervisor's monthly conduct report as a PDF (docs/design.md §26): per (agency, lender) pair the contacts,
 * connected, cap hits, refusals, violations and complaints with the members that stated them; contacts by China hour
 * as bars; each member's signed answer by hash; the report's hash and the record that notarized it. Counts only.
 */
export async function renderReportPdf(input: { report: ConductReport; hash: string; evidence: { id: number; leafHash: string } }): Promise<Buffer> {
  const { report, hash } = input;
  const { pdf, bytes: done } = startPdf({ Title: `CaseLedger conduct report ${report.month}`, Subject: hash, Keywords: hash });
  const left = pdf.page.margins.left;

  pdf.fontSize(16).text(bilingual(msg("reportPdf.TITLE", { month: report.month })));
  pdf.moveDown(0.5).fontSize(9);
  pdf.text(bilingual(msg("reportPdf.SUPERVISOR", { id: report.supervisor })));
  pdf.text(bilingual(msg("reportPdf.GENERATED", { at: chinaMinute(report.generatedAt) })));
  pdf.moveDown(0.8).fontSize(11).text(bilingual(msg("reportPdf.PAIRS")));
  pdf.moveDown(0.3).fontSize(7.5);

  const pairs = pairTotals(report);
  const widths = [38, 42, 46, 46, 42, 42, 48, 48, 36, 127];
  const row = (cells: string[]) => {
    const y = pdf.y;
    let x = left;
    cells.forEach((cell, i) => {
      pdf.text(cell, x, y, { width: widths[i]!, align: i < 2 || i === 9 ? "left" : "right", lineBreak: false });
      x += widths[i]! + 4;
    });
    pdf.x = left;
    pdf.y = y + 12;
  };
  const columns = msg("reportPdf.COLUMNS");
  row(render(columns, "zh").split("|"));
  row(render(columns, "en").split("|"));
  if (pairs.length === 0) pdf.text(bilingual(msg("reportPdf.NONE")));
  for (const p of pairs) {
    row([`#${p.agency}`, `#${p.lender}`, String(p.contacts), String(p.connected), String(p.capHits), String(p.refusals), String(p.violations), String(p.complaints), String(p.openComplaints), p.statedBy.map((m) => `#${m}`).join(", ")]);
  }

  pdf.moveDown(1).fontSize(11).text(bilingual(msg("reportPdf.HOURS")), left);
  const hours = Array.from({ length: 24 }, (_, h) => pairs.reduce((n, p) => n + (p.byChinaHour[h] ?? 0), 0));
  const max = Math.max(1, ...hours);
  const top = pdf.y + 6;
  const chartHeight = 80;
  const barWidth = 18;
  hours.forEach((n, h) => {
    const height = (n / max) * chartHeight;
    const x = left + h * (barWidth + 3);
    pdf.rect(x, top + chartHeight - height, barWidth, height).fill(h < 8 || h >= 22 ? "#c0392b" : "#2e6da4");
    pdf.fillColor("#000").fontSize(6).text(String(h), x, top + chartHeight + 2, { width: barWidth, align: "center", lineBreak: false });
    if (n > 0) pdf.text(String(n), x, top + chartHeight - height - 8, { width: barWidth, align: "center", lineBreak: false });
  });
  pdf.x = left;
  pdf.y = top + chartHeight + 16;

  pdf.moveDown(0.5).fontSize(11).text(bilingual(msg("reportPdf.STATEMENTS")), left);
  pdf.moveDown(0.3).fontSize(7.5);
  for (const s of report.statements) {
    pdf.text(
      s.answer
        ? bilingual(msg("reportPdf.ANSWERED", { member: s.member, hash: s.answer.hash }))
        : bilingual(msg("reportPdf.NO_ANSWER", { member: s.member, problem: s.problem ?? "—" })),
      left,
    );
  }
  pdf.moveDown(1).fontSize(8).text(bilingual(msg("reportPdf.HASH", { leaf: `#${input.evidence.id} ${input.evidence.leafHash}` })), left);
  pdf.fontSize(7.5).text(hash);
  pdf.end();
  return done;
}
