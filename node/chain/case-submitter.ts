import { EventEmitter } from "node:events";
import { type Interface, NonceManager, type Signer, type TransactionReceipt, type TransactionRequest } from "ethers";
import type { CaseRegistry, MemberRegistry } from "../../types/ethers-contracts/index.js";
import { DEFAULTS } from "../config.js";
import { caseStatusName, MAX_BATCH } from "../domain/consortium/index.js";
import { type CaseJobSpec, type ChainCaseState, type JobItem, jobCall, reachedTarget } from "./case-jobs.js";
import { CaseOutbox, type ItemRecord, type ItemStatus, type JobRecord } from "./case-outbox.js";
import { type DecodedRevert, decodeRevert, revertInterface } from "./case-revert.js";
import { describeError } from "./describe-error.js";
import { ChainError } from "./errors.js";
import type { KvStore } from "../store/kv-store.js";
import { isNetworkError, sleep, waitForReceipt, withTimeout } from "./rpc.js";
import { pendingNonce, SendLock } from "./send-lock.js";

export interface RetryPolicy {
  /** First wait after a failure. Default 500 ms. */
  initialMs?: number;
  /** Longest wait (the backoff stops growing here). Default 30 s. */
  maxMs?: number;
  /** Growth per failure. Default 2. */
  factor?: number;
}

/**
 * Test hooks: points where a real crash could happen. A hook that throws stops the worker on the spot,
 * as a killed process would: nothing more is written, and a new submitter on the same store takes over.
 */
export interface SubmitterHooks {
  /** The transaction was broadcast; the outbox does not know its hash yet. */
  afterSend?(info: { jobId: string; txHash: string; indexes: number[] }): void | Promise<void>;
  /** The transaction is mined; its items are not yet marked done. */
  afterMined?(info: { jobId: string; txHash: string; block: number; indexes: number[] }): void | Promise<void>;
}

export interface CaseSubmitterOptions {
  /** The registries (any runner: the submitter connects them to its signer). */
  contracts: { caseRegistry: CaseRegistry; memberRegistry: MemberRegistry };
  /** The gateway's signing key: an ethers Wallet with a provider (wrapped in a NonceManager here), or a NonceManager. */
  signer: Signer;
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
  /** Time limit of each RPC call. Default 30 s. */
  rpcTimeoutMs?: number;
  /** How long to wait for a receipt before looking again later. Default 120 s. */
  receiptTimeoutMs?: number;
  /** When idle, ping the node this often so that health() stays true to fact. Default 5 s. */
  probeIntervalMs?: number;
  hooks?: SubmitterHooks;
  log?: (line: string) => void;
  /** Shared with the other senders of this key (the anchorer): nonce read and broadcast under it. */
  sendLock?: SendLock;
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

/** Thrown out of a hook: the worker stops where it is. */
class Halt extends Error {}

/**
 * Sends the outbox's jobs to CaseRegistry, strictly in order, in transactions of `batchSize` items.
 *
 * - Idempotent: before each transaction it reads `casesOf` and drops items already in the job's target state,
 *   and a transaction recorded as in flight is looked up by hash first; so a crash between mining and marking
 *   never sends a case twice.
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
  readonly #signer: NonceManager;
  readonly #registry: CaseRegistry;
  readonly #errors: Interface;
  readonly #batchSize: number;
  readonly #retry: Required<RetryPolicy>;
  readonly #timeoutMs: number;
  readonly #sendLock: SendLock;
  #loop: { abort: AbortController; done: Promise<void> } | undefined;
  #wake: (() => void) | undefined;
  #woken = false;
  #reachable = true;
  #lastContact = 0;
  #lastError: string | undefined;
  #backoffMs = 0;
  #attempts = 0;
  #halted = false;
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
    if (!options.signer.provider) throw new TypeError("the signer needs a provider");
    this.#options = options;
    this.#batchSize = batchSize;
    this.#retry = { initialMs: 500, maxMs: 30_000, factor: 2, ...options.retry };
    this.#timeoutMs = options.rpcTimeoutMs ?? 30_000;
    this.#signer = options.signer instanceof NonceManager ? options.signer : new NonceManager(options.signer);
    this.#registry = options.contracts.caseRegistry.connect(this.#signer) as CaseRegistry;
    this.#errors = revertInterface(options.contracts.caseRegistry.interface, options.contracts.memberRegistry.interface);
    this.outbox = new CaseOutbox(options.db);
    this.#sendLock = options.sendLock ?? new SendLock();
  }

  /** Stores the job (flushed to disk) and wakes the worker. The resolved job is the acknowledgement. */
  async enqueue(spec: CaseJobSpec): Promise<JobRecord> {
    const job = await this.outbox.enqueue(spec);
    this.#woken = true;
    this.#wake?.();
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
    return {
      chainReachable: this.#reachable,
      ...stats,
      running: this.#loop !== undefined,
      ...(this.#lastError !== undefined && { lastError: this.#lastError }),
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
      if (this.#halted) throw new ChainError("SUBMITTER_STOPPED", `the worker halted before job ${id} was done`);
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
    this.#woken = true;
    this.#wake?.();
  }

  /** Starts the worker (idempotent). */
  start(): void {
    if (this.#loop) return;
    const abort = new AbortController();
    this.#loop = { abort, done: this.#run(abort.signal) };
  }

  /** Stops the worker after its current step; resolves when it has stopped. Pending work stays in the outbox. */
  async stop(): Promise<void> {
    const loop = this.#loop;
    if (!loop) return;
    loop.abort.abort();
    this.#wake?.();
    await loop.done;
    this.#loop = undefined;
  }

  // ── worker ─────────────────────────────────────────────────────────────────────────────────────────

  async #run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        this.#woken = false;
        if (this.#checkLost) await this.#reopenLost();
        const id = await this.outbox.firstOpenJob();
        if (id === undefined) {
          await this.#idle(signal);
          continue;
        }
        await this.#processJob(id, signal);
        this.#backoffMs = 0;
      } catch (error) {
        if (error instanceof Halt) {
          this.#halted = true;
          this.#lastError = `halted: ${describeError(error.cause)}`;
          this.#loop = undefined;
          return;
        }
        if (signal.aborted) return;
        this.#noteError(error);
        this.#backoffMs = Math.min(
          this.#retry.maxMs,
          this.#backoffMs === 0 ? this.#retry.initialMs : this.#backoffMs * this.#retry.factor,
        );
        this.#options.log?.(`chain work retried in ${this.#backoffMs} ms: ${describeError(error)}`);
        await sleep(this.#backoffMs, signal);
      }
    }
  }

  /** Waits for enqueue() or the probe interval; pings the node so that health() notices a node going away. */
  async #idle(signal: AbortSignal): Promise<void> {
    const probeMs = this.#options.probeIntervalMs ?? 5_000;
    if (this.#woken) return; // enqueue() ran while the worker was looking
    const woken = new AbortController();
    const onAbort = () => woken.abort();
    signal.addEventListener("abort", onAbort, { once: true });
    this.#wake = onAbort;
    try {
      await sleep(probeMs, woken.signal);
    } finally {
      this.#wake = undefined;
      signal.removeEventListener("abort", onAbort);
    }
    if (!woken.signal.aborted && Date.now() - this.#lastContact >= probeMs) {
      try {
        // The newest transaction still there is the cheapest sign that the chain did not lose any of ours.
        const lastTx = this.#lastTx;
        if (lastTx === undefined) await this.#rpc(this.#provider().getBlockNumber(), "eth_blockNumber");
        else if (!(await this.#rpc(this.#provider().getTransactionReceipt(lastTx), "eth_getTransactionReceipt"))) this.#checkLost = true;
      } catch (error) {
        this.#noteError(error);
      }
    }
  }

  /**
   * Finds the mined transactions of this gateway that the chain no longer has — newest first, stopping at the first
   * one it still has (the chain lost a suffix of its blocks) — and puts their items back in the queue, in their
   * jobs' original order. Items found already on chain without a transaction of ours, in jobs after that point, are
   * read again and reopened unless the chain still shows them done. Then the nonce is read afresh.
   */
  async #reopenLost(): Promise<void> {
    const provider = this.#provider();
    let survivor: string | undefined;
    let scanned = 0;
    const reopened: Array<{ jobId: string; items: number; lostTxs: number }> = [];
    for await (const job of this.outbox.jobsNewestFirst()) {
      const lost: string[] = [];
      for (const tx of [...job.txs].reverse()) {
        if (await this.#rpc(provider.getTransactionReceipt(tx.txHash), "eth_getTransactionReceipt")) {
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
      this.#signer.reset();
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
      await this.#processBatch(job, batch);
    }
  }

  async #processBatch(job: JobRecord, batch: ItemRecord[]): Promise<void> {
    try {
      await this.#sendBatch(job, batch);
      this.#attempts = 0;
      this.#lastError = undefined;
    } catch (error) {
      this.#signer.reset();
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

  async #sendBatch(job: JobRecord, batch: ItemRecord[]): Promise<void> {
    // 1. A transaction sent before a crash or a receipt timeout: its receipt decides.
    const inflight = await this.outbox.inflight(job.id);
    if (inflight) {
      const receipt = await this.#receiptOf(inflight.txHash);
      if (receipt?.status === 1) {
        await this.#resolve(
          job,
          inflight.indexes.map((index) => ({ index, status: { state: "done", txHash: receipt.hash, block: receipt.blockNumber } })),
          { tx: { txHash: receipt.hash, block: receipt.blockNumber }, clearInflight: true },
        );
        return; // the next batch is read again
      }
      await this.outbox.clearInflight(job.id); // reverted or dropped: the steps below decide what is left to send
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
    while (rest.length > 0) {
      const { method, args } = jobCall(job.kind, job.params, rest);
      const request: TransactionRequest = { to: registry, data: (this.#registry.interface as Interface).encodeFunctionData(method, args) };
      let gas: bigint;
      try {
        gas = await this.#rpc(this.#signer.estimateGas(request), "eth_estimateGas");
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

      // 4. Send, record in flight, wait, record done — unless the chain was found to have changed meanwhile.
      if (this.#checkLost) return;
      const gasLimit = gas + gas / 5n;
      const fee = this.#options.gasPrice === undefined ? {} : { type: 0, gasPrice: this.#options.gasPrice };
      const { response, nonce } = await this.#sendLock.run(async () => {
        // From the node each time: another sender of this key (the anchorer) may have used the next one.
        const address = await this.#signer.getAddress();
        const nonce = await this.#rpc(pendingNonce(this.#provider(), address), "eth_getTransactionCount");
        const response = await this.#rpc(this.#signer.signer.sendTransaction({ ...request, gasLimit, nonce, ...fee }), "eth_sendRawTransaction");
        return { response, nonce };
      });
      const indexes = rest.map((item) => item.index);
      await this.#hook(() => this.#options.hooks?.afterSend?.({ jobId: job.id, txHash: response.hash, indexes }));
      await this.outbox.setInflight(job.id, { txHash: response.hash, nonce, indexes, sentAt: new Date().toISOString() });
      const receipt = await this.#rpc(
        response.wait(1, this.#options.receiptTimeoutMs ?? 120_000),
        "transaction receipt",
        (this.#options.receiptTimeoutMs ?? 120_000) + this.#timeoutMs,
      );
      if (!receipt) throw new ChainError("RPC_TIMEOUT", `no receipt for ${response.hash}`);
      const block = receipt.blockNumber;
      await this.#hook(() => this.#options.hooks?.afterMined?.({ jobId: job.id, txHash: receipt.hash, block, indexes }));
      await this.#resolve(
        job,
        indexes.map((index) => ({ index, status: { state: "done", txHash: receipt.hash, block } })),
        { tx: { txHash: receipt.hash, block }, clearInflight: true },
      );
      this.#options.log?.(`${job.id}: ${job.kind} of ${indexes.length} cases in block ${block} (${receipt.hash})`);
      return;
    }
  }

  /** The receipt of a transaction sent earlier; waits while it is still pending; undefined when the node lost it. */
  async #receiptOf(txHash: string): Promise<TransactionReceipt | undefined> {
    const provider = this.#provider();
    const receipt = await this.#rpc(provider.getTransactionReceipt(txHash), "eth_getTransactionReceipt");
    if (receipt) return receipt;
    const tx = await this.#rpc(provider.getTransaction(txHash), "eth_getTransactionByHash");
    if (!tx) return undefined;
    const timeout = this.#options.receiptTimeoutMs ?? 120_000;
    const mined = await this.#rpc(waitForReceipt(provider, txHash, timeout), "transaction receipt", timeout + this.#timeoutMs);
    return mined ?? undefined;
  }

  async #casesOf(caseKeys: string[]): Promise<ChainCaseState[]> {
    const states = await this.#rpc(this.#registry.casesOf(caseKeys), "casesOf");
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

  async #hook(run: () => void | Promise<void>): Promise<void> {
    try {
      await run();
    } catch (error) {
      throw new Halt("halted by a hook", { cause: error });
    }
  }

  /** Every RPC goes through here: a time limit, and the node's reachability for health(). */
  async #rpc<T>(promise: Promise<T>, what: string, timeoutMs = this.#timeoutMs): Promise<T> {
    try {
      const value = await withTimeout(promise, timeoutMs, what);
      // Back after an outage: the node may have come back from an older state file.
      if (!this.#reachable) this.#checkLost = true;
      this.#reachable = true;
      this.#lastContact = Date.now();
      return value;
    } catch (error) {
      if (isNetworkError(error)) this.#reachable = false;
      else this.#lastContact = Date.now();
      throw error;
    }
  }

  #noteError(error: unknown): void {
    if (isNetworkError(error)) this.#reachable = false;
    this.#lastError = describeError(error);
  }

  #provider() {
    const provider = this.#signer.provider;
    if (!provider) throw new TypeError("the signer needs a provider");
    return provider;
  }
}

const failed = (revert: DecodedRevert): Extract<ItemStatus, { state: "failed" }> => ({
  state: "failed",
  code: revert.name,
  reason: revert.reason,
  args: revert.args,
});

export type { CaseJobSpec, JobItem, JobRecord, ItemRecord, ItemStatus };
