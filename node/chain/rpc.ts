import { JsonRpcApiProvider, JsonRpcProvider, type Provider } from "ethers";
import { ChainError } from "./errors.js";

/**
 * Raw JSON-RPC, as ethers' `JsonRpcProvider.send` offers it. The indexer reads through this rather than
 * through the provider's helpers so that every read is of "latest" and none is served from ethers' short
 * request cache (a block number 250 ms old would hide a fresh transaction from a sync).
 */
export interface RpcClient {
  send(method: string, params: unknown[]): Promise<unknown>;
}

/** A block header as eth_getBlockByNumber returns it (hex quantities); only what the adapter reads. */
export interface RawBlockHeader {
  number: string;
  hash: string;
  parentHash: string;
  timestamp: string;
}

/** A log as eth_getLogs returns it. */
export interface RawLog {
  address: string;
  topics: string[];
  data: string;
  blockNumber: string;
  blockHash: string;
  transactionHash: string;
  transactionIndex: string;
  logIndex: string;
  removed?: boolean;
}

export const toHex = (n: number): string => `0x${n.toString(16)}`;
export const fromHex = (hex: string): number => {
  const n = Number.parseInt(hex, 16);
  if (!Number.isSafeInteger(n)) throw new ChainError("RPC_UNAVAILABLE", `the node answered a bad quantity ${hex}`);
  return n;
};

/** Rejects with RPC_TIMEOUT when `promise` has not settled within `ms`; the late outcome is swallowed. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ChainError("RPC_TIMEOUT", `${what} did not answer within ${ms} ms`)), ms);
  });
  promise.catch(() => {}); // a late rejection after the timeout must not become an unhandled rejection
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const NETWORK_CODES = new Set([
  // Node's socket errors (ethers passes them through as they are)
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  // ethers
  "NETWORK_ERROR",
  "SERVER_ERROR",
  "TIMEOUT",
  // ours
  "RPC_UNAVAILABLE",
  "RPC_TIMEOUT",
]);

/**
 * True when `error` says the node could not be reached or did not answer (as opposed to the node answering
 * with a revert or a rejection): worth retrying later, and the chain counts as unreachable meanwhile.
 */
export function isNetworkError(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && typeof e === "object" && depth < 5; depth++) {
    const { code, cause, error: inner } = e as { code?: unknown; cause?: unknown; error?: unknown };
    if (typeof code === "string" && NETWORK_CODES.has(code)) return true;
    e = cause ?? inner;
  }
  return false;
}

/** A promise that resolves after `ms`, or at once when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

/**
 * The receipt of a transaction, asking the node at once, then after 25 ms, doubling up to `pollMs`, until it has one
 * or `timeoutMs` has passed (then null). The one way the gateway waits for a receipt. Deliberately not ethers'
 * `response.wait`/`waitForTransaction`, which wait on block events: under load on anvil (automine, no block unless a
 * transaction comes) they were seen waiting their whole timeout for a transaction mined long before, which stalled
 * anchoring (scripts/bench/load.ts) and case assignment (scripts/bench/assign.ts) for minutes. A plain question to
 * the node cannot miss a block; the short first pauses keep an automining chain's batches back to back.
 */
export async function waitForReceipt<R>(
  provider: { getTransactionReceipt(hash: string): Promise<R | null> },
  txHash: string,
  timeoutMs: number,
  options: { pollMs?: number; signal?: AbortSignal } = {},
): Promise<R | null> {
  const deadline = Date.now() + timeoutMs;
  const pollMs = options.pollMs ?? 250;
  for (let pause = Math.min(25, pollMs); ; pause = Math.min(pause * 2, pollMs)) {
    const receipt = await provider.getTransactionReceipt(txHash);
    if (receipt) return receipt;
    if (Date.now() >= deadline || options.signal?.aborted) return null;
    await sleep(Math.min(pause, Math.max(0, deadline - Date.now())), options.signal);
  }
}

/** What the gateway needs of a transaction's receipt. */
export interface MinedReceipt {
  hash: string;
  blockNumber: number;
  /** 1: succeeded; 0: reverted. */
  status: number;
}

/**
 * One JSON-RPC call over Node's own fetch and JSON parser. For large answers (a receipt of a batch of 200 cases carries
 * 201 logs, ~150 KB) ethers' byte-by-byte UTF-8 decoding of the body cost more CPU than the rest of a batch's work.
 * A node that cannot be reached or answers other than JSON-RPC is RPC_UNAVAILABLE (a network error).
 */
export async function nativeJsonRpc(url: string, method: string, params: unknown[]): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });
  } catch (cause) {
    throw new ChainError("RPC_UNAVAILABLE", `${method}: the node cannot be reached`, { cause });
  }
  const body: unknown = await res.json().catch(() => undefined);
  if (!res.ok || !body || typeof body !== "object") throw new ChainError("RPC_UNAVAILABLE", `${method}: the node answered HTTP ${res.status}, not JSON-RPC`);
  const { result, error } = body as { result?: unknown; error?: { message?: unknown } };
  if (error) throw new Error(`${method}: ${(typeof error.message === "string" ? error.message : "error").slice(0, 200)}`);
  return result;
}

/**
 * Receipts read from the node itself on every question. ethers' providers answer an identical request from a 250 ms
 * cache, so a poll that was told "not mined yet" kept hearing it for 250 ms: on an automining chain that was most of
 * the time a batch took (bench:assign). Only what the gateway reads of a receipt is kept; over HTTP the answer is
 * parsed natively (nativeJsonRpc).
 */
export function freshReceipts(provider: Provider): { getTransactionReceipt(hash: string): Promise<MinedReceipt | null> } {
  if (provider instanceof JsonRpcApiProvider) {
    const url = provider instanceof JsonRpcProvider ? provider._getConnection().url : undefined;
    const ask = (hash: string): Promise<unknown> =>
      url?.startsWith("http") ? nativeJsonRpc(url, "eth_getTransactionReceipt", [hash]) : provider.send("eth_getTransactionReceipt", [hash]);
    return {
      async getTransactionReceipt(hash) {
        const raw = await ask(hash);
        if (raw === null || raw === undefined) return null;
        const { transactionHash, blockNumber, status } = raw as { transactionHash?: unknown; blockNumber?: unknown; status?: unknown };
        if (typeof transactionHash !== "string" || typeof blockNumber !== "string" || typeof status !== "string") {
          throw new ChainError("RPC_UNAVAILABLE", `the node answered a malformed receipt for ${hash}`);
        }
        return { hash: transactionHash, blockNumber: fromHex(blockNumber), status: fromHex(status) };
      },
    };
  }
  return {
    async getTransactionReceipt(hash) {
      const receipt = await provider.getTransactionReceipt(hash);
      return receipt && { hash: receipt.hash, blockNumber: receipt.blockNumber, status: receipt.status ?? 0 };
    },
  };
}
