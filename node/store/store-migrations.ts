import type { SublevelName } from "./sublevel-names.js";
import { StoreBatch } from "./store-batch.js";
import type { Database, Sublevel } from "./sublevel.js";

/**
 * The layout version a store is at, kept under "version" in the `storeVersion` sublevel. 1 (no marker): one
 * shared `meta` sublevel held handover deliveries, receipts and nonces and the health probe under key prefixes.
 * 2: each of those has its own sublevel.
 */
export const STORE_VERSION = 2;

/** Where each kind of `meta` key of version 1 goes: prefix → its sublevel (the key loses the prefix), or dropped. */
const META_MOVES: Array<{ prefix: string; to: SublevelName | undefined }> = [
  { prefix: "handover/", to: "handoverDeliveries" },
  { prefix: "received/", to: "handoverReceipts" },
  { prefix: "handover-nonce/", to: "handoverNonces" },
  // Rewritten by every health check.
  { prefix: "health/", to: undefined },
];

/**
 * Brings a store up to {@link STORE_VERSION}. Every move and the version marker are one LevelDB batch: a crash
 * leaves the store as it was (and the next start migrates it again) or migrated, never half-way. A store at the
 * current version is left alone. Keys of `meta` that no version knew stay where they are.
 */
export async function migrateStore(db: Database, sub: Record<SublevelName, Sublevel>): Promise<{ from: number; moved: number }> {
  const marker = versionSublevel(db);
  const from = await versionOf(marker);
  if (from >= STORE_VERSION) return { from, moved: 0 };
  const meta = db.sublevel<string, unknown>("meta", { valueEncoding: "json" });
  const batch = new StoreBatch(db);
  let moved = 0;
  for await (const [key, value] of meta.iterator()) {
    const move = META_MOVES.find((m) => key.startsWith(m.prefix));
    if (!move) continue;
    if (move.to) batch.put(sub[move.to], key.slice(move.prefix.length), value);
    batch.del(meta, key);
    moved++;
  }
  batch.put(marker, "version", STORE_VERSION);
  await batch.write({ sync: true });
  return { from, moved };
}

function versionSublevel(db: Database): Sublevel {
  return db.sublevel<string, unknown>("storeVersion", { valueEncoding: "json" });
}

async function versionOf(marker: Sublevel): Promise<number> {
  const value = await marker.get("version");
  return typeof value === "number" ? value : 1;
}

/** The version a store is at (tests). */
export function storeVersion(db: Database): Promise<number> {
  return versionOf(versionSublevel(db));
}
