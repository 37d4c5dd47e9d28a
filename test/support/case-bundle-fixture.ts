import { createHash } from "node:crypto";
import { Wallet } from "ethers";
import { MEMBER_STATUS, ROLE } from "../../node/domain/consortium/index.js";
import { BUNDLE_FORMAT, type BundleEvent, bundleHash, type CaseBundle, type SignedCaseBundle } from "../../node/domain/evidence/bundle.js";
import type { ChainFacts } from "../../node/domain/evidence/chain-facts.js";
import { type EvidenceRecord, recordJson } from "../../node/domain/evidence/record.js";
import { type AnchoredReceipt, RECEIPT_FORMAT } from "../../node/domain/evidence/receipt.js";
import { type BundleChainFacts, CASE_EVENT_TOPICS, type HistoryTxFacts } from "../../node/domain/evidence/verify-bundle.js";
import { inclusionProof, leafHash, rootOf, toBytes32 } from "../../node/domain/merkle/index.js";
import { signDigest } from "../../node/services/signed-digest.js";

/**
 * A synthetic case bundle with its chain's answers, for the verifier's tests and the benchmark: lender 1 registers
 * the case and assigns it to agency 2, recalls it, assigns it to agency 3, recalls it and transfers it to AMC 4, which
 * signs the bundle. Each member's log holds `perMember` records of the case between records of other cases, each
 * anchored in a checkpoint of its own 30 s after its capture. No personal data: keys and contents are hashes.
 */
export const CHAIN_ID = 31337;
export const EVIDENCE_REGISTRY = "0x9fe46736679d2d9a65f0992f2272de9f3c7fa6e0";
export const CASE_REGISTRY = "0xe7f1725e7734ce288f8367e1bb143e90bb3f0512";
export const T0 = Math.floor(Date.UTC(2026, 2, 1) / 1000);
export const AMC_KEY = new Wallet(`0x${"4".repeat(64)}`);
export const LENDER_KEY = new Wallet(`0x${"1".repeat(64)}`);

const sha = (s: string) => createHash("sha256").update(s).digest("hex");
const word = (n: number | string) => (typeof n === "string" ? n.replace(/^0x/, "") : n.toString(16).padStart(64, "0"));
export const CASE_KEY = `0x${sha("bundle-case")}`;

export interface BundleFixture {
  signed: SignedCaseBundle;
  chain: Extract<BundleChainFacts, { reachable: true }>;
  trust: { chainId: number; evidenceRegistry: string; caseRegistry: string };
  /** Each member's records of the case, in log order (receipt objects). */
  receipts: AnchoredReceipt[];
  /** Contents by SHA-256 for the file check. */
  files: Map<string, { sha256: string; size: number }>;
}

/** The case's history: lender → agency 2 (recalled) → agency 3 (recalled) → transferred to AMC 4. */
export function storyHistory(): BundleEvent[] {
  const ev = (i: number, type: BundleEvent["type"], time: number, extra: Partial<BundleEvent>): BundleEvent => ({ type, txHash: `0x${sha(`tx-${i}`)}`, block: 10 + i, logIndex: 0, time, ...extra });
  return [
    ev(0, "CaseRegistered", T0, { creditorId: 1 }),
    ev(1, "CasesAssigned", T0 + 100, { creditorId: 1, agencyId: 2, until: T0 + 100_000 }),
    ev(2, "CaseAccepted", T0 + 200, { agencyId: 2 }),
    ev(3, "CaseRecalled", T0 + 50_000, { agencyId: 2 }),
    ev(4, "CasesAssigned", T0 + 60_000, { creditorId: 1, agencyId: 3, until: T0 + 200_000 }),
    ev(5, "CaseMandateExtended", T0 + 70_000, { agencyId: 3, previousUntil: T0 + 200_000, until: T0 + 250_000 }),
    ev(6, "CaseRecalled", T0 + 150_000, { agencyId: 3 }),
    ev(7, "CaseCreditorTransferred", T0 + 160_000, { fromCreditorId: 1, toCreditorId: 4 }),
  ];
}

/** When each member captures its records of the case: inside its holding. */
const WINDOWS: Record<number, [number, number]> = { 1: [T0 + 100, T0 + 40_000], 2: [T0 + 300, T0 + 49_000], 3: [T0 + 60_100, T0 + 140_000], 4: [T0 + 160_100, T0 + 200_000] };

export interface FixtureOptions {
  perMember?: number;
  /** Rewrites a record before it is logged (member, its index among the member's records of the case). */
  record?: (r: EvidenceRecord, member: number, i: number) => EvidenceRecord;
  /** Which receipts go into the bundle (all by default). */
  keep?: (r: AnchoredReceipt, member: number, i: number) => boolean;
  history?: BundleEvent[];
  signer?: Wallet;
  creditor?: number;
  /** Members whose logs exist (default 1–4). */
  members?: number[];
}

function logEvents(history: BundleEvent[]): Map<string, HistoryTxFacts> {
  const txs = new Map<string, HistoryTxFacts>();
  for (const e of history) {
    const topics =
      e.type === "CasesAssigned"
        ? [CASE_EVENT_TOPICS[e.type], `0x${word(e.creditorId!)}`, `0x${word(e.agencyId!)}`]
        : [CASE_EVENT_TOPICS[e.type], CASE_KEY, `0x${word(e.agencyId ?? e.creditorId ?? e.fromCreditorId ?? 0)}`];
    const data = e.type === "CasesAssigned" ? `0x${word(e.until!)}${word(64)}${word(1)}${word(CASE_KEY)}` : "0x";
    txs.set(e.txHash, { found: true, succeeded: true, blockNumber: e.block, blockTime: e.time, logs: [{ address: CASE_REGISTRY, topics, data, logIndex: e.logIndex }] });
  }
  return txs;
}

export async function bundleFixture(options: FixtureOptions = {}): Promise<BundleFixture> {
  const perMember = options.perMember ?? 3;
  const history = options.history ?? storyHistory();
  const receipts: AnchoredReceipt[] = [];
  const files = new Map<string, { sha256: string; size: number }>();
  const receiptFacts = new Map<string, ChainFacts>();
  for (const member of options.members ?? [1, 2, 3, 4]) {
    const [from, to] = WINDOWS[member] ?? [T0 + 100, T0 + 1_000];
    const records: string[] = [];
    const ofCase: Array<{ index: number; i: number; capturedAt: number }> = [];
    let prev: string | undefined;
    for (let i = 0; i < perMember; i++) {
      // a record of another case between two of this one
      records.push(recordJson({ v: 1, member, caseKey: `0x${sha(`other-${member}-${i}`)}`, kind: "sms", contentSha256: sha(`o${member}${i}`), contentSize: 3, mediaType: "text/plain", capturedAt: new Date((from + i) * 1000).toISOString(), salt: sha(`os${member}${i}`).slice(0, 32) }));
      const capturedAt = from + Math.floor(((to - from) * (i + 0.5)) / perMember);
      const content = `synthetic content ${member}-${i}`;
      files.set(sha(content), { sha256: sha(content), size: Buffer.byteLength(content) });
      let record: EvidenceRecord = { v: 1, member, caseKey: CASE_KEY, kind: member === 1 ? "authorization" : "call-recording", contentSha256: sha(content), contentSize: Buffer.byteLength(content), mediaType: member === 1 ? "application/json" : "audio/mpeg", capturedAt: new Date(capturedAt * 1000).toISOString(), salt: sha(`s${member}${i}`).slice(0, 32), ...(prev ? { prev } : {}) };
      if (options.record) record = options.record(record, member, i);
      const text = recordJson(record);
      records.push(text);
      prev = toBytes32(leafHash(Buffer.from(text)));
      ofCase.push({ index: records.length - 1, i, capturedAt: Math.floor(Date.parse(record.capturedAt) / 1000) });
    }
    const leaves = records.map((r) => leafHash(Buffer.from(r)));
    for (const { index, i, capturedAt } of ofCase) {
      const size = index + 1;
      const root = toBytes32(rootOf(leaves, size));
      const blockNumber = 1_000 + member * 10_000 + index;
      const blockTime = capturedAt + 30;
      const txHash = `0x${sha(`anchor-${member}-${size}`)}`;
      const receipt: AnchoredReceipt = {
        format: RECEIPT_FORMAT,
        status: "anchored",
        record: records[index]!,
        leafHash: toBytes32(leaves[index]!),
        leafIndex: index,
        inclusionProof: inclusionProof(leaves, index, size).map(toBytes32),
        checkpoint: { treeSize: size, root },
        anchor: { chainId: CHAIN_ID, contract: EVIDENCE_REGISTRY, txHash, blockNumber, blockTime },
      };
      receiptFacts.set(receipt.leafHash, {
        reachable: true,
        chainId: CHAIN_ID,
        contract: EVIDENCE_REGISTRY,
        rootAt: root,
        anchorTx: { found: true, status: 1, blockNumber, to: EVIDENCE_REGISTRY, anchored: [{ member, treeSize: size, root }] },
        block: { number: blockNumber, timestamp: blockTime },
        member: { status: MEMBER_STATUS.Active, roles: member === 2 || member === 3 ? ROLE.AGENCY : ROLE.LENDER },
      });
      if (!options.keep || options.keep(receipt, member, i)) receipts.push(receipt);
    }
  }
  const signer = options.signer ?? AMC_KEY;
  const bundle: CaseBundle = {
    format: BUNDLE_FORMAT,
    caseKey: CASE_KEY,
    creditor: options.creditor ?? 4,
    builtAt: new Date((T0 + 300_000) * 1000).toISOString(),
    chain: { chainId: CHAIN_ID, caseRegistry: CASE_REGISTRY, evidenceRegistry: EVIDENCE_REGISTRY },
    history,
    sources: [{ member: 4, records: receipts.length, via: "own" }],
    receipts,
  };
  const hash = bundleHash(bundle);
  const signed: SignedCaseBundle = { bundle, hash, signature: await signDigest(hash, signer) };
  return {
    signed,
    receipts,
    files,
    trust: { chainId: CHAIN_ID, evidenceRegistry: EVIDENCE_REGISTRY, caseRegistry: CASE_REGISTRY },
    chain: {
      reachable: true,
      chainId: CHAIN_ID,
      creditorSigner: AMC_KEY.address.toLowerCase(),
      receipts: receiptFacts,
      txs: logEvents(history),
      caseLogs: history.filter((e) => e.type !== "CasesAssigned").map((e) => ({ txHash: e.txHash, logIndex: e.logIndex })),
    },
  };
}

/** Re-signs a bundle after a test changed it (as a member forging its own bundle would). */
export async function resign(bundle: CaseBundle, signer: Wallet = AMC_KEY): Promise<SignedCaseBundle> {
  const hash = bundleHash(bundle);
  return { bundle, hash, signature: await signDigest(hash, signer) };
}
