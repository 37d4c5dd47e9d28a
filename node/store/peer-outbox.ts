import { prefixRange } from "./kv-store.js";
import type { StoreBatch } from "./store-batch.js";
import type { Table } from "./table.js";

/** A signed caseledger-peer/1 envelope as stored (node/services/peer/envelope.ts owns the shape). */
export interface StoredPeerEnvelope {
  envelope: object;
  hash: string;
  signature: string;
}

export interface PeerOutboxItem {
  /** The outbox's own id (each attempt is a new envelope with a new id). */
  id: string;
  to: number;
  kind: string;
  body: unknown;
  /** pending: to be sent (at `nextAttemptAt`); answered: the receiver's signed answer is kept; dead-letter: attempts ran out. */
  state: "pending" | "answered" | "dead-letter";
  attempts: number;
  nextAttemptAt?: string;
  lastError?: string;
  createdAt: string;
  updatedAt: string;
  /** The request that was answered and the receiver's signed answer: the sender's proof of what the other side said. */
  request?: StoredPeerEnvelope;
  answer?: StoredPeerEnvelope;
}

const PENDING = "pending/";
const DONE = "done/";

/**
 * The `peerOutbox` sublevel: messages to other members' gateways written before the first attempt, so that a restart
 * loses none. Pending ones sit under `pending/`, the rest under `done/` (a sweep reads only what is left to send).
 */
export class PeerOutboxStore {
  constructor(
    private readonly table: Table<PeerOutboxItem>,
    private readonly batch: () => StoreBatch,
  ) {}

  async get(id: string): Promise<PeerOutboxItem | undefined> {
    return (await this.table.get(PENDING + id)) ?? (await this.table.get(DONE + id));
  }

  /** Writes the item under its state's prefix (and removes it from the other), in one write. */
  async put(item: PeerOutboxItem): Promise<void> {
    const ops = this.batch();
    if (item.state === "pending") this.table.putIn(ops, PENDING + item.id, item);
    else {
      this.table.putIn(ops, DONE + item.id, item);
      this.table.delIn(ops, PENDING + item.id);
    }
    await ops.write();
  }

  pending(): AsyncGenerator<PeerOutboxItem> {
    return this.table.values(prefixRange(PENDING));
  }

  finished(): AsyncGenerator<PeerOutboxItem> {
    return this.table.values(prefixRange(DONE));
  }

  async counts(): Promise<{ pending: number; deadLetter: number }> {
    let pending = 0;
    let deadLetter = 0;
    for await (const _ of this.table.keys(prefixRange(PENDING))) pending++;
    for await (const item of this.finished()) if (item.state === "dead-letter") deadLetter++;
    return { pending, deadLetter };
  }
}
