import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import PDFDocument from "pdfkit";

/**
 * The one place a CaseLedger PDF starts (statements §23, the conduct report §26, the court's bundle report §27, the
 * filing package §28): A4,
 * 40 pt margins, the document's info, and Chinese text in Noto Sans SC, embedded as a subset of the glyphs used so a
 * document stays small. The caller draws, then calls `pdf.end()`; `bytes` resolves with the whole file.
 */

const FONT_PATH = createRequire(import.meta.url).resolve("@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf");
let fontBytes: Buffer | undefined;

/** The CJK font's bytes, read once for the process. */
function cjkFont(): Buffer {
  return (fontBytes ??= readFileSync(FONT_PATH));
}

/** How a document departs from the house layout: a court filing's wider margins, pages kept for their footers. */
export interface PdfLayout {
  margins?: { top: number; bottom: number; left: number; right: number };
  /** Keep every page until the end, so that a footer ("page 2 of 5") can be written on each. */
  bufferPages?: boolean;
}

/** A new A4 document with `info` (Title, Subject, Keywords, CreationDate…) and the CJK font selected. */
export function startPdf(info: PDFKit.DocumentInfo, layout: PdfLayout = {}): { pdf: PDFKit.PDFDocument; bytes: Promise<Buffer> } {
  const font = cjkFont();
  const pdf = new PDFDocument({ size: "A4", ...(layout.margins ? { margins: layout.margins } : { margin: 40 }), ...(layout.bufferPages ? { bufferPages: true } : {}), info });
  const chunks: Buffer[] = [];
  pdf.on("data", (chunk: Buffer) => chunks.push(chunk));
  const bytes = new Promise<Buffer>((resolve, reject) => {
    pdf.on("end", () => resolve(Buffer.concat(chunks)));
    pdf.on("error", reject);
  });
  pdf.registerFont("cjk", font);
  pdf.font("cjk");
  return { pdf, bytes };
}
