import ExcelJS from "exceljs";

/** One sheet of a synthetic test workbook: its tab name and rows of cell values (row 1 first). */
export interface SheetSpec {
  name: string;
  rows: ExcelJS.CellValue[][];
  /** Number formats by 1-based column (e.g. "yyyy-mm-dd" for a date column, "@" for text). */
  formats?: Record<number, string>;
  state?: "visible" | "hidden";
}

/** Writes a workbook with exceljs's writer, as a lender's Excel would hand it over: the .xlsx bytes. */
export async function workbookBytes(sheets: SheetSpec[]): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  for (const spec of sheets) {
    const sheet = book.addWorksheet(spec.name, { state: spec.state ?? "visible" });
    for (const values of spec.rows) sheet.addRow(values);
    for (const [col, format] of Object.entries(spec.formats ?? {})) sheet.getColumn(Number(col)).numFmt = format;
  }
  return Buffer.from(await book.xlsx.writeBuffer());
}

/** The bytes a little at a time, as an HTTP body arrives. */
export function* inChunks(bytes: Uint8Array, size = 4096): Generator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}
