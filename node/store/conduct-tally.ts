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

const key = (day: string, debtorKey: string, agency: number, permitId: string) => `${day}/${debtorKey}/${agency}/${permitId}`;

/** The `conductTally` sublevel: day/debtorKey/agency/permitId → TallyMark. */
export class ConductTally {
  constructor(private readonly table: Table<TallyMark>) {}

  get(day: string, debtorKey: string, agency: number, permitId: string): Promise<TallyMark | undefined> {
    return this.table.get(key(day, debtorKey, agency, permitId));
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
    for await (const m of this.table.values({ gte: `${day}/${debtorKey}/`, lt: `${day}/${debtorKey}0` })) {
      if (m.state === "connected" || (m.state === "reserved" && m.expiresAt > now)) n++;
    }
    return n;
  }
}
