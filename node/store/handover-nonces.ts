import type { StoreBatch } from "./store-batch.js";
import type { Table } from "./table.js";

interface NonceRecord {
  /** Milliseconds since the epoch after which a package with this nonce would be refused as too old anyway. */
  keepUntil: number;
}

/** The `handoverNonces` sublevel: creditorId/nonce → NonceRecord, the signed nonces of recent packages. */
export class HandoverNonces {
  constructor(private readonly table: Table<NonceRecord>) {}

  static key(creditorId: number, nonce: string): string {
    return `${creditorId}/${nonce}`;
  }

  async seen(creditorId: number, nonce: string): Promise<boolean> {
    return (await this.table.get(HandoverNonces.key(creditorId, nonce))) !== undefined;
  }

  putIn(batch: StoreBatch, creditorId: number, nonce: string, keepUntil: number): void {
    this.table.putIn(batch, HandoverNonces.key(creditorId, nonce), { keepUntil });
  }

  /** Drops the nonces kept until before `now`. */
  async prune(now: number): Promise<void> {
    const stale: string[] = [];
    for await (const [key, value] of this.table.entries()) if (value.keepUntil < now) stale.push(key);
    await this.table.delMany(stale);
  }

  async count(): Promise<number> {
    let n = 0;
    for await (const _ of this.table.keys()) n++;
    return n;
  }
}
