import { EventEmitter } from "node:events";
import { randomBytes } from "node:crypto";
import { bilingual, msg } from "../../messages/message.js";
import type { Clock } from "../../domain/clock.js";
import { type Hash, leafHash, toBytes32 } from "../../domain/merkle/index.js";
import { type EvidenceRecord, RECORD_VERSION, recordJson, SALT_BYTES } from "../../domain/evidence/record.js";
import { validateRecord } from "../../domain/evidence/record-validation.js";
import { type KvOperation, type KvStore, prefixRange } from "../kv-store.js";
import { CASE_CHUNK, type CaseIndex, caseChunkKey, caseKeyOf, type StoredEntry } from "./log-keys.js";
import { MerkleLogStore } from "./merkle-log-store.js";

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
  /** Not hashed: the content itself, when it is small and made by the gateway (its notices); kept in the log's entry. */
  inline?: string;
}

/** A record in the log. */
export interface LogEntry {
  /** Position in the log, from 0: the record's id at this gateway. */
  index: number;
  /** `0x` hex of the leaf hash: the record's id anywhere. */
  leafHash: string;
  /** Canonical JSON: the leaf's bytes. */
  record: string;
  caseKey: string;
  recordedAt: string;
  kept: boolean;
  source: EntrySource;
  by?: string;
  inline?: string;
}

export class EvidenceLogError extends Error {
  override readonly name = "EvidenceLogError";
  constructor(
    readonly code: "RECORD_INVALID",
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
  extraOps: KvOperation[];
  resolve(entries: LogEntry[]): void;
  reject(error: unknown): void;
}

/** At most this many records go into one LevelDB batch (group commit). */
const MAX_GROUP_RECORDS = 5_000;
/** Case indexes kept in memory (the most recently used), so that appends to active cases read nothing. */
const CASE_CACHE = 20_000;

/**
 * The member's evidence log: records (docs/design.md §16) in an RFC 6962 Merkle log (MerkleLogStore), with
 * an index by case and each record chained to its case's previous one (`prev`).
 *
 * Crash-safe: a record, its leaf, the tree nodes it completes, its case index and the new size are written in one
 * LevelDB batch with `sync`; append() resolves — the record is acknowledged — only after that. Concurrent appends
 * share a batch (group commit), which is what makes tens of thousands a second possible with one fsync each.
 */
export class EvidenceLog extends EventEmitter<EvidenceLogEvents> {
  readonly #db: KvStore;
  readonly #tree: MerkleLogStore;
  readonly memberId: number;
  readonly #queue: Pending[] = [];
  #writing = false;
  readonly #cases = new Map<string, CaseIndex>();

  readonly #clock: Clock;

  private constructor(db: KvStore, tree: MerkleLogStore, memberId: number, clock: Clock) {
    super();
    this.#clock = clock;
    this.#db = db;
    this.#tree = tree;
    this.memberId = memberId;
  }

  /** Opens the log in `db` (the `evidence` sublevel) for `memberId`. */
  static async open(db: KvStore, memberId: number, clock: Clock): Promise<EvidenceLog> {
    return new EvidenceLog(db, await MerkleLogStore.open(db), memberId, clock);
  }

  /** Records acknowledged so far. */
  get size(): number {
    return this.#tree.size;
  }

  currentRoot(): Hash {
    return this.#tree.currentRoot();
  }

  root(size?: number): Promise<Hash> {
    return this.#tree.root(size);
  }

  inclusionProof(index: number, size?: number): Promise<Hash[]> {
    return this.#tree.inclusionProof(index, size);
  }

  consistencyProof(oldSize: number, newSize?: number): Promise<Hash[]> {
    return this.#tree.consistencyProof(oldSize, newSize);
  }

  /**
   * Appends records; resolves once they are on disk, with their entries (index, leaf hash, canonical JSON).
   * `extraOps` (keys of this sublevel) are written in the same batch: a caller's marker that it recorded something.
   */
  append(drafts: RecordDraft[], extraOps: KvOperation[] = []): Promise<LogEntry[]> {
    if (drafts.length === 0 && extraOps.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      this.#queue.push({ drafts, extraOps, resolve, reject });
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
          const entries = await this.#write(group.flatMap((p) => p.drafts), group.flatMap((p) => p.extraOps));
          let offset = 0;
          for (const p of group) {
            p.resolve(entries.slice(offset, offset + p.drafts.length));
            offset += p.drafts.length;
          }
          this.emit("appended", this.#tree.size);
        } catch (error) {
          for (const p of group) p.reject(error);
        }
      }
    } finally {
      this.#writing = false;
    }
  }

  async #write(drafts: RecordDraft[], extraOps: KvOperation[]): Promise<LogEntry[]> {
    const cases = await this.#caseIndexes(drafts.map((d) => d.caseKey));
    const ops: KvOperation[] = [...extraOps];
    const salts = randomBytes(SALT_BYTES * drafts.length).toString("hex");
    const recordedAt = new Date(this.#clock()).toISOString();
    const first = this.#tree.size;
    const entries: LogEntry[] = [];
    const leaves = drafts.map((draft, i) => {
      const known = cases.get(draft.caseKey);
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
        salt: draft.salt ?? salts.slice(i * SALT_BYTES * 2, (i + 1) * SALT_BYTES * 2),
        ...(known === undefined ? {} : { prev: known.last }),
      };
      const check = validateRecord(record);
      if (!check.ok) throw new EvidenceLogError("RECORD_INVALID", bilingual(msg("api.RECORD_INVALID")), check.problems);
      const text = recordJson(record);
      const leaf = leafHash(Buffer.from(text, "utf8"));
      const index = first + i;
      const entry: LogEntry = {
        index,
        leafHash: toBytes32(leaf),
        record: text,
        caseKey: draft.caseKey,
        recordedAt,
        kept: draft.kept,
        source: draft.source,
        ...(draft.by === undefined ? {} : { by: draft.by }),
        ...(draft.inline === undefined ? {} : { inline: draft.inline }),
      };
      entries.push(entry);
      const stored: StoredEntry = [text, recordedAt, draft.kept ? 1 : 0, draft.source];
      if (draft.by !== undefined || draft.inline !== undefined) stored.push(draft.by ?? "");
      if (draft.inline !== undefined) stored.push(draft.inline);
      // The case index: the latest leaf (the next record's `prev`), the count, and chunks of 256 indexes.
      const tail = [...(known?.tail ?? []), index];
      const count = (known?.count ?? 0) + 1;
      if (tail.length === CASE_CHUNK) {
        ops.push({ type: "put", key: caseChunkKey(draft.caseKey, count / CASE_CHUNK - 1), value: JSON.stringify(tail) });
      }
      cases.set(draft.caseKey, { last: entry.leafHash, count, tail: tail.length === CASE_CHUNK ? [] : tail });
      return { leaf, stored: JSON.stringify(stored) };
    });
    for (const [key, value] of cases) ops.push({ type: "put", key: caseKeyOf(key), value: JSON.stringify(value) });
    await this.#tree.append(leaves, ops);
    for (const [key, value] of cases) {
      this.#cases.delete(key);
      this.#cases.set(key, value!);
    }
    for (const key of this.#cases.keys()) {
      if (this.#cases.size <= CASE_CACHE) break;
      this.#cases.delete(key);
    }
    return entries;
  }

  // ── reads ──────────────────────────────────────────────────────────────────────────────────────────

  async entry(index: number): Promise<LogEntry | undefined> {
    return (await this.entries([index]))[0];
  }

  /** Entries by index, in the order asked (undefined for indexes outside the log). */
  async entries(indexes: number[]): Promise<Array<LogEntry | undefined>> {
    const raws = await this.#tree.stored(indexes);
    return indexes.map((index, i) => {
      const raw = raws[i];
      if (raw === undefined) return undefined;
      const [record, recordedAt, kept, source, by, inline] = JSON.parse(raw) as StoredEntry;
      return {
        index,
        leafHash: toBytes32(leafHash(Buffer.from(record, "utf8"))),
        record,
        caseKey: (JSON.parse(record) as EvidenceRecord).caseKey,
        recordedAt,
        kept: kept === 1,
        source: source as EntrySource,
        ...(by ? { by } : {}),
        ...(inline === undefined ? {} : { inline }),
      };
    });
  }

  /** The entries of a case in log order; `after` an index, at most `limit`. */
  async entriesOfCase(caseKey: string, options: { after?: number; limit?: number } = {}): Promise<LogEntry[]> {
    const head = (await this.#caseIndexes([caseKey])).get(caseKey);
    if (!head) return [];
    const indexes: number[] = [];
    if (head.count > head.tail.length) {
      for await (const [, chunk] of this.#db.iterator(prefixRange(`${caseKeyOf(caseKey)}/`))) indexes.push(...(JSON.parse(chunk) as number[]));
    }
    indexes.push(...head.tail);
    const wanted = indexes.filter((i) => options.after === undefined || i > options.after).slice(0, options.limit ?? 1_000);
    return (await this.entries(wanted)).filter((e): e is LogEntry => e !== undefined);
  }

  /** How many records a case has in this log. */
  async countOfCase(caseKey: string): Promise<number> {
    return (await this.#caseIndexes([caseKey])).get(caseKey)?.count ?? 0;
  }

  async #caseIndexes(caseKeys: string[]): Promise<Map<string, CaseIndex | undefined>> {
    const distinct = [...new Set(caseKeys)];
    const cases = new Map<string, CaseIndex | undefined>();
    const unknown = distinct.filter((key) => {
      const cached = this.#cases.get(key);
      if (cached) cases.set(key, cached);
      return !cached;
    });
    const stored = unknown.length > 0 ? await this.#db.getMany(unknown.map(caseKeyOf)) : [];
    unknown.forEach((key, i) => cases.set(key, stored[i] === undefined ? undefined : (JSON.parse(stored[i]) as CaseIndex)));
    return cases;
  }
}

