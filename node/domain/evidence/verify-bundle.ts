import { CATALOG } from "../../messages/catalog.js";
import { bilingual, fixedWords, msg } from "../../messages/message.js";
import { type BundleEvent, type BundleEventType, type BundleInput, type BundleParse, type SignedCaseBundle, parseBundle } from "./bundle.js";
import type { ChainFacts } from "./chain-facts.js";
import type { ContentDigest } from "./content-digest.js";
import { type Custody, custodyOf, type HoldingPeriod, judgeCustody } from "./custody.js";
import type { VerificationResult } from "./verification.js";
import { verifyReceipt } from "./verify-receipt.js";
import { InclusionVerifier } from "../merkle/index.js";

/** The result of verifying a bundle: the same JSON from the CLI, the API and the page (docs/case-bundle-format.md §5). */
export const BUNDLE_VERIFICATION_FORMAT = "caseledger-bundle-verification/1";

/** topic0 of each CaseRegistry event (keccak-256 of its signature; checked against ethers in the tests). */
export const CASE_EVENT_TOPICS: Record<BundleEventType, string> = {
  CaseRegistered: "0x87a2a43b864cf3ca81b1930c53a1b1c333e8f80ab31f5682726aef44c22dafa4",
  CasesAssigned: "0x8f2fc3dcf952ccf56a3cb473b10cfc274e4418005293ec53497ee579bd6196ad",
  CaseAccepted: "0xdc0c093407852f229c24aaf40357435d83a1bad5c4164e7c575770c250e31a87",
  CaseReturned: "0x8a6bddadd2426e380499d683ab9f92a992d26bbeb84d031fd58d75436806d575",
  CaseRecalled: "0x1bccb5467a0aa794c630a5406e9879584f61877c8a9862602ee80743c12a0776",
  CaseMandateExtended: "0xa601cc04286b12a916fb8dbf51bfb7bfb04f754e48c6a96ebfdd092776539594",
  CaseSettled: "0x9654432d3262e205c2a6a9433f677f96e6a79f4e7a998ca517532e8a5e396c7c",
  CaseClosed: "0x311c05cdfef24ba47f8ab16bc810be20d29f47f4b85caf0d6eb3f373ed9596f0",
  CaseCreditorTransferred: "0xa72ac2f91c64ad65a22a4c179c41992dfbb30df85189a1a39354af89fcfab341",
};

/** A transaction of the history as the chain has it: its receipt's block and logs, and that block's time. */
export type HistoryTxFacts =
  | { found: false }
  | { found: true; succeeded: boolean; blockNumber: number; blockTime: number | undefined; logs: Array<{ address: string; topics: string[]; data: string; logIndex: number }> }
  | { unavailable: string };

/** What the chain says about a bundle; gathered by an adapter (node/chain/bundle-chain-reader.ts, the page's own). */
export type BundleChainFacts =
  | {
      reachable: true;
      chainId: number;
      /** MemberRegistry.memberOf(creditor).signer now, lower-case; undefined when not answered. */
      creditorSigner: string | undefined;
      /** The chain's answers per receipt, by leaf hash. */
      receipts: ReadonlyMap<string, ChainFacts>;
      /** Per history transaction hash. */
      txs: ReadonlyMap<string, HistoryTxFacts>;
      /** The CaseRegistry logs whose first indexed argument is the case key (all but CasesAssigned), when asked. */
      caseLogs: Array<{ txHash: string; logIndex: number }> | undefined;
    }
  | { reachable: false; error: string };

export interface VerifyBundleInput {
  source: BundleInput;
  /** parseBundle(source) when the caller parsed it already (its hash is the costly part of a large bundle). */
  parsed?: BundleParse;
  /** The address that signed the bundle's hash (recovered by the adapter), undefined when the signature does not recover. */
  recoveredSigner: string | undefined;
  chain?: BundleChainFacts;
  /** The consortium's chain id and registries, when the verifier knows them. */
  trust?: { chainId?: number; evidenceRegistry?: string; caseRegistry?: string };
  /** Files the court was given, by SHA-256 (lower-case hex): each record whose content is among them is checked. */
  files?: ReadonlyMap<string, ContentDigest>;
}

export type CheckName = "bundle" | "signature" | "history" | "creditor" | "completeness";
export type CheckVerdict = "passed" | "failed" | "not-checked";
export interface BundleCheck {
  check: CheckName;
  verdict: CheckVerdict;
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

export type ItemVerdict = "valid" | "outside-mandate" | "invalid" | "incomplete";
export interface BundleItem {
  leafHash: string | null;
  member: number | null;
  kind: string | null;
  capturedAt: string | null;
  anchoredBy: string | null;
  verdict: ItemVerdict;
  code: string;
  message: string;
  /** The receipt's own verification: its verdict and, when it failed, the step and code. */
  receipt: { verdict: VerificationResult["verdict"]; failedStep: string | null; code: string | null; fileChecked: boolean };
  anchor: { txHash: string; blockNumber: number; blockTime: number; contract: string } | null;
  /** The holding period the record falls in (valid), or the member's periods (outside a mandate). */
  periods: HoldingPeriod[];
}

export interface BundleEventVerdict extends BundleEvent {
  verdict: CheckVerdict;
  code: string;
}

export interface BundleVerification {
  format: typeof BUNDLE_VERIFICATION_FORMAT;
  verdict: "valid" | "invalid" | "incomplete";
  summary: string;
  bundleHash: string | null;
  caseKey: string | null;
  creditor: number | null;
  checks: BundleCheck[];
  history: BundleEventVerdict[];
  periods: HoldingPeriod[];
  items: BundleItem[];
  counts: Record<ItemVerdict, number>;
}

type Code = Exclude<keyof (typeof CATALOG)["bundle"], `VERDICT_${string}` | "MEMBER_DID_NOT_ANSWER">;
const words = (code: Code) => fixedWords(`bundle.${code}`);
const check = (name: CheckName, verdict: CheckVerdict, code: Code, details?: Record<string, unknown>): BundleCheck => ({
  check: name,
  verdict,
  code,
  message: words(code),
  ...(details ? { details } : {}),
});
const iso = (seconds: number) => new Date(seconds * 1000).toISOString();
const word = (n: number) => n.toString(16).padStart(64, "0");

function eventOnChain(e: BundleEvent, caseKey: string, contract: string, facts: HistoryTxFacts | undefined): { verdict: CheckVerdict; code: Code } {
  if (!facts || "unavailable" in facts) return { verdict: "not-checked", code: "EVENT_NOT_CHECKED" };
  if (!facts.found) return { verdict: "failed", code: "EVENT_TX_NOT_FOUND" };
  if (!facts.succeeded || facts.blockNumber !== e.block) return { verdict: "failed", code: "EVENT_TX_MISMATCH" };
  const log = facts.logs.find((l) => l.logIndex === e.logIndex && l.address.toLowerCase() === contract.toLowerCase());
  const key = caseKey.slice(2);
  const matches =
    log !== undefined &&
    log.topics[0]?.toLowerCase() === CASE_EVENT_TOPICS[e.type] &&
    (e.type === "CasesAssigned"
      ? log.topics[1]?.toLowerCase() === `0x${word(e.creditorId ?? 0)}` && log.topics[2]?.toLowerCase() === `0x${word(e.agencyId ?? 0)}` && log.data.toLowerCase().includes(key)
      : log.topics[1]?.toLowerCase() === caseKey);
  if (!matches) return { verdict: "failed", code: "EVENT_TX_MISMATCH" };
  if (facts.blockTime !== undefined && facts.blockTime !== e.time) return { verdict: "failed", code: "EVENT_TIME_MISMATCH" };
  return { verdict: "passed", code: "EVENT_OK" };
}

interface ParsedItem {
  index: number;
  receipt: VerificationResult;
  record: { member: number; caseKey: string; prev?: string; capturedAt: string } | undefined;
  leafIndex: number | undefined;
}

/**
 * Verifies a signed case bundle: the bundle's signature by its creditor of record, its history against the chain,
 * each receipt (docs/receipt-format.md), each record's custody (was its member holding the case when it captured and
 * anchored it?) and each member's per-case record chain (no record left out between a member's first and last). Pure:
 * no I/O, never throws; the chain's answers come in `chain`.
 */
export function verifyBundle(input: VerifyBundleInput): BundleVerification {
  const checks: BundleCheck[] = [];
  const parsed = input.parsed ?? parseBundle(input.source);
  const empty = { bundleHash: null, caseKey: null, creditor: null, history: [], periods: [], items: [] };
  if (!parsed.ok) {
    checks.push(check("bundle", "failed", parsed.code, { ...(parsed.field ? { field: parsed.field } : {}), ...(parsed.size !== undefined ? { size: parsed.size } : {}) }));
    return finish(checks, empty);
  }
  const signed: SignedCaseBundle = parsed.signed;
  const bundle = signed.bundle;
  const caseKey = bundle.caseKey;
  const trust = input.trust ?? {};
  const chain = input.chain;
  const online = chain?.reachable === true ? chain : undefined;

  // bundle: hash and the chain it names
  if (parsed.computedHash !== signed.hash) checks.push(check("bundle", "failed", "BUNDLE_HASH_MISMATCH", { computed: parsed.computedHash, stated: signed.hash }));
  else if (trust.chainId !== undefined && trust.chainId !== bundle.chain.chainId) checks.push(check("bundle", "failed", "BUNDLE_WRONG_CHAIN", { expected: trust.chainId, stated: bundle.chain.chainId }));
  else if (trust.caseRegistry !== undefined && trust.caseRegistry.toLowerCase() !== bundle.chain.caseRegistry.toLowerCase()) {
    checks.push(check("bundle", "failed", "BUNDLE_WRONG_CONTRACT", { expected: trust.caseRegistry, stated: bundle.chain.caseRegistry }));
  } else checks.push(check("bundle", "passed", "BUNDLE_OK", { receipts: bundle.receipts.length, events: bundle.history.length }));

  // signature: by the creditor's signer on chain
  const recovered = input.recoveredSigner?.toLowerCase();
  if (recovered === undefined || parsed.computedHash !== signed.hash) checks.push(check("signature", "failed", "SIGNATURE_INVALID"));
  else if (!online) checks.push(check("signature", "not-checked", "SIGNER_NOT_CHECKED", { recovered }));
  else if (online.creditorSigner === undefined) checks.push(check("signature", "not-checked", "SIGNER_NOT_CHECKED", { recovered }));
  else if (online.creditorSigner.toLowerCase() !== recovered) checks.push(check("signature", "failed", "SIGNATURE_NOT_CREDITORS", { recovered, signer: online.creditorSigner }));
  else checks.push(check("signature", "passed", "SIGNATURE_OK", { signer: recovered }));

  // history: consistent in itself, and each event in its transaction on chain
  const custody: Custody = custodyOf(bundle.history);
  const caseRegistry = trust.caseRegistry ?? bundle.chain.caseRegistry;
  const history: BundleEventVerdict[] = bundle.history.map((e) => {
    if (!online) return { ...e, verdict: "not-checked", code: "EVENT_NOT_CHECKED" };
    return { ...e, ...eventOnChain(e, caseKey, caseRegistry, online.txs.get(e.txHash)) };
  });
  // By a set of (transaction, log index): up to 10,000 events against as many logs, not one scan of the history each.
  const listed = new Set(bundle.history.map((e) => `${e.txHash}/${e.logIndex}`));
  const missing = online?.caseLogs?.filter((l) => !listed.has(`${l.txHash.toLowerCase()}/${l.logIndex}`)) ?? [];
  if (custody.problems.length > 0) checks.push(check("history", "failed", "HISTORY_INCONSISTENT", { problems: custody.problems }));
  else if (history.some((h) => h.verdict === "failed")) {
    const bad = history.filter((h) => h.verdict === "failed").map((h) => ({ type: h.type, txHash: h.txHash, code: h.code }));
    checks.push(check("history", "failed", "HISTORY_NOT_ON_CHAIN", { events: bad }));
  } else if (missing.length > 0) checks.push(check("history", "failed", "HISTORY_EVENT_MISSING", { missing }));
  else if (!online) checks.push(check("history", "not-checked", "HISTORY_NOT_CHECKED", { events: history.length }));
  else if (history.some((h) => h.verdict === "not-checked") || online.caseLogs === undefined) checks.push(check("history", "not-checked", "HISTORY_NOT_CHECKED", { events: history.length }));
  else checks.push(check("history", "passed", "HISTORY_OK", { events: history.length }));

  // creditor: the signer is the creditor of record at the end of the history
  if (custody.creditor === undefined) checks.push(check("creditor", "failed", "HISTORY_INCONSISTENT"));
  else if (custody.creditor !== bundle.creditor) checks.push(check("creditor", "failed", "NOT_CREDITOR_OF_RECORD", { creditor: bundle.creditor, ofRecord: custody.creditor }));
  else checks.push(check("creditor", "passed", "CREDITOR_OK", { creditor: bundle.creditor }));

  // items
  const inclusion = new InclusionVerifier();
  const receiptTrust = { ...(trust.evidenceRegistry ? { contract: trust.evidenceRegistry } : {}), chainId: trust.chainId ?? bundle.chain.chainId };
  const parsedItems: ParsedItem[] = bundle.receipts.map((value, index) => {
    let record: ParsedItem["record"];
    const claimedLeaf = (value as { leafHash?: unknown } | null)?.leafHash;
    const chainFacts = online && typeof claimedLeaf === "string" ? (online.receipts.get(claimedLeaf.toLowerCase()) ?? { reachable: false as const, error: "not asked" }) : undefined;
    // One pass of the receipt's seven steps; its leaf hash is checked there, so the facts looked up by the claimed one
    // can only belong to a receipt that verifies as that leaf. The record is parsed once, there: the file the court
    // gave for it is looked up by the record's content hash as soon as the record holds.
    const receipt = verifyReceipt({
      receipt: { value },
      ...(input.files ? { files: input.files } : {}),
      ...(chainFacts ? { chain: chainFacts } : {}),
      trust: receiptTrust,
      inclusion,
      onRecord: (r) => {
        record = r;
      },
    });
    return { index, receipt, record: receipt.evidence ? record : undefined, leafIndex: receipt.evidence?.leafIndex };
  });

  // completeness: each member's records of the case form one unbroken `prev` chain
  const byLeaf = new Map<string, ParsedItem>();
  for (const item of parsedItems) if (item.receipt.evidence) byLeaf.set(item.receipt.evidence.leafHash, item);
  const gaps: Array<{ member: number; leafHash: string; prev: string }> = [];
  const forks: Array<{ member: number; prev: string | null }> = [];
  const successors = new Map<string, number>();
  for (const item of parsedItems) {
    const r = item.record;
    if (!r || !item.receipt.evidence) continue;
    const before = r.prev === undefined ? undefined : byLeaf.get(r.prev);
    if (r.prev !== undefined && (!before || before.record?.member !== r.member || (before.leafIndex ?? Infinity) >= (item.leafIndex ?? -1))) {
      gaps.push({ member: r.member, leafHash: item.receipt.evidence.leafHash, prev: r.prev });
    }
    const slot = `${r.member}/${r.prev ?? "first"}`;
    successors.set(slot, (successors.get(slot) ?? 0) + 1);
    if (successors.get(slot) === 2) forks.push({ member: r.member, prev: r.prev ?? null });
  }
  const gapLeaves = new Set(gaps.map((g) => g.leafHash));
  if (gaps.length > 0) checks.push(check("completeness", "failed", "CHAIN_GAP", { gaps }));
  else if (forks.length > 0) checks.push(check("completeness", "failed", "CHAIN_FORK", { forks }));
  else checks.push(check("completeness", "passed", "CHAIN_COMPLETE", { members: new Set(parsedItems.map((i) => i.record?.member)).size }));

  const items: BundleItem[] = parsedItems.map((item) => {
    const e = item.receipt.evidence;
    const a = item.receipt.anchor;
    const base = {
      leafHash: e?.leafHash ?? null,
      member: e?.member ?? null,
      kind: e?.kind ?? null,
      capturedAt: e?.capturedAt ?? null,
      anchoredBy: a ? iso(a.blockTime) : null,
      receipt: {
        verdict: item.receipt.verdict,
        failedStep: item.receipt.failedStep,
        code: item.receipt.steps.find((s) => s.verdict === "failed")?.code ?? null,
        fileChecked: item.receipt.steps.some((s) => s.step === "file" && s.verdict === "passed"),
      },
      anchor: a ? { txHash: a.txHash, blockNumber: a.blockNumber, blockTime: a.blockTime, contract: a.contract } : null,
    };
    const out = (verdict: ItemVerdict, code: Code, periods: HoldingPeriod[] = []): BundleItem => ({ ...base, verdict, code, message: words(code), periods });
    if (item.receipt.verdict === "invalid" || !e) return out("invalid", "RECEIPT_INVALID");
    if (e.caseKey !== caseKey) return out("invalid", "OTHER_CASE");
    if (e.leafHash && gapLeaves.has(e.leafHash)) return out("invalid", "CHAIN_GAP");
    const verdict = judgeCustody(custody, e.member, Date.parse(e.capturedAt) / 1000, a?.blockTime);
    if (verdict.verdict === "invalid") return out("invalid", verdict.code);
    if (verdict.verdict === "outside-mandate") return out("outside-mandate", verdict.code, verdict.periods);
    // The file is the court's business (it hashes what it was given): a record without its file is not less valid.
    const confirmed = item.receipt.steps.every((s) => s.verdict === "passed" || (s.step === "file" && s.code === "FILE_NOT_GIVEN"));
    if (!confirmed) return out("incomplete", "RECEIPT_NOT_CONFIRMED", [verdict.period]);
    return out("valid", "CUSTODY_OK", [verdict.period]);
  });

  return finish(checks, { bundleHash: signed.hash, caseKey, creditor: bundle.creditor, history, periods: custody.periods, items });
}

function finish(checks: BundleCheck[], parts: Pick<BundleVerification, "bundleHash" | "caseKey" | "creditor" | "history" | "periods" | "items">): BundleVerification {
  const counts: Record<ItemVerdict, number> = { valid: 0, "outside-mandate": 0, invalid: 0, incomplete: 0 };
  for (const item of parts.items) counts[item.verdict]++;
  const failed = checks.some((c) => c.verdict === "failed") || counts.invalid > 0;
  const verdict = failed ? "invalid" : checks.some((c) => c.verdict === "not-checked") || counts.incomplete > 0 ? "incomplete" : "valid";
  const n = { outside: counts["outside-mandate"], invalid: counts.invalid };
  const summary = bilingual(
    verdict === "valid" ? msg("bundle.VERDICT_VALID", { outside: n.outside }) : verdict === "invalid" ? msg("bundle.VERDICT_INVALID", n) : msg("bundle.VERDICT_INCOMPLETE", n),
  );
  return { format: BUNDLE_VERIFICATION_FORMAT, verdict, summary, ...parts, checks, counts };
}
