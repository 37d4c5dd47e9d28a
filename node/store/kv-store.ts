/**
 * The part of a LevelDB (sub)level that the indexer and the outbox use: string keys, string values (JSON),
 * atomic batches, ordered key ranges. A `level` v10 sublevel with the default encodings —
 * `new Level(dir).sublevel("indexer")` — satisfies it; so can a map in a unit test.
 */
export interface KvStore {
  get(key: string): Promise<string | undefined>;
  getMany(keys: string[]): Promise<(string | undefined)[]>;
  /** All operations or none. `sync: true` returns only once LevelDB has flushed the write to disk (fsync). */
  batch(operations: KvOperation[], options: KvBatchOptions): Promise<void>;
  keys(options: KvRange): AsyncIterable<string>;
  iterator(options: KvRange): AsyncIterable<[string, string]>;
  clear(options: KvRange): Promise<void>;
}

export type KvOperation = { type: "put"; key: string; value: string } | { type: "del"; key: string };

/** `sync` is understood by classic-level (Node's LevelDB binding); other implementations may ignore it. */
export interface KvBatchOptions {
  sync?: boolean;
}

export interface KvRange {
  gt?: string;
  gte?: string;
  lt?: string;
  lte?: string;
  limit?: number;
  reverse?: boolean;
}

/** Every key that starts with `prefix`. Keys are ASCII, so U+FFFF (UTF-8 ef bf bf) sorts after all of them. */
export function prefixRange(prefix: string, extra: Omit<KvRange, "gt" | "gte" | "lt" | "lte"> = {}): KvRange {
  return { gte: prefix, lt: `${prefix}\uffff`, ...extra };
}

/** Fixed-width decimal, so that numbers sort in key order. 12 digits cover block numbers and uint40 times. */
export function pad(value: number, width = 12): string {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`cannot use ${value} in a key`);
  const text = String(value);
  if (text.length > width) throw new RangeError(`${value} does not fit ${width} digits`);
  return text.padStart(width, "0");
}

export const put = (key: string, value: unknown): KvOperation => ({ type: "put", key, value: JSON.stringify(value) });
export const del = (key: string): KvOperation => ({ type: "del", key });

export function parseJson<T>(text: string | undefined): T | undefined {
  return text === undefined ? undefined : (JSON.parse(text) as T);
}
