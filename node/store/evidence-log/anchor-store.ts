import { type KvStore, pad, prefixRange } from "../kv-store.js";
import type { AnchorRef } from "../../domain/evidence/receipt.js";

/** A checkpoint of the log as anchored on chain, with the transaction that did it. */
export interface AnchorRecord extends AnchorRef {
  treeSize: number;
  root: string;
}

/** A transaction signed and about to be (or being) broadcast, recorded before it is sent. */
export interface InflightAnchor {
  treeSize: number;
  root: string;
  txHash: string;
  nonce: number;
  /** The chain's latest checkpoint this one extends (0: the first). */
  previousTreeSize: number;
  signedAt: string;
}

const SYNC = { sync: true };
const atKey = (treeSize: number) => `a/at/${pad(treeSize, 16)}`;
const INFLIGHT = "a/inflight";

/**
 * The anchorer's durable state, in the evidence sublevel beside the log:
 *   a/at/<treeSize:16> → AnchorRecord of every checkpoint anchored (receipts cite the first one covering a record)
 *   a/inflight         → InflightAnchor while a transaction is signed and not yet known mined or dropped
 * Every write is flushed to disk (`sync`).
 */
export class AnchorStore {
  constructor(private readonly db: KvStore) {}

  async latest(): Promise<AnchorRecord | undefined> {
    for await (const [, value] of this.db.iterator({ ...prefixRange("a/at/"), reverse: true, limit: 1 })) return JSON.parse(value) as AnchorRecord;
    return undefined;
  }

  /** The first anchored checkpoint that contains leaf `index` (tree size > index): the tightest time bound. */
  async covering(index: number): Promise<AnchorRecord | undefined> {
    for await (const [, value] of this.db.iterator({ gte: atKey(index + 1), lt: "a/at/\uffff", limit: 1 })) return JSON.parse(value) as AnchorRecord;
    return undefined;
  }

  async at(treeSize: number): Promise<AnchorRecord | undefined> {
    const raw = await this.db.get(atKey(treeSize));
    return raw === undefined ? undefined : (JSON.parse(raw) as AnchorRecord);
  }

  async inflight(): Promise<InflightAnchor | undefined> {
    const raw = await this.db.get(INFLIGHT);
    return raw === undefined ? undefined : (JSON.parse(raw) as InflightAnchor);
  }

  setInflight(inflight: InflightAnchor): Promise<void> {
    return this.db.batch([{ type: "put", key: INFLIGHT, value: JSON.stringify(inflight) }], SYNC);
  }

  clearInflight(): Promise<void> {
    return this.db.batch([{ type: "del", key: INFLIGHT }], SYNC);
  }

  /** Records an anchored checkpoint and clears the in-flight transaction, in one write. */
  recordAnchored(anchor: AnchorRecord): Promise<void> {
    return this.db.batch(
      [
        { type: "put", key: atKey(anchor.treeSize), value: JSON.stringify(anchor) },
        { type: "del", key: INFLIGHT },
      ],
      SYNC,
    );
  }

  /** Forgets anchors above `treeSize` (the chain no longer has them: a node restarted from an older state). */
  async forgetAbove(treeSize: number): Promise<number> {
    const keys: string[] = [];
    for await (const key of this.db.keys({ gt: atKey(treeSize), lt: "a/at/\uffff" })) keys.push(key);
    if (keys.length > 0) await this.db.batch(keys.map((key) => ({ type: "del" as const, key })), SYNC);
    return keys.length;
  }
}
