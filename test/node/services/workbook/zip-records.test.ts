import { expect } from "chai";
import { centralDirectory, locateEntries, type RandomAccess, ZipFormatError, zipRecords } from "../../../../node/services/workbook/zip-records.js";
import { workbookBytes } from "../../../support/workbook.js";

const inMemory = (bytes: Buffer): RandomAccess => ({ size: bytes.length, read: async (offset, length) => bytes.subarray(offset, offset + length) });

/** The same zip with its central directory in zip64 form: every size and offset in a zip64 extra field, a zip64 end record. */
function asZip64(zip: Buffer): Buffer {
  const end = zip.length - 22;
  const count = zip.readUInt16LE(end + 10);
  const cdOffset = zip.readUInt32LE(end + 16);
  const entries: Buffer[] = [];
  let at = cdOffset;
  for (let n = 0; n < count; n++) {
    const nameLength = zip.readUInt16LE(at + 28);
    const next = at + 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
    const fixed = Buffer.from(zip.subarray(at, at + 46));
    const extra = Buffer.alloc(28);
    extra.writeUInt16LE(0x0001, 0);
    extra.writeUInt16LE(24, 2);
    extra.writeBigUInt64LE(BigInt(fixed.readUInt32LE(24)), 4);
    extra.writeBigUInt64LE(BigInt(fixed.readUInt32LE(20)), 12);
    extra.writeBigUInt64LE(BigInt(fixed.readUInt32LE(42)), 20);
    for (const field of [20, 24, 42]) fixed.writeUInt32LE(0xffffffff, field);
    fixed.writeUInt16LE(extra.length, 30);
    fixed.writeUInt16LE(0, 32);
    entries.push(fixed, zip.subarray(at + 46, at + 46 + nameLength), extra);
    at = next;
  }
  const directory = Buffer.concat(entries);
  const record = Buffer.alloc(56);
  record.writeUInt32LE(0x06064b50, 0);
  record.writeBigUInt64LE(44n, 4);
  record.writeBigUInt64LE(BigInt(count), 24);
  record.writeBigUInt64LE(BigInt(count), 32);
  record.writeBigUInt64LE(BigInt(directory.length), 40);
  record.writeBigUInt64LE(BigInt(cdOffset), 48);
  const locator = Buffer.alloc(20);
  locator.writeUInt32LE(0x07064b50, 0);
  locator.writeBigUInt64LE(BigInt(cdOffset + directory.length), 8);
  const tail = Buffer.alloc(22);
  tail.writeUInt32LE(0x06054b50, 0);
  for (const field of [8, 10]) tail.writeUInt16LE(0xffff, field);
  for (const field of [12, 16]) tail.writeUInt32LE(0xffffffff, field);
  return Buffer.concat([zip.subarray(0, cdOffset), directory, record, locator, tail]);
}

describe("node/services/workbook/zip-records", () => {
  it("reads a zip64 central directory as the same entries as the plain one", async () => {
    const zip = await workbookBytes([{ name: "s", rows: [["a", 1]] }]);
    const plain = await centralDirectory(inMemory(zip));
    const wide = await centralDirectory(inMemory(asZip64(zip)));
    expect(plain.length).to.be.greaterThan(3);
    expect(wide.map(({ nameBytes, ...e }) => e)).to.deep.equal(plain.map(({ nameBytes, ...e }) => e));
  });

  it("hands the entries on in the order asked, each with its sizes in its header, then an end record", async () => {
    const zip = await workbookBytes([{ name: "s", rows: [["a", 1]] }]);
    const source = inMemory(zip);
    const all = await centralDirectory(source);
    const wanted = [all.find((e) => e.name === "xl/sharedStrings.xml")!, all.find((e) => e.name === "xl/worksheets/sheet1.xml")!];
    const chunks: Buffer[] = [];
    for await (const chunk of zipRecords(source, await locateEntries(source, wanted))) chunks.push(chunk);
    const out = Buffer.concat(chunks);
    let at = 0;
    for (const entry of wanted) {
      expect(out.readUInt32LE(at)).to.equal(0x04034b50);
      expect(out.readUInt16LE(at + 6) & 0x0008).to.equal(0);
      expect(out.readUInt32LE(at + 18)).to.equal(entry.compressedSize);
      expect(out.readUInt32LE(at + 22)).to.equal(entry.uncompressedSize);
      expect(out.toString("utf8", at + 30, at + 30 + entry.nameBytes.length)).to.equal(entry.name);
      at += 30 + entry.nameBytes.length + out.readUInt16LE(at + 28) + entry.compressedSize;
    }
    expect(out.readUInt32LE(at)).to.equal(0x06054b50);
    expect(out.length).to.equal(at + 22);
  });

  it("refuses a zip without its end record, and an entry whose bytes run past the end", async () => {
    const zip = await workbookBytes([{ name: "s", rows: [["a", 1]] }]);
    let error: unknown;
    await centralDirectory(inMemory(zip.subarray(0, zip.length - 10))).catch((e: unknown) => (error = e));
    expect(error).to.be.instanceOf(ZipFormatError);
    const entries = await centralDirectory(inMemory(zip));
    const last = entries.reduce((a, b) => (a.localOffset > b.localOffset ? a : b));
    error = undefined;
    await locateEntries(inMemory(zip), [{ ...last, compressedSize: zip.length }]).catch((e: unknown) => (error = e));
    expect(error).to.be.instanceOf(ZipFormatError);
  });
});
