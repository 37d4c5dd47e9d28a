import { DEFAULTS } from "../config.js";
import {
  ABI,
  type AnchorTxFacts,
  anchoredLogs,
  type ChainFacts,
  type ChainQuestions,
  decodeAddressWord,
  decodeMember,
  encodeMemberOf,
  encodeRootAt,
  words,
} from "../domain/evidence/chain-facts.js";
import { MEMBER_STATUS } from "../domain/consortium/index.js";

/**
 * Asks a chain node, over plain JSON-RPC (fetch; no ethers, so that `caseledger verify` starts fast), what a verifier
 * needs to judge an anchor: the chain id, `rootAt`, the anchor transaction's receipt, the block and the member.
 * Never throws: an unreachable node is `{ reachable: false }`, a single unanswered question is `unavailable`.
 */
export interface JsonRpcCaller {
  call(method: string, params: unknown[]): Promise<unknown>;
}

export class JsonRpcError extends Error {
  override readonly name = "JsonRpcError";
  constructor(
    message: string,
    readonly network: boolean,
  ) {
    super(message);
  }
}

/** A JSON-RPC client over HTTP(S) with a time limit per call. */
export function httpJsonRpc(url: string, timeoutMs: number = DEFAULTS.timeouts.verifyRpcMs): JsonRpcCaller {
  let id = 0;
  return {
    async call(method, params) {
      let res: Response;
      try {
        res = await fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ jsonrpc: "2.0", id: ++id, method, params }),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        throw new JsonRpcError(`${method}: ${(error as Error).message}`, true);
      }
      if (!res.ok) throw new JsonRpcError(`${method}: HTTP ${res.status}`, true);
      const body = (await res.json().catch(() => undefined)) as { result?: unknown; error?: { message?: string } } | undefined;
      if (!body || typeof body !== "object") throw new JsonRpcError(`${method}: the node did not answer JSON-RPC`, true);
      if (body.error) throw new JsonRpcError(`${method}: ${String(body.error.message ?? "error").slice(0, 200)}`, false);
      return body.result;
    },
  };
}

const quantity = (hex: unknown): number => {
  if (typeof hex !== "string" || !/^0x[0-9a-fA-F]+$/.test(hex)) throw new TypeError("not a quantity");
  const n = Number.parseInt(hex, 16);
  if (!Number.isSafeInteger(n)) throw new RangeError("quantity too large");
  return n;
};

const describe = (error: unknown) => String((error as Error)?.message ?? error).slice(0, 200);

/** The chain's answers to `questions`. */
export async function readChainFacts(rpc: JsonRpcCaller, questions: ChainQuestions): Promise<ChainFacts> {
  let chainId: number;
  try {
    chainId = quantity(await rpc.call("eth_chainId", []));
  } catch (error) {
    return { reachable: false, error: describe(error) };
  }
  const ethCall = async (data: string, to = questions.contract) => String(await rpc.call("eth_call", [{ to, data }, "latest"]));
  let rootAt: string;
  try {
    const [word] = words(await ethCall(encodeRootAt(questions.member, questions.treeSize)));
    if (word === undefined) throw new TypeError("empty answer");
    rootAt = `0x${word}`;
  } catch (error) {
    if (error instanceof JsonRpcError && error.network) return { reachable: false, error: describe(error) };
    // No contract there (empty return data) or a revert: nothing anchored at that address.
    rootAt = `0x${"0".repeat(64)}`;
  }

  const [anchorTx, block, member] = await Promise.all([
    (async (): Promise<AnchorTxFacts> => {
      try {
        const receipt = (await rpc.call("eth_getTransactionReceipt", [questions.txHash])) as
          | { status?: string; blockNumber?: string; to?: string | null; logs?: Array<{ address: string; topics: string[]; data: string }> }
          | null;
        if (!receipt) return { found: false };
        return {
          found: true,
          status: quantity(receipt.status ?? "0x0"),
          blockNumber: quantity(receipt.blockNumber),
          to: receipt.to ?? null,
          anchored: anchoredLogs(receipt.logs ?? [], questions.contract),
        };
      } catch (error) {
        return { unavailable: describe(error) };
      }
    })(),
    (async () => {
      try {
        const header = (await rpc.call("eth_getBlockByNumber", [`0x${questions.blockNumber.toString(16)}`, false])) as
          | { number?: string; timestamp?: string }
          | null;
        if (!header) return null;
        return { number: quantity(header.number), timestamp: quantity(header.timestamp) };
      } catch (error) {
        return { unavailable: describe(error) };
      }
    })(),
    (async () => {
      try {
        const registry = decodeAddressWord(words(await ethCall(ABI.memberRegistry))[0]);
        let answer: string;
        try {
          answer = await ethCall(encodeMemberOf(questions.member), registry);
        } catch (error) {
          // MemberRegistry reverts (MemberRegistryUnknownMember) for an id never admitted.
          if (error instanceof JsonRpcError && !error.network) return { status: MEMBER_STATUS.None, roles: 0 };
          throw error;
        }
        const m = decodeMember(answer);
        return { status: m.status, roles: m.roles };
      } catch (error) {
        return { unavailable: describe(error) };
      }
    })(),
  ]);
  return { reachable: true, chainId, contract: questions.contract, rootAt, anchorTx, block, member };
}
