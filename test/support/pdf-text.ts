import { inflateSync } from "node:zlib";

/**
 * The text of a PDF that pdfkit wrote with one embedded (subset) font: the glyph ids its `TJ` operators show,
 * mapped back to characters through the font's ToUnicode CMap; one line per text object. Enough to check what a
 * statement says without a PDF library.
 */
export function pdfText(pdf: Buffer): string {
  const streams: string[] = [];
  const latin = pdf.toString("latin1");
  const start = /stream\r?\n/g;
  for (let m = start.exec(latin); m; m = start.exec(latin)) {
    const end = latin.indexOf("endstream", m.index);
    const raw = pdf.subarray(m.index + m[0].length, end);
    try {
      streams.push(inflateSync(raw).toString("latin1"));
    } catch {
      streams.push(raw.toString("latin1"));
    }
  }
  const map = new Map<number, string>();
  for (const cmap of streams.filter((s) => s.includes("begincmap"))) {
    for (const [, from, , list] of cmap.matchAll(/<([0-9a-f]{4})>\s*<([0-9a-f]{4})>\s*\[([^\]]*)\]/gi)) {
      // An entry may hold several code units separated by spaces: a ligature (fi) maps back to its letters.
      [...list!.matchAll(/<([0-9a-f ]*)>/gi)].forEach((u, i) => map.set(parseInt(from!, 16) + i, decodeUtf16(u[1]!.replaceAll(" ", ""))));
    }
  }
  const lines: string[] = [];
  for (const content of streams.filter((s) => s.includes(" TJ"))) {
    for (const [, body] of content.matchAll(/\[([^\]]*)\]\s*TJ/g)) {
      let line = "";
      for (const [, hex] of body!.matchAll(/<([0-9a-f]*)>/gi)) {
        for (let i = 0; i + 4 <= hex!.length; i += 4) line += map.get(parseInt(hex!.slice(i, i + 4), 16)) ?? "\uFFFD";
      }
      lines.push(line);
    }
  }
  return lines.join("\n");
}

function decodeUtf16(hex: string): string {
  const units: number[] = [];
  for (let i = 0; i + 4 <= hex.length; i += 4) units.push(parseInt(hex.slice(i, i + 4), 16));
  return String.fromCharCode(...units);
}
