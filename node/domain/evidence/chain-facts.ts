import type { AnchoredReceipt } from "./receipt.js";

/**
 * What a verifier asks the chain about an anchored receipt, and the answers it got: fetched by an adapter
 * (node/chain/evidence-chain-reader.ts, the web page's own code) and judged by the pure verifier. The calls are
 * plain JSON-RPC (`eth_chainId`, `eth_call`, `eth_getTransactionReceipt`, `eth_getBlockByNumber`), so anything
 * that speaks JSON-RPC can answer them; the ABI encoding below is all that is needed.
 */
export interface ChainQuestions {
  /** The EvidenceRegistry to ask: the verifier's pinned address, else the receipt's own. */
  contract: string;
  member: number;
  treeSize: number;
  txHash: string;
  blockNumber: number;
}

/** A CheckpointAnchored event as found in the anchor transaction's receipt. */
export interface AnchoredLog {
  member: number;
  treeSize: number;
  root: string;
}

export type AnchorTxFacts =
  | { found: false }
  | { found: true; status: number; blockNumber: number; to: string | null; anchored: AnchoredLog[] }
  | { unavailable: string };

export type ChainFacts =
  | {
      reachable: true;
      /** eth_chainId of the node. */
      chainId: number;
      /** The registry that was asked. */
      contract: string;
      /** rootAt(member, treeSize): zero when that checkpoint was never anchored. */
      rootAt: string;
      anchorTx: AnchorTxFacts;
      /** The receipt's anchor block as the node has it; null when the node has no such block. */
      block: { number: number; timestamp: number } | null | { unavailable: string };
      /** MemberRegistry.memberOf(member), through the registry's memberRegistry(). */
      member: { status: number; roles: number } | { unavailable: string };
    }
  | { reachable: false; error: string };

export const ZERO_HASH = `0x${"0".repeat(64)}`;

/** Selectors and topic (keccak-256 of the signatures; checked against ethers in the tests). */
export const ABI = {
  rootAt: "0x6ce5061b", // rootAt(uint32,uint64)
  latestCheckpoint: "0x41506748", // latestCheckpoint(uint32)
  memberRegistry: "0xa74d4772", // memberRegistry()
  memberOf: "0xa59934a5", // memberOf(uint32)
  checkpointAnchoredTopic: "0x8b987044b6e3ae2d2879175b66638b191a86cd33538edf6dfbfdfb1a3f3adb94",
} as const;

const word = (n: number | bigint) => BigInt(n).toString(16).padStart(64, "0");

export function questionsFor(receipt: AnchoredReceipt, member: number, pinnedContract?: string): ChainQuestions {
  return {
    contract: pinnedContract ?? receipt.anchor.contract,
    member,
    treeSize: receipt.checkpoint.treeSize,
    txHash: receipt.anchor.txHash,
    blockNumber: receipt.anchor.blockNumber,
  };
}

export const encodeRootAt = (member: number, treeSize: number) => `${ABI.rootAt}${word(member)}${word(treeSize)}`;
export const encodeMemberOf = (member: number) => `${ABI.memberOf}${word(member)}`;

/** The 32-byte words of ABI-encoded return data. */
export function words(hex: string): string[] {
  const body = hex.startsWith("0x") ? hex.slice(2) : hex;
  if (body.length % 64 !== 0 || !/^[0-9a-fA-F]*$/.test(body)) throw new TypeError("not ABI-encoded words");
  const out: string[] = [];
  for (let i = 0; i < body.length; i += 64) out.push(body.slice(i, i + 64).toLowerCase());
  return out;
}

export const wordToNumber = (w: string | undefined): number => {
  if (w === undefined) throw new TypeError("missing word");
  const n = BigInt(`0x${w}`);
  if (n > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError("value too large");
  return Number(n);
};

export function decodeAddressWord(w: string | undefined): string {
  if (w === undefined || !/^0{24}[0-9a-f]{40}$/.test(w)) throw new TypeError("not an address word");
  return `0x${w.slice(24)}`;
}

/** memberOf's (signer, roles, status, metadataHash). */
export function decodeMember(hex: string): { signer: string; roles: number; status: number } {
  const [signer, roles, status] = words(hex);
  return { signer: decodeAddressWord(signer), roles: wordToNumber(roles), status: wordToNumber(status) };
}

/** The CheckpointAnchored events of `contract` among a transaction receipt's logs. */
export function anchoredLogs(
  logs: ReadonlyArray<{ address: string; topics: readonly string[]; data: string }>,
  contract: string,
): AnchoredLog[] {
  const out: AnchoredLog[] = [];
  for (const log of logs) {
    if (log.address.toLowerCase() !== contract.toLowerCase()) continue;
    if (log.topics[0]?.toLowerCase() !== ABI.checkpointAnchoredTopic || log.topics.length !== 3) continue;
    try {
      const [root] = words(log.data);
      out.push({ member: wordToNumber(words(log.topics[1]!)[0]), treeSize: wordToNumber(words(log.topics[2]!)[0]), root: `0x${root ?? ""}` });
    } catch {
      // not ours after all
    }
  }
  return out;
}

