import { EventEmitter } from "node:events";
import type { Interface, Wallet } from "ethers";
import type { CaseRegistry, MemberRegistry } from "../../types/ethers-contracts/index.js";
import { DEFAULTS } from "../config.js";
import { caseStatusName, MAX_BATCH } from "../domain/consortium/index.js";
import { ChainWorker, Halt, hook, workerOptions } from "./chain-worker.js";
import { type CaseJobSpec, type ChainCaseState, type JobItem, jobCall, reachedTarget } from "./case-jobs.js";
import { CaseOutbox, type ItemRecord, type ItemStatus, type JobRecord } from "./case-outbox.js";
import { type DecodedRevert, decodeRevert, revertInterface } from "./case-revert.js";
import { describeError } from "./describe-error.js";
import { ChainError } from "./errors.js";
import type { KvStore } from "../store/kv-store.js";
import { isNetworkError } from "./rpc.js";
import type { SendLock } from "./send-lock.js";

export interface RetryPolicy {
  /** First wait after a failure. Default DEFAULTS.timeouts.retryInitialMs. */
  initialMs?: number;
  /** Longest wait (the backoff stops growing here). Default DEFAULTS.timeouts.retryMaxMs. */
  maxMs?: number;
  /** Growth per failure. Default 2. */
  factor?: number;
}

/**
 * Test hooks: points where a real crash could happen. A hook that throws stops the worker on the spot,
 * as a killed process would: nothing more is written, and a new submitter on the same store takes over.
 */
export interface SubmitterHooks {
  /** The transaction is signed and recorded in flight; not broadcast yet. */
  afterSign?(info: { jobId: string; txHash: string; indexes: number[] }): void | Promise<void>;
  /** The transaction was broadcast; its receipt is not awaited yet. */
  afterSend?(info: { jobId: string; txHash: string; indexes: number[] }): void | Promise<void>;
  /** The transaction is mined; its items are not yet marked done. */
  afterMined?(info: { jobId: string; txHash: string; block: number; indexes: number[] }): void | Promise<void>;
}

export interface CaseSubmitterOptions {
  /** The registries (any runner: the submitter connects them to its signer). */
  contracts: { caseRegistry: CaseRegistry; memberRegistry: MemberRegistry };
  /** The gateway's signing key, with a provider. */
  signer: Wallet;
  /** The gateway's member id: the creditor of its registrations (the agency of its accepts and returns). */
  memberId: number;
  /** The sublevel the outbox owns. */
  db: KvStore;
  /** Items per transaction: default 200 (DEFAULTS.chainBatchSize), at most 500 (CaseRegistry.MAX_BATCH). */
  batchSize?: number;
  /** Send legacy (type 0) transactions at this gas price; Besu with free gas: 0n. Default: the node's fee market. */
  gasPrice?: bigint;
  /** Backoff after network errors (retried without end: the job stays pending) and other transient errors. */
  retry?: RetryPolicy;
  /** Failures of one batch that are neither network errors nor a decodable revert before its items are marked failed. Default 5. */
  maxAttempts?: number;
  /** Time limit of each RPC call. Default DEFAULTS.timeouts.rpcMs. */
  rpcTimeoutMs?: number;
  /** How long to wait for a receipt before looking again later. Default DEFAULTS.timeouts.receiptMs. */
  receiptTimeoutMs?: number;
  /** Longest pause between two receipt questions. Default DEFAULTS.timeouts.receiptPollMs. */
  receiptPollMs?: number;
  /** When idle, ping the node this often so that health() stays true to fact. Default DEFAULTS.timeouts.submitterProbeMs. */
  probeIntervalMs?: number;
  hooks?: SubmitterHooks;
  log?: (line: string) => void;
  /** The key's one send lock, shared with its other senders (the anchorer, the court's verification). */
  sendLock: SendLock;
  /** Milliseconds since the epoch. */
  now?: () => number;
}

export interface JobProgress {
  jobId: string;
  kind: JobRecord["kind"];
  total: number;
  done: number;
  failed: number;
}

export interface SubmitterHealth {
  /** False after the last contact with the node failed for a network reason (the HTTP layer answers 503). */
  chainReachable: boolean;
  pendingJobs: number;
  pendingItems: number;
  /** The worker runs. */
  running: boolean;
  lastError?: string;
}

export interface SubmitterEvents {
  /** After each transaction (or items resolved without one). */
  progress: [JobProgress];
  /** When a job has no pending item left. */
  jobDone: [JobRecord];
  /** When items went back to the queue because the chain lost the transactions that did them. */
  reopened: [Array<{ jobId: string; items: number; lostTxs: number }>];
}

/**
 * Sends the outbox's jobs to CaseRegistry, strictly in order, in transactions of `batchSize` items: the case strategy
 * of the chain worker (chain-worker.ts), which runs the loop, signs, records, broadcasts and waits.
 *
 * - Idempotent: before each transaction it reads `casesOf` and drops items already in the job's target state,
 *   and a transaction is recorded in flight before its broadcast and looked up by hash first after a crash or a
 *   receipt timeout; so a crash anywhere between signing and marking never sends a case twice.
 * - A revert that names an item (every per-item CaseRegistry error does: its first argument is the index) marks
 *   that item failed, in words, and the rest is sent again. A revert about the whole call (not a member, a bad
 *   `until`) fails the job's pending items: it would fail every transaction the same way.
 * - Network errors: the job stays pending, retried with exponential backoff; health() reports the chain down.
 * - A chain that lost some of its last blocks (a node restarted from an older state file): at start, when the node
 *   is back after an outage, when the idle probe finds the newest transaction gone, or on noticeChainGap(), the
 *   worker reopens the items whose transactions the chain no longer has, and sends them again in order.
 */
export class CaseSubmitter extends EventEmitter<SubmitterEvents> {
  readonly outbox: CaseOutbox;
  readonly #options: CaseSubmitterOptions;
  readonly #worker: ChainWorker;
  readonly #registry: CaseRegistry;
  readonly #errors: Interface;
  readonly #batchSize: number;
  readonly #probeMs: number;
  #attempts = 0;
  /** Look for transactions the chain lost before sending more: at start, when the node is back, after a gap. */
  #checkLost = true;
  /** The newest transaction recorded as mined: the idle probe asks the node whether it still has it. */
  #lastTx: string | undefined;

  constructor(options: CaseSubmitterOptions) {
    super();
    const batchSize = options.batchSize ?? DEFAULTS.chainBatchSize;
    if (!Number.isSafeInteger(batchSize) || batchSize < 1 || batchSize > MAX_BATCH) {
      throw new RangeError("batchSize must be an integer from 1 to 500");
    }
    const t = DEFAULTS.timeouts;
    this.#options = options;
    this.#batchSize = batchSize;
    this.#probeMs = options.probeIntervalMs ?? t.submitterProbeMs;
    this.#worker = new ChainWorker(
      workerOptions(options.signer, options, { initialMs: t.retryInitialMs, maxMs: t.retryMaxMs, factor: 2, ...options.retry }),
      {
        step: async (signal) => {
          if (this.#checkLost) await this.#reopenLost();
          const id = await this.outbox.firstOpenJob();
          if (id === undefined) return false;
          await this.#processJob(id, signal);
          return true;
        },
        idleMs: () => this.#probeMs,
        probe: () => this.#probe(),
        reconnected: () => {
          this.#checkLost = true;
        },
        retried: (ms, error) => this.#options.log?.(`chain work retried in ${ms} ms: ${describeError(error)}`),
      },
    );
    this.#registry = options.contracts.caseRegistry.connect(options.signer) as CaseRegistry;
    this.#errors = revertInterface(options.contracts.caseRegistry.interface, options.contracts.memberRegistry.interface);
    this.outbox = new CaseOutbox(options.db);
  }

  /** Stores the job (flushed to disk) and wakes the worker. The resolved job is the acknowledgement. */
  async enqueue(spec: CaseJobSpec): Promise<JobRecord> {
    const job = await this.outbox.enqueue(spec);
    this.#worker.wake();
    return job;
  }

  job(id: string): Promise<JobRecord | undefined> {
    return this.outbox.job(id);
  }

  items(id: string, options?: { from?: number; limit?: number }): Promise<ItemRecord[]> {
    return this.outbox.items(id, options);
  }

  async health(): Promise<SubmitterHealth> {
    const stats = await this.outbox.stats();
    const lastError = this.#worker.lastError;
    return {
      chainReachable: this.#worker.reachable,
      ...stats,
      running: this.#worker.running,
      ...(lastError !== undefined && { lastError }),
    };
  }

  /**
   * Resolves with the job once it is done; JOB_TIMEOUT after `timeoutMs` (default 60 s); SUBMITTER_STOPPED
   * when this worker was halted by a hook (another submitter on the same store may still finish the job).
   */
  async waitForJob(id: string, options: { timeoutMs?: number } = {}): Promise<JobRecord> {
    const deadline = Date.now() + (options.timeoutMs ?? 60_000);
    for (;;) {
      const job = await this.outbox.job(id);
      if (!job) throw new ChainError("JOB_NOT_FOUND", `no job ${id}`);
      if (job.status === "done") return job;
      if (this.#worker.halted) throw new ChainError("SUBMITTER_STOPPED", `the worker halted before job ${id} was done`);
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new ChainError("JOB_TIMEOUT", `job ${id} is not done after ${options.timeoutMs ?? 60_000} ms (${job.done + job.failed} of ${job.total} items resolved)`);
      }
      await new Promise<void>((resolve) => {
        const finish = () => {
          clearTimeout(timer);
          this.off("progress", finish);
          resolve();
        };
        const timer = setTimeout(finish, Math.min(left, 250));
        this.on("progress", finish);
      });
    }
  }

  /**
   * Tells the worker that the chain changed under it (the indexer found a gap: a node restarted from an older
   * state): before sending anything else it checks which of its mined transactions the chain still has.
   */
  noticeChainGap(): void {
    this.#checkLost = true;
    this.#worker.wake();
  }

  /** Starts the worker (idempotent). */
  start(): void {
    this.#worker.start();
  }

  /** Stops the worker after its current step; resolves when it has stopped. Pending work stays in the outbox. */
  stop(): Promise<void> {
    return this.#worker.stop();
  }

  // ── strategy ───────────────────────────────────────────────────────────────────────────────────────

  /** Pings the node when nothing else did for a probe interval, so that health() notices a node going away. */
  async #probe(): Promise<void> {
    if (this.#worker.now() - this.#worker.lastContact < this.#probeMs) return;
    // The newest transaction still there is the cheapest sign that the chain did not lose any of ours.
    const lastTx = this.#lastTx;
    const provider = this.#worker.provider;
    if (lastTx === undefined) await this.#worker.rpc(provider.getBlockNumber(), "eth_blockNumber");
    else if (!(await this.#worker.rpc(provider.getTransactionReceipt(lastTx), "eth_getTransactionReceipt"))) this.#checkLost = true;
  }

  /**
   * Finds the mined transactions of this gateway that the chain no longer has — newest first, stopping at the first
   * one it still has (the chain lost a suffix of its blocks) — and puts their items back in the queue, in their
   * jobs' original order. Items found already on chain without a transaction of ours, in jobs after that point, are
   * read again and reopened unless the chain still shows them done. Then the nonce is read afresh.
   */
  async #reopenLost(): Promise<void> {
    const provider = this.#worker.provider;
    let survivor: string | undefined;
    let scanned = 0;
    const reopened: Array<{ jobId: string; items: number; lostTxs: number }> = [];
    for await (const job of this.outbox.jobsNewestFirst()) {
      const lost: string[] = [];
      for (const tx of [...job.txs].reverse()) {
        if (await this.#worker.rpc(provider.getTransactionReceipt(tx.txHash), "eth_getTransactionReceipt")) {
          survivor = tx.txHash;
          break;
        }
        lost.push(tx.txHash);
      }
      const items = await this.#lostItems(job, new Set(lost), survivor === undefined);
      if (items.length > 0 || lost.length > 0) {
        await this.outbox.reopen(job.id, items, lost);
        reopened.push({ jobId: job.id, items: items.length, lostTxs: lost.length });
      }
      if (survivor !== undefined || ++scanned >= 10_000) break;
    }
    this.#lastTx = survivor;
    this.#checkLost = false;
    if (reopened.length > 0) {
      reopened.reverse(); // oldest job first: the order they are sent again in
      this.#options.log?.(`the chain lost transactions of ${reopened.length} job(s) (a node restarted from an older state?); their items are queued again: ${JSON.stringify(reopened)}`);
      this.emit("reopened", reopened);
    }
  }

  /** Item indexes of `job` done by one of `lostTxs`, and (when `recheck`) those found done without a transaction of ours that the chain no longer shows done. */
  async #lostItems(job: JobRecord, lostTxs: Set<string>, recheck: boolean): Promise<number[]> {
    if (lostTxs.size === 0 && !recheck) return [];
    const out: number[] = [];
    for (let from = 0; from < job.total; from += 1_000) {
      const page = await this.outbox.items(job.id, { from, limit: 1_000 });
      const unknown: ItemRecord[] = [];
      for (const item of page) {
        if (item.status.state !== "done") continue;
        if (item.status.txHash !== undefined) {
          if (lostTxs.has(item.status.txHash)) out.push(item.index);
        } else if (recheck) unknown.push(item);
      }
      for (let i = 0; i < unknown.length; i += this.#batchSize) {
        const chunk = unknown.slice(i, i + this.#batchSize);
        const states = await this.#casesOf(chunk.map((item) => item.caseKey));
        chunk.forEach((item, j) => {
          if (!reachedTarget(job.kind, job.params, states[j] as ChainCaseState, this.#options.memberId)) out.push(item.index);
        });
      }
    }
    return out;
  }

  async #processJob(id: string, signal: AbortSignal): Promise<void> {
    const job = await this.outbox.job(id);
    if (!job) throw new ChainError("STORE_CORRUPT", `the outbox lists job ${id} but does not hold it`);
    for (;;) {
      // A gap found meanwhile: older work may be queued again, and it goes first.
      if (signal.aborted || this.#checkLost) return;
      const batch = await this.outbox.nextPending(id, this.#batchSize);
      if (batch.length === 0) return;
      await this.#processBatch(job, batch, signal);
    }
  }

  async #processBatch(job: JobRecord, batch: ItemRecord[], signal: AbortSignal): Promise<void> {
    try {
      await this.#sendBatch(job, batch, signal);
      this.#attempts = 0;
      this.#worker.lastError = undefined;
    } catch (error) {
      if (error instanceof Halt || isNetworkError(error)) throw error;
      if (++this.#attempts < (this.#options.maxAttempts ?? 5) || (await this.outbox.inflight(job.id))) throw error;
      // A failure that is neither the node being away nor a revert naming its cause, again and again.
      this.#attempts = 0;
      const code = typeof (error as { code?: unknown }).code === "string" ? (error as { code: string }).code : "SEND_FAILED";
      const reason = describeError(error);
      const pending = (await this.outbox.nextPending(job.id, this.#batchSize)).filter((item) =>
        batch.some((b) => b.index === item.index),
      );
      await this.#resolve(job, pending.map(({ index }) => ({ index, status: { state: "failed", code, reason } })));
    }
  }

  async #sendBatch(job: JobRecord, batch: ItemRecord[], signal: AbortSignal): Promise<void> {
    // 1. A transaction recorded before a crash or a receipt timeout: its receipt decides.
    const inflight = await this.outbox.inflight(job.id);
    if (inflight) {
      const receipt = await this.#worker.settle(inflight.txHash, signal);
      if (receipt?.status === 1) {
        await this.#resolve(
          job,
          inflight.indexes.map((index) => ({ index, status: { state: "done", txHash: receipt.hash, block: receipt.blockNumber } })),
          { tx: { txHash: receipt.hash, block: receipt.blockNumber }, clearInflight: true },
        );
        return; // the next batch is read again
      }
      await this.outbox.clearInflight(job.id); // reverted or never broadcast: the steps below decide what is left to send
    }

    // 2. Items already where the job takes them (sent before a crash, or by someone else) are done.
    const states = await this.#casesOf(batch.map((item) => item.caseKey));
    const already: ItemRecord[] = [];
    let rest: ItemRecord[] = [];
    batch.forEach((item, i) => {
      const state = states[i] as ChainCaseState;
      (reachedTarget(job.kind, job.params, state, this.#options.memberId) ? already : rest).push(item);
    });
    if (already.length > 0) {
      await this.#resolve(job, already.map(({ index }) => ({ index, status: { state: "done", alreadyOnChain: true } })));
    }

    // 3. Estimate; each revert naming an item fails that item and the rest is tried again.
    const registry = await this.#registry.getAddress();
    const from = this.#options.signer.address;
    while (rest.length > 0) {
      const { method, args } = jobCall(job.kind, job.params, rest);
      const request = { to: registry, data: (this.#registry.interface as Interface).encodeFunctionData(method, args) };
      let gas: bigint;
      try {
        gas = await this.#worker.rpc(this.#worker.provider.estimateGas({ ...request, from }), "eth_estimateGas");
      } catch (error) {
        const revert = decodeRevert(this.#errors, error);
        if (!revert) throw error;
        if (revert.index === undefined) {
          // About the whole call (the signer, the agency, `until`): every transaction of this job would fail alike.
          await this.#failJob(job, revert);
          return;
        }
        const culprit = rest[revert.index];
        if (!culprit || (revert.caseKey !== undefined && revert.caseKey !== culprit.caseKey)) {
          throw new Error(`${revert.name} names item ${revert.index}, which is not in the batch sent`);
        }
        await this.#resolve(job, [{ index: culprit.index, status: failed(revert) }]);
        rest = rest.filter((item) => item !== culprit);
        continue;
      }

      // 4. Sign, record in flight, broadcast, wait, record done — unless the chain was found to have changed meanwhile.
      if (this.#checkLost) return;
      const indexes = rest.map((item) => item.index);
      const info = (txHash: string) => ({ jobId: job.id, txHash, indexes });
      const txHash = await this.#worker.send(
        request,
        gas,
        {
          record: ({ txHash, nonce, signedAt }) => this.outbox.setInflight(job.id, { txHash, nonce, indexes, sentAt: signedAt }),
          forget: () => this.outbox.clearInflight(job.id),
        },
        {
          afterSign: (hash) => this.#options.hooks?.afterSign?.(info(hash)),
          afterBroadcast: (hash) => this.#options.hooks?.afterSend?.(info(hash)),
        },
      );
      const receipt = await this.#worker.receipt(txHash, signal);
      if (receipt.status !== 1) {
        await this.outbox.clearInflight(job.id);
        throw new Error(`transaction ${txHash} reverted`); // the next attempt's estimate names the cause
      }
      const block = receipt.blockNumber;
      await hook(() => this.#options.hooks?.afterMined?.({ ...info(txHash), block }));
      await this.#resolve(
        job,
        indexes.map((index) => ({ index, status: { state: "done", txHash, block } })),
        { tx: { txHash, block }, clearInflight: true },
      );
      this.#options.log?.(`${job.id}: ${job.kind} of ${indexes.length} cases in block ${block} (${txHash})`);
      return;
    }
  }

  async #casesOf(caseKeys: string[]): Promise<ChainCaseState[]> {
    const states = await this.#worker.rpc(this.#registry.casesOf(caseKeys), "casesOf");
    return states.map((s) => ({
      creditorId: Number(s.creditorId),
      agencyId: Number(s.agencyId),
      until: Number(s.until),
      status: caseStatusName(s.status),
    }));
  }

  /** Fails every pending item of the job with a revert that is not about one item. */
  async #failJob(job: JobRecord, revert: DecodedRevert): Promise<void> {
    this.#options.log?.(`${job.id}: ${revert.name}: ${revert.reason}; the job's pending items fail`);
    for (;;) {
      const pending = await this.outbox.nextPending(job.id, 1_000);
      if (pending.length === 0) return;
      await this.#resolve(job, pending.map(({ index }) => ({ index, status: failed(revert) })));
    }
  }

  async #resolve(
    job: JobRecord,
    outcomes: Array<{ index: number; status: Exclude<ItemStatus, { state: "pending" }> }>,
    options: Parameters<CaseOutbox["resolve"]>[2] = {},
  ): Promise<void> {
    const after = await this.outbox.resolve(job.id, outcomes, options);
    if (options.tx) this.#lastTx = options.tx.txHash;
    Object.assign(job, after);
    this.emit("progress", { jobId: job.id, kind: job.kind, total: job.total, done: job.done, failed: job.failed });
    if (after.status === "done") this.emit("jobDone", after);
  }
}

const failed = (revert: DecodedRevert): Extract<ItemStatus, { state: "failed" }> => ({
  state: "failed",
  code: revert.name,
  reason: revert.reason,
  args: revert.args,
});

export type { CaseJobSpec, JobItem, JobRecord, ItemRecord, ItemStatus };
