import { type ChainFacts, ABI, decodeAddressWord, decodeMember, encodeMemberOf, questionsFor, words } from "../domain/evidence/chain-facts.js";
import type { CaseBundle } from "../domain/evidence/bundle.js";
import { parseReceipt } from "../domain/evidence/receipt-parse.js";
import { parseRecordText } from "../domain/evidence/record-validation.js";
import { type BundleChainFacts, CASE_EVENT_TOPICS, type HistoryTxFacts } from "../domain/evidence/verify-bundle.js";
import { type JsonRpcCaller, readChainFacts } from "./evidence-chain-reader.js";

/** Questions in flight at once against the node. */
const PARALLEL = 16;

const quantity = (hex: unknown): number => {
  if (typeof hex !== "string" || !/^0x[0-9a-fA-F]+$/.test(hex)) throw new TypeError("not a quantity");
  return Number.parseInt(hex, 16);
};
const describe = (error: unknown) => String((error as Error)?.message ?? error).slice(0, 200);

async function inParallel<T>(items: readonly T[], run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(PARALLEL, items.length) }, async () => {
      while (next < items.length) await run(items[next++]!);
    }),
  );
}

/**
 * Asks a chain node, over plain JSON-RPC, what verifying a case bundle needs (docs/case-bundle-format.md §4): the
 * creditor's signer, each receipt's anchor (asked once per checkpoint, however many receipts share it), each history
 * transaction with its block time, and the CaseRegistry's logs of the case. Never throws.
 */
export async function readBundleChainFacts(
  rpc: JsonRpcCaller,
  bundle: CaseBundle,
  pinned: { evidenceRegistry?: string; caseRegistry?: string } = {},
  onProgress?: (done: number, total: number) => void,
): Promise<BundleChainFacts> {
  let chainId: number;
  try {
    chainId = quantity(await rpc.call("eth_chainId", []));
  } catch (error) {
    return { reachable: false, error: describe(error) };
  }
  const evidenceRegistry = pinned.evidenceRegistry ?? bundle.chain.evidenceRegistry;
  const caseRegistry = pinned.caseRegistry ?? bundle.chain.caseRegistry;

  let creditorSigner: string | undefined;
  try {
    const registry = decodeAddressWord(words(String(await rpc.call("eth_call", [{ to: evidenceRegistry, data: ABI.memberRegistry }, "latest"])))[0]);
    creditorSigner = decodeMember(String(await rpc.call("eth_call", [{ to: registry, data: encodeMemberOf(bundle.creditor) }, "latest"]))).signer.toLowerCase();
  } catch {
    creditorSigner = undefined;
  }

  // One set of questions per checkpoint and anchor transaction.
  const groups = new Map<string, { questions: ReturnType<typeof questionsFor>; leaves: string[] }>();
  for (const value of bundle.receipts) {
    const parsed = parseReceipt({ value });
    if (!parsed.ok || parsed.receipt.status !== "anchored") continue;
    const record = parseRecordText(parsed.receipt.record);
    if (!record.ok) continue;
    const q = questionsFor(parsed.receipt, record.record.member, evidenceRegistry);
    const key = `${q.member}/${q.treeSize}/${q.txHash}/${q.blockNumber}`;
    const group = groups.get(key) ?? { questions: q, leaves: [] };
    group.leaves.push(parsed.receipt.leafHash);
    groups.set(key, group);
  }
  const receipts = new Map<string, ChainFacts>();
  const all = [...groups.values()];
  let done = 0;
  await inParallel(all, async (group) => {
    const facts = await readChainFacts(rpc, group.questions);
    for (const leaf of group.leaves) receipts.set(leaf, facts);
    onProgress?.(++done, all.length);
  });

  const txs = new Map<string, HistoryTxFacts>();
  const blockTimes = new Map<number, Promise<number | undefined>>();
  const blockTime = (n: number) => {
    let p = blockTimes.get(n);
    if (!p) {
      p = (rpc.call("eth_getBlockByNumber", [`0x${n.toString(16)}`, false]) as Promise<{ timestamp?: string } | null>)
        .then((h) => (h ? quantity(h.timestamp) : undefined))
        .catch(() => undefined);
      blockTimes.set(n, p);
    }
    return p;
  };
  await inParallel([...new Set(bundle.history.map((e) => e.txHash))], async (txHash) => {
    try {
      const r = (await rpc.call("eth_getTransactionReceipt", [txHash])) as
        | { status?: string; blockNumber?: string; logs?: Array<{ address: string; topics: string[]; data: string; logIndex: string }> }
        | null;
      if (!r) {
        txs.set(txHash, { found: false });
        return;
      }
      const blockNumber = quantity(r.blockNumber);
      txs.set(txHash, {
        found: true,
        succeeded: r.status === "0x1",
        blockNumber,
        blockTime: await blockTime(blockNumber),
        logs: (r.logs ?? []).map((l) => ({ address: l.address, topics: l.topics, data: l.data, logIndex: quantity(l.logIndex) })),
      });
    } catch (error) {
      txs.set(txHash, { unavailable: describe(error) });
    }
  });

  let caseLogs: Array<{ txHash: string; logIndex: number }> | undefined;
  try {
    const topics = new Set(Object.values(CASE_EVENT_TOPICS));
    const logs = (await rpc.call("eth_getLogs", [{ address: caseRegistry, fromBlock: "0x0", toBlock: "latest", topics: [null, bundle.caseKey] }])) as Array<{
      transactionHash: string;
      logIndex: string;
      topics: string[];
      removed?: boolean;
    }>;
    caseLogs = logs.filter((l) => !l.removed && topics.has(l.topics[0]?.toLowerCase() ?? "")).map((l) => ({ txHash: l.transactionHash.toLowerCase(), logIndex: quantity(l.logIndex) }));
  } catch {
    caseLogs = undefined;
  }
  return { reachable: true, chainId, creditorSigner, receipts, txs, caseLogs };
}
