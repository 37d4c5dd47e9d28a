import type { AuditEntry } from "./audit-log.js";
import { pad, type Table } from "./table.js";

/** Key of an entry: its seq, fixed width so that keys sort in seq order. */
export const auditKey = (seq: number) => pad(seq, 12);

/** The `audit` sublevel: seq(12) → AuditEntry, the append-only, hash-chained log of staff actions. */
export class AuditEntries {
  constructor(private readonly table: Table<AuditEntry>) {}

  async last(): Promise<AuditEntry | undefined> {
    for await (const value of this.table.values({ reverse: true, limit: 1 })) return value;
    return undefined;
  }

  put(entry: AuditEntry): Promise<void> {
    return this.table.put(auditKey(entry.seq), entry);
  }

  /** Entries after `seq`, oldest first. */
  after(seq: number, limit: number): AsyncGenerator<AuditEntry> {
    return this.table.values({ gt: auditKey(seq), limit });
  }

  /** Every entry with its key, in key order (verification checks that the key names the entry's seq). */
  entries(): AsyncGenerator<[string, AuditEntry]> {
    return this.table.entries();
  }

  /** The entry stored at `seq`'s key. */
  get(seq: number): Promise<AuditEntry | undefined> {
    return this.table.get(auditKey(seq));
  }

  /** Writes an entry at `seq`'s key whatever it holds (tests: an edited or reordered log is found). */
  putAt(seq: number, entry: AuditEntry): Promise<void> {
    return this.table.put(auditKey(seq), entry);
  }

  /** Removes the entry at `seq`'s key (tests: a removed entry is found). */
  del(seq: number): Promise<void> {
    return this.table.del(auditKey(seq));
  }
}
