/**
 * A zip read through its central directory, and its entries handed on as a zip stream in an order of our choosing:
 * each entry as a local-file record (a header and the compressed bytes, as stored), so that a streaming zip reader
 * sees the entries it needs first. The rewritten headers carry the sizes from the central directory (no data
 * descriptor, flag bit 3 cleared; zip64 sizes in a zip64 extra field). Nothing is inflated here.
 */

/** Bytes read at random: the upload as spooled. */
export interface RandomAccess {
  readonly size: number;
  read(offset: number, length: number): Promise<Buffer>;
}

export interface ZipEntry {
  name: string;
  nameBytes: Buffer;
  flags: number;
  method: number;
  time: number;
  date: number;
  crc: number;
  compressedSize: number;
  uncompressedSize: number;
  localOffset: number;
}

/** The zip is not whole, or not one this reader can take. */
export class ZipFormatError extends Error {}

const LOCAL = 0x04034b50;
const CENTRAL = 0x02014b50;
const END = 0x06054b50;
const END64 = 0x06064b50;
const END64_LOCATOR = 0x07064b50;
const END_SIZE = 22;
const MAX_COMMENT = 0xffff;
const U16 = 0xffff;
const U32 = 0xffffffff;
/** Stored and deflated: all an .xlsx uses. */
const METHODS = new Set([0, 8]);
/** Compressed bytes per chunk handed on. */
const CHUNK = 64 * 1024;

const u64 = (buffer: Buffer, at: number): number => {
  const value = buffer.readBigUInt64LE(at);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new ZipFormatError("zip64 value out of range");
  return Number(value);
};

async function readExactly(source: RandomAccess, offset: number, length: number): Promise<Buffer> {
  if (offset < 0 || offset + length > source.size) throw new ZipFormatError("reference past the end of the zip");
  const bytes = await source.read(offset, length);
  if (bytes.length !== length) throw new ZipFormatError("short read");
  return bytes;
}

/** The entries of the zip's central directory, in its order. */
export async function centralDirectory(source: RandomAccess): Promise<ZipEntry[]> {
  const tailLength = Math.min(source.size, END_SIZE + MAX_COMMENT);
  const tailStart = source.size - tailLength;
  const tail = await readExactly(source, tailStart, tailLength);
  let end = -1;
  for (let i = tail.length - END_SIZE; i >= 0; i--) {
    if (tail.readUInt32LE(i) === END && i + END_SIZE + tail.readUInt16LE(i + 20) <= tail.length) {
      end = i;
      break;
    }
  }
  if (end < 0) throw new ZipFormatError("no end of central directory");
  let count = tail.readUInt16LE(end + 10);
  let size = tail.readUInt32LE(end + 12);
  let offset = tail.readUInt32LE(end + 16);
  if (count === U16 || size === U32 || offset === U32) {
    const locatorAt = tailStart + end - 20;
    const locator = await readExactly(source, locatorAt, 20);
    if (locator.readUInt32LE(0) !== END64_LOCATOR) throw new ZipFormatError("no zip64 locator");
    const record = await readExactly(source, u64(locator, 8), 56);
    if (record.readUInt32LE(0) !== END64) throw new ZipFormatError("no zip64 end record");
    count = u64(record, 32);
    size = u64(record, 40);
    offset = u64(record, 48);
  }
  const directory = await readExactly(source, offset, size);
  const entries: ZipEntry[] = [];
  let at = 0;
  for (let n = 0; n < count; n++) {
    if (at + 46 > directory.length || directory.readUInt32LE(at) !== CENTRAL) throw new ZipFormatError("bad central directory");
    const nameLength = directory.readUInt16LE(at + 28);
    const extraLength = directory.readUInt16LE(at + 30);
    const commentLength = directory.readUInt16LE(at + 32);
    const next = at + 46 + nameLength + extraLength + commentLength;
    if (next > directory.length) throw new ZipFormatError("bad central directory");
    const nameBytes = Buffer.from(directory.subarray(at + 46, at + 46 + nameLength));
    const entry: ZipEntry = {
      name: nameBytes.toString("utf8"),
      nameBytes,
      flags: directory.readUInt16LE(at + 8),
      method: directory.readUInt16LE(at + 10),
      time: directory.readUInt16LE(at + 12),
      date: directory.readUInt16LE(at + 14),
      crc: directory.readUInt32LE(at + 16),
      compressedSize: directory.readUInt32LE(at + 20),
      uncompressedSize: directory.readUInt32LE(at + 24),
      localOffset: directory.readUInt32LE(at + 42),
    };
    readZip64Extra(directory.subarray(at + 46 + nameLength, at + 46 + nameLength + extraLength), entry);
    entries.push(entry);
    at = next;
  }
  return entries;
}

/** The zip64 extra field holds, in this order, the 32-bit fields that are all ones. */
function readZip64Extra(extra: Buffer, entry: ZipEntry): void {
  for (let at = 0; at + 4 <= extra.length; ) {
    const id = extra.readUInt16LE(at);
    const length = extra.readUInt16LE(at + 2);
    if (id === 0x0001) {
      let field = at + 4;
      const take = (): number => {
        if (field + 8 > at + 4 + length || field + 8 > extra.length) throw new ZipFormatError("short zip64 extra field");
        const value = u64(extra, field);
        field += 8;
        return value;
      };
      if (entry.uncompressedSize === U32) entry.uncompressedSize = take();
      if (entry.compressedSize === U32) entry.compressedSize = take();
      if (entry.localOffset === U32) entry.localOffset = take();
      return;
    }
    at += 4 + length;
  }
}

/** A local-file header for the entry with its sizes known up front. */
function localHeader(entry: ZipEntry): Buffer {
  const zip64 = entry.compressedSize >= U32 || entry.uncompressedSize >= U32;
  const extra = Buffer.alloc(zip64 ? 20 : 0);
  if (zip64) {
    extra.writeUInt16LE(0x0001, 0);
    extra.writeUInt16LE(16, 2);
    extra.writeBigUInt64LE(BigInt(entry.uncompressedSize), 4);
    extra.writeBigUInt64LE(BigInt(entry.compressedSize), 12);
  }
  const header = Buffer.alloc(30);
  header.writeUInt32LE(LOCAL, 0);
  header.writeUInt16LE(zip64 ? 45 : 20, 4);
  header.writeUInt16LE(entry.flags & ~0x0008, 6);
  header.writeUInt16LE(entry.method, 8);
  header.writeUInt16LE(entry.time, 10);
  header.writeUInt16LE(entry.date, 12);
  header.writeUInt32LE(entry.crc, 14);
  header.writeUInt32LE(zip64 ? U32 : entry.compressedSize, 18);
  header.writeUInt32LE(zip64 ? U32 : entry.uncompressedSize, 22);
  header.writeUInt16LE(entry.nameBytes.length, 26);
  header.writeUInt16LE(extra.length, 28);
  return Buffer.concat([header, entry.nameBytes, extra]);
}

/** An entry whose local header was found: its compressed bytes start at `dataStart`. */
export interface LocatedEntry extends ZipEntry {
  dataStart: number;
}

/** Finds each entry's local record and checks that its bytes are all there, before any is handed on. */
export async function locateEntries(source: RandomAccess, entries: readonly ZipEntry[]): Promise<LocatedEntry[]> {
  const located: LocatedEntry[] = [];
  for (const entry of entries) {
    if (entry.flags & 0x0001) throw new ZipFormatError("encrypted entry");
    if (!METHODS.has(entry.method)) throw new ZipFormatError("unsupported compression method");
    const local = await readExactly(source, entry.localOffset, 30);
    if (local.readUInt32LE(0) !== LOCAL) throw new ZipFormatError("bad local header");
    const dataStart = entry.localOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
    if (dataStart + entry.compressedSize > source.size) throw new ZipFormatError("entry past the end of the zip");
    located.push({ ...entry, dataStart });
  }
  return located;
}

/**
 * The entries as a zip stream, in the order given: for each, a rewritten local header and its compressed bytes
 * from the source; then an empty end-of-central-directory record, which ends a streaming reader's walk.
 */
export async function* zipRecords(source: RandomAccess, entries: readonly LocatedEntry[]): AsyncGenerator<Buffer, void, undefined> {
  for (const entry of entries) {
    yield localHeader(entry);
    for (let at = 0; at < entry.compressedSize; at += CHUNK) yield await readExactly(source, entry.dataStart + at, Math.min(CHUNK, entry.compressedSize - at));
  }
  const end = Buffer.alloc(END_SIZE);
  end.writeUInt32LE(END, 0);
  yield end;
}
