import type { KvRange } from "./kv-store.js";
import type { Sublevel } from "./sublevel.js";
import type { StoreBatch } from "./store-batch.js";

/** A range of keys, as the key-value interface takes it. */
export type KeyRange = KvRange;

/**
 * One sublevel seen through its value type. The repositories build on it and own the key layout; nothing outside
 * node/store/ holds a sublevel. Values are decoded by the sublevel's encoding (JSON or record-encodings.ts), so the
 * type here is what the owner wrote.
 */
export class Table<V> {
  readonly #sublevel: Sublevel;

  constructor(sublevel: Sublevel) {
    this.#sublevel = sublevel;
  }

  async get(key: string): Promise<V | undefined> {
    return (await this.#sublevel.get(key)) as V | undefined;
  }

  async getMany(keys: string[]): Promise<Array<V | undefined>> {
    return (await this.#sublevel.getMany(keys)) as Array<V | undefined>;
  }

  put(key: string, value: V): Promise<void> {
    return this.#sublevel.put(key, value);
  }

  del(key: string): Promise<void> {
    return this.#sublevel.del(key);
  }

  async *values(range: KeyRange = {}): AsyncGenerator<V> {
    for await (const value of this.#sublevel.values(range)) yield value as V;
  }

  async *entries(range: KeyRange = {}): AsyncGenerator<[string, V]> {
    for await (const [key, value] of this.#sublevel.iterator(range)) yield [key, value as V];
  }

  keys(range: KeyRange = {}): AsyncIterable<string> {
    return this.#sublevel.keys(range);
  }

  clear(range: KeyRange = {}): Promise<void> {
    return this.#sublevel.clear(range);
  }

  /** Deletes keys in one write of this sublevel alone. */
  async delMany(keys: string[]): Promise<void> {
    if (keys.length) await this.#sublevel.batch(keys.map((key) => ({ type: "del" as const, key })));
  }

  /** Puts entries in one write of this sublevel alone. */
  async putMany(entries: ReadonlyArray<readonly [string, V]>): Promise<void> {
    if (entries.length) await this.#sublevel.batch(entries.map(([key, value]) => ({ type: "put" as const, key, value })));
  }

  putIn(batch: StoreBatch, key: string, value: V): void {
    batch.put(this.#sublevel, key, value);
  }

  /** A value already in this sublevel's stored bytes (record-encodings.ts), written as they are. */
  putBytesIn(batch: StoreBatch, key: string, bytes: Buffer): void {
    batch.putBytes(this.#sublevel, key, bytes);
  }

  delIn(batch: StoreBatch, key: string): void {
    batch.del(this.#sublevel, key);
  }
}

/** Fixed-width decimal, so that keys sort numerically. */
export function pad(n: number, width = 10): string {
  return String(n).padStart(width, "0");
}

/** Every key under `prefix/` (keys are strings; "\uffff" sorts after every character used). */
export function rangeOf(prefix: string): { gt: string; lt: string } {
  return { gt: `${prefix}/`, lt: `${prefix}/\uffff` };
}
