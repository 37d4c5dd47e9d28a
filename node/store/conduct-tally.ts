import type { StoreBatch } from "./store-batch.js";
import type { Table } from "./table.js";

/**
 * One agency's mark on a debtor's day (docs/design.md §25): a reservation (a permit granted, until it is logged or
 * expires), a connected contact, or a released reservation (the contact did not reach anyone). Marks come from this
 * gateway's own permits and from other holders' signed increments.
 */
export interface TallyMark {
  state: "reserved" | "connected" | "released";
  /** A reservation counts until then (epoch ms). */
  expiresAt: number;
  /** The signed envelope that brought it (its hash), for another agency's mark. */
  envelopeHash?: string;
}

/** A mark of this gateway's own still to be told to another holder (`to`), kept until the outbox has it. */
export interface QueuedMark {
  to: number;
  mark: { debtorKey: string; day: string; permitId: string; state: TallyMark["state"]; expiresAt: number };
  at: number;
}

const key = (day: string, debtorKey: string, agency: number, permitId: string) => `${day}/${debtorKey}/${agency}/${permitId}`;

/**
 * The `conductTally` sublevel: day/debtorKey/agency/permitId → TallyMark, and `q/at(15)/to/permitId/state` →
 * QueuedMark: increments written with the permit or the contact (one batch), sent a few at a time.
 */
export class ConductTally {
  constructor(private readonly table: Table<TallyMark | QueuedMark>) {}

  async get(day: string, debtorKey: string, agency: number, permitId: string): Promise<TallyMark | undefined> {
    return (await this.table.get(key(day, debtorKey, agency, permitId))) as TallyMark | undefined;
  }

  queueIn(batch: StoreBatch, q: QueuedMark): void {
    this.table.putIn(batch, `q/${String(q.at).padStart(15, "0")}/${q.to}/${q.mark.permitId}/${q.mark.state}`, q);
  }

  /** The queued increments, oldest first, with their keys. */
  async queued(limit: number): Promise<Array<[string, QueuedMark]>> {
    const out: Array<[string, QueuedMark]> = [];
    for await (const [k, v] of this.table.entries({ gte: "q/", lt: "q0", limit })) out.push([k, v as QueuedMark]);
    return out;
  }

  dequeue(keys: string[]): Promise<void> {
    return this.table.delMany(keys);
  }

  put(day: string, debtorKey: string, agency: number, permitId: string, mark: TallyMark): Promise<void> {
    return this.table.put(key(day, debtorKey, agency, permitId), mark);
  }

  putIn(batch: StoreBatch, day: string, debtorKey: string, agency: number, permitId: string, mark: TallyMark): void {
    this.table.putIn(batch, key(day, debtorKey, agency, permitId), mark);
  }

  /** Connected contacts and reservations open at `now` on a debtor's day, over every agency. */
  async count(day: string, debtorKey: string, now: number): Promise<number> {
    let n = 0;
    for await (const v of this.table.values({ gte: `${day}/${debtorKey}/`, lt: `${day}/${debtorKey}0` })) {
      const m = v as TallyMark;
      if (m.state === "connected" || (m.state === "reserved" && m.expiresAt > now)) n++;
    }
    return n;
  }
}
