import { pad, type Table } from "./table.js";

/** Who acted: a staff token (by its public id and role), another member's gateway, or this gateway itself. */
export type AuditActor = { tokenId: string; role: string } | { memberId: number; via: "gateway" } | { system: string };

/** What callers hand in. Case keys only — never names, ID numbers, phones or loan refs. */
export interface AuditInput {
  actor: AuditActor;
  /** `POST /v1/cases/actions`, or a service's own name for what it did (`handover.received`). */
  action: string;
  /** The HTTP status the action ended with, when it came over HTTP. */
  status?: number;
  caseKeys?: readonly string[];
  /** Ids of what the action named or created (list, allocation, job, token, evidence record, package hash). */
  ref?: Record<string, string | number>;
}

export interface AuditEntry extends Omit<AuditInput, "caseKeys"> {
  seq: number;
  at: string;
  /** At most MAX_AUDIT_CASE_KEYS; `caseCount` says how many the action touched. */
  caseKeys?: string[];
  caseCount?: number;
  /** `hash` of the entry before (64 zeros for the first). */
  prev: string;
  /** SHA-256 of `prev` and the canonical JSON of the entry without `hash`. */
  hash: string;
}

/** Key of an entry: its seq, fixed width so that keys sort in seq order. */
export const auditKey = (seq: number) => pad(seq, 12);

/** The `audit` sublevel: seq(12) → AuditEntry, the append-only, hash-chained log of staff actions. */
export class AuditEntries {
  constructor(private readonly table: Table<AuditEntry>) {}

  async last(): Promise<AuditEntry | undefined> {
    for await (const value of this.table.values({ reverse: true, limit: 1 })) return value;
    return undefined;
  }

  /** Consecutive entries in one write: all of them or none. */
  putMany(entries: readonly AuditEntry[]): Promise<void> {
    return this.table.putMany(entries.map((entry) => [auditKey(entry.seq), entry] as const));
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
