import {
  type CaseChange,
  type CaseHistoryEntry,
  type CaseRecord,
  applyCaseChange,
  historyEntry,
  isHeldRecord,
} from "./case-events.js";
import { isHeldAt } from "../domain/consortium/index.js";
import { ChainError } from "./errors.js";
import { type KvOperation, type KvStore, del, pad, parseJson, prefixRange, put } from "../store/kv-store.js";

/**
 * LevelDB layout of the case index, inside the (sub)level the indexer is given. Every key but `meta` lives
 * under the current generation's prefix `g<generation>/`; a rebuild moves to a new generation in one write
 * (so the old state disappears atomically) and deletes the old generation's keys afterwards.
 *
 *   meta                                         → IndexMeta (generation, which registry, its deploy block)
 *   g000001/cursor                               → IndexCursor: last block applied and its hash
 *   g000001/case/<caseKey>                       → CaseRecord
 *   g000001/debtor/<debtorKey>/<caseKey>         → "1"   (co-debt: all cases of one debtor, any creditor)
 *   g000001/creditor/<creditorId:10>/<caseKey>   → "1"   (current creditor)
 *   g000001/agency/<agencyId:10>/<caseKey>       → "1"   (current or last agency, as the chain's agencyId)
 *   g000001/held/<agencyId:10>/<until:12>/<caseKey> → "1" (Assigned or Accepted; expiry is a range bound)
 *   g000001/hist/<caseKey>/<block:12>/<logIndex:6> → CaseHistoryEntry
 *
 * Keys are lowercase 0x-hex and zero-padded decimals, so key order is numeric order.
 */
export interface IndexMeta {
  format: "caseledger-case-index/1";
  generation: number;
  /** CaseRegistry address, lowercase. */
  registry: string;
  deployBlock: number;
}

export interface IndexCursor {
  /** Last block whose events are applied. */
  block: number;
  /** Its hash, to notice a chain that changed under the index. */
  blockHash: string;
}

/** A case an agency holds for a debtor right now. */
export interface Holding {
  caseKey: string;
  creditorId: number;
  agencyId: number;
  until: number;
}

export interface PageOptions {
  /** Default 100, at most 1,000. */
  limit?: number;
  /** Return cases with a caseKey after this one (the previous page's `next`). */
  after?: string;
}

export interface CasePage {
  cases: CaseRecord[];
  /** Pass as `after` for the next page; undefined on the last page. */
  next: string | undefined;
}

const META = "meta";
const ONE = "1";
const id10 = (id: number) => pad(id, 10);

interface PendingReads {
  keys: string[];
  waiters: { resolve: (value: string | undefined) => void; reject: (error: unknown) => void }[];
}

export class CaseIndexStore {
  readonly #db: KvStore;
  #meta: IndexMeta | undefined;
  #pending: PendingReads | undefined;

  constructor(db: KvStore) {
    this.#db = db;
  }

  async meta(): Promise<IndexMeta | undefined> {
    this.#meta ??= parseJson<IndexMeta>(await this.#db.get(META));
    if (this.#meta && this.#meta.format !== "caseledger-case-index/1") {
      throw new ChainError("STORE_CORRUPT", "the case index was written by another version");
    }
    return this.#meta;
  }

  async #prefix(): Promise<string | undefined> {
    const meta = await this.meta();
    return meta && `g${pad(meta.generation, 6)}/`;
  }

  /**
   * Starts a new, empty generation for `registry` in one atomic write, then deletes every other generation's
   * keys. Readers see the old state or the empty one, never a mixture.
   */
  async reset(registry: string, deployBlock: number): Promise<void> {
    const previous = await this.meta();
    const meta: IndexMeta = {
      format: "caseledger-case-index/1",
      generation: (previous?.generation ?? 0) + 1,
      registry: registry.toLowerCase(),
      deployBlock,
    };
    await this.#db.batch([put(META, meta)], { sync: true });
    this.#meta = meta;
    await this.clearStale();
  }

  /** Deletes the keys of generations other than the current one (left by a rebuild, or by a crash during one). */
  async clearStale(): Promise<void> {
    const prefix = await this.#prefix();
    if (!prefix) return;
    await this.#db.clear({ gte: "g", lt: prefix });
    await this.#db.clear({ gte: `${prefix}\uffff`, lt: "h" });
  }

  async cursor(): Promise<IndexCursor | undefined> {
    const prefix = await this.#prefix();
    return prefix ? parseJson<IndexCursor>(await this.#db.get(`${prefix}cursor`)) : undefined;
  }

  async caseOf(caseKey: string): Promise<CaseRecord | undefined> {
    const prefix = await this.#prefix();
    return prefix ? parseJson<CaseRecord>(await this.#readSoon(`${prefix}case/${caseKey.toLowerCase()}`)) : undefined;
  }

  /**
   * Reads `key` together with the other keys asked for in the same turn of the event loop: one getMany, so one
   * trip to LevelDB's worker thread for a burst of ownership checks instead of one each (the trips, not the
   * reads, were most of a check's cost). The read still happens after the caller asked, never from a copy.
   */
  #readSoon(key: string): Promise<string | undefined> {
    let pending = this.#pending;
    if (!pending) {
      const batch: PendingReads = { keys: [], waiters: [] };
      this.#pending = pending = batch;
      setImmediate(() => {
        this.#pending = undefined;
        this.#db.getMany(batch.keys).then(
          (values) => batch.waiters.forEach((waiter, i) => waiter.resolve(values[i])),
          (error: unknown) => batch.waiters.forEach((waiter) => waiter.reject(error)),
        );
      });
    }
    pending.keys.push(key);
    return new Promise((resolve, reject) => pending.waiters.push({ resolve, reject }));
  }

  async casesOf(caseKeys: string[]): Promise<(CaseRecord | undefined)[]> {
    const prefix = await this.#prefix();
    if (!prefix || caseKeys.length === 0) return caseKeys.map(() => undefined);
    const values = await this.#db.getMany(caseKeys.map((key) => `${prefix}case/${key.toLowerCase()}`));
    return values.map((value) => parseJson<CaseRecord>(value));
  }

  /** The cases of `debtorKey` that an agency holds at `nowSeconds` (Assigned or Accepted, `until` not passed), any creditor. */
  async activeHoldings(debtorKey: string, nowSeconds: number): Promise<Holding[]> {
    const prefix = await this.#prefix();
    if (!prefix) return [];
    const keysPrefix = `${prefix}debtor/${debtorKey.toLowerCase()}/`;
    const caseKeys: string[] = [];
    for await (const key of this.#db.keys(prefixRange(keysPrefix))) caseKeys.push(key.slice(keysPrefix.length));
    const records = await this.casesOf(caseKeys);
    return records
      .filter((record): record is CaseRecord => record !== undefined && record.agencyId !== 0 && isHeldAt(record, nowSeconds))
      .map(({ caseKey, creditorId, agencyId, until }) => ({ caseKey, creditorId, agencyId, until }));
  }

  /** How many cases `agencyId` holds at `nowSeconds` (its load against its declared capacity). */
  async activeCount(agencyId: number, nowSeconds: number): Promise<number> {
    const prefix = await this.#prefix();
    if (!prefix) return 0;
    const held = `${prefix}held/${id10(agencyId)}/`;
    let count = 0;
    const from = `${held}${pad(Math.max(0, Math.ceil(nowSeconds)))}`;
    for await (const _ of this.#db.keys({ gte: from, lt: `${held}\uffff` })) count++;
    return count;
  }

  /** The case's events in chain order. */
  async history(caseKey: string): Promise<CaseHistoryEntry[]> {
    const prefix = await this.#prefix();
    if (!prefix) return [];
    const entries: CaseHistoryEntry[] = [];
    for await (const [, value] of this.#db.iterator(prefixRange(`${prefix}hist/${caseKey.toLowerCase()}/`))) {
      entries.push(JSON.parse(value) as CaseHistoryEntry);
    }
    return entries;
  }

  /**
   * Every case's events, one case at a time in caseKey order, each in chain order: one range scan over the history
   * (the consortium-wide scorecards read the whole chain's assignments this way).
   */
  async *histories(): AsyncGenerator<{ caseKey: string; entries: CaseHistoryEntry[] }> {
    const prefix = await this.#prefix();
    if (!prefix) return;
    const start = `${prefix}hist/`;
    let current: { caseKey: string; entries: CaseHistoryEntry[] } | undefined;
    for await (const [key, value] of this.#db.iterator(prefixRange(start))) {
      const caseKey = key.slice(start.length, key.indexOf("/", start.length));
      if (current?.caseKey !== caseKey) {
        if (current) yield current;
        current = { caseKey, entries: [] };
      }
      current.entries.push(JSON.parse(value) as CaseHistoryEntry);
    }
    if (current) yield current;
  }

  /** Cases whose current or last agency is `agencyId`, in caseKey order. */
  casesOfAgency(agencyId: number, options: PageOptions = {}): Promise<CasePage> {
    return this.#page(`agency/${id10(agencyId)}/`, options);
  }

  /** Cases whose current creditor is `creditorId`, in caseKey order. */
  casesOfCreditor(creditorId: number, options: PageOptions = {}): Promise<CasePage> {
    return this.#page(`creditor/${id10(creditorId)}/`, options);
  }

  async #page(indexPrefix: string, options: PageOptions): Promise<CasePage> {
    const prefix = await this.#prefix();
    if (!prefix) return { cases: [], next: undefined };
    const limit = Math.min(Math.max(1, Math.floor(options.limit ?? 100)), 1_000);
    const keysPrefix = `${prefix}${indexPrefix}`;
    const range = options.after
      ? { gt: `${keysPrefix}${options.after.toLowerCase()}`, lt: `${keysPrefix}\uffff`, limit: limit + 1 }
      : prefixRange(keysPrefix, { limit: limit + 1 });
    const caseKeys: string[] = [];
    for await (const key of this.#db.keys(range)) caseKeys.push(key.slice(keysPrefix.length));
    const more = caseKeys.length > limit;
    const page = caseKeys.slice(0, limit);
    const cases = (await this.casesOf(page)).filter((record): record is CaseRecord => record !== undefined);
    return { cases, next: more ? page[page.length - 1] : undefined };
  }

  /**
   * Applies `changes` (in chain order) and moves the cursor to `cursor`, in ONE LevelDB batch: after a crash
   * the index holds either the whole page or none of it, and never a cursor ahead of its state.
   */
  async applyPage(changes: CaseChange[], cursor: IndexCursor): Promise<void> {
    const prefix = await this.#prefix();
    if (!prefix) throw new ChainError("STORE_CORRUPT", "the case index has no generation; reset it first");
    const touched = [...new Set(changes.map((change) => change.caseKey))];
    const before = new Map<string, CaseRecord | undefined>();
    (await this.casesOf(touched)).forEach((record, i) => before.set(touched[i] as string, record));

    const after = new Map(before);
    const ops: KvOperation[] = [];
    for (const change of changes) {
      const next = applyCaseChange(after.get(change.caseKey), change);
      after.set(change.caseKey, next);
      ops.push(put(`${prefix}hist/${change.caseKey}/${pad(change.block)}/${pad(change.logIndex, 6)}`, historyEntry(change)));
    }
    for (const caseKey of touched) {
      const old = before.get(caseKey);
      const now = after.get(caseKey) as CaseRecord;
      ops.push(put(`${prefix}case/${caseKey}`, now), ...indexDiff(prefix, old, now));
    }
    ops.push(put(`${prefix}cursor`, cursor));
    await this.#db.batch(ops, {});
  }
}

/** The secondary-index writes that take a case from `old` to `now` (one write per key that changes). */
function indexDiff(prefix: string, old: CaseRecord | undefined, now: CaseRecord): KvOperation[] {
  const ops: KvOperation[] = [];
  const swap = (from: string | undefined, to: string | undefined) => {
    if (from === to) return;
    if (from !== undefined) ops.push(del(from));
    if (to !== undefined) ops.push({ type: "put", key: to, value: ONE });
  };
  const debtor = (r: CaseRecord | undefined) => r && `${prefix}debtor/${r.debtorKey}/${r.caseKey}`;
  const creditor = (r: CaseRecord | undefined) => r && `${prefix}creditor/${id10(r.creditorId)}/${r.caseKey}`;
  const agency = (r: CaseRecord | undefined) => (r && r.agencyId !== 0 ? `${prefix}agency/${id10(r.agencyId)}/${r.caseKey}` : undefined);
  const held = (r: CaseRecord | undefined) =>
    isHeldRecord(r) ? `${prefix}held/${id10(r.agencyId)}/${pad(r.until)}/${r.caseKey}` : undefined;
  swap(debtor(old), debtor(now));
  swap(creditor(old), creditor(now));
  swap(agency(old), agency(now));
  swap(held(old), held(now));
  return ops;
}
