import { randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, open, readdir, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { bilingual, msg } from "../messages/message.js";
import { ContentHasher } from "../domain/evidence/content-digest.js";

/** The content was larger than allowed; nothing was kept. */
export class BlobTooLargeError extends Error {
  override readonly name = "BlobTooLargeError";
  constructor(readonly maxBytes: number) {
    super(bilingual(msg("api.CONTENT_TOO_LARGE", { maxBytes })));
  }
}

export interface StoredContent {
  sha256: string;
  size: number;
  sm3?: string;
  /** Whether the content is now in the store (false when only hashed). */
  kept: boolean;
}

/**
 * Content-addressed files under `<dataDir>/blobs`: `sha256/ab/cd/<sha256 hex>`. Content is hashed while it streams
 * (bounded memory whatever its size), written to `tmp/` and renamed into place once complete and flushed, so that a
 * blob under its name is always whole. A blob already there is not written twice.
 */
export class BlobStore {
  readonly #root: string;

  constructor(dataDir: string) {
    this.#root = join(dataDir, "blobs");
  }

  pathOf(sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new TypeError("not a sha256 hex digest");
    return join(this.#root, "sha256", sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  /** Removes temporary files of uploads that never finished (a crash, a dropped connection). */
  async cleanTemporary(): Promise<number> {
    const dir = join(this.#root, "tmp");
    const names = await readdir(dir).catch(() => [] as string[]);
    await Promise.all(names.map((name) => rm(join(dir, name), { force: true })));
    return names.length;
  }

  async has(sha256: string): Promise<boolean> {
    return stat(this.pathOf(sha256)).then((s) => s.isFile(), () => false);
  }

  read(sha256: string) {
    return createReadStream(this.pathOf(sha256));
  }

  /**
   * Hashes `chunks` and, when `keep`, stores them. Throws BlobTooLargeError past `maxBytes` (the temporary file is
   * removed). The content is durable (fsync of the file and its directory) before this resolves.
   */
  async put(chunks: AsyncIterable<Uint8Array>, options: { keep: boolean; sm3?: boolean; maxBytes: number }): Promise<StoredContent> {
    const hasher = new ContentHasher({ sm3: options.sm3 });
    if (!options.keep) {
      for await (const chunk of chunks) {
        hasher.update(chunk);
        if (hasher.size > options.maxBytes) throw new BlobTooLargeError(options.maxBytes);
      }
      return { ...hasher.digest(), kept: false };
    }
    const tmpDir = join(this.#root, "tmp");
    await mkdir(tmpDir, { recursive: true, mode: 0o700 });
    const tmp = join(tmpDir, `${randomBytes(12).toString("hex")}.part`);
    const file = await open(tmp, "wx", 0o600);
    let closed = false;
    try {
      for await (const chunk of chunks) {
        hasher.update(chunk);
        if (hasher.size > options.maxBytes) throw new BlobTooLargeError(options.maxBytes);
        let offset = 0;
        while (offset < chunk.length) offset += (await file.write(chunk, offset, chunk.length - offset)).bytesWritten;
      }
      await file.sync();
      await file.close();
      closed = true;
      const digest = hasher.digest();
      const target = this.pathOf(digest.sha256);
      if (await this.has(digest.sha256)) {
        await rm(tmp, { force: true });
      } else {
        const dir = join(target, "..");
        await mkdir(dir, { recursive: true, mode: 0o700 });
        await rename(tmp, target);
        const handle = await open(dir, "r");
        await handle.sync().finally(() => handle.close());
      }
      return { ...digest, kept: true };
    } catch (error) {
      if (!closed) await file.close().catch(() => {});
      await rm(tmp, { force: true });
      throw error;
    }
  }
}
