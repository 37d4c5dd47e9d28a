import { memberStatusName } from "../consortium/member-status.js";
import { fromHex, leafHash, toBytes32, verifyInclusion } from "../merkle/index.js";
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
  /** The chain's answers about the anchor (see chain-facts.ts); absent offline. */
  chain?: ChainFacts;
  /**
   * What the verifier trusts or expects: its consortium's EvidenceRegistry address and chain id, and (optionally)
   * the member the evidence should come from.
   */
  trust?: { contract?: string; chainId?: number; member?: number };
}

/** A claimed capture time may run ahead of the anchor's block time by this much (clocks of members and validators). */
export const CLOCK_SKEW_SECONDS = 300;

const iso = (seconds: number) => new Date(seconds * 1000).toISOString();

const M = {
  RECEIPT_OK: "回执格式正确 / the receipt is well-formed",
  RECEIPT_TOO_LARGE: "回执文件过大，未读取（上限 64 KiB）/ the receipt is too large to be one (limit 64 KiB); not read",
  RECEIPT_EMPTY: "回执为空 / the receipt is empty",
  RECEIPT_TRUNCATED: "回执不完整（被截断）/ the receipt is cut short (truncated)",
  RECEIPT_NOT_JSON: "回执不是 JSON / the receipt is not JSON",
  RECEIPT_NOT_OBJECT: "回执应为 JSON 对象 / the receipt must be a JSON object",
  RECEIPT_FORMAT_UNKNOWN: "不是 CaseLedger 存证回执（format 不符）/ not a CaseLedger evidence receipt (unknown format)",
  RECEIPT_FIELD_INVALID: "回执字段缺失或格式错误 / a receipt field is missing or malformed",
  PREVIOUS_STEP_FAILED: "前一步失败，无法检查 / not checked: an earlier step failed",
  RECORD_OK: "存证记录有效且为规范 JSON / the record is valid canonical JSON",
  RECORD_NOT_JSON: "存证记录不是 JSON / the record is not JSON",
  RECORD_NOT_CANONICAL: "存证记录不是规范 JSON（RFC 8785），已被改动 / the record is not in canonical JSON (RFC 8785): it was altered",
  RECORD_INVALID: "存证记录字段无效 / the record has invalid fields",
  LEAF_HASH_MISMATCH: "回执中的叶哈希与记录不符 / the receipt's leaf hash does not match its record",
  FILE_OK: "文件摘要与记录一致 / the file's hash matches the record",
  FILE_NOT_GIVEN: "未提供文件，无法比对摘要 / no file given: its hash was not compared",
  FILE_HASH_MISMATCH: "文件的 SHA-256 与记录不符：不是存证时的文件 / the file's SHA-256 differs from the record: not the file that was recorded",
  FILE_SIZE_MISMATCH: "文件长度与记录不符 / the file's size differs from the record",
  FILE_SM3_MISMATCH: "文件的 SM3 与记录不符 / the file's SM3 differs from the record",
  INCLUSION_OK: "记录在该成员的日志中（包含证明有效）/ the record is in the member's log (the inclusion proof holds)",
  NOT_YET_ANCHORED: "待定回执：记录已入日志但尚未上链锚定，请稍后向网关重新获取回执 / pending receipt: the record is logged but not yet anchored; fetch the receipt again later",
  INCLUSION_INDEX_OUT_OF_RANGE: "叶序号不小于树大小 / the leaf index is not below the tree size",
  INCLUSION_PROOF_LENGTH: "包含证明的长度与叶序号和树大小不符 / the inclusion proof has the wrong length for this leaf index and tree size",
  INCLUSION_PROOF_MISMATCH: "包含证明不成立：记录、叶序号、树大小、证明或根哈希被改动 / the inclusion proof fails: the record, leaf index, tree size, proof or root was altered",
  ANCHOR_NOT_CHECKED_OFFLINE: "离线：未向区块链核对锚定 / offline: the anchor was not checked against the chain",
  CHAIN_UNREACHABLE: "区块链节点不可达，未核对锚定 / the chain node could not be reached: the anchor was not checked",
  ANCHOR_WRONG_CHAIN: "回执属于另一条链 / the receipt belongs to another chain",
  ANCHOR_WRONG_CONTRACT: "回执指向的存证合约不是本联盟的 / the receipt names another registry contract than this consortium's",
  CHECKPOINT_NOT_ANCHORED: "该检查点从未在链上锚定 / this checkpoint was never anchored on chain",
  ANCHOR_ROOT_MISMATCH: "链上锚定的根哈希与回执不符 / the root anchored on chain differs from the receipt's",
  ANCHOR_TX_NOT_FOUND: "链上找不到回执所述的锚定交易 / the chain has no such anchor transaction",
  ANCHOR_TX_MISMATCH: "回执所述交易并未锚定此检查点 / the receipt's transaction did not anchor this checkpoint",
  ANCHOR_BLOCK_MISMATCH: "锚定交易不在回执所述区块 / the anchor transaction is not in the receipt's block",
  ANCHOR_BLOCK_NOT_FOUND: "链上没有回执所述区块 / the chain has no such block",
  ANCHOR_TIME_MISMATCH: "区块时间与回执不符 / the block's time differs from the receipt's",
  ANCHOR_CONTRACT_NOT_PINNED: "链上确有此根，但合约地址取自回执本身，未与联盟公布的地址核对 / the root is on chain, but at the registry address the receipt itself names, not one this verifier was told to trust",
  ANCHORED: "检查点已在链上锚定 / the checkpoint is anchored on chain",
  TIME_OK: "时间区间成立 / the time bracket holds",
  TIME_NOT_CONFIRMED: "锚定时间未经链上确认 / the anchor time is not confirmed on chain",
  TIME_AFTER_ANCHOR: "声称的采集时间晚于锚定区块时间：不可能 / the claimed capture time is after the anchor block's time: impossible",
  MEMBER_OK: "记录者为联盟成员 / recorded by a consortium member",
  MEMBER_NOT_CHECKED: "未向成员合约核对记录者 / the recording member was not checked against the member registry",
  MEMBER_UNKNOWN: "成员合约中没有这个成员 / the member registry has no such member",
  MEMBER_NOT_EXPECTED: "记录出自另一成员，不是所期望的成员 / the record comes from another member than the one expected",
} as const;
type Code = keyof typeof M;

class Steps {
  readonly list: VerificationStep[] = [];
  readonly notChecked: string[] = [];
  set(step: StepName, verdict: StepVerdict, code: Code, details?: Record<string, unknown>): VerificationStep {
    const entry: VerificationStep = { step, verdict, code, message: M[code], ...(details ? { details } : {}) };
    this.list.push(entry);
    if (verdict === "not-checked" && code !== "PREVIOUS_STEP_FAILED") this.notChecked.push(M[code]);
    return entry;
  }
  skipRest(after: StepName): void {
    for (const step of STEP_NAMES.slice(STEP_NAMES.indexOf(after) + 1)) this.set(step, "not-checked", "PREVIOUS_STEP_FAILED");
  }
}

function finish(steps: Steps, parts: Omit<VerificationResult, "format" | "verdict" | "failedStep" | "summary" | "steps" | "notChecked">): VerificationResult {
  const failed = steps.list.find((s) => s.verdict === "failed");
  let verdict: OverallVerdict;
  if (failed) verdict = "invalid";
  else if (steps.list.some((s) => s.verdict === "pending")) verdict = "pending";
  else if (steps.list.some((s) => s.verdict === "not-checked")) verdict = "incomplete";
  else verdict = "valid";
  const summary = {
    valid: "有效：文件与回执一致，记录已在链上锚定 / valid: the file matches the receipt and the record is anchored on chain",
    invalid: `无效：${failed?.step ?? ""} 一步未通过 — ${failed?.message ?? ""} / invalid: the ${failed?.step ?? ""} step failed`,
    pending: "待定：记录尚未上链锚定 / pending: the record is not anchored yet",
    incomplete: "未完成：未发现问题，但有些项目未能检查（见 notChecked），不能视为有效 / incomplete: nothing failed, but some checks could not be made (see notChecked); not a valid verdict",
  }[verdict];
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
  const file = input.file;
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
  } else if (!verifyInclusion(leaf, anchored.leafIndex, treeSize, anchored.inclusionProof.map(fromHex), fromHex(root))) {
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
        if (!txChecked) steps.notChecked.push("锚定交易回执不可得，未核对 / the anchor transaction's receipt was unavailable and not checked");
        if (!blockChecked) steps.notChecked.push("锚定区块不可得，区块时间未核对 / the anchor block was unavailable; its time was not checked");
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
