import { pad } from "../kv-store.js";

/**
 * Key layout of the evidence sublevel (string keys and values; numbers fixed-width so that keys sort numerically).
 * Few keys per record, so that LevelDB's per-write cost does not bound appends: leaves and entries are stored in tiles
 * of {@link TILE_SIZE}, perfect subtrees from level {@link TILE_LEVEL} up one key each (lower ones are recomputed from
 * a leaf tile, at most 63 hashes), and one key per case.
 *
 *   size                      → number of records in the log (written in the same batch as the records)
 *   t/<tile:16>               → leaf hashes of records tile×64 … tile×64+63, hex, concatenated (64 chars each)
 *   e/<tile:16>               → JSON array of the same records' StoredEntry (record text and what the gateway knows)
 *   n/<level:2>/<index:16>    → hex hash of the perfect subtree of 2^level leaves from index×2^level (level ≥ 6)
 *   c/<caseKey>               → CaseIndex JSON: the case's latest leaf hash (the next `prev`), its record count and
 *                               the indexes of its last (partial) chunk of 256
 *   c/<caseKey>/<chunk:8>     → JSON array of the indexes of a full chunk of 256 records of the case
 *   a/…                       → the anchorer's state (anchor-store.ts)
 *   j/…                       → automatic notices already recorded (store/evidence-notice-marks.ts)
 */
export const TILE_LEVEL = 6;
export const TILE_SIZE = 2 ** TILE_LEVEL;
export const SIZE_KEY = "size";
export const INDEX_WIDTH = 16;
export const leafTileKey = (tile: number) => `t/${pad(tile, INDEX_WIDTH)}`;
export const entryTileKey = (tile: number) => `e/${pad(tile, INDEX_WIDTH)}`;
export const nodeKey = (level: number, index: number) => `n/${pad(level, 2)}/${pad(index, INDEX_WIDTH)}`;
export const caseKeyOf = (caseKey: string) => `c/${caseKey}`;
export const caseChunkKey = (caseKey: string, chunk: number) => `c/${caseKey}/${pad(chunk, 8)}`;
export const CASE_CHUNK = 256;

/** What the log keeps per case. */
export interface CaseIndex {
  /** Leaf hash of the case's latest record. */
  last: string;
  /** Records of the case. */
  count: number;
  /** Indexes of the records after the last full chunk, ascending (fewer than CASE_CHUNK). */
  tail: number[];
}

/** An entry as stored in its tile: [record, recordedAt, kept (1/0), source, by ("" when none), inline content?]. */
export type StoredEntry = [string, string, 0 | 1, string, string?, string?];
