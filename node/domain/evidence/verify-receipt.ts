import { CATALOG } from "../../messages/catalog.js";
import { bilingual, fixedWords, type Lang, msg, render } from "../../messages/message.js";
import { memberStatusName } from "../consortium/member-status.js";
import { fromHex, type InclusionVerifier, leafHash, toBytes32, verifyInclusion } from "../merkle/index.js";
import type { ChainFacts } from "./chain-facts.js";
import { ZERO_HASH } from "./chain-facts.js";
import type { ContentDigest } from "./content-digest.js";
import type { EvidenceRecord } from "./record.js";
import { parseRecordText } from "./record-validation.js";
import { type ReceiptSource, parseReceipt } from "./receipt-parse.js";
import type { AnchoredReceipt, Receipt } from "./receipt.js";
import {
  type OverallVerdict,
  STEP_NAMES,
  type StepName,
  type StepVerdict,
  VERIFICATION_FORMAT,
  type VerificationResult,
  type VerificationStep,
} from "./verification.js";

export interface VerifyInput {
  receipt: ReceiptSource;
  /** Digests of the file being verified; absent when only the receipt is at hand. */
  file?: ContentDigest;
  /** Files at hand by SHA-256 (lower-case hex), when there is no `file`: the one the record names is checked. */
  files?: ReadonlyMap<string, ContentDigest>;
  /** The chain's answers about the anchor (see chain-facts.ts); absent offline. */
  chain?: ChainFacts;
  /**
   * What the verifier trusts or expects: its consortium's EvidenceRegistry address and chain id, and (optionally)
   * the member the evidence should come from.
   */
  trust?: { contract?: string; chainId?: number; member?: number };
  /** Checks the inclusion proof, remembering the nodes it climbed: one shared by a bundle's receipts (same answers). */
  inclusion?: InclusionVerifier;
  /** Told the record once it parsed and validated (a bundle's record chains need its `prev`; no second parse). */
  onRecord?: (record: EvidenceRecord) => void;
}

/** A claimed capture time may run ahead of the anchor's block time by this much (clocks of members and validators). */
export const CLOCK_SKEW_SECONDS = 300;

const iso = (seconds: number) => new Date(seconds * 1000).toISOString();

const M = CATALOG.receipt;
type Code = keyof typeof M;

/** A step's words (no parameters: the same every time). */
const wordsOf = (code: Code) => fixedWords(`receipt.${code}`);

class Steps {
  readonly list: VerificationStep[] = [];
  readonly notChecked: string[] = [];
  set(step: StepName, verdict: StepVerdict, code: Code, details?: Record<string, unknown>): VerificationStep {
    const entry: VerificationStep = { step, verdict, code, message: wordsOf(code), ...(details ? { details } : {}) };
    this.list.push(entry);
    if (verdict === "not-checked" && code !== "PREVIOUS_STEP_FAILED") this.notChecked.push(entry.message);
    return entry;
  }
  skipRest(after: StepName): void {
    for (const step of STEP_NAMES.slice(STEP_NAMES.indexOf(after) + 1)) this.set(step, "not-checked", "PREVIOUS_STEP_FAILED");
  }
}

/** The failed step's message in one language, for the summary. */
const reasonOf = (step: VerificationStep | undefined, lang: Lang): string => (step && isCode(step.code) ? render(msg(`receipt.${step.code}`), lang) : "");
const isCode = (code: string): code is Code => Object.hasOwn(M, code);

function finish(steps: Steps, parts: Omit<VerificationResult, "format" | "verdict" | "failedStep" | "summary" | "steps" | "notChecked">): VerificationResult {
  const failed = steps.list.find((s) => s.verdict === "failed");
  let verdict: OverallVerdict;
  if (failed) verdict = "invalid";
  else if (steps.list.some((s) => s.verdict === "pending")) verdict = "pending";
  else if (steps.list.some((s) => s.verdict === "not-checked")) verdict = "incomplete";
  else verdict = "valid";
  const summary = verdict === "invalid" ? bilingual(msg("verdict.invalid", { step: failed?.step ?? "", reasonZh: reasonOf(failed, "zh"), reasonEn: reasonOf(failed, "en") })) : fixedWords(`verdict.${verdict}`);
  return { format: VERIFICATION_FORMAT, verdict, failedStep: failed?.step ?? null, summary, steps: steps.list, notChecked: steps.notChecked, ...parts };
}

/**
 * Verifies a receipt (and optionally a file's digests and the chain's answers) step by step. Pure: no I/O, never
 * throws, and never says `valid` unless every step — the anchor on chain included — was checked and held.
 */
export function verifyReceipt(input: VerifyInput): VerificationResult {
  const steps = new Steps();
  const trust = input.trust ?? {};
  const empty = { evidence: null, checkpoint: null, anchor: null, timeBracket: null };

  // 1. receipt
  const parsed = parseReceipt(input.receipt);
  if (!parsed.ok) {
    steps.set("receipt", "failed", parsed.code, { ...(parsed.field ? { field: parsed.field } : {}), ...(parsed.size !== undefined ? { size: parsed.size } : {}) });
    steps.skipRest("receipt");
    return finish(steps, empty);
  }
  const receipt: Receipt = parsed.receipt;
  steps.set("receipt", "passed", "RECEIPT_OK", { status: receipt.status });

  // 2. record
  const recordCheck = parseRecordText(receipt.record);
  if (!recordCheck.ok) {
    steps.set("record", "failed", recordCheck.code, recordCheck.problems ? { problems: recordCheck.problems } : undefined);
    steps.skipRest("record");
    return finish(steps, empty);
  }
  const record: EvidenceRecord = recordCheck.record;
  input.onRecord?.(record);
  const leaf = leafHash(new TextEncoder().encode(receipt.record));
  const computedLeaf = toBytes32(leaf);
  if (computedLeaf !== receipt.leafHash) {
    steps.set("record", "failed", "LEAF_HASH_MISMATCH", { computed: computedLeaf, stated: receipt.leafHash });
    steps.skipRest("record");
    return finish(steps, empty);
  }
  steps.set("record", "passed", "RECORD_OK", { leafHash: computedLeaf });
  const evidence: NonNullable<VerificationResult["evidence"]> = {
    member: record.member,
    caseKey: record.caseKey,
    kind: record.kind,
    contentSha256: record.contentSha256,
    ...(record.sm3 ? { sm3: record.sm3 } : {}),
    contentSize: record.contentSize,
    mediaType: record.mediaType,
    capturedAt: record.capturedAt,
    leafHash: computedLeaf,
    leafIndex: receipt.leafIndex,
  };

  // 3. file
  const file = input.file ?? input.files?.get(record.contentSha256);
  if (!file) steps.set("file", "not-checked", "FILE_NOT_GIVEN");
  else if (file.sha256.toLowerCase() !== record.contentSha256) {
    steps.set("file", "failed", "FILE_HASH_MISMATCH", { expected: record.contentSha256, actual: file.sha256.toLowerCase() });
  } else if (file.size !== undefined && file.size !== record.contentSize) {
    steps.set("file", "failed", "FILE_SIZE_MISMATCH", { expected: record.contentSize, actual: file.size });
  } else if (file.sm3 !== undefined && record.sm3 !== undefined && file.sm3.toLowerCase() !== record.sm3) {
    steps.set("file", "failed", "FILE_SM3_MISMATCH", { expected: record.sm3, actual: file.sm3.toLowerCase() });
  } else {
    steps.set("file", "passed", "FILE_OK", {
      sha256: record.contentSha256,
      sizeChecked: file.size !== undefined,
      sm3Checked: file.sm3 !== undefined && record.sm3 !== undefined,
    });
  }

  // 4–7 for a pending receipt
  if (receipt.status === "pending") {
    steps.set("inclusion", "pending", "NOT_YET_ANCHORED", { leafIndex: receipt.leafIndex, issuedAt: receipt.issuedAt });
    steps.set("anchor", "pending", "NOT_YET_ANCHORED");
    steps.set("time", "pending", "NOT_YET_ANCHORED", { capturedAtClaimed: record.capturedAt });
    if (trust.member !== undefined && trust.member !== record.member) {
      steps.set("member", "failed", "MEMBER_NOT_EXPECTED", { member: record.member, expectedMember: trust.member });
    } else steps.set("member", "not-checked", "MEMBER_NOT_CHECKED", { member: record.member });
    return finish(steps, {
      evidence,
      checkpoint: null,
      anchor: null,
      timeBracket: { capturedAtClaimed: record.capturedAt, anchoredNoLaterThan: null, confirmedOnChain: false },
    });
  }

  // 4. inclusion
  const anchored: AnchoredReceipt = receipt;
  const { treeSize, root } = anchored.checkpoint;
  const expectedLength = inclusionProofLength(anchored.leafIndex, treeSize);
  if (anchored.leafIndex >= treeSize) {
    steps.set("inclusion", "failed", "INCLUSION_INDEX_OUT_OF_RANGE", { leafIndex: anchored.leafIndex, treeSize });
  } else if (anchored.inclusionProof.length !== expectedLength) {
    steps.set("inclusion", "failed", "INCLUSION_PROOF_LENGTH", { expected: expectedLength, actual: anchored.inclusionProof.length, leafIndex: anchored.leafIndex, treeSize });
  } else if (
    !(input.inclusion
      ? input.inclusion.verify(leaf, anchored.leafIndex, treeSize, anchored.inclusionProof, root)
      : verifyInclusion(leaf, anchored.leafIndex, treeSize, anchored.inclusionProof.map(fromHex), fromHex(root)))
  ) {
    steps.set("inclusion", "failed", "INCLUSION_PROOF_MISMATCH", { leafIndex: anchored.leafIndex, treeSize, root });
  } else {
    steps.set("inclusion", "passed", "INCLUSION_OK", { leafIndex: anchored.leafIndex, treeSize, root });
  }

  // 5. anchor
  const claim = anchored.anchor;
  const anchorDetails = { chainId: claim.chainId, contract: claim.contract, txHash: claim.txHash, blockNumber: claim.blockNumber, blockTime: claim.blockTime, blockTimeIso: iso(claim.blockTime) };
  const chain = input.chain;
  let anchorConfirmed = false;
  let blockTimeConfirmed = false;
  if (trust.chainId !== undefined && trust.chainId !== claim.chainId) {
    steps.set("anchor", "failed", "ANCHOR_WRONG_CHAIN", { ...anchorDetails, expectedChainId: trust.chainId });
  } else if (trust.contract !== undefined && trust.contract.toLowerCase() !== claim.contract.toLowerCase()) {
    steps.set("anchor", "failed", "ANCHOR_WRONG_CONTRACT", { ...anchorDetails, expectedContract: trust.contract });
  } else if (!chain) {
    steps.set("anchor", "not-checked", "ANCHOR_NOT_CHECKED_OFFLINE", anchorDetails);
  } else if (!chain.reachable) {
    steps.set("anchor", "not-checked", "CHAIN_UNREACHABLE", { ...anchorDetails, error: chain.error });
  } else {
    const rootOnChain = chain.rootAt.toLowerCase();
    const tx = chain.anchorTx;
    const block = chain.block;
    const onChain = { ...anchorDetails, rootOnChain };
    if (chain.chainId !== claim.chainId) steps.set("anchor", "failed", "ANCHOR_WRONG_CHAIN", { ...onChain, nodeChainId: chain.chainId });
    else if (rootOnChain === ZERO_HASH) steps.set("anchor", "failed", "CHECKPOINT_NOT_ANCHORED", onChain);
    else if (rootOnChain !== root.toLowerCase()) steps.set("anchor", "failed", "ANCHOR_ROOT_MISMATCH", onChain);
    else if ("found" in tx && !tx.found) steps.set("anchor", "failed", "ANCHOR_TX_NOT_FOUND", onChain);
    else if ("found" in tx && tx.status !== 1) steps.set("anchor", "failed", "ANCHOR_TX_MISMATCH", { ...onChain, txStatus: tx.status });
    else if ("found" in tx && tx.blockNumber !== claim.blockNumber) steps.set("anchor", "failed", "ANCHOR_BLOCK_MISMATCH", { ...onChain, txBlock: tx.blockNumber });
    else if ("found" in tx && !tx.anchored.some((l) => l.member === record.member && l.treeSize === treeSize && l.root.toLowerCase() === root.toLowerCase())) {
      steps.set("anchor", "failed", "ANCHOR_TX_MISMATCH", onChain);
    } else if (block === null) steps.set("anchor", "failed", "ANCHOR_BLOCK_NOT_FOUND", onChain);
    else if ("timestamp" in block && block.timestamp !== claim.blockTime) {
      steps.set("anchor", "failed", "ANCHOR_TIME_MISMATCH", { ...onChain, blockTimeOnChain: block.timestamp });
    } else {
      const txChecked = "found" in tx;
      const blockChecked = "timestamp" in block;
      const checked = { ...onChain, txChecked, blockTimeChecked: blockChecked };
      if (trust.contract === undefined) steps.set("anchor", "not-checked", "ANCHOR_CONTRACT_NOT_PINNED", checked);
      else {
        steps.set("anchor", "passed", "ANCHORED", checked);
        anchorConfirmed = true;
        blockTimeConfirmed = txChecked && blockChecked;
        if (!txChecked) steps.notChecked.push(bilingual(msg("verdict.TX_UNAVAILABLE")));
        if (!blockChecked) steps.notChecked.push(bilingual(msg("verdict.BLOCK_UNAVAILABLE")));
      }
    }
  }

  // 6. time bracket
  const captured = Date.parse(record.capturedAt) / 1000;
  const bracket = { capturedAtClaimed: record.capturedAt, anchoredNoLaterThan: iso(claim.blockTime), blockNumber: claim.blockNumber };
  if (captured > claim.blockTime + CLOCK_SKEW_SECONDS) steps.set("time", "failed", "TIME_AFTER_ANCHOR", bracket);
  else if (blockTimeConfirmed) steps.set("time", "passed", "TIME_OK", bracket);
  else steps.set("time", "not-checked", "TIME_NOT_CONFIRMED", bracket);

  // 7. member
  if (trust.member !== undefined && trust.member !== record.member) {
    steps.set("member", "failed", "MEMBER_NOT_EXPECTED", { member: record.member, expectedMember: trust.member });
  } else if (chain?.reachable && "status" in chain.member) {
    const status = memberStatusName(chain.member.status);
    if (status === "None") steps.set("member", "failed", "MEMBER_UNKNOWN", { member: record.member });
    else steps.set("member", "passed", "MEMBER_OK", { member: record.member, status, roles: chain.member.roles });
  } else steps.set("member", "not-checked", "MEMBER_NOT_CHECKED", { member: record.member });

  return finish(steps, {
    evidence,
    checkpoint: { member: record.member, treeSize, root },
    anchor: { ...claim, blockTimeIso: iso(claim.blockTime), confirmedOnChain: anchorConfirmed },
    timeBracket: { capturedAtClaimed: record.capturedAt, anchoredNoLaterThan: iso(claim.blockTime), confirmedOnChain: blockTimeConfirmed },
  });
}

/** The length of the RFC 6962 audit path of `index` in a tree of `size` leaves (0 when out of range). */
export function inclusionProofLength(index: number, size: number): number {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return 0;
  let length = 0;
  let lo = 0;
  let hi = size;
  while (hi - lo > 1) {
    let k = 1;
    while (k * 2 < hi - lo) k *= 2;
    if (index < lo + k) hi = lo + k;
    else lo += k;
    length++;
  }
  return length;
}
