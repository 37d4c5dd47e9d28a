import type { LedgerEntry } from "../domain/repayments/entries.js";
import { pad, prefixRange } from "./kv-store.js";
import type { StoreBatch } from "./store-batch.js";
import type { Table } from "./table.js";

const SEQ = "s/";
const ID = "i/";
const CASE = "h/";
const VOUCHER = "v/";

/**
 * The `repayments` sublevel, at a case's creditor: the repayment ledger, append-only (an entry is never overwritten or
 * deleted). `s/<seq>` → entry in the order written, `i/<id>` → seq, `h/<caseKey>` → the seqs of the case's entries
 * (an index, rewritten with each append: a case has a handful of entries, and reading many cases' ledgers then
 * takes two reads in all instead of an iterator each), `v/<contentSha256>` → the ids of the repayments showing that
 * voucher file (VOUCHER_REUSED).
 */
export class RepaymentLedgerStore {
  #next: number | undefined;

  constructor(
    private readonly table: Table<LedgerEntry | number | number[]>,
    private readonly batch: () => StoreBatch,
  ) {}

  async #nextSeq(): Promise<number> {
    if (this.#next === undefined) {
      let last = -1;
      for await (const key of this.table.keys({ ...prefixRange(SEQ), reverse: true, limit: 1 })) last = Number(key.slice(SEQ.length));
      this.#next = last + 1;
    }
    return this.#next;
  }

  /**
   * Appends entries in one write, in order. The caller serializes appends (the ledger's checks read, then write);
   * an id already present is a programming error the caller has checked for.
   */
  async append(entries: readonly LedgerEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const first = await this.#nextSeq();
    const caseKeys = [...new Set(entries.map((e) => e.caseKey))];
    const heads = await this.table.getMany(caseKeys.map((k) => CASE + k));
    const seqsOf = new Map(caseKeys.map((k, i) => [k, Array.isArray(heads[i]) ? [...heads[i]] : []]));
    const ops = this.batch();
    entries.forEach((entry, i) => {
      this.table.putIn(ops, SEQ + pad(first + i), entry);
      this.table.putIn(ops, ID + entry.id, first + i);
      seqsOf.get(entry.caseKey)!.push(first + i);
    });
    for (const [caseKey, seqs] of seqsOf) this.table.putIn(ops, CASE + caseKey, seqs);
    const vouchers = new Map<string, number[]>();
    entries.forEach((entry, i) => {
      const sha = entry.type === "repayment" ? entry.voucher?.contentSha256 : undefined;
      if (sha) vouchers.set(sha, [...(vouchers.get(sha) ?? []), first + i]);
    });
    if (vouchers.size > 0) {
      const shas = [...vouchers.keys()];
      const before = await this.table.getMany(shas.map((sha) => VOUCHER + sha));
      shas.forEach((sha, i) => this.table.putIn(ops, VOUCHER + sha, [...(Array.isArray(before[i]) ? before[i] : []), ...vouchers.get(sha)!]));
    }
    await ops.write();
    this.#next = first + entries.length;
  }

  async get(id: string): Promise<LedgerEntry | undefined> {
    const seq = await this.table.get(ID + id);
    if (typeof seq !== "number") return undefined;
    return (await this.table.get(SEQ + pad(seq))) as LedgerEntry | undefined;
  }

  /** The entries of `ids` (undefined for an id not in the ledger), in two reads whatever their number. */
  async getMany(ids: readonly string[]): Promise<Array<LedgerEntry | undefined>> {
    const seqs = await this.table.getMany(ids.map((id) => ID + id));
    const keys = seqs.map((seq) => (typeof seq === "number" ? SEQ + pad(seq) : undefined));
    const found = await this.table.getMany(keys.filter((k): k is string => k !== undefined));
    let next = 0;
    return keys.map((k) => (k === undefined ? undefined : (found[next++] as LedgerEntry | undefined)));
  }

  /**
   * The entries of `ids` (undefined for an id not in the ledger) and, for each of their cases, its entries in the order
   * written: what a bulk decision checks. An entry read for `ids` is not read again for its case, so when each case's
   * only entry is among `ids` (a bulk confirmation) this is three reads whatever their number, not four.
   */
  async withCases(ids: readonly string[]): Promise<{ entries: Array<LedgerEntry | undefined>; ofCase: Map<string, LedgerEntry[]> }> {
    const seqs = await this.table.getMany(ids.map((id) => ID + id));
    const wanted = seqs.filter((seq): seq is number => typeof seq === "number");
    const found = await this.table.getMany(wanted.map((seq) => SEQ + pad(seq)));
    const bySeq = new Map<number, LedgerEntry>();
    wanted.forEach((seq, i) => bySeq.set(seq, found[i] as LedgerEntry));
    const entries = seqs.map((seq) => (typeof seq === "number" ? bySeq.get(seq) : undefined));
    const caseKeys = [...new Set(entries.filter((e) => e !== undefined).map((e) => e.caseKey))];
    const heads = await this.table.getMany(caseKeys.map((k) => CASE + k));
    const caseSeqs = heads.map((h) => (Array.isArray(h) ? h : []));
    const missing = [...new Set(caseSeqs.flat().filter((seq) => !bySeq.has(seq)))];
    if (missing.length > 0) {
      const more = await this.table.getMany(missing.map((seq) => SEQ + pad(seq)));
      missing.forEach((seq, i) => bySeq.set(seq, more[i] as LedgerEntry));
    }
    return { entries, ofCase: new Map(caseKeys.map((k, i) => [k, caseSeqs[i]!.map((seq) => bySeq.get(seq)!)])) };
  }

  /** The ids of the repayments that show the voucher file with this SHA-256, in the order written. */
  async voucherUsers(contentSha256: string): Promise<string[]> {
    const seqs = await this.table.get(VOUCHER + contentSha256);
    if (!Array.isArray(seqs) || seqs.length === 0) return [];
    const found = await this.table.getMany(seqs.map((seq) => SEQ + pad(seq)));
    return found.map((e) => (e as LedgerEntry).id);
  }

  /** The ids among `ids` that are taken. */
  async taken(ids: readonly string[]): Promise<Set<string>> {
    const found = await this.table.getMany(ids.map((id) => ID + id));
    return new Set(ids.filter((_, i) => found[i] !== undefined));
  }

  /** A case's entries in the order written. */
  async ofCase(caseKey: string): Promise<LedgerEntry[]> {
    return (await this.ofCases([caseKey]))[0]!;
  }

  /** The entries of each case, in the order written: two reads whatever the number of cases. */
  async ofCases(caseKeys: readonly string[]): Promise<LedgerEntry[][]> {
    const heads = await this.table.getMany(caseKeys.map((k) => CASE + k));
    const seqs = heads.map((h) => (Array.isArray(h) ? h : []));
    const found = await this.table.getMany(seqs.flat().map((seq) => SEQ + pad(seq)));
    let next = 0;
    return seqs.map((list) => list.map(() => found[next++] as LedgerEntry));
  }

  /** Every entry in the order written. */
  async *all(): AsyncGenerator<LedgerEntry> {
    for await (const value of this.table.values(prefixRange(SEQ))) yield value as LedgerEntry;
  }
}
