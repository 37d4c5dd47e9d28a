import type { Interface } from "ethers";
import { DEFAULTS } from "../config.js";
import { type CaseHistoryEntry, type CaseRecord, decodeCaseLogs } from "./case-events.js";
import { type CasePage, CaseIndexStore, type Holding, type IndexCursor, type PageOptions } from "./case-index-store.js";
import { ChainError } from "./errors.js";
import type { KvStore } from "../store/kv-store.js";
import { type RawBlockHeader, type RawLog, type RpcClient, fromHex, isNetworkError, sleep, toHex, withTimeout } from "./rpc.js";

export interface CaseIndexerOptions {
  /** The node (an ethers JsonRpcProvider will do). */
  rpc: RpcClient;
  /** The CaseRegistry binding: its address and its ABI's interface (to decode logs). */
  caseRegistry: { interface: Interface; getAddress(): Promise<string> };
  /** First block to replay: the deployment's `deployBlock`. */
  deployBlock: number;
  /** The sublevel the index owns (nothing else may write to it). */
  db: KvStore;
  /** Blocks per eth_getLogs call, at most. Default 5,000 (Besu's limit). */
  pageBlocks?: number;
  /**
   * A page that returns more logs than this is read again as two halves (down to one block), so that one
   * LevelDB batch stays a bounded size however busy the chain was. Default 20,000.
   */
  maxPageLogs?: number;
  /** Time limit of each RPC call. Default 30 s. */
  rpcTimeoutMs?: number;
  /** Called after each page of a sync is stored. */
  onProgress?: (progress: SyncProgress) => void;
  /** Called when the chain no longer matches the index, before the index is rebuilt. */
  onGap?: (gap: GapReport) => void;
  /** Called when a sync of the poll loop fails (the loop goes on). */
  onError?: (error: unknown) => void;
}

export interface SyncProgress {
  /** First block of this sync. */
  fromBlock: number;
  /** Block this sync runs to (the head when it started). */
  toBlock: number;
  /** Last block applied so far. */
  block: number;
  /** Events applied so far in this sync. */
  events: number;
}

export interface SyncResult {
  fromBlock: number;
  /** The head at the start of the sync; below fromBlock when there was nothing new. */
  toBlock: number;
  /** CaseRegistry events applied. */
  events: number;
  /** Set when the index was found out of step with the chain and rebuilt from the deployment block. */
  rebuilt?: GapReport;
}

export interface GapReport {
  /**
   * `chain-shorter`: the node's head is below the index's cursor (restarted from an older state file);
   * `hash-mismatch`: the block at the cursor is another block (reorg, or older state plus new blocks);
   * `deployment-changed`: the index was built for another CaseRegistry address or deploy block.
   */
  reason: "chain-shorter" | "hash-mismatch" | "deployment-changed";
  cursor?: IndexCursor;
  head: number;
}

export interface IndexerStatus {
  cursor: IndexCursor | undefined;
  running: boolean;
  lastSync?: { at: string; result: SyncResult };
  lastError?: string;
}

/**
 * Replays CaseRegistry events into LevelDB: each case's state, its timeline, and indexes by debtor, creditor
 * and agency. Reads "latest" (QBFT has immediate finality; a gap from a node restarted from an older state is
 * detected through the cursor's block hash and repaired by a rebuild). One page of ≤ `pageBlocks` blocks is
 * one eth_getLogs call and one atomic LevelDB write of state plus cursor.
 */
export class CaseIndexer {
  readonly #options: CaseIndexerOptions;
  readonly #store: CaseIndexStore;
  readonly #pageBlocks: number;
  readonly #timeoutMs: number;
  #queue: Promise<unknown> = Promise.resolve();
  #staleCleared = false;
  #loop: { abort: AbortController; done: Promise<void> } | undefined;
  #lastSync: IndexerStatus["lastSync"];
  #lastError: string | undefined;
  #reachable = true;

  constructor(options: CaseIndexerOptions) {
    const pageBlocks = options.pageBlocks ?? DEFAULTS.logPageBlocks;
    if (!Number.isSafeInteger(pageBlocks) || pageBlocks < 1) throw new RangeError("pageBlocks must be a positive integer");
    if (!Number.isSafeInteger(options.deployBlock) || options.deployBlock < 0) throw new RangeError("bad deployBlock");
    this.#options = options;
    this.#pageBlocks = pageBlocks;
    this.#timeoutMs = options.rpcTimeoutMs ?? DEFAULTS.timeouts.rpcMs;
    this.#store = new CaseIndexStore(options.db);
  }

  // ── queries ────────────────────────────────────────────────────────────────────────────────────────

  caseOf(caseKey: string): Promise<CaseRecord | undefined> {
    return this.#store.caseOf(caseKey);
  }

  /** The debtor's cases held by an agency at `nowSeconds`, across all creditors (co-debt). */
  activeHoldings(debtorKey: string, nowSeconds: number): Promise<Holding[]> {
    return this.#store.activeHoldings(debtorKey, nowSeconds);
  }

  activeCount(agencyId: number, nowSeconds: number): Promise<number> {
    return this.#store.activeCount(agencyId, nowSeconds);
  }

  history(caseKey: string): Promise<CaseHistoryEntry[]> {
    return this.#store.history(caseKey);
  }

  /** Every case's events, case by case (see CaseIndexStore.histories). */
  histories(): AsyncGenerator<{ caseKey: string; entries: CaseHistoryEntry[] }> {
    return this.#store.histories();
  }

  casesOfAgency(agencyId: number, options?: PageOptions): Promise<CasePage> {
    return this.#store.casesOfAgency(agencyId, options);
  }

  casesOfCreditor(creditorId: number, options?: PageOptions): Promise<CasePage> {
    return this.#store.casesOfCreditor(creditorId, options);
  }

  cursor(): Promise<IndexCursor | undefined> {
    return this.#store.cursor();
  }

  /** False after the last sync failed because the node did not answer: the index may be behind the chain. */
  get chainReachable(): boolean {
    return this.#reachable;
  }

  async status(): Promise<IndexerStatus> {
    return {
      cursor: await this.#store.cursor(),
      running: this.#loop !== undefined,
      ...(this.#lastSync && { lastSync: this.#lastSync }),
      ...(this.#lastError !== undefined && { lastError: this.#lastError }),
    };
  }

  // ── sync ───────────────────────────────────────────────────────────────────────────────────────────

  /** Catches up with the node's latest block. Calls are serialized: a second call waits for the first. */
  sync(): Promise<SyncResult> {
    const run = this.#queue.then(() => this.#sync());
    this.#queue = run.catch(() => {});
    return run;
  }

  /** Syncs every `intervalMs` until stop(); failures go to onError and the loop goes on. */
  start(intervalMs: number = DEFAULTS.timeouts.indexerPollMs): void {
    if (this.#loop) return;
    const abort = new AbortController();
    const done = (async () => {
      while (!abort.signal.aborted) {
        try {
          await this.sync();
        } catch (error) {
          this.#options.onError?.(error);
        }
        await sleep(intervalMs, abort.signal);
      }
    })();
    this.#loop = { abort, done };
  }

  /** Stops the poll loop; resolves once the sync in progress (if any) has finished. */
  async stop(): Promise<void> {
    const loop = this.#loop;
    if (!loop) return;
    loop.abort.abort();
    await loop.done;
    this.#loop = undefined;
  }

  async #sync(): Promise<SyncResult> {
    try {
      const result = await this.#syncOnce();
      this.#lastSync = { at: new Date().toISOString(), result };
      this.#lastError = undefined;
      this.#reachable = true;
      return result;
    } catch (error) {
      if (isNetworkError(error)) this.#reachable = false;
      this.#lastError = error instanceof Error ? error.message.split("\n")[0] : String(error);
      throw error;
    }
  }

  async #syncOnce(): Promise<SyncResult> {
    const { deployBlock } = this.#options;
    const store = this.#store;
    const registry = (await this.#options.caseRegistry.getAddress()).toLowerCase();
    const head = fromHex((await this.#rpc("eth_blockNumber", [])) as string);

    let gap: GapReport | undefined;
    const meta = await store.meta();
    if (!meta) {
      await store.reset(registry, deployBlock);
    } else if (meta.registry !== registry || meta.deployBlock !== deployBlock) {
      gap = { reason: "deployment-changed", head, ...(await optionalCursor(store)) };
    } else if (!this.#staleCleared) {
      await store.clearStale(); // a rebuild that crashed before deleting the old generation
    }
    this.#staleCleared = true;

    let cursor = await store.cursor();
    if (!gap && cursor) {
      if (head < cursor.block) gap = { reason: "chain-shorter", cursor, head };
      else if ((await this.#header(cursor.block))?.hash.toLowerCase() !== cursor.blockHash) {
        gap = { reason: "hash-mismatch", cursor, head };
      }
    }
    if (gap) {
      this.#options.onGap?.(gap);
      await store.reset(registry, deployBlock);
      cursor = undefined;
    }

    const fromBlock = cursor ? cursor.block + 1 : deployBlock;
    let events = 0;
    const maxLogs = this.#options.maxPageLogs ?? 20_000;
    for (let start = fromBlock, span = this.#pageBlocks; start <= head; ) {
      const end = Math.min(start + span - 1, head);
      const endHeader = await this.#header(end);
      if (!endHeader) throw new ChainError("CHAIN_REORGED", `block ${end} disappeared during the sync`);
      const endHash = endHeader.hash.toLowerCase();
      const logs = (await this.#rpc("eth_getLogs", [
        { address: registry, fromBlock: toHex(start), toBlock: toHex(end) },
      ])) as RawLog[];
      if (logs.length > maxLogs && end > start) {
        span = Math.ceil((end - start + 1) / 2);
        continue;
      }
      span = this.#pageBlocks;
      if (logs.some((log) => fromHex(log.blockNumber) === end && log.blockHash.toLowerCase() !== endHash)) {
        throw new ChainError("CHAIN_REORGED", `block ${end} changed during the sync`);
      }
      const times = await this.#blockTimes(logs, endHeader);
      const changes = decodeCaseLogs(this.#options.caseRegistry.interface, logs, (hash) => {
        const time = times.get(hash.toLowerCase());
        if (time === undefined) throw new ChainError("CHAIN_REORGED", `block ${hash} is no longer known`);
        return time;
      });
      await store.applyPage(changes, { block: end, blockHash: endHash });
      events += new Set(changes.map((change) => `${change.block}/${change.logIndex}`)).size;
      this.#options.onProgress?.({ fromBlock, toBlock: head, block: end, events });
      start = end + 1;
    }
    return { fromBlock, toBlock: head, events, ...(gap && { rebuilt: gap }) };
  }

  /** Block time of every block that holds one of `logs`, by block hash (8 requests at a time). */
  async #blockTimes(logs: RawLog[], known: RawBlockHeader): Promise<Map<string, number>> {
    const times = new Map<string, number>([[known.hash.toLowerCase(), fromHex(known.timestamp)]]);
    const wanted = [...new Set(logs.map((log) => log.blockHash.toLowerCase()))].filter((hash) => !times.has(hash));
    for (let i = 0; i < wanted.length; i += 8) {
      await Promise.all(
        wanted.slice(i, i + 8).map(async (hash) => {
          const header = (await this.#rpc("eth_getBlockByHash", [hash, false])) as RawBlockHeader | null;
          if (header) times.set(hash, fromHex(header.timestamp));
        }),
      );
    }
    return times;
  }

  async #header(block: number): Promise<RawBlockHeader | undefined> {
    return ((await this.#rpc("eth_getBlockByNumber", [toHex(block), false])) as RawBlockHeader | null) ?? undefined;
  }

  #rpc(method: string, params: unknown[]): Promise<unknown> {
    return withTimeout(this.#options.rpc.send(method, params), this.#timeoutMs, method);
  }
}

async function optionalCursor(store: CaseIndexStore): Promise<{ cursor?: IndexCursor }> {
  const cursor = await store.cursor();
  return cursor ? { cursor } : {};
}
