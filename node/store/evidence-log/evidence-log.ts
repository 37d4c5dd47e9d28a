import { EventEmitter } from "node:events";
import { canonicalJson } from "../../domain/canonical-json.js";
import { EMPTY_ROOT, fromHex, type Hash, leafHash, nodeHash, toBytes32, toHex } from "../../domain/merkle/index.js";
import { type EvidenceRecord, newSalt, RECORD_VERSION } from "../../domain/evidence/record.js";
import { validateRecord } from "../../domain/evidence/record-validation.js";
import { type KvOperation, type KvStore, prefixRange } from "../../chain/kv-store.js";
import { caseEntryKey, caseLastKey, casePrefix, entryKey, indexFromKey, leafKey, nodeKey, SIZE_KEY } from "./log-keys.js";
import { consistencyRanges, inclusionRanges, type LeafRange, nodesCompletedBy, type PerfectNode, perfectParts } from "./subtrees.js";

/** How a record came in: a file streamed through the gateway, a hash given for media kept elsewhere, or the gateway itself. */
export type EntrySource = "upload" | "hash" | "system";

/** What a caller asks to record; the log adds `v`, `member`, `salt` (unless given) and `prev`. */
export interface RecordDraft {
  caseKey: string;
  kind: EvidenceRecord["kind"];
  contentSha256: string;
  sm3?: string;
  contentSize: number;
  mediaType: string;
  capturedAt: string;
  salt?: string;
  /** Not hashed: whether the content is in the blob store, and where it came from. */
  kept: boolean;
  source: EntrySource;
  /** Not hashed: the staff token that recorded it (an id, never a name). */
  by?: string;
}

/** A record in the log, as stored. */
export interface LogEntry {
  index: number;
  /** `0x` hex: the record's id. */
  leafHash: string;
  /** Canonical JSON: the leaf's bytes. */
  record: string;
  caseKey: string;
  recordedAt: string;
  kept: boolean;
  source: EntrySource;
  by?: string;
}

export class EvidenceLogError extends Error {
  override readonly name = "EvidenceLogError";
  constructor(
    readonly code: "RECORD_INVALID" | "SIZE_OUT_OF_RANGE" | "STORE_CORRUPT",
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export interface EvidenceLogEvents {
  /** After records are durably in the log: the new size. */
  appended: [number];
}

interface Pending {
  drafts: RecordDraft[];
  resolve(entries: LogEntry[]): void;
  reject(error: unknown): void;
}

/** At most this many records go into one LevelDB batch (group commit). */
const MAX_GROUP_RECORDS = 5_000;
const SYNC = { sync: true };

/**
 * The member's evidence log: an RFC 6962 Merkle log persisted in LevelDB, append-only.
 *
 * - O(log n) per append: the right edge of the tree (the perfect subtrees of the binary decomposition of the size,
 *   the "compact range") is kept in memory; an append hashes the leaf and the subtrees it completes (one on average)
 *   and stores them.
 * - Proofs and roots for any size from the stored perfect subtrees (O(log n) reads, one getMany).
 * - Crash-safe: records, leaves, completed nodes, indexes and the new size go in one batch written with `sync`; an
 *   append resolves (the record is acknowledged) only after that. Concurrent appends share a batch (group commit).
 */
export class EvidenceLog extends EventEmitter<EvidenceLogEvents> {
  readonly #db: KvStore;
  readonly memberId: number;
  #size: number;
  /** The compact range of the committed tree: perfect subtrees of the size's binary decomposition, largest first. */
  #frontier: Array<PerfectNode & { hash: Hash }>;
  readonly #queue: Pending[] = [];
  #writing = false;

  private constructor(db: KvStore, memberId: number, size: number, frontier: Array<PerfectNode & { hash: Hash }>) {
    super();
    this.#db = db;
    this.memberId = memberId;
    this.#size = size;
    this.#frontier = frontier;
  }

  /** Opens the log in `db` (the `evidence` sublevel) for `memberId`. */
  static async open(db: KvStore, memberId: number): Promise<EvidenceLog> {
    const raw = await db.get(SIZE_KEY);
    const size = raw === undefined ? 0 : Number(raw);
    if (!Number.isSafeInteger(size) || size < 0) throw new EvidenceLogError("STORE_CORRUPT", `the log's size is ${raw}`);
    const parts = size === 0 ? [] : perfectParts({ lo: 0, hi: size });
    const hashes = await db.getMany(parts.map((p) => nodeKey(p.level, p.index)));
    const frontier = parts.map((p, i) => {
      const hex = hashes[i];
      if (hex === undefined) throw new EvidenceLogError("STORE_CORRUPT", `node ${p.level}/${p.index} of a ${size}-record log is missing`);
      return { ...p, hash: fromHex(hex) };
    });
    return new EvidenceLog(db, memberId, size, frontier);
  }

  /** Records acknowledged so far. */
  get size(): number {
    return this.#size;
  }

  /** The tree head of the whole log now. */
  currentRoot(): Hash {
    return foldRight(this.#frontier.map((f) => f.hash));
  }

  /** Appends records; resolves once they are on disk, with their entries (index, leaf hash, canonical JSON). */
  append(drafts: RecordDraft[]): Promise<LogEntry[]> {
    if (drafts.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      this.#queue.push({ drafts, resolve, reject });
      void this.#drain();
    });
  }

  async #drain(): Promise<void> {
    if (this.#writing) return;
    this.#writing = true;
    try {
      while (this.#queue.length > 0) {
        const group: Pending[] = [];
        let records = 0;
        while (this.#queue.length > 0 && (group.length === 0 || records + this.#queue[0]!.drafts.length <= MAX_GROUP_RECORDS)) {
          const next = this.#queue.shift()!;
          group.push(next);
          records += next.drafts.length;
        }
        try {
          const entries = await this.#write(group.flatMap((p) => p.drafts));
          let offset = 0;
          for (const p of group) {
            p.resolve(entries.slice(offset, offset + p.drafts.length));
            offset += p.drafts.length;
          }
          this.emit("appended", this.#size);
        } catch (error) {
          for (const p of group) p.reject(error);
        }
      }
    } finally {
      this.#writing = false;
    }
  }

  async #write(drafts: RecordDraft[]): Promise<LogEntry[]> {
    const caseKeys = [...new Set(drafts.map((d) => d.caseKey))];
    const lasts = await this.#db.getMany(caseKeys.map(caseLastKey));
    const last = new Map<string, string>();
    caseKeys.forEach((key, i) => {
      const value = lasts[i];
      if (value !== undefined) last.set(key, value);
    });

    const ops: KvOperation[] = [];
    const entries: LogEntry[] = [];
    const frontier = [...this.#frontier];
    let index = this.#size;
    const recordedAt = new Date().toISOString();
    for (const draft of drafts) {
      const prev = last.get(draft.caseKey);
      const record: EvidenceRecord = {
        v: RECORD_VERSION,
        member: this.memberId,
        caseKey: draft.caseKey,
        kind: draft.kind,
        contentSha256: draft.contentSha256,
        ...(draft.sm3 === undefined ? {} : { sm3: draft.sm3 }),
        contentSize: draft.contentSize,
        mediaType: draft.mediaType,
        capturedAt: draft.capturedAt,
        salt: draft.salt ?? newSalt(),
        ...(prev === undefined ? {} : { prev }),
      };
      const check = validateRecord(record);
      if (!check.ok) throw new EvidenceLogError("RECORD_INVALID", "存证记录无效 / invalid evidence record", check.problems);
      const text = canonicalJson(record);
      const leaf = leafHash(new TextEncoder().encode(text));
      const leafHex = toBytes32(leaf);
      // The compact range: push the leaf, merge equal levels (each merge is a perfect node completed by this leaf).
      frontier.push({ level: 0, index, hash: leaf });
      ops.push({ type: "put", key: nodeKey(0, index), value: toHex(leaf) });
      for (const node of nodesCompletedBy(index)) {
        const right = frontier.pop()!;
        const left = frontier.pop()!;
        const hash = nodeHash(left.hash, right.hash);
        frontier.push({ ...node, hash });
        ops.push({ type: "put", key: nodeKey(node.level, node.index), value: toHex(hash) });
      }
      const entry: LogEntry = {
        index,
        leafHash: leafHex,
        record: text,
        caseKey: draft.caseKey,
        recordedAt,
        kept: draft.kept,
        source: draft.source,
        ...(draft.by === undefined ? {} : { by: draft.by }),
      };
      ops.push(
        { type: "put", key: entryKey(index), value: JSON.stringify(entry) },
        { type: "put", key: leafKey(leafHex), value: String(index) },
        { type: "put", key: caseEntryKey(draft.caseKey, index), value: "" },
      );
      last.set(draft.caseKey, leafHex);
      entries.push(entry);
      index++;
    }
    for (const key of caseKeys) ops.push({ type: "put", key: caseLastKey(key), value: last.get(key)! });
    ops.push({ type: "put", key: SIZE_KEY, value: String(index) });
    await this.#db.batch(ops, SYNC);
    this.#frontier = frontier;
    this.#size = index;
    return entries;
  }

  // ── reads ──────────────────────────────────────────────────────────────────────────────────────────

  async entry(index: number): Promise<LogEntry | undefined> {
    if (!Number.isSafeInteger(index) || index < 0 || index >= this.#size) return undefined;
    const raw = await this.#db.get(entryKey(index));
    return raw === undefined ? undefined : (JSON.parse(raw) as LogEntry);
  }

  /** The entry whose leaf hash is `leafHash` (`0x` hex), if this log has it. */
  async entryByLeafHash(leafHash: string): Promise<LogEntry | undefined> {
    const raw = await this.#db.get(leafKey(leafHash.toLowerCase()));
    return raw === undefined ? undefined : this.entry(Number(raw));
  }

  /** The entries of a case in log order, a page at a time (`after`: an index). */
  async entriesOfCase(caseKey: string, options: { after?: number; limit?: number } = {}): Promise<LogEntry[]> {
    const prefix = casePrefix(caseKey);
    const range = prefixRange(prefix, { limit: options.limit ?? 1_000 });
    if (options.after !== undefined) {
      delete range.gte;
      range.gt = caseEntryKey(caseKey, options.after);
    }
    const indexes: number[] = [];
    for await (const key of this.#db.keys(range)) indexes.push(indexFromKey(key));
    const raws = await this.#db.getMany(indexes.map(entryKey));
    return raws.filter((r): r is string => r !== undefined).map((r) => JSON.parse(r) as LogEntry);
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
      throw new EvidenceLogError("SIZE_OUT_OF_RANGE", `tree size ${size} is outside 0..${this.#size}`);
    }
  }

  /** The hashes of committed ranges, from their perfect subtrees (one getMany for all). */
  async #rangeHashes(ranges: LeafRange[]): Promise<Hash[]> {
    const partsOf = ranges.map(perfectParts);
    const keys = [...new Set(partsOf.flat().map((p) => nodeKey(p.level, p.index)))];
    const values = await this.#db.getMany(keys);
    const byKey = new Map<string, Hash>();
    keys.forEach((key, i) => {
      const hex = values[i];
      if (hex === undefined) throw new EvidenceLogError("STORE_CORRUPT", `node ${key} is missing`);
      byKey.set(key, fromHex(hex));
    });
    return partsOf.map((parts) => foldRight(parts.map((p) => byKey.get(nodeKey(p.level, p.index))!)));
  }
}

/** H(h1, H(h2, … H(hk-1, hk))): the head of a range from its perfect subtrees, largest first. */
function foldRight(hashes: Hash[]): Hash {
  if (hashes.length === 0) return EMPTY_ROOT;
  let acc = hashes[hashes.length - 1]!;
  for (let i = hashes.length - 2; i >= 0; i--) acc = nodeHash(hashes[i]!, acc);
  return acc;
}
