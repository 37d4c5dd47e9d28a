import { EventEmitter } from "node:events";
import { type Provider, Transaction, type Wallet } from "ethers";
import { bilingual, type Message, msg } from "../messages/message.js";
import type { EvidenceRegistry } from "../../types/ethers-contracts/index.js";
import { ABI } from "../domain/evidence/chain-facts.js";
import { equalHashes, fromHex, toBytes32 } from "../domain/merkle/index.js";
import type { AnchorRecord, AnchorStore } from "../store/evidence-log/anchor-store.js";
import type { EvidenceLog } from "../store/evidence-log/evidence-log.js";
import { describeError } from "./describe-error.js";
import { type AnchorSettings, anchorSettings } from "./evidence-anchor-settings.js";
import { isNetworkError, sleep, waitForReceipt, withTimeout } from "./rpc.js";
import { pendingNonce, SendLock } from "./send-lock.js";

/** Points where a real crash could happen; a hook that throws stops the worker on the spot (as kill -9 would). */
export interface AnchorerHooks {
  /** Signed and recorded as in flight; not broadcast yet. */
  afterSign?(info: { treeSize: number; txHash: string }): void | Promise<void>;
  /** Broadcast; the receipt is not awaited yet. */
  afterBroadcast?(info: { treeSize: number; txHash: string }): void | Promise<void>;
  /** Mined; not yet recorded as anchored. */
  afterMined?(info: { treeSize: number; txHash: string; blockNumber: number }): void | Promise<void>;
}

export interface EvidenceAnchorerOptions {
  evidenceLog: EvidenceLog;
  anchors: AnchorStore;
  /** The EvidenceRegistry binding (any runner: reads go through `wallet.provider`). */
  registry: EvidenceRegistry;
  /** The member's signing key, with a provider. */
  wallet: Wallet;
  memberId: number;
  chainId: number;
  /** First block to look for this member's anchors in (the deployment block). */
  deployBlock: number;
  settings?: Partial<AnchorSettings>;
  /** Legacy transactions at this gas price (Besu with free gas: 0n); default: the node's fee market. */
  gasPrice?: bigint;
  /** eth_getLogs pages (Besu's limit: 5,000). */
  pageBlocks?: number;
  rpcTimeoutMs?: number;
  receiptTimeoutMs?: number;
  /** While idle, read the chain's checkpoint this often, to notice one it lost. Default 2 s. */
  probeIntervalMs?: number;
  hooks?: AnchorerHooks;
  log?: (event: Record<string, unknown>) => void;
  /** Shared with the other senders of this key (the case submitter): nonce read and broadcast under it. */
  sendLock?: SendLock;
}

export interface AnchorerStatus {
  running: boolean;
  /** Records in the log. */
  logSize: number;
  /** Records covered by the latest checkpoint anchored (as this gateway knows it). */
  anchoredSize: number;
  /** Records not yet anchored. */
  lag: number;
  /** Seconds since the oldest unanchored record was acknowledged, roughly (0 when none). */
  lagSeconds: number;
  lastAnchor: Pick<AnchorRecord, "treeSize" | "txHash" | "blockNumber" | "blockTime"> | null;
  chainReachable: boolean;
  /** Set when anchoring stopped for good: the chain disagrees with the log (a fork) — an operator must look. */
  halted?: string;
  lastError?: string;
  settings: { intervalMs: number; everyRecords: number };
}

export interface AnchorerEvents {
  anchored: [AnchorRecord];
}

class Halt extends Error {}
/** The chain and the log disagree: anchoring stops; never "fixed" automatically. */
/** The chain's checkpoint and the local log disagree: an id with parameters, put into words where it is reported. */
class Fork extends Error {
  constructor(readonly text: Message) {
    super(bilingual(text));
  }
}

/**
 * Anchors the evidence log's checkpoint on chain — `intervalMs` after the last anchor or after `everyRecords` new
 * records, whichever comes first — with the consistency proof from the member's latest anchored checkpoint, which it
 * reads from the chain (`latestCheckpoint`) before every attempt.
 *
 * - Never the same checkpoint twice: a transaction is signed and recorded as in flight (sync) before it is broadcast;
 *   after a crash or an error, that transaction's fate is looked up before anything else is sent, and nothing is
 *   sent for a size the chain already has.
 * - Resumes after kill -9 or a chain outage: on start (and after errors) it reconciles with the chain — records an
 *   anchor the chain has and the store missed (from its CheckpointAnchored event), forgets anchors the chain lost.
 * - Notices a chain that lost anchors (a node restarted from an older state file) while idle (a probe every
 *   `probeIntervalMs`), when the node is back after an outage, and whenever a receipt asks chainCheckpointSize():
 *   the lost anchors are forgotten (their receipts go back to pending) and the log is anchored again.
 * - Retries with exponential backoff; progress and lag in status().
 */
export class EvidenceAnchorer extends EventEmitter<AnchorerEvents> {
  readonly #o: EvidenceAnchorerOptions;
  readonly settings: AnchorSettings;
  readonly #provider: Provider;
  #loop: { abort: AbortController; done: Promise<void> } | undefined;
  #wake: (() => void) | undefined;
  #reconciled = false;
  #reachable = true;
  #lastError: string | undefined;
  #halted: string | undefined;
  #latest: AnchorRecord | undefined;
  #lastAnchorAt = Date.now();
  #lastProbeAt = 0;
  #chainCheckpoint: { treeSize: number; at: number } | undefined;
  #firstUnanchoredAt: number | undefined;
  readonly #onAppended = () => {
    this.#firstUnanchoredAt ??= Date.now();
    if (this.#o.evidenceLog.size - (this.#latest?.treeSize ?? 0) >= this.settings.everyRecords) this.#wake?.();
  };

  constructor(options: EvidenceAnchorerOptions) {
    super();
    this.#o = options;
    this.settings = anchorSettings(options.settings);
    if (!options.wallet.provider) throw new TypeError("the wallet needs a provider");
    this.#provider = options.wallet.provider;
  }

  status(): AnchorerStatus {
    const logSize = this.#o.evidenceLog.size;
    const anchoredSize = this.#latest?.treeSize ?? 0;
    const lag = Math.max(0, logSize - anchoredSize);
    return {
      running: this.#loop !== undefined,
      logSize,
      anchoredSize,
      lag,
      lagSeconds: lag > 0 && this.#firstUnanchoredAt !== undefined ? Math.round((Date.now() - this.#firstUnanchoredAt) / 1000) : 0,
      lastAnchor: this.#latest
        ? { treeSize: this.#latest.treeSize, txHash: this.#latest.txHash, blockNumber: this.#latest.blockNumber, blockTime: this.#latest.blockTime }
        : null,
      chainReachable: this.#reachable,
      ...(this.#halted !== undefined && { halted: this.#halted }),
      ...(this.#lastError !== undefined && { lastError: this.#lastError }),
      settings: { intervalMs: this.settings.intervalMs, everyRecords: this.settings.everyRecords },
    };
  }

  /** Starts the worker (idempotent). */
  start(): void {
    if (this.#loop) return;
    this.#o.evidenceLog.on("appended", this.#onAppended);
    const abort = new AbortController();
    this.#loop = { abort, done: this.#run(abort.signal) };
  }

  /**
   * Stops after the current step; resolves when stopped, or after `graceMs` when that step waits on a chain that does
   * not answer — safe, since every step's state is on disk first (an in-flight transaction is settled on next start).
   */
  async stop(graceMs = 5_000): Promise<void> {
    const loop = this.#loop;
    if (!loop) return;
    this.#o.evidenceLog.off("appended", this.#onAppended);
    loop.abort.abort();
    this.#wake?.();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([loop.done, new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)))]);
    clearTimeout(timer);
    this.#loop = undefined;
  }

  /**
   * The size of the member's latest checkpoint on chain, read at most `maxAgeMs` ago — read afresh whenever the value
   * kept is below `atLeast` (the caller is about to call something unanchored: it must be sure) — or undefined when
   * the node does not answer within 2 s. Receipts and views use it so that nothing is reported anchored that the chain
   * does not have; a checkpoint smaller than the store's makes the worker reconcile (and anchor again) at once.
   */
  async chainCheckpointSize(maxAgeMs = 1_000, atLeast = 0): Promise<number | undefined> {
    const cached = this.#chainCheckpoint;
    if (cached && Date.now() - cached.at <= maxAgeMs && cached.treeSize >= atLeast) return cached.treeSize;
    try {
      return (await this.#readCheckpoint(2_000)).treeSize;
    } catch {
      return undefined;
    }
  }

  /** Asks the chain for the latest checkpoint; a smaller one than the store's (the chain lost anchors) starts a reconcile. */
  async #readCheckpoint(timeoutMs?: number): Promise<{ root: string; treeSize: number; anchoredAt: number; blockNumber: number }> {
    const chain = await this.#chainLatest(timeoutMs);
    this.#chainCheckpoint = { treeSize: chain.treeSize, at: Date.now() };
    if (chain.treeSize < (this.#latest?.treeSize ?? 0) && this.#reconciled) {
      this.#reconciled = false;
      this.#wake?.();
    }
    return chain;
  }

  /** The indexer found the chain changed under it: settle with the chain before anchoring again. */
  noticeChainGap(): void {
    this.#reconciled = false;
    this.#wake?.();
  }

  /** Anchors now whatever the schedule says (tests, an operator's "anchor now"); resolves with the anchor or undefined. */
  async anchorNow(): Promise<AnchorRecord | undefined> {
    if (!this.#reconciled) await this.reconcile();
    return this.#anchorOnce();
  }

  // ── worker ─────────────────────────────────────────────────────────────────────────────────────────

  async #run(signal: AbortSignal): Promise<void> {
    let backoff = 0;
    while (!signal.aborted) {
      try {
        if (!this.#reconciled) await this.reconcile();
        if (this.#due()) {
          await this.#anchorOnce();
          this.#lastAnchorAt = Date.now();
        }
        backoff = 0;
        await this.#idle(signal);
      } catch (error) {
        if (error instanceof Halt) {
          this.#lastError = `halted: ${describeError(error.cause)}`;
          this.#loop = undefined;
          this.#o.evidenceLog.off("appended", this.#onAppended);
          return;
        }
        if (error instanceof Fork) {
          this.#halted = error.message;
          this.#o.evidenceLog.off("appended", this.#onAppended);
          this.#note({ level: "error", msg: "evidence anchoring halted", error: error.message });
          this.#loop = undefined;
          return;
        }
        if (signal.aborted) return;
        this.#reconciled = false;
        this.#lastError = describeError(error);
        if (isNetworkError(error)) this.#reachable = false;
        backoff = Math.min(this.settings.retryMaxMs, backoff === 0 ? this.settings.retryInitialMs : backoff * 2);
        this.#note({ level: "warn", msg: "evidence anchor retried", inMs: backoff, error: this.#lastError });
        await sleep(backoff, signal);
      }
    }
  }

  #due(): boolean {
    const pending = this.#o.evidenceLog.size - (this.#latest?.treeSize ?? 0);
    if (pending <= 0) return false;
    return pending >= this.settings.everyRecords || Date.now() - this.#lastAnchorAt >= this.settings.intervalMs;
  }

  async #idle(signal: AbortSignal): Promise<void> {
    if (this.#due() || signal.aborted) return;
    const woken = new AbortController();
    const wake = () => woken.abort();
    signal.addEventListener("abort", wake, { once: true });
    this.#wake = wake;
    try {
      const untilInterval = Math.max(50, this.settings.intervalMs - (Date.now() - this.#lastAnchorAt));
      const probeMs = this.#o.probeIntervalMs ?? 2_000;
      await sleep(Math.min(untilInterval, probeMs, 5_000), woken.signal);
    } finally {
      this.#wake = undefined;
      signal.removeEventListener("abort", wake);
    }
    if (signal.aborted || Date.now() - this.#lastProbeAt < (this.#o.probeIntervalMs ?? 2_000)) return;
    this.#lastProbeAt = Date.now();
    try {
      await this.#readCheckpoint();
    } catch (error) {
      this.#lastError = describeError(error);
    }
  }

  #note(event: Record<string, unknown>): void {
    this.#o.log?.(event);
  }

  async #rpc<T>(promise: Promise<T>, what: string, timeoutMs = this.#o.rpcTimeoutMs ?? 30_000): Promise<T> {
    try {
      const value = await withTimeout(promise, timeoutMs, what);
      // Back after an outage: the node may have come back from an older state file; settle with it first.
      if (!this.#reachable) this.#reconciled = false;
      this.#reachable = true;
      return value;
    } catch (error) {
      if (isNetworkError(error)) this.#reachable = false;
      throw error;
    }
  }

  async #hook(run: () => void | Promise<void>): Promise<void> {
    try {
      await run();
    } catch (error) {
      throw new Halt("halted by a hook", { cause: error });
    }
  }

  async #chainLatest(timeoutMs?: number): Promise<{ root: string; treeSize: number; anchoredAt: number; blockNumber: number }> {
    const c = await this.#rpc(this.#o.registry.latestCheckpoint(this.#o.memberId), "latestCheckpoint", timeoutMs);
    return { root: c.root.toLowerCase(), treeSize: Number(c.treeSize), anchoredAt: Number(c.anchoredAt), blockNumber: Number(c.blockNumber) };
  }

  /**
   * Brings the store in line with the chain: settles the in-flight transaction, records anchors the chain has that the
   * store missed, forgets anchors the chain no longer has. Throws (and halts the worker) when the chain's checkpoint
   * is not a checkpoint of this log.
   */
  async reconcile(): Promise<void> {
    const { anchors } = this.#o;
    const inflight = await anchors.inflight();
    if (inflight) {
      const receipt = await this.#rpc(this.#provider.getTransactionReceipt(inflight.txHash), "eth_getTransactionReceipt");
      if (receipt?.status === 1) {
        await this.#recordMined(inflight.treeSize, inflight.root, inflight.txHash, receipt.blockNumber);
      } else if (receipt) {
        await anchors.clearInflight();
      } else {
        const pending = await this.#rpc(this.#provider.getTransaction(inflight.txHash), "eth_getTransactionByHash");
        if (pending) {
          const timeout = this.#o.receiptTimeoutMs ?? 120_000;
          const mined = await this.#rpc(waitForReceipt(this.#provider, inflight.txHash, timeout), "transaction receipt", timeout + 5_000);
          if (mined?.status === 1) await this.#recordMined(inflight.treeSize, inflight.root, inflight.txHash, mined.blockNumber);
          else if (mined) await anchors.clearInflight();
          else throw new Error(`anchor transaction ${inflight.txHash} is still pending`);
        } else {
          // Signed but never reached the node (a crash before the broadcast): nothing happened on chain.
          await anchors.clearInflight();
        }
      }
    }

    const chain = await this.#chainLatest();
    let local = await anchors.latest();
    if (local && local.treeSize > chain.treeSize) {
      const forgotten = await anchors.forgetAbove(chain.treeSize);
      this.#note({ level: "warn", msg: "the chain lost evidence anchors (restarted from an older state?); they will be anchored again", forgotten });
      local = await anchors.latest();
    }
    if (chain.treeSize > 0) {
      if (chain.treeSize > this.#o.evidenceLog.size) {
        throw new Fork(msg("anchor.CHECKPOINT_AHEAD", { treeSize: chain.treeSize, logSize: this.#o.evidenceLog.size }));
      }
      const ours = await this.#o.evidenceLog.root(chain.treeSize);
      if (!equalHashes(ours, fromHex(chain.root))) {
        throw new Fork(msg("anchor.ROOT_DIFFERS", { treeSize: chain.treeSize }));
      }
      if (!local || local.treeSize < chain.treeSize) await this.#recoverFromEvents(local?.blockNumber, chain);
    }
    this.#latest = await anchors.latest();
    this.#reconciled = true;
  }

  /** Records the member's anchors the store missed, from their CheckpointAnchored events (paged eth_getLogs). */
  async #recoverFromEvents(afterBlock: number | undefined, chain: { treeSize: number; blockNumber: number }): Promise<void> {
    const contract = await this.#o.registry.getAddress();
    const memberTopic = `0x${this.#o.memberId.toString(16).padStart(64, "0")}`;
    const page = this.#o.pageBlocks ?? 5_000;
    // Latest first: the chain's own latest checkpoint is in a known block.
    let to = chain.blockNumber;
    const from = afterBlock === undefined ? this.#o.deployBlock : afterBlock + 1;
    while (to >= from) {
      const lo = Math.max(from, to - page + 1);
      const logs = await this.#rpc(
        this.#provider.getLogs({ address: contract, topics: [ABI.checkpointAnchoredTopic, memberTopic], fromBlock: lo, toBlock: to }),
        "eth_getLogs",
      );
      for (const log of logs) {
        const treeSize = Number(BigInt(log.topics[2] ?? "0x0"));
        const root = `0x${log.data.slice(2, 66)}`.toLowerCase();
        if (await this.#o.anchors.at(treeSize)) continue;
        const ours = treeSize <= this.#o.evidenceLog.size ? toBytes32(await this.#o.evidenceLog.root(treeSize)) : undefined;
        if (ours !== root) throw new Fork(msg("anchor.CHECKPOINT_DIFFERS", { treeSize }));
        await this.#recordMined(treeSize, root, log.transactionHash, log.blockNumber);
        this.#note({ level: "info", msg: "evidence anchor recovered from the chain", treeSize, txHash: log.transactionHash });
      }
      to = lo - 1;
    }
  }

  async #recordMined(treeSize: number, root: string, txHash: string, blockNumber: number): Promise<AnchorRecord> {
    const block = await this.#rpc(this.#provider.getBlock(blockNumber), "eth_getBlockByNumber");
    if (!block) throw new Error(`block ${blockNumber} is missing`);
    const anchor: AnchorRecord = {
      treeSize,
      root,
      chainId: this.#o.chainId,
      contract: await this.#o.registry.getAddress(),
      txHash,
      blockNumber,
      blockTime: block.timestamp,
    };
    await this.#o.anchors.recordAnchored(anchor);
    if (!this.#latest || this.#latest.treeSize < treeSize) this.#latest = anchor;
    if ((this.#chainCheckpoint?.treeSize ?? 0) < treeSize) this.#chainCheckpoint = { treeSize, at: Date.now() };
    return anchor;
  }

  /** One anchor of the whole log as it is now, unless the chain already has it. */
  async #anchorOnce(): Promise<AnchorRecord | undefined> {
    const size = this.#o.evidenceLog.size;
    const chain = await this.#chainLatest();
    if (chain.treeSize >= size) {
      if ((this.#latest?.treeSize ?? 0) < chain.treeSize) this.#reconciled = false; // someone anchored: settle it next
      return undefined;
    }
    if ((this.#latest?.treeSize ?? 0) !== chain.treeSize) {
      // The chain moved without us knowing (another process with this key?): settle before sending anything.
      await this.reconcile();
      if ((this.#latest?.treeSize ?? 0) !== chain.treeSize) throw new Error("the store and the chain still disagree after reconciling");
    }
    const root = toBytes32(await this.#o.evidenceLog.root(size));
    const proof = chain.treeSize === 0 ? [] : (await this.#o.evidenceLog.consistencyProof(chain.treeSize, size)).map(toBytes32);
    const registry = this.#o.registry.connect(this.#o.wallet) as EvidenceRegistry;
    const address = await registry.getAddress();
    const data = registry.interface.encodeFunctionData("anchor", [size, root, proof]);
    const request = { to: address, data, from: this.#o.wallet.address };
    const gas = await this.#rpc(this.#provider.estimateGas(request), "eth_estimateGas");
    const fee = this.#o.gasPrice === undefined ? {} : { type: 0, gasPrice: this.#o.gasPrice };
    // Nonce to broadcast under the key's send lock: the case submitter signs with the same key.
    const txHash = await (this.#o.sendLock ?? new SendLock()).run(async () => {
      const nonce = await this.#rpc(pendingNonce(this.#provider, this.#o.wallet.address), "eth_getTransactionCount");
      const populated = await this.#rpc(
        this.#o.wallet.populateTransaction({ ...request, gasLimit: gas + gas / 5n, nonce, chainId: this.#o.chainId, ...fee }),
        "populate transaction",
      );
      const signed = await this.#o.wallet.signTransaction(populated);
      const hash = Transaction.from(signed).hash!;
      await this.#o.anchors.setInflight({ treeSize: size, root, txHash: hash, nonce, previousTreeSize: chain.treeSize, signedAt: new Date().toISOString() });
      await this.#hook(() => this.#o.hooks?.afterSign?.({ treeSize: size, txHash: hash }));
      await this.#rpc(this.#provider.broadcastTransaction(signed), "eth_sendRawTransaction");
      return hash;
    });
    await this.#hook(() => this.#o.hooks?.afterBroadcast?.({ treeSize: size, txHash }));
    const timeout = this.#o.receiptTimeoutMs ?? 120_000;
    const receipt = await this.#rpc(waitForReceipt(this.#provider, txHash, timeout), "transaction receipt", timeout + 5_000);
    if (!receipt) throw new Error(`no receipt for anchor transaction ${txHash} yet`);
    if (receipt.status !== 1) {
      await this.#o.anchors.clearInflight();
      this.#reconciled = false;
      throw new Error(`anchor transaction ${txHash} reverted`);
    }
    await this.#hook(() => this.#o.hooks?.afterMined?.({ treeSize: size, txHash, blockNumber: receipt.blockNumber }));
    const anchor = await this.#recordMined(size, root, txHash, receipt.blockNumber);
    this.#lastError = undefined;
    this.#firstUnanchoredAt = this.#o.evidenceLog.size > size ? Date.now() : undefined;
    this.#note({ level: "info", msg: "evidence anchored", treeSize: size, previousTreeSize: chain.treeSize, txHash, block: receipt.blockNumber });
    this.emit("anchored", anchor);
    return anchor;
  }
}
