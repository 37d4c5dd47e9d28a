import { startPdf } from "../pdf/document.js";

/**
 * The filing package's PDFs (docs/design.md §28): a court document (起诉状 or 支付令申请书) as a title, headed blocks of
 * paragraphs and a signature block, and the evidence list (证据清单) as a table. Layout only: the words come from
 * the filing service (the catalog's `filing` section). Started as every PDF of the gateway is (node/services/pdf), with
 * a court paper's wider margins and its pages kept for the footers.
 */

export interface FilingBlock {
  heading?: string;
  paragraphs: string[];
}

export interface FilingTable {
  columns: string[];
  /** Relative widths, one per column. */
  widths: number[];
  rows: string[][];
}

export interface FilingPdfInput {
  title: string;
  /** The PDF's creation date, ms: the same input gives the same bytes. */
  createdAt: number;
  blocks: FilingBlock[];
  table?: FilingTable;
  /** Lines set right at the end (此致 …, 具状人, the date). */
  closing: string[];
  /** The small print at the foot of each page (the case key and the agreement's hash, never a name). */
  footer: string;
}

export async function renderFilingPdf(input: FilingPdfInput): Promise<Buffer> {
  const { pdf, bytes: done } = startPdf(
    { Title: input.title, CreationDate: new Date(input.createdAt) },
    { margins: { top: 56, bottom: 56, left: 64, right: 64 }, bufferPages: true },
  );
  const left = pdf.page.margins.left;
  const width = pdf.page.width - left - pdf.page.margins.right;

  pdf.fontSize(18).text(input.title, { width, align: "center" });
  pdf.moveDown(0.8);
  for (const block of input.blocks) {
    if (block.heading) pdf.fontSize(12).text(block.heading, { width }).moveDown(0.2);
    pdf.fontSize(10.5);
    for (const p of block.paragraphs) pdf.text(p, { width, lineGap: 3, indent: block.heading ? 21 : 0 }).moveDown(0.2);
    pdf.moveDown(0.4);
  }
  if (input.table) table(pdf, input.table, left, width);
  pdf.moveDown(1).fontSize(10.5);
  for (const line of input.closing) pdf.text(line, { width, align: "right" });

  const range = pdf.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    pdf.switchToPage(i);
    const bottom = pdf.page.margins.bottom;
    pdf.page.margins.bottom = 0;
    pdf.fontSize(7).fillColor("#666").text(`${input.footer}  ·  ${i + 1}/${range.count}`, left, pdf.page.height - 36, { width, align: "center" });
    pdf.page.margins.bottom = bottom;
    pdf.fillColor("#000");
  }
  pdf.end();
  return done;
}

function table(pdf: PDFKit.PDFDocument, t: FilingTable, left: number, width: number): void {
  const total = t.widths.reduce((a, b) => a + b, 0);
  const widths = t.widths.map((w) => (w / total) * width);
  const row = (cells: string[], size: number) => {
    pdf.fontSize(size);
    const heights = cells.map((c, i) => pdf.heightOfString(c, { width: widths[i]! - 6 }));
    const h = Math.max(...heights) + 6;
    if (pdf.y + h > pdf.page.height - pdf.page.margins.bottom) pdf.addPage();
    const y = pdf.y;
    let x = left;
    cells.forEach((c, i) => {
      pdf.rect(x, y, widths[i]!, h).stroke("#999");
      pdf.fillColor("#000").text(c, x + 3, y + 3, { width: widths[i]! - 6 });
      x += widths[i]!;
    });
    pdf.x = left;
    pdf.y = y + h;
  };
  row(t.columns, 9);
  for (const r of t.rows) row(r, 8);
}
