import type { StoreBatch } from "./store-batch.js";
import type { Table } from "./table.js";

interface NonceRecord {
  /** Milliseconds since the epoch after which a message with this nonce would be refused as too old anyway. */
  keepUntil: number;
}

/**
 * A replay store: scope/nonce → NonceRecord, the nonces of signed gateway-to-gateway messages seen recently (the
 * `handoverNonces` sublevel: creditorId/nonce of handover packages; `peerNonces`: sender/id of caseledger-peer/1
 * envelopes). A nonce is kept while its message could still pass as fresh, then pruned.
 */
export class SeenNonces {
  constructor(private readonly table: Table<NonceRecord>) {}

  static key(scope: number | string, nonce: string): string {
    return `${scope}/${nonce}`;
  }

  async seen(scope: number | string, nonce: string): Promise<boolean> {
    return (await this.table.get(SeenNonces.key(scope, nonce))) !== undefined;
  }

  putIn(batch: StoreBatch, scope: number | string, nonce: string, keepUntil: number): void {
    this.table.putIn(batch, SeenNonces.key(scope, nonce), { keepUntil });
  }

  put(scope: number | string, nonce: string, keepUntil: number): Promise<void> {
    return this.table.put(SeenNonces.key(scope, nonce), { keepUntil });
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
