import qrcode from "qrcode-generator";
import type { BundleVerification } from "../domain/evidence/verify-bundle.js";
import { bilingual, msg } from "../messages/message.js";
import { startPdf } from "./pdf/document.js";

/**
 * The court's report of a verified case bundle as a PDF (docs/design.md §27), fit to attach to a filing: the verdict,
 * each check, who held the case when, the timeline of chain events and evidence items with each item's verdict and
 * anchor (contract, transaction, block, time), and a QR code to the public verifier. The CJK font every
 * CaseLedger PDF uses (pdf/document.ts). Its SHA-256 is what the court records on chain.
 */

export interface BundleReportInput {
  verification: BundleVerification;
  /** When the court verified, ms; the PDF's creation date too, so the same input gives the same bytes. */
  verifiedAt: number;
  /** The court member's id and its directory name. */
  court: { id: number; name: string };
  chain: { chainId: number; evidenceRegistry: string; caseRegistry: string };
  /** The public verifier page the QR code opens. */
  verifierUrl: string;
}

const iso = (seconds: number) => new Date(seconds * 1000).toISOString().replace(".000Z", "Z");
const short = (h: string | null | undefined) => (h ? `${h.slice(0, 10)}…${h.slice(-6)}` : "—");
const END = Number.MAX_SAFE_INTEGER;

function qr(pdf: PDFKit.PDFDocument, text: string, x: number, y: number, size: number): void {
  const code = qrcode(0, "M");
  code.addData(text);
  code.make();
  const n = code.getModuleCount();
  const cell = size / n;
  for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) if (code.isDark(r, c)) pdf.rect(x + c * cell, y + r * cell, cell, cell).fill("#000");
  pdf.fillColor("#000");
}

export async function renderBundleReportPdf(input: BundleReportInput): Promise<Buffer> {
  const v = input.verification;
  const { pdf, bytes: done } = startPdf({ Title: `CaseLedger case bundle report ${v.caseKey ?? ""}`, Subject: v.bundleHash ?? "", Keywords: v.bundleHash ?? "", CreationDate: new Date(input.verifiedAt) });
  const left = pdf.page.margins.left;
  const width = pdf.page.width - left - pdf.page.margins.right;

  pdf.fontSize(15).text(bilingual(msg("bundleReport.TITLE")), { width: width - 100 });
  qr(pdf, input.verifierUrl, left + width - 90, 40, 90);
  pdf.moveDown(0.4).fontSize(8.5);
  pdf.text(bilingual(msg("bundleReport.CASE", { caseKey: v.caseKey ?? "—" })), { width: width - 100 });
  pdf.text(bilingual(msg("bundleReport.BUNDLE", { hash: v.bundleHash ?? "—", creditor: v.creditor ?? 0 })), { width: width - 100 });
  pdf.text(bilingual(msg("bundleReport.VERIFIED_BY", { name: input.court.name, id: input.court.id, at: new Date(input.verifiedAt).toISOString() })), { width: width - 100 });
  pdf.text(bilingual(msg("bundleReport.CHAIN", { chainId: input.chain.chainId, caseRegistry: input.chain.caseRegistry, evidenceRegistry: input.chain.evidenceRegistry })), { width: width - 100 });
  pdf.text(bilingual(msg("bundleReport.VERIFIER", { url: input.verifierUrl })), { width: width - 100 });
  pdf.y = Math.max(pdf.y, 140);
  pdf.moveDown(0.5).fontSize(11).text(v.summary, { width });

  pdf.moveDown(0.5).fontSize(10).text(bilingual(msg("bundleReport.CHECKS")));
  pdf.fontSize(7.5);
  for (const c of v.checks) pdf.text(`${c.verdict === "passed" ? "✓" : c.verdict === "failed" ? "✗" : "?"}  ${c.check} · ${c.code} — ${c.message}`, { width });

  pdf.moveDown(0.5).fontSize(10).text(bilingual(msg("bundleReport.PERIODS")));
  pdf.fontSize(7.5);
  for (const p of v.periods) pdf.text(`#${p.member} ${p.role}  ${iso(p.start)} → ${p.end >= END ? "…" : iso(p.end)}`, { width });

  pdf.moveDown(0.5).fontSize(10).text(bilingual(msg("bundleReport.TIMELINE")));
  pdf.fontSize(6.8);
  type Line = { at: number; text: string };
  const lines: Line[] = [
    ...v.history.map((e) => ({ at: e.time, text: `${iso(e.time)}  [chain] ${e.type}${e.agencyId ? ` agency #${e.agencyId}` : ""}${e.toCreditorId ? ` → creditor #${e.toCreditorId}` : ""}  block ${e.block} tx ${short(e.txHash)}  [${e.code}]` })),
    ...v.items.map((i) => ({
      at: i.capturedAt ? Date.parse(i.capturedAt) / 1000 : 0,
      text: `${i.capturedAt ? iso(Math.floor(Date.parse(i.capturedAt) / 1000)) : "—"}  #${i.member ?? "?"} ${i.kind ?? "?"}  ${i.verdict.toUpperCase()} ${i.code}  leaf ${short(i.leafHash)}  ${i.anchor ? `anchored block ${i.anchor.blockNumber} ${iso(i.anchor.blockTime)} tx ${short(i.anchor.txHash)}` : ""}`,
    })),
  ].sort((a, b) => a.at - b.at);
  for (const line of lines) pdf.text(line.text, { width });

  pdf.moveDown(0.5).fontSize(7.5).text(bilingual(msg("bundleReport.COUNTS", { valid: v.counts.valid, outside: v.counts["outside-mandate"], invalid: v.counts.invalid, incomplete: v.counts.incomplete })), { width });
  pdf.moveDown(0.3).fontSize(6.5).text(bilingual(msg("bundleReport.FOOTER")), { width });
  pdf.end();
  return done;
}
