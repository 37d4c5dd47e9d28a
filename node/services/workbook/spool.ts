import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from "node:crypto";
import { chmod, mkdir, open, readdir, rm, type FileHandle } from "node:fs/promises";
import { join } from "node:path";

/** The spool directory's name under the gateway's data directory (`<dataDir>/spool`, mode 0700). */
export const SPOOL_DIR_NAME = "spool";

/** Where a gateway spools its workbook uploads while they are read. */
export const workbookSpoolDir = (dataDir: string): string => join(dataDir, SPOOL_DIR_NAME);

const SPOOL_SUFFIX = ".spool";

/** The file of the spool named `name` in `dir`. */
export const spoolPath = (dir: string, name: string): string => join(dir, `${name}${SPOOL_SUFFIX}`);
const BLOCK = 16;

/** Makes the spool directory (owner only) and removes the spools a crash left behind: the number removed. */
export async function cleanSpoolDir(dir: string): Promise<number> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  const names = (await readdir(dir)).filter((name) => name.endsWith(SPOOL_SUFFIX));
  await Promise.all(names.map((name) => rm(join(dir, name), { force: true })));
  return names.length;
}

/** The counter block `blocks` blocks after `iv`: AES-CTR counts the whole 16 bytes as one big-endian number. */
function counterAt(iv: Buffer, blocks: number): Buffer {
  const out = Buffer.from(iv);
  let carry = BigInt(blocks);
  for (let i = BLOCK - 1; i >= 0 && carry > 0n; i--) {
    const sum = BigInt(out[i] as number) + (carry & 0xffn);
    out[i] = Number(sum & 0xffn);
    carry = (carry >> 8n) + (sum >> 8n);
  }
  return out;
}

/**
 * An upload's bytes on disk, encrypted as they are written (AES-256-CTR under a random key that only this object
 * holds: never stored, never logged), so that what is at rest is ciphertext even if the process dies before the file is
 * removed; CTR lets any byte range be read back without the bytes before it. Written once, front to back, then read
 * at random; {@link remove} deletes it.
 */
export class EncryptedSpool {
  readonly #key = randomBytes(32);
  readonly #iv = randomBytes(BLOCK);
  readonly #cipher = createCipheriv("aes-256-ctr", this.#key, this.#iv);
  #size = 0;

  private constructor(
    readonly path: string,
    private readonly file: FileHandle,
  ) {}

  /**
   * A new, empty spool in `dir` (made owner-only if it is missing), named at random unless the caller names it: the
   * gateway's main thread names the spool of a read in a worker thread, to remove it should the thread die.
   */
  static async create(dir: string, name: string = randomUUID()): Promise<EncryptedSpool> {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const path = spoolPath(dir, name);
    return new EncryptedSpool(path, await open(path, "wx+", 0o600));
  }

  get size(): number {
    return this.#size;
  }

  async append(bytes: Uint8Array): Promise<void> {
    const sealed = this.#cipher.update(bytes);
    let written = 0;
    while (written < sealed.length) written += (await this.file.write(sealed, written, sealed.length - written, this.#size + written)).bytesWritten;
    this.#size += sealed.length;
  }

  /** The clear bytes from `offset`, at most `length` of them (fewer at the end of the spool). */
  async read(offset: number, length: number): Promise<Buffer> {
    const want = Math.max(0, Math.min(length, this.#size - offset));
    const sealed = Buffer.alloc(want);
    let got = 0;
    while (got < want) {
      const { bytesRead } = await this.file.read(sealed, got, want - got, offset + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    const decipher = createDecipheriv("aes-256-ctr", this.#key, counterAt(this.#iv, Math.floor(offset / BLOCK)));
    decipher.update(Buffer.alloc(offset % BLOCK));
    return decipher.update(sealed.subarray(0, got));
  }

  /** Closes and deletes the file; safe to call twice. */
  async remove(): Promise<void> {
    await this.file.close().catch(() => undefined);
    await rm(this.path, { force: true });
  }
}
