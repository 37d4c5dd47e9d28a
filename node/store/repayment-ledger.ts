import type { LedgerEntry } from "../domain/repayments/entries.js";
import { pad, prefixRange } from "./kv-store.js";
import type { StoreBatch } from "./store-batch.js";
import type { Table } from "./table.js";

const SEQ = "s/";
const ID = "i/";
const CASE = "c/";

/**
 * The `repayments` sublevel, at a case's creditor: the repayment ledger, append-only (nothing is ever overwritten or
 * deleted). `s/<seq>` → entry in the order written, `i/<id>` → seq, `c/<caseKey>/<seq>` → seq (a case's entries).
 */
export class RepaymentLedgerStore {
  #next: number | undefined;

  constructor(
    private readonly table: Table<LedgerEntry | number>,
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
    const ops = this.batch();
    entries.forEach((entry, i) => {
      const seq = pad(first + i);
      this.table.putIn(ops, SEQ + seq, entry);
      this.table.putIn(ops, ID + entry.id, first + i);
      this.table.putIn(ops, `${CASE}${entry.caseKey}/${seq}`, first + i);
    });
    await ops.write();
    this.#next = first + entries.length;
  }

  async get(id: string): Promise<LedgerEntry | undefined> {
    const seq = await this.table.get(ID + id);
    if (typeof seq !== "number") return undefined;
    return (await this.table.get(SEQ + pad(seq))) as LedgerEntry | undefined;
  }

  /** The ids among `ids` that are taken. */
  async taken(ids: readonly string[]): Promise<Set<string>> {
    const found = await this.table.getMany(ids.map((id) => ID + id));
    return new Set(ids.filter((_, i) => found[i] !== undefined));
  }

  /** A case's entries in the order written. */
  async ofCase(caseKey: string): Promise<LedgerEntry[]> {
    const keys: string[] = [];
    for await (const seq of this.table.values(prefixRange(`${CASE}${caseKey}/`))) keys.push(SEQ + pad(seq as number));
    return (await this.table.getMany(keys)).filter((e): e is LedgerEntry => typeof e === "object" && e !== null);
  }

  /** Every entry in the order written. */
  async *all(): AsyncGenerator<LedgerEntry> {
    for await (const value of this.table.values(prefixRange(SEQ))) yield value as LedgerEntry;
  }
}
