import type { AbstractChainedBatch } from "abstract-level";
import type { Database, Sublevel } from "./sublevel.js";

/**
 * Writes to several sublevels that land together or not at all (one LevelDB batch). Services get one from the
 * store and hand it to the repositories, which add their own operations; only the repositories name sublevels.
 */
export class StoreBatch {
  readonly #batch: AbstractChainedBatch<Database, string, unknown>;

  constructor(db: Database) {
    this.#batch = db.batch();
  }

  /** Operations added so far. */
  get length(): number {
    return this.#batch.length;
  }

  put(sublevel: Sublevel, key: string, value: unknown): void {
    this.#batch.put(key, value, { sublevel });
  }

  putBytes(sublevel: Sublevel, key: string, bytes: Buffer): void {
    this.#batch.put(key, bytes, { sublevel, valueEncoding: "buffer" });
  }

  del(sublevel: Sublevel, key: string): void {
    this.#batch.del(key, { sublevel });
  }

  /** `sync: true` returns once LevelDB has flushed the write to disk. */
  write(options: { sync?: boolean } = {}): Promise<void> {
    return this.#batch.write(options);
  }
}
