import { type Provider, Transaction, type Wallet } from "ethers";
import { DEFAULTS } from "../config.js";
import { describeError } from "./describe-error.js";
import { ChainError } from "./errors.js";
import { freshReceipts, isNetworkError, type MinedReceipt, sleep, waitForReceipt, withTimeout } from "./rpc.js";
import { pendingNonce, type SendLock } from "./send-lock.js";

/** Exponential backoff after a failed step. */
export interface Backoff {
  initialMs: number;
  maxMs: number;
  factor: number;
}

/** The time limits of one chain worker (named defaults: CHAIN_TIMEOUT_DEFAULTS in config.ts). */
export interface ChainWorkerTimeouts {
  /** Time limit of each RPC call. */
  rpcMs: number;
  /** How long one wait for a receipt lasts before the step gives up and looks again later. */
  receiptMs: number;
  /** Longest pause between two receipt questions (the first is asked at once). */
  receiptPollMs: number;
}

/** What one worker does; the loop, the sending and the waiting around it are ChainWorker's. */
export interface ChainWorkStrategy {
  /** One unit of work; true when there may be more at once (the worker does not idle in between). */
  step(signal: AbortSignal): Promise<boolean>;
  /** The longest idle sleep from now (a wake-up cuts it short). */
  idleMs(): number;
  /** After an idle sleep nothing cut short: a cheap look at the chain, so that health stays true to fact. */
  probe(): Promise<void>;
  /** The node answered again after an outage: it may have come back from an older state file. */
  reconnected(): void;
  /** A failed step is about to be retried in `backoffMs`. */
  retried(backoffMs: number, error: unknown): void;
  /** An error that stops the worker for good (the strategy records why); false: retried. */
  fatal?(error: unknown): boolean;
  /** The loop ended by a halt or a fatal error (not by stop()). */
  ended?(): void;
}

export interface ChainWorkerOptions {
  /** The member's signing key, with a provider. */
  wallet: Wallet;
  /** One per signing key, shared by every sender of that key: nonce read and broadcast under it. */
  sendLock: SendLock;
  /** Legacy (type 0) transactions at this gas price (Besu with free gas: 0n); undefined: the node's fee market. */
  gasPrice: bigint | undefined;
  timeouts: ChainWorkerTimeouts;
  backoff: Backoff;
  /** Milliseconds since the epoch (tests move it). */
  now?: () => number;
}

/** What a strategy's own options say about sending; each time limit left out is the gateway config's default. */
export interface WorkerSendOptions {
  sendLock: SendLock;
  gasPrice?: bigint;
  rpcTimeoutMs?: number;
  receiptTimeoutMs?: number;
  receiptPollMs?: number;
  now?: () => number;
}

/** The worker's options from a strategy's: the one place where its time limits meet their defaults. */
export function workerOptions(wallet: Wallet, options: WorkerSendOptions, backoff: Backoff): ChainWorkerOptions {
  const t = DEFAULTS.timeouts;
  return {
    wallet,
    sendLock: options.sendLock,
    gasPrice: options.gasPrice,
    timeouts: {
      rpcMs: options.rpcTimeoutMs ?? t.rpcMs,
      receiptMs: options.receiptTimeoutMs ?? t.receiptMs,
      receiptPollMs: options.receiptPollMs ?? t.receiptPollMs,
    },
    backoff,
    ...(options.now && { now: options.now }),
  };
}

/** Thrown out of a test hook: the worker stops where it is, as a killed process would. */
export class Halt extends Error {}

/** Runs a test hook; its failure becomes a Halt. */
export async function hook(run: () => void | Promise<void>): Promise<void> {
  try {
    await run();
  } catch (error) {
    throw new Halt("halted by a hook", { cause: error });
  }
}

/** Where a strategy keeps the transaction it is about to broadcast (its in-flight record). */
export interface SendJournal {
  record(tx: { txHash: string; nonce: number; signedAt: string }): Promise<void>;
  forget(): Promise<void>;
}

/** Points where a real crash could happen around a send. */
export interface SendHooks {
  /** Signed and recorded; not broadcast yet. */
  afterSign?(txHash: string): void | Promise<void>;
  /** Broadcast; the receipt is not awaited yet. */
  afterBroadcast?(txHash: string): void | Promise<void>;
}

/**
 * The durable chain worker, written once: a loop of strategy steps with backoff, wake-up, idle probe and halt; every
 * RPC under a time limit that also tells whether the node is reachable; transactions signed, recorded (durably, by
 * the strategy) before they are broadcast — so that a crash after the broadcast finds the transaction by its hash —
 * and broadcast under the key's send lock; receipts awaited by polling (`waitForReceipt`), never by block events.
 */
export class ChainWorker {
  readonly #o: ChainWorkerOptions;
  readonly #strategy: ChainWorkStrategy;
  readonly provider: Provider;
  readonly now: () => number;
  readonly #receipts: ReturnType<typeof freshReceipts>;
  #loop: { abort: AbortController; done: Promise<void> } | undefined;
  #wake: (() => void) | undefined;
  #woken = false;
  #reachable = true;
  #lastContact = 0;
  #backoffMs = 0;
  #halted = false;
  lastError: string | undefined;

  constructor(options: ChainWorkerOptions, strategy: ChainWorkStrategy) {
    if (!options.wallet.provider) throw new TypeError("the signer needs a provider");
    this.#o = options;
    this.#strategy = strategy;
    this.provider = options.wallet.provider;
    this.#receipts = freshReceipts(this.provider);
    this.now = options.now ?? Date.now;
  }

  get running(): boolean {
    return this.#loop !== undefined;
  }
  /** False after the last contact with the node failed for a network reason. */
  get reachable(): boolean {
    return this.#reachable;
  }
  /** Stopped by a hook (a simulated crash). */
  get halted(): boolean {
    return this.#halted;
  }
  get lastContact(): number {
    return this.#lastContact;
  }

  start(): void {
    if (this.#loop) return;
    const abort = new AbortController();
    this.#loop = { abort, done: this.#run(abort.signal) };
  }

  /**
   * Stops after the current step; resolves when stopped, or after `graceMs` (when given) if that step waits on a
   * chain that does not answer — safe, since every step's state is on disk first.
   */
  async stop(graceMs?: number): Promise<void> {
    const loop = this.#loop;
    if (!loop) return;
    loop.abort.abort();
    this.#wake?.();
    if (graceMs === undefined) await loop.done;
    else {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([loop.done, new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)))]);
      clearTimeout(timer);
    }
    this.#loop = undefined;
  }

  /** New work or a changed chain: the next step runs now, not after the idle sleep. */
  wake(): void {
    this.#woken = true;
    this.#wake?.();
  }

  /** Every RPC goes through here: a time limit, and the node's reachability. */
  async rpc<T>(promise: Promise<T>, what: string, timeoutMs = this.#o.timeouts.rpcMs): Promise<T> {
    try {
      const value = await withTimeout(promise, timeoutMs, what);
      if (!this.#reachable) this.#strategy.reconnected();
      this.#reachable = true;
      this.#lastContact = this.now();
      return value;
    } catch (error) {
      if (isNetworkError(error)) this.#reachable = false;
      else this.#lastContact = this.now();
      throw error;
    }
  }

  /** Notes an error seen outside a step (a probe). */
  noteError(error: unknown): void {
    if (isNetworkError(error)) this.#reachable = false;
    this.lastError = describeError(error);
  }

  /**
   * Signs `request` with the next nonce, has `journal.record` store the transaction durably, then broadcasts it — all
   * under the send lock, so that no other sender of this key takes the same nonce. A node that answers the broadcast
   * with a refusal did not take the transaction: `journal.forget` drops the record (a network error keeps it, since
   * the node may have it; the next step looks it up by hash). Returns the transaction's hash.
   */
  async send(request: { to: string; data: string }, gas: bigint, journal: SendJournal, hooks: SendHooks = {}): Promise<string> {
    const { wallet, gasPrice } = this.#o;
    const fee = gasPrice === undefined ? {} : { type: 0, gasPrice };
    const txHash = await this.#o.sendLock.run(async () => {
      // From the node each time: another sender of this key may have used the next one.
      const nonce = await this.rpc(pendingNonce(this.provider, wallet.address), "eth_getTransactionCount");
      const populated = await this.rpc(
        wallet.populateTransaction({ ...request, from: wallet.address, gasLimit: gas + gas / 5n, nonce, ...fee }),
        "populate transaction",
      );
      const signed = await wallet.signTransaction(populated);
      const hash = Transaction.from(signed).hash;
      if (!hash) throw new Error("a signed transaction without a hash");
      await journal.record({ txHash: hash, nonce, signedAt: new Date(this.now()).toISOString() });
      await hook(() => hooks.afterSign?.(hash));
      try {
        await this.rpc(this.provider.broadcastTransaction(signed), "eth_sendRawTransaction");
      } catch (error) {
        if (!isNetworkError(error)) await journal.forget();
        throw error;
      }
      return hash;
    });
    await hook(() => hooks.afterBroadcast?.(txHash));
    return txHash;
  }

  /** The receipt of a broadcast transaction (mined or reverted), polled; RECEIPT_PENDING when none comes in time. */
  async receipt(txHash: string, signal?: AbortSignal): Promise<MinedReceipt> {
    const { receiptMs, receiptPollMs, rpcMs } = this.#o.timeouts;
    const receipt = await this.rpc(
      waitForReceipt(this.#receipts, txHash, receiptMs, { pollMs: receiptPollMs, ...(signal && { signal }) }),
      "transaction receipt",
      receiptMs + rpcMs,
    );
    if (!receipt) throw new ChainError("RECEIPT_PENDING", `no receipt for ${txHash} within ${receiptMs} ms; looked up again later`);
    return receipt;
  }

  /**
   * The fate of a transaction recorded before a crash or a timeout: its receipt (mined or reverted), or undefined
   * when the node never had it (signed, then a crash before the broadcast; or dropped). Waits while it is pending.
   */
  async settle(txHash: string, signal?: AbortSignal): Promise<MinedReceipt | undefined> {
    const receipt = await this.rpc(this.#receipts.getTransactionReceipt(txHash), "eth_getTransactionReceipt");
    if (receipt) return receipt;
    const pending = await this.rpc(this.provider.getTransaction(txHash), "eth_getTransactionByHash");
    if (!pending) return undefined;
    return this.receipt(txHash, signal);
  }

  async #run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        this.#woken = false;
        const more = await this.#strategy.step(signal);
        this.#backoffMs = 0;
        if (!more) await this.#idle(signal);
      } catch (error) {
        if (error instanceof Halt) {
          this.#halted = true;
          this.lastError = `halted: ${describeError(error.cause)}`;
          return this.#end();
        }
        if (this.#strategy.fatal?.(error)) return this.#end();
        if (signal.aborted) return;
        this.noteError(error);
        const { initialMs, maxMs, factor } = this.#o.backoff;
        this.#backoffMs = Math.min(maxMs, this.#backoffMs === 0 ? initialMs : this.#backoffMs * factor);
        this.#strategy.retried(this.#backoffMs, error);
        await sleep(this.#backoffMs, signal);
      }
    }
  }

  #end(): void {
    this.#loop = undefined;
    this.#strategy.ended?.();
  }

  /** Sleeps until wake() or the strategy's idle time; then, unless woken, lets the strategy probe the chain. */
  async #idle(signal: AbortSignal): Promise<void> {
    if (this.#woken || signal.aborted) return;
    const woken = new AbortController();
    const onWake = () => woken.abort();
    signal.addEventListener("abort", onWake, { once: true });
    this.#wake = onWake;
    try {
      await sleep(this.#strategy.idleMs(), woken.signal);
    } finally {
      this.#wake = undefined;
      signal.removeEventListener("abort", onWake);
    }
    if (woken.signal.aborted) return;
    try {
      await this.#strategy.probe();
    } catch (error) {
      this.noteError(error);
    }
  }
}
