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

/**
 * The same workbook with its zip entries stored in another order — the ones named first, in that order, then the rest
 * as they were — as Excel stores sheets before the shared strings. Read as a plain zip (no data descriptors, no
 * zip64), as exceljs writes them; with `dataDescriptors` each entry's sizes and CRC follow its data (flag bit 3), as
 * streaming zip writers store them.
 */
export function reorderZip(zip: Buffer, first: readonly string[], { dataDescriptors = false } = {}): Buffer {
  let end = zip.length - 22;
  while (end >= 0 && zip.readUInt32LE(end) !== 0x06054b50) end--;
  if (end < 0) throw new Error("not a zip");
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const entries: Array<{ name: string; central: Buffer; data: Buffer }> = [];
  for (let n = 0; n < count; n++) {
    const nameLength = zip.readUInt16LE(at + 28);
    const next = at + 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
    const central = Buffer.from(zip.subarray(at, next));
    const local = central.readUInt32LE(42);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    entries.push({ name: central.toString("utf8", 46, 46 + nameLength), central, data: zip.subarray(start, start + central.readUInt32LE(20)) });
    at = next;
  }
  const order = [...first.map((name) => entries.find((e) => e.name === name) ?? assertFound(name)), ...entries.filter((e) => !first.includes(e.name))];
  const parts: Buffer[] = [];
  let offset = 0;
  for (const entry of order) {
    const { central } = entry;
    const nameBytes = central.subarray(46, 46 + central.readUInt16LE(28));
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    central.copy(header, 4, 6, 16); // version needed, flags, method, time, date
    const flags = dataDescriptors ? central.readUInt16LE(8) | 0x0008 : central.readUInt16LE(8) & ~0x0008;
    header.writeUInt16LE(flags, 6);
    // CRC and sizes in the header, or zeros there and a data descriptor after the data.
    const descriptor = Buffer.alloc(dataDescriptors ? 16 : 0);
    if (dataDescriptors) {
      descriptor.writeUInt32LE(0x08074b50, 0);
      central.copy(descriptor, 4, 16, 28);
    } else central.copy(header, 14, 16, 28);
    header.writeUInt16LE(nameBytes.length, 26);
    central.writeUInt16LE(flags, 8);
    central.writeUInt32LE(offset, 42);
    parts.push(header, nameBytes, entry.data, descriptor);
    offset += header.length + nameBytes.length + entry.data.length + descriptor.length;
  }
  const directory = Buffer.concat(order.map((e) => e.central));
  const tail = Buffer.alloc(22);
  tail.writeUInt32LE(0x06054b50, 0);
  tail.writeUInt16LE(order.length, 8);
  tail.writeUInt16LE(order.length, 10);
  tail.writeUInt32LE(directory.length, 12);
  tail.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, directory, tail]);
}

function assertFound(name: string): never {
  throw new Error(`no entry ${name}`);
}

/**
 * A case list whose texts are long and all distinct (`rows` rows, two texts of `chars` characters each): Excel's zip
 * packs them a thousandfold, so the upload is small while the shared strings a reader must hold are not.
 */
export async function sharedStringBomb(rows = 2_000, chars = 20_000): Promise<Buffer> {
  const filler = "甲".repeat(chars);
  const values: string[][] = [["合同编号", "姓名", "身份证号", "手机号", "本金", "欠款余额", "逾期天数"]];
  for (let i = 0; i < rows; i++) values.push([`LN-${i}`, `${i}${filler}`, `${i}x${filler}`, "", "100.00", "50.00", "30"]);
  return workbookBytes([{ name: "清单", rows: values }]);
}
