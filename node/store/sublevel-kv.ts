import type { KvBatchOptions, KvOperation, KvStore } from "./kv-store.js";
import type { Database, StringSublevel } from "./sublevel.js";

/**
 * A sublevel's KvStore whose batches go through a chained batch of the root database, with the sublevel named per
 * operation. Same keys, same atomicity, same `sync`; about five times the writes per second of a sublevel's own array
 * batch (level v10 prefixes and copies each operation there), which is what lets the evidence log append tens of
 * thousands of records a second.
 */
export function withFastBatches(root: Database, sublevel: StringSublevel): KvStore {
  const options = { sublevel };
  return kvOver(sublevel, () => {
    const batch = root.batch();
    return { put: (key, value) => batch.put(key, value, options), del: (key) => batch.del(key, options), write: (o) => batch.write(o) };
  });
}

/** A sublevel of strings as a KvStore, its batches its own. */
export function sublevelKv(sublevel: StringSublevel): KvStore {
  return kvOver(sublevel, () => sublevel.batch());
}

/** The part of a chained batch the two stores above use. */
interface KvBatch {
  put(key: string, value: string): unknown;
  del(key: string): unknown;
  write(options: KvBatchOptions): Promise<void>;
}

/** Reads straight from the sublevel; writes through whichever chained batch `newBatch` opens. */
function kvOver(sublevel: StringSublevel, newBatch: () => KvBatch): KvStore {
  return {
    get: (key) => sublevel.get(key),
    getMany: (keys) => sublevel.getMany(keys),
    keys: (range) => sublevel.keys(range),
    iterator: (range) => sublevel.iterator(range),
    clear: (range) => sublevel.clear(range),
    async batch(operations: KvOperation[], batchOptions: KvBatchOptions) {
      const batch = newBatch();
      for (const op of operations) {
        if (op.type === "put") batch.put(op.key, op.value);
        else batch.del(op.key);
      }
      await batch.write(batchOptions);
    },
  };
}
