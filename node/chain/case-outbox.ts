import type { TxRef } from "./case-events.js";
import { type CaseJobKind, type CaseJobParams, type CaseJobSpec, type JobItem, normalizeJob } from "./case-jobs.js";
import { ChainError } from "./errors.js";
import { type KvOperation, type KvStore, del, pad, parseJson, prefixRange, put } from "../store/kv-store.js";

/**
 * The durable outbox of chain work, in the (sub)level it is given. Every write is one atomic batch, flushed
 * to disk (`sync`) before it resolves: a job that `enqueue` acknowledged survives a crash, and so does every
 * item status the worker records.
 *
 *   seq                              → last job sequence number
 *   job/<jobId>                      → JobRecord (header: kind, params, counts, transactions)
 *   item/<jobId>/<index:8>           → ItemRecord (key(s) and status)
 *   todo/<jobId>/<index:8>           → "1" while the item is pending (the worker's queue within a job)
 *   open/<jobId>                     → "1" while the job has pending items (the queue of jobs, in order)
 *   inflight/<jobId>                 → Inflight: a transaction sent and not yet recorded as mined
 *
 * Job ids are `job-` and a 12-digit sequence number, so key order is submission order.
 */
export type ItemStatus =
  | { state: "pending" }
  /** On chain. `txHash`/`block` are absent when the worker found the case already there and does not know the transaction. */
  | { state: "done"; txHash?: string; block?: number; alreadyOnChain?: true }
  /** Will not be sent again: `code` is the contract's error name (or an ethers code), `reason` a sentence. */
  | { state: "failed"; code: string; reason: string; args?: Record<string, string> };

export interface ItemRecord extends JobItem {
  index: number;
  status: ItemStatus;
}

export interface JobRecord {
  id: string;
  kind: CaseJobKind;
  params: CaseJobParams;
  createdAt: string;
  /** `done` once no item is pending (some may have failed). */
  status: "pending" | "done";
  finishedAt?: string;
  total: number;
  done: number;
  failed: number;
  /** The transactions the worker sent for this job, in order (those the chain still has). */
  txs: TxRef[];
  /**
   * Transactions that were mined but that the chain later lost (its node restarted from an older state): their
   * items went back to pending and were sent again. Kept so the job's history stays complete.
   */
  lostTxs?: TxRef[];
}

export interface Inflight {
  txHash: string;
  nonce: number;
  /** Item indexes the transaction carries, in its order. */
  indexes: number[];
  sentAt: string;
}

export interface OutboxStats {
  pendingJobs: number;
  pendingItems: number;
}

const SYNC = { sync: true };
const idx = (index: number) => pad(index, 8);

/** A job's id: its sequence number in the outbox, fixed-width so that ids sort in the order jobs were enqueued. */
export const jobIdAt = (seq: number): string => `job-${pad(seq)}`;

export class CaseOutbox {
  readonly #db: KvStore;
  #writes: Promise<unknown> = Promise.resolve();

  constructor(db: KvStore) {
    this.#db = db;
  }

  /** Serializes read-modify-write sequences (enqueue's sequence number, a job's counters). */
  #serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#writes.then(work);
    this.#writes = run.catch(() => {});
    return run;
  }

  /** Validates and stores a job; resolves once it is on disk. Throws JOB_INVALID for a malformed job. */
  enqueue(spec: CaseJobSpec, now = new Date()): Promise<JobRecord> {
    const { kind, params, items } = normalizeJob(spec);
    return this.#serial(async () => {
      const seq = (parseJson<number>(await this.#db.get("seq")) ?? 0) + 1;
      const id = jobIdAt(seq);
      const job: JobRecord = {
        id,
        kind,
        params,
        createdAt: now.toISOString(),
        status: "pending",
        total: items.length,
        done: 0,
        failed: 0,
        txs: [],
      };
      const ops: KvOperation[] = [put("seq", seq), put(`job/${id}`, job), { type: "put", key: `open/${id}`, value: "1" }];
      items.forEach((item, index) => {
        const record: ItemRecord = { index, ...item, status: { state: "pending" } };
        ops.push(put(`item/${id}/${idx(index)}`, record), { type: "put", key: `todo/${id}/${idx(index)}`, value: "1" });
      });
      await this.#db.batch(ops, SYNC);
      return job;
    });
  }

  async job(id: string): Promise<JobRecord | undefined> {
    return parseJson<JobRecord>(await this.#db.get(`job/${id}`));
  }

  /** Items of a job in index order, `limit` (default 1,000) from `from`. */
  async items(id: string, options: { from?: number; limit?: number } = {}): Promise<ItemRecord[]> {
    const records: ItemRecord[] = [];
    const range = { gte: `item/${id}/${idx(options.from ?? 0)}`, lt: `item/${id}/\uffff`, limit: options.limit ?? 1_000 };
    for await (const [, value] of this.#db.iterator(range)) records.push(JSON.parse(value) as ItemRecord);
    return records;
  }

  /** The first job with pending items (jobs run strictly in order). */
  async firstOpenJob(): Promise<string | undefined> {
    for await (const key of this.#db.keys(prefixRange("open/", { limit: 1 }))) return key.slice("open/".length);
    return undefined;
  }

  /** Up to `limit` pending items of a job, in index order. */
  async nextPending(id: string, limit: number): Promise<ItemRecord[]> {
    const keys: string[] = [];
    for await (const key of this.#db.keys(prefixRange(`todo/${id}/`, { limit }))) {
      keys.push(`item/${id}/${key.slice(`todo/${id}/`.length)}`);
    }
    const values = await this.#db.getMany(keys);
    return values.map((value, i) => {
      if (value === undefined) throw new ChainError("STORE_CORRUPT", `outbox item ${keys[i]} is missing`);
      return JSON.parse(value) as ItemRecord;
    });
  }

  async inflight(id: string): Promise<Inflight | undefined> {
    return parseJson<Inflight>(await this.#db.get(`inflight/${id}`));
  }

  /** Records a sent transaction before waiting for it, so that a restart looks for its receipt first. */
  async setInflight(id: string, inflight: Inflight): Promise<void> {
    await this.#db.batch([put(`inflight/${id}`, inflight)], SYNC);
  }

  async clearInflight(id: string): Promise<void> {
    await this.#db.batch([del(`inflight/${id}`)], SYNC);
  }

  /**
   * Records the outcome of items (one atomic write with the job's counters, the transaction, and the end of
   * the in-flight record). Items that are no longer pending are left as they are. Returns the job after it.
   */
  resolve(
    id: string,
    outcomes: Array<{ index: number; status: Exclude<ItemStatus, { state: "pending" }> }>,
    options: { tx?: TxRef; clearInflight?: boolean; now?: Date } = {},
  ): Promise<JobRecord> {
    return this.#serial(async () => {
      const job = await this.job(id);
      if (!job) throw new ChainError("JOB_NOT_FOUND", `no job ${id}`);
      const keys = outcomes.map(({ index }) => `item/${id}/${idx(index)}`);
      const current = await this.#db.getMany(keys);
      const ops: KvOperation[] = [];
      outcomes.forEach(({ index, status }, i) => {
        const record = parseJson<ItemRecord>(current[i]);
        if (!record) throw new ChainError("STORE_CORRUPT", `outbox item ${keys[i]} is missing`);
        if (record.status.state !== "pending") return;
        if (status.state === "done") job.done++;
        else job.failed++;
        ops.push(put(keys[i] as string, { ...record, status }), del(`todo/${id}/${idx(index)}`));
      });
      if (options.tx && !job.txs.some((tx) => tx.txHash === options.tx?.txHash)) job.txs.push(options.tx);
      if (options.clearInflight) ops.push(del(`inflight/${id}`));
      if (job.done + job.failed >= job.total && job.status === "pending") {
        job.status = "done";
        job.finishedAt = (options.now ?? new Date()).toISOString();
        ops.push(del(`open/${id}`));
      }
      ops.push(put(`job/${id}`, job));
      await this.#db.batch(ops, SYNC);
      return job;
    });
  }

  /**
   * Puts resolved items of a job back in the queue (the chain lost what they were done by), in one write: the
   * items pending again, the job's counters and status reopened, `lostTxs` moved out of `txs`. The job keeps its
   * place in the order of jobs, so reopened work drains before anything enqueued after it.
   */
  reopen(id: string, indexes: number[], lostTxs: string[] = []): Promise<JobRecord> {
    return this.#serial(async () => {
      const job = await this.job(id);
      if (!job) throw new ChainError("JOB_NOT_FOUND", `no job ${id}`);
      const keys = indexes.map((index) => `item/${id}/${idx(index)}`);
      const current = await this.#db.getMany(keys);
      const ops: KvOperation[] = [];
      indexes.forEach((index, i) => {
        const record = parseJson<ItemRecord>(current[i]);
        if (!record) throw new ChainError("STORE_CORRUPT", `outbox item ${keys[i]} is missing`);
        if (record.status.state === "pending") return;
        if (record.status.state === "done") job.done--;
        else job.failed--;
        ops.push(put(keys[i] as string, { ...record, status: { state: "pending" } }), { type: "put", key: `todo/${id}/${idx(index)}`, value: "1" });
      });
      const lost = new Set(lostTxs);
      const moved = job.txs.filter((tx) => lost.has(tx.txHash));
      if (moved.length > 0) {
        job.txs = job.txs.filter((tx) => !lost.has(tx.txHash));
        job.lostTxs = [...(job.lostTxs ?? []), ...moved];
      }
      if (job.done + job.failed < job.total && job.status === "done") {
        job.status = "pending";
        delete job.finishedAt;
        ops.push({ type: "put", key: `open/${id}`, value: "1" });
      }
      ops.push(put(`job/${id}`, job));
      await this.#db.batch(ops, SYNC);
      return job;
    });
  }

  /** Jobs newest first, `batch` at a time, for as long as the caller iterates. */
  async *jobsNewestFirst(batch = 100): AsyncGenerator<JobRecord> {
    let before: string | undefined;
    for (;;) {
      const range = { gte: "job/", lt: before ?? "job/\uffff", reverse: true, limit: batch };
      const page: JobRecord[] = [];
      for await (const [, value] of this.#db.iterator(range)) page.push(JSON.parse(value) as JobRecord);
      for (const job of page) yield job;
      if (page.length < batch) return;
      before = `job/${(page[page.length - 1] as JobRecord).id}`;
    }
  }

  /** Jobs and items not yet resolved. */
  async stats(): Promise<OutboxStats> {
    let pendingJobs = 0;
    let pendingItems = 0;
    for await (const key of this.#db.keys(prefixRange("open/"))) {
      const job = await this.job(key.slice("open/".length));
      if (!job) continue;
      pendingJobs++;
      pendingItems += job.total - job.done - job.failed;
    }
    return { pendingJobs, pendingItems };
  }

  /** Jobs newest first (for the console and the CLI), `limit` default 50. */
  async recentJobs(limit = 50): Promise<JobRecord[]> {
    const jobs: JobRecord[] = [];
    for await (const [, value] of this.#db.iterator(prefixRange("job/", { reverse: true, limit }))) {
      jobs.push(JSON.parse(value) as JobRecord);
    }
    return jobs;
  }
}
