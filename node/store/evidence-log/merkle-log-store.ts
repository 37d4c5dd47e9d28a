import { EMPTY_ROOT, fromHex, type Hash, nodeHash, toHex } from "../../domain/merkle/index.js";
import type { KvOperation, KvStore } from "../kv-store.js";
import { entryTileKey, leafTileKey, nodeKey, SIZE_KEY, TILE_LEVEL, TILE_SIZE } from "./log-keys.js";
import { consistencyRanges, inclusionRanges, type LeafRange, nodesCompletedBy, type PerfectNode, perfectParts } from "./subtrees.js";

export class MerkleLogError extends Error {
  override readonly name = "MerkleLogError";
  constructor(
    readonly code: "SIZE_OUT_OF_RANGE" | "STORE_CORRUPT",
    message: string,
  ) {
    super(message);
  }
}

/** One leaf to append: its leaf hash and the JSON text stored beside it. */
export interface LeafInput {
  /** SHA-256(0x00 ‖ the leaf's bytes): see `leafHash` in node/domain/merkle. */
  leaf: Hash;
  /** A JSON value's text, stored in the leaf's entry tile and given back by {@link MerkleLogStore.stored}. */
  stored: string;
}

const SYNC = { sync: true };
const HEX = 64;

/**
 * An RFC 6962 Merkle log persisted in a KvStore (a LevelDB sublevel), append-only, with O(log n) work per append.
 *
 * - The right edge of the tree (the perfect subtrees of the binary decomposition of the size: the "compact range") is
 *   kept in memory; an append hashes the leaf and the subtrees it completes (one on average).
 * - Stored: leaf hashes in tiles of 64, the stored JSON of each leaf in tiles of 64, and every perfect subtree of 64
 *   leaves and more under its own key (see log-keys.ts). Roots and proofs for any size come from those: one getMany,
 *   and at most 63 hashes per leaf tile for the levels below 6.
 * - An append is one batch written with `sync`, together with the caller's own operations: leaves, entries, nodes,
 *   the caller's index updates and the new size are on disk together or not at all.
 *
 * Not safe for concurrent appends: its one caller (EvidenceLog) serializes them.
 */
export class MerkleLogStore {
  readonly #db: KvStore;
  #size: number;
  #frontier: Array<PerfectNode & { hash: Hash }>;
  /** The last, partial tile: its leaf hashes (hex, concatenated) and stored texts. */
  #tailLeaves: string;
  #tailStored: string[];

  private constructor(db: KvStore, size: number, tailLeaves: string, tailStored: string[]) {
    this.#db = db;
    this.#size = size;
    this.#frontier = [];
    this.#tailLeaves = tailLeaves;
    this.#tailStored = tailStored;
  }

  static async open(db: KvStore): Promise<MerkleLogStore> {
    const raw = await db.get(SIZE_KEY);
    const size = raw === undefined ? 0 : Number(raw);
    if (!Number.isSafeInteger(size) || size < 0) throw new MerkleLogError("STORE_CORRUPT", `the log's size is ${raw}`);
    const tile = Math.floor(size / TILE_SIZE);
    const inTail = size % TILE_SIZE;
    const [leavesRaw, storedRaw] = await db.getMany([leafTileKey(tile), entryTileKey(tile)]);
    const tailLeaves = inTail === 0 ? "" : (leavesRaw ?? "").slice(0, inTail * HEX);
    const tailStored = inTail === 0 ? [] : (JSON.parse(storedRaw ?? "[]") as unknown[]).slice(0, inTail).map((e) => JSON.stringify(e));
    if (tailLeaves.length !== inTail * HEX || tailStored.length !== inTail) {
      throw new MerkleLogError("STORE_CORRUPT", `the last tile of a ${size}-leaf log is incomplete`);
    }
    const store = new MerkleLogStore(db, size, tailLeaves, tailStored);
    const parts = size === 0 ? [] : perfectParts({ lo: 0, hi: size });
    const hashes = await store.#nodeHashes(parts);
    store.#frontier = parts.map((p, i) => ({ ...p, hash: hashes[i]! }));
    return store;
  }

  get size(): number {
    return this.#size;
  }

  /** The tree head of the whole log. */
  currentRoot(): Hash {
    return foldRight(this.#frontier.map((f) => f.hash));
  }

  /**
   * Appends leaves, with `extraOps` in the same batch; resolves once all is on disk (sync). The first new leaf's
   * index is the size before the call.
   */
  async append(leaves: LeafInput[], extraOps: KvOperation[] = []): Promise<void> {
    const ops: KvOperation[] = [];
    const frontier = [...this.#frontier];
    let tailLeaves = this.#tailLeaves;
    let tailStored = [...this.#tailStored];
    let index = this.#size;
    const flushTile = (tile: number) => {
      ops.push(
        { type: "put", key: leafTileKey(tile), value: tailLeaves },
        { type: "put", key: entryTileKey(tile), value: `[${tailStored.join(",")}]` },
      );
    };
    for (const leaf of leaves) {
      const hash = leaf.leaf;
      // The compact range: push the leaf, merge equal levels (each merge is a perfect subtree this leaf completes).
      frontier.push({ level: 0, index, hash });
      for (const node of nodesCompletedBy(index)) {
        const right = frontier.pop()!;
        const left = frontier.pop()!;
        const merged = nodeHash(left.hash, right.hash);
        frontier.push({ ...node, hash: merged });
        if (node.level >= TILE_LEVEL) ops.push({ type: "put", key: nodeKey(node.level, node.index), value: toHex(merged) });
      }
      const hex = toHex(hash);
      tailLeaves += hex;
      tailStored.push(leaf.stored);
      if (tailStored.length === TILE_SIZE) {
        flushTile(Math.floor(index / TILE_SIZE));
        tailLeaves = "";
        tailStored = [];
      }
      index++;
    }
    if (tailStored.length > 0) flushTile(Math.floor(index / TILE_SIZE));
    ops.push(...extraOps, { type: "put", key: SIZE_KEY, value: String(index) });
    await this.#db.batch(ops, SYNC);
    this.#frontier = frontier;
    this.#tailLeaves = tailLeaves;
    this.#tailStored = tailStored;
    this.#size = index;
  }

  /** The stored texts of leaves, in the order asked (undefined outside the log). */
  async stored(indexes: number[]): Promise<Array<string | undefined>> {
    const size = this.#size;
    const valid = (i: number) => Number.isSafeInteger(i) && i >= 0 && i < size;
    const tailTile = Math.floor(size / TILE_SIZE);
    const tiles = [...new Set(indexes.filter(valid).map((i) => Math.floor(i / TILE_SIZE)))].filter((t) => t !== tailTile);
    const raws = await this.#db.getMany(tiles.map(entryTileKey));
    const byTile = new Map<number, unknown[]>();
    tiles.forEach((tile, i) => byTile.set(tile, JSON.parse(raws[i] ?? "[]") as unknown[]));
    return indexes.map((i) => {
      if (!valid(i)) return undefined;
      const tile = Math.floor(i / TILE_SIZE);
      if (tile === tailTile) return this.#tailStored[i % TILE_SIZE];
      const value = byTile.get(tile)?.[i % TILE_SIZE];
      return value === undefined ? undefined : JSON.stringify(value);
    });
  }

  /** The tree head at `size` (≤ the log's size). */
  async root(size: number = this.#size): Promise<Hash> {
    this.#checkSize(size);
    if (size === 0) return EMPTY_ROOT;
    if (size === this.#size) return this.currentRoot();
    return (await this.#rangeHashes([{ lo: 0, hi: size }]))[0]!;
  }

  /** The audit path of leaf `index` in the tree of `size` leaves (RFC 6962 §2.1.1). */
  async inclusionProof(index: number, size: number = this.#size): Promise<Hash[]> {
    this.#checkSize(size);
    return this.#rangeHashes(inclusionRanges(index, size));
  }

  /** The proof that the tree at `oldSize` is a prefix of the tree at `newSize` (RFC 6962 §2.1.2). */
  async consistencyProof(oldSize: number, newSize: number = this.#size): Promise<Hash[]> {
    this.#checkSize(newSize);
    return this.#rangeHashes(consistencyRanges(oldSize, newSize));
  }

  #checkSize(size: number): void {
    if (!Number.isSafeInteger(size) || size < 0 || size > this.#size) {
      throw new MerkleLogError("SIZE_OUT_OF_RANGE", `tree size ${size} is outside 0..${this.#size}`);
    }
  }

  async #rangeHashes(ranges: LeafRange[]): Promise<Hash[]> {
    const partsOf = ranges.map(perfectParts);
    const hashes = await this.#nodeHashes(partsOf.flat());
    let offset = 0;
    return partsOf.map((parts) => {
      const mine = hashes.slice(offset, offset + parts.length);
      offset += parts.length;
      return foldRight(mine);
    });
  }

  /**
   * The hashes of committed perfect subtrees: from level 6 up, stored; below, computed from their leaf tile (the
   * committed tail tile is in memory). One getMany for all the keys.
   */
  async #nodeHashes(nodes: PerfectNode[]): Promise<Hash[]> {
    const tailTile = Math.floor(this.#size / TILE_SIZE);
    const tileOf = (n: PerfectNode) => Math.floor((n.index * 2 ** n.level) / TILE_SIZE);
    const stored = [...new Set(nodes.filter((n) => n.level >= TILE_LEVEL).map((n) => nodeKey(n.level, n.index)))];
    const tiles = [...new Set(nodes.filter((n) => n.level < TILE_LEVEL).map(tileOf))].filter((t) => t !== tailTile);
    const values = stored.length + tiles.length > 0 ? await this.#db.getMany([...stored, ...tiles.map(leafTileKey)]) : [];
    const byKey = new Map<string, string>();
    stored.forEach((key, i) => {
      const value = values[i];
      if (value === undefined) throw new MerkleLogError("STORE_CORRUPT", `node ${key} is missing`);
      byKey.set(key, value);
    });
    const tileLeaves = new Map<number, string>([[tailTile, this.#tailLeaves]]);
    tiles.forEach((tile, i) => tileLeaves.set(tile, values[stored.length + i] ?? ""));
    const memo = new Map<string, Hash>();
    const compute = (level: number, index: number): Hash => {
      const key = `${level}/${index}`;
      const known = memo.get(key);
      if (known) return known;
      let hash: Hash;
      if (level === 0) {
        const at = (index % TILE_SIZE) * HEX;
        const hex = tileLeaves.get(Math.floor(index / TILE_SIZE))?.slice(at, at + HEX) ?? "";
        if (hex.length !== HEX) throw new MerkleLogError("STORE_CORRUPT", `leaf ${index} is missing`);
        hash = fromHex(hex);
      } else hash = nodeHash(compute(level - 1, index * 2), compute(level - 1, index * 2 + 1));
      memo.set(key, hash);
      return hash;
    };
    return nodes.map((n) => (n.level >= TILE_LEVEL ? fromHex(byKey.get(nodeKey(n.level, n.index))!) : compute(n.level, n.index)));
  }
}

/** H(h1, H(h2, … H(hk-1, hk))): the head of a range from its perfect subtrees, largest first. */
function foldRight(hashes: Hash[]): Hash {
  if (hashes.length === 0) return EMPTY_ROOT;
  let acc = hashes[hashes.length - 1]!;
  for (let i = hashes.length - 2; i >= 0; i--) acc = nodeHash(hashes[i]!, acc);
  return acc;
}

