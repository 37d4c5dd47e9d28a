import { EventEmitter } from "node:events";
import type { Wallet } from "ethers";
import { bilingual, type Message, msg } from "../messages/message.js";
import type { EvidenceRegistry } from "../../types/ethers-contracts/index.js";
import { DEFAULTS } from "../config.js";
import { ABI } from "../domain/evidence/chain-facts.js";
import { equalHashes, fromHex, toBytes32 } from "../domain/merkle/index.js";
import type { AnchorRecord, AnchorStore } from "../store/evidence-log/anchor-store.js";
import type { EvidenceLog } from "../store/evidence-log/evidence-log.js";
import { ChainWorker, hook, workerOptions } from "./chain-worker.js";
import { type AnchorSettings, anchorSettings } from "./evidence-anchor-settings.js";
import type { SendLock } from "./send-lock.js";

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
  /** Time limits (defaults: DEFAULTS.timeouts): each RPC call, one receipt wait, the longest pause between receipt questions. */
  rpcTimeoutMs?: number;
  receiptTimeoutMs?: number;
  receiptPollMs?: number;
  /** The checkpoint read of receipts and views: past it the chain counts as unreachable. Default DEFAULTS.timeouts.quickRpcMs. */
  quickRpcTimeoutMs?: number;
  /** While idle, read the chain's checkpoint this often, to notice one it lost. Default DEFAULTS.timeouts.anchorerProbeMs. */
  probeIntervalMs?: number;
  /** At stop(), how long a step waiting on the chain is given. Default DEFAULTS.timeouts.stopGraceMs. */
  stopGraceMs?: number;
  hooks?: AnchorerHooks;
  log?: (event: Record<string, unknown>) => void;
  /** The key's one send lock, shared with its other senders (the case submitter, the court's verification). */
  sendLock: SendLock;
  /** Milliseconds since the epoch. */
  now?: () => number;
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
 * The anchoring strategy of the chain worker (chain-worker.ts), which runs the loop, signs, records, broadcasts and waits.
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
  readonly #worker: ChainWorker;
  readonly #probeMs: number;
  #reconciled = false;
  #halted: string | undefined;
  #latest: AnchorRecord | undefined;
  #lastAnchorAt: number;
  #lastProbeAt = 0;
  #chainCheckpoint: { treeSize: number; at: number } | undefined;
  #firstUnanchoredAt: number | undefined;
  readonly #onAppended = () => {
    this.#firstUnanchoredAt ??= this.#worker.now();
    if (this.#o.evidenceLog.size - (this.#latest?.treeSize ?? 0) >= this.settings.everyRecords) this.#worker.wake();
  };

  constructor(options: EvidenceAnchorerOptions) {
    super();
    this.#o = options;
    this.settings = anchorSettings(options.settings);
    this.#probeMs = options.probeIntervalMs ?? DEFAULTS.timeouts.anchorerProbeMs;
    this.#worker = new ChainWorker(
      workerOptions(options.wallet, options, { initialMs: this.settings.retryInitialMs, maxMs: this.settings.retryMaxMs, factor: 2 }),
      {
        step: async () => {
          if (!this.#reconciled) await this.reconcile();
          if (this.#due()) {
            await this.#anchorOnce();
            this.#lastAnchorAt = this.#worker.now();
          }
          return false; // the idle sleep ends at once when another anchor is due
        },
        idleMs: () => {
          if (this.#due()) return 0;
          const untilInterval = Math.max(50, this.settings.intervalMs - (this.#worker.now() - this.#lastAnchorAt));
          return Math.min(untilInterval, this.#probeMs, 5_000);
        },
        probe: async () => {
          if (this.#worker.now() - this.#lastProbeAt < this.#probeMs) return;
          this.#lastProbeAt = this.#worker.now();
          await this.#readCheckpoint();
        },
        // Back after an outage: the node may have come back from an older state file; settle with it first.
        reconnected: () => {
          this.#reconciled = false;
        },
        retried: (inMs) => {
          this.#reconciled = false;
          this.#note({ level: "warn", msg: "evidence anchor retried", inMs, error: this.#worker.lastError });
        },
        fatal: (error) => {
          if (!(error instanceof Fork)) return false;
          this.#halted = error.message;
          this.#note({ level: "error", msg: "evidence anchoring halted", error: error.message });
          return true;
        },
        ended: () => this.#o.evidenceLog.off("appended", this.#onAppended),
      },
    );
    this.#lastAnchorAt = this.#worker.now();
  }

  status(): AnchorerStatus {
    const logSize = this.#o.evidenceLog.size;
    const anchoredSize = this.#latest?.treeSize ?? 0;
    const lag = Math.max(0, logSize - anchoredSize);
    const lastError = this.#worker.lastError;
    return {
      running: this.#worker.running,
      logSize,
      anchoredSize,
      lag,
      lagSeconds: lag > 0 && this.#firstUnanchoredAt !== undefined ? Math.round((this.#worker.now() - this.#firstUnanchoredAt) / 1000) : 0,
      lastAnchor: this.#latest
        ? { treeSize: this.#latest.treeSize, txHash: this.#latest.txHash, blockNumber: this.#latest.blockNumber, blockTime: this.#latest.blockTime }
        : null,
      chainReachable: this.#worker.reachable,
      ...(this.#halted !== undefined && { halted: this.#halted }),
      ...(lastError !== undefined && { lastError }),
      settings: { intervalMs: this.settings.intervalMs, everyRecords: this.settings.everyRecords },
    };
  }

  /** Starts the worker (idempotent). */
  start(): void {
    if (this.#worker.running) return;
    this.#o.evidenceLog.on("appended", this.#onAppended);
    this.#worker.start();
  }

  /**
   * Stops after the current step; resolves when stopped, or after `graceMs` when that step waits on a chain that does
   * not answer — safe, since every step's state is on disk first (an in-flight transaction is settled on next start).
   */
  async stop(graceMs = this.#o.stopGraceMs ?? DEFAULTS.timeouts.stopGraceMs): Promise<void> {
    if (!this.#worker.running) return;
    this.#o.evidenceLog.off("appended", this.#onAppended);
    await this.#worker.stop(graceMs);
  }

  /**
   * The size of the member's latest checkpoint on chain, read at most `maxAgeMs` ago — read afresh whenever the value
   * kept is below `atLeast` (the caller is about to call something unanchored: it must be sure) — or undefined when
   * the node does not answer within the quick RPC limit (2 s). Receipts and views use it so that nothing is reported
   * anchored that the chain does not have; a checkpoint smaller than the store's makes the worker reconcile (and
   * anchor again) at once.
   */
  async chainCheckpointSize(maxAgeMs = 1_000, atLeast = 0): Promise<number | undefined> {
    const cached = this.#chainCheckpoint;
    if (cached && this.#worker.now() - cached.at <= maxAgeMs && cached.treeSize >= atLeast) return cached.treeSize;
    try {
      return (await this.#readCheckpoint(this.#o.quickRpcTimeoutMs ?? DEFAULTS.timeouts.quickRpcMs)).treeSize;
    } catch {
      return undefined;
    }
  }

  /** Asks the chain for the latest checkpoint; a smaller one than the store's (the chain lost anchors) starts a reconcile. */
  async #readCheckpoint(timeoutMs?: number): Promise<{ root: string; treeSize: number; anchoredAt: number; blockNumber: number }> {
    const chain = await this.#chainLatest(timeoutMs);
    this.#chainCheckpoint = { treeSize: chain.treeSize, at: this.#worker.now() };
    if (chain.treeSize < (this.#latest?.treeSize ?? 0) && this.#reconciled) {
      this.#reconciled = false;
      this.#worker.wake();
    }
    return chain;
  }

  /** The indexer found the chain changed under it: settle with the chain before anchoring again. */
  noticeChainGap(): void {
    this.#reconciled = false;
    this.#worker.wake();
  }

  /** Anchors now whatever the schedule says (tests, an operator's "anchor now"); resolves with the anchor or undefined. */
  async anchorNow(): Promise<AnchorRecord | undefined> {
    if (!this.#reconciled) await this.reconcile();
    return this.#anchorOnce();
  }

  // ── strategy ───────────────────────────────────────────────────────────────────────────────────────

  #due(): boolean {
    const pending = this.#o.evidenceLog.size - (this.#latest?.treeSize ?? 0);
    if (pending <= 0) return false;
    return pending >= this.settings.everyRecords || this.#worker.now() - this.#lastAnchorAt >= this.settings.intervalMs;
  }

  #note(event: Record<string, unknown>): void {
    this.#o.log?.(event);
  }

  async #chainLatest(timeoutMs?: number): Promise<{ root: string; treeSize: number; anchoredAt: number; blockNumber: number }> {
    const c = await this.#worker.rpc(this.#o.registry.latestCheckpoint(this.#o.memberId), "latestCheckpoint", timeoutMs);
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
      // Mined: recorded. Reverted, or signed and never reached the node (a crash before the broadcast): forgotten.
      const receipt = await this.#worker.settle(inflight.txHash);
      if (receipt?.status === 1) await this.#recordMined(inflight.treeSize, inflight.root, inflight.txHash, receipt.blockNumber);
      else await anchors.clearInflight();
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
      const logs = await this.#worker.rpc(
        this.#worker.provider.getLogs({ address: contract, topics: [ABI.checkpointAnchoredTopic, memberTopic], fromBlock: lo, toBlock: to }),
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
    const block = await this.#worker.rpc(this.#worker.provider.getBlock(blockNumber), "eth_getBlockByNumber");
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
    if ((this.#chainCheckpoint?.treeSize ?? 0) < treeSize) this.#chainCheckpoint = { treeSize, at: this.#worker.now() };
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
    const registry = this.#o.registry;
    const address = await registry.getAddress();
    const data = registry.interface.encodeFunctionData("anchor", [size, root, proof]);
    const request = { to: address, data, from: this.#o.wallet.address };
    const gas = await this.#worker.rpc(this.#worker.provider.estimateGas(request), "eth_estimateGas");
    // Recorded in flight before the broadcast, under the key's send lock: the case submitter signs with the same key.
    const txHash = await this.#worker.send(
      { to: address, data },
      gas,
      {
        record: ({ txHash, nonce, signedAt }) =>
          this.#o.anchors.setInflight({ treeSize: size, root, txHash, nonce, previousTreeSize: chain.treeSize, signedAt }),
        forget: () => this.#o.anchors.clearInflight(),
      },
      {
        afterSign: (hash) => this.#o.hooks?.afterSign?.({ treeSize: size, txHash: hash }),
        afterBroadcast: (hash) => this.#o.hooks?.afterBroadcast?.({ treeSize: size, txHash: hash }),
      },
    );
    const receipt = await this.#worker.receipt(txHash);
    if (receipt.status !== 1) {
      await this.#o.anchors.clearInflight();
      this.#reconciled = false;
      throw new Error(`anchor transaction ${txHash} reverted`);
    }
    await hook(() => this.#o.hooks?.afterMined?.({ treeSize: size, txHash, blockNumber: receipt.blockNumber }));
    const anchor = await this.#recordMined(size, root, txHash, receipt.blockNumber);
    this.#worker.lastError = undefined;
    this.#firstUnanchoredAt = this.#o.evidenceLog.size > size ? this.#worker.now() : undefined;
    this.#note({ level: "info", msg: "evidence anchored", treeSize: size, previousTreeSize: chain.treeSize, txHash, block: receipt.blockNumber });
    this.emit("anchored", anchor);
    return anchor;
  }
}
