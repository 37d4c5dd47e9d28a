import { createHash } from "node:crypto";
import { MEMBER_STATUS, ROLE } from "../../../../node/domain/consortium/index.js";
import { inclusionProof, leafHash, rootOf, toBytes32 } from "../../../../node/domain/merkle/index.js";
import type { ChainFacts } from "../../../../node/domain/evidence/chain-facts.js";
import { type EvidenceRecord, recordJson } from "../../../../node/domain/evidence/record.js";
import { type AnchoredReceipt, RECEIPT_FORMAT } from "../../../../node/domain/evidence/receipt.js";
import type { VerifyInput } from "../../../../node/domain/evidence/verify-receipt.js";

/** Synthetic evidence: a member's log of `size` records built with the reference Merkle code, and one receipt. */
export const CONTRACT = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
export const CHAIN_ID = 31337;
export const MEMBER = 3;
export const FILE = Buffer.from("合成通话录音 / synthetic call recording 0001");

const hex = (data: Uint8Array | string) => createHash("sha256").update(data).digest("hex");

export function syntheticRecord(i: number, overrides: Partial<EvidenceRecord> = {}): EvidenceRecord {
  return {
    v: 1,
    member: MEMBER,
    caseKey: `0x${hex(`case-${i % 3}`)}`,
    kind: "call-recording",
    contentSha256: hex(i === 5 ? FILE : `content-${i}`),
    contentSize: i === 5 ? FILE.length : 10 + i,
    mediaType: "audio/mpeg",
    capturedAt: new Date(Date.UTC(2026, 0, 2, 3, 4, 5) + i * 1000).toISOString(),
    salt: hex(`salt-${i}`).slice(0, 32),
    ...overrides,
  };
}

export interface Fixture {
  receipt: AnchoredReceipt;
  file: { sha256: string; size: number };
  chain: Extract<ChainFacts, { reachable: true }>;
  trust: { contract: string; chainId: number };
  leaves: Uint8Array[];
}

/** Record 5 of an 11-record log, anchored at size 11 in block 42 at 2026-01-02T04:00:00Z. */
export function fixture(): Fixture {
  const records = Array.from({ length: 11 }, (_, i) => recordJson(syntheticRecord(i)));
  const leaves = records.map((r) => leafHash(Buffer.from(r)));
  const root = toBytes32(rootOf(leaves));
  const blockTime = Math.floor(Date.UTC(2026, 0, 2, 4, 0, 0) / 1000);
  const txHash = `0x${hex("anchor-tx")}`;
  const receipt: AnchoredReceipt = {
    format: RECEIPT_FORMAT,
    status: "anchored",
    record: records[5]!,
    leafHash: toBytes32(leaves[5]!),
    leafIndex: 5,
    inclusionProof: inclusionProof(leaves, 5).map(toBytes32),
    checkpoint: { treeSize: 11, root },
    anchor: { chainId: CHAIN_ID, contract: CONTRACT, txHash, blockNumber: 42, blockTime },
  };
  return {
    receipt,
    file: { sha256: hex(FILE), size: FILE.length },
    chain: {
      reachable: true,
      chainId: CHAIN_ID,
      contract: CONTRACT,
      rootAt: root,
      anchorTx: { found: true, status: 1, blockNumber: 42, to: CONTRACT, anchored: [{ member: MEMBER, treeSize: 11, root }] },
      block: { number: 42, timestamp: blockTime },
      member: { status: MEMBER_STATUS.Active, roles: ROLE.AGENCY },
    },
    trust: { contract: CONTRACT, chainId: CHAIN_ID },
    leaves,
  };
}

const flipHexChar = (h: string, at: number) => `${h.slice(0, at)}${h[at] === "0" ? "1" : "0"}${h.slice(at + 1)}`;

export interface Tampering {
  name: string;
  input(f: Fixture): VerifyInput;
  verdict: "invalid" | "incomplete" | "pending";
  failedStep?: string;
  code: string;
}

const json = (value: unknown) => ({ text: JSON.stringify(value) });

/** Every tampering the issue names, with the step and code it must fail with. Offline ones have no chain facts. */
export const TAMPERINGS: Tampering[] = [
  {
    name: "a flipped byte in the file",
    input: (f) => ({ receipt: json(f.receipt), file: { sha256: hex(Buffer.concat([Buffer.of(FILE[0]! ^ 1), FILE.subarray(1)])), size: FILE.length }, chain: f.chain, trust: f.trust }),
    verdict: "invalid",
    failedStep: "file",
    code: "FILE_HASH_MISMATCH",
  },
  {
    name: "a flipped byte in the record (salt)",
    input: (f) => ({ receipt: json({ ...f.receipt, record: f.receipt.record.replace(/"salt":"(.)/, (_m, c: string) => `"salt":"${c === "a" ? "b" : "a"}`) }), file: f.file, chain: f.chain, trust: f.trust }),
    verdict: "invalid",
    failedStep: "record",
    code: "LEAF_HASH_MISMATCH",
  },
  {
    name: "a flipped byte in the record, leaf hash recomputed by the forger",
    input: (f) => {
      const record = f.receipt.record.replace(/"salt":"(.)/, (_m, c: string) => `"salt":"${c === "a" ? "b" : "a"}`);
      return { receipt: json({ ...f.receipt, record, leafHash: toBytes32(leafHash(Buffer.from(record))) }), file: f.file, chain: f.chain, trust: f.trust };
    },
    verdict: "invalid",
    failedStep: "inclusion",
    code: "INCLUSION_PROOF_MISMATCH",
  },
  {
    name: "a record altered into non-canonical JSON",
    input: (f) => ({ receipt: json({ ...f.receipt, record: f.receipt.record.replace("{", "{ ") }), file: f.file, chain: f.chain, trust: f.trust }),
    verdict: "invalid",
    failedStep: "record",
    code: "RECORD_NOT_CANONICAL",
  },
  {
    name: "a record that is not JSON",
    input: (f) => ({ receipt: json({ ...f.receipt, record: f.receipt.record.slice(0, -1) }), file: f.file, chain: f.chain, trust: f.trust }),
    verdict: "invalid",
    failedStep: "record",
    code: "RECORD_NOT_JSON",
  },
  {
    name: "a flipped byte in a proof element",
    input: (f) => ({ receipt: json({ ...f.receipt, inclusionProof: f.receipt.inclusionProof.map((p, i) => (i === 1 ? flipHexChar(p, 10) : p)) }), file: f.file, chain: f.chain, trust: f.trust }),
    verdict: "invalid",
    failedStep: "inclusion",
    code: "INCLUSION_PROOF_MISMATCH",
  },
  {
    name: "a proof element missing",
    input: (f) => ({ receipt: json({ ...f.receipt, inclusionProof: f.receipt.inclusionProof.slice(1) }), file: f.file, chain: f.chain, trust: f.trust }),
    verdict: "invalid",
    failedStep: "inclusion",
    code: "INCLUSION_PROOF_LENGTH",
  },
  {
    name: "a flipped byte in the root",
    input: (f) => ({ receipt: json({ ...f.receipt, checkpoint: { ...f.receipt.checkpoint, root: flipHexChar(f.receipt.checkpoint.root, 20) } }), file: f.file, chain: f.chain, trust: f.trust }),
    verdict: "invalid",
    failedStep: "inclusion",
    code: "INCLUSION_PROOF_MISMATCH",
  },
  {
    // RFC 9162 paths do not bind the size: for leaf 5, sizes 11 and 12 give the same path shape, so the proof still
    // reaches the root. The chain says what is wrong: nothing was anchored at (member, 12).
    name: "the tree size changed (same path shape)",
    input: (f) => ({ receipt: json({ ...f.receipt, checkpoint: { ...f.receipt.checkpoint, treeSize: 12 } }), file: f.file, chain: { ...f.chain, rootAt: `0x${"0".repeat(64)}` }, trust: f.trust }),
    verdict: "invalid",
    failedStep: "anchor",
    code: "CHECKPOINT_NOT_ANCHORED",
  },
  {
    name: "the tree size changed (another path shape)",
    input: (f) => ({ receipt: json({ ...f.receipt, checkpoint: { ...f.receipt.checkpoint, treeSize: 6 } }), file: f.file, chain: f.chain, trust: f.trust }),
    verdict: "invalid",
    failedStep: "inclusion",
    code: "INCLUSION_PROOF_LENGTH",
  },
  {
    name: "the tree size made smaller than the leaf index",
    input: (f) => ({ receipt: json({ ...f.receipt, checkpoint: { ...f.receipt.checkpoint, treeSize: 5 } }), file: f.file, chain: f.chain, trust: f.trust }),
    verdict: "invalid",
    failedStep: "inclusion",
    code: "INCLUSION_INDEX_OUT_OF_RANGE",
  },
  {
    name: "the leaf index changed",
    input: (f) => ({ receipt: json({ ...f.receipt, leafIndex: 4 }), file: f.file, chain: f.chain, trust: f.trust }),
    verdict: "invalid",
    failedStep: "inclusion",
    code: "INCLUSION_PROOF_MISMATCH",
  },
  {
    name: "a receipt from another chain (the node's chain id differs)",
    input: (f) => ({ receipt: json(f.receipt), file: f.file, chain: { ...f.chain, chainId: 1 }, trust: { contract: CONTRACT } }),
    verdict: "invalid",
    failedStep: "anchor",
    code: "ANCHOR_WRONG_CHAIN",
  },
  {
    name: "a receipt from another chain (the verifier's pinned chain id)",
    input: (f) => ({ receipt: json({ ...f.receipt, anchor: { ...f.receipt.anchor, chainId: 5 } }), file: f.file, trust: f.trust }),
    verdict: "invalid",
    failedStep: "anchor",
    code: "ANCHOR_WRONG_CHAIN",
  },
  {
    name: "a receipt naming another registry contract",
    input: (f) => ({ receipt: json({ ...f.receipt, anchor: { ...f.receipt.anchor, contract: "0x1111111111111111111111111111111111111111" } }), file: f.file, chain: f.chain, trust: f.trust }),
    verdict: "invalid",
    failedStep: "anchor",
    code: "ANCHOR_WRONG_CONTRACT",
  },
  {
    name: "a receipt from another member (the chain has no such checkpoint for the record's member)",
    input: (f) => {
      const record = f.receipt.record.replace(`"member":${MEMBER}`, `"member":${MEMBER + 1}`);
      return { receipt: json({ ...f.receipt, record, leafHash: toBytes32(leafHash(Buffer.from(record))) }), file: f.file, chain: { ...f.chain, rootAt: `0x${"0".repeat(64)}` }, trust: f.trust };
    },
    verdict: "invalid",
    failedStep: "inclusion",
    code: "INCLUSION_PROOF_MISMATCH",
  },
  {
    name: "a genuine receipt of another member than the one expected",
    input: (f) => ({ receipt: json(f.receipt), file: f.file, chain: f.chain, trust: { ...f.trust, member: MEMBER + 1 } }),
    verdict: "invalid",
    failedStep: "member",
    code: "MEMBER_NOT_EXPECTED",
  },
  {
    name: "a checkpoint never anchored",
    input: (f) => ({ receipt: json(f.receipt), file: f.file, chain: { ...f.chain, rootAt: `0x${"0".repeat(64)}` }, trust: f.trust }),
    verdict: "invalid",
    failedStep: "anchor",
    code: "CHECKPOINT_NOT_ANCHORED",
  },
  {
    name: "a root other than the one anchored",
    input: (f) => ({ receipt: json(f.receipt), file: f.file, chain: { ...f.chain, rootAt: flipHexChar(f.chain.rootAt, 30) }, trust: f.trust }),
    verdict: "invalid",
    failedStep: "anchor",
    code: "ANCHOR_ROOT_MISMATCH",
  },
  {
    name: "an anchor block time that is not the block's",
    input: (f) => ({ receipt: json({ ...f.receipt, anchor: { ...f.receipt.anchor, blockTime: f.receipt.anchor.blockTime - 3600 } }), file: f.file, chain: f.chain, trust: f.trust }),
    verdict: "invalid",
    failedStep: "anchor",
    code: "ANCHOR_TIME_MISMATCH",
  },
  {
    name: "an anchor transaction that does not exist",
    input: (f) => ({ receipt: json(f.receipt), file: f.file, chain: { ...f.chain, anchorTx: { found: false } }, trust: f.trust }),
    verdict: "invalid",
    failedStep: "anchor",
    code: "ANCHOR_TX_NOT_FOUND",
  },
  {
    name: "a capture time claimed after the anchor",
    input: (f) => {
      const record = recordJson(syntheticRecord(5, { capturedAt: "2026-01-03T00:00:00.000Z" }));
      const leaves = [...f.leaves];
      leaves[5] = leafHash(Buffer.from(record));
      const root = toBytes32(rootOf(leaves));
      const receipt = { ...f.receipt, record, leafHash: toBytes32(leaves[5]), inclusionProof: inclusionProof(leaves, 5).map(toBytes32), checkpoint: { treeSize: 11, root } };
      return { receipt: json(receipt), file: f.file, chain: { ...f.chain, rootAt: root, anchorTx: { found: true, status: 1, blockNumber: 42, to: CONTRACT, anchored: [{ member: MEMBER, treeSize: 11, root }] } }, trust: f.trust };
    },
    verdict: "invalid",
    failedStep: "time",
    code: "TIME_AFTER_ANCHOR",
  },
  { name: "a truncated receipt", input: (f) => ({ receipt: { text: JSON.stringify(f.receipt).slice(0, 200) }, file: f.file }), verdict: "invalid", failedStep: "receipt", code: "RECEIPT_TRUNCATED" },
  { name: "an oversized receipt", input: (f) => ({ receipt: { text: JSON.stringify({ ...f.receipt, padding: "x".repeat(70_000) }) }, file: f.file }), verdict: "invalid", failedStep: "receipt", code: "RECEIPT_TOO_LARGE" },
  { name: "a receipt that is not JSON", input: (f) => ({ receipt: { text: "%PDF-1.7 not a receipt" }, file: f.file }), verdict: "invalid", failedStep: "receipt", code: "RECEIPT_NOT_JSON" },
  { name: "an empty receipt", input: (f) => ({ receipt: { text: "" }, file: f.file }), verdict: "invalid", failedStep: "receipt", code: "RECEIPT_EMPTY" },
  { name: "a receipt of another format", input: (f) => ({ receipt: json({ ...f.receipt, format: "ots/1" }), file: f.file }), verdict: "invalid", failedStep: "receipt", code: "RECEIPT_FORMAT_UNKNOWN" },
  { name: "a receipt with a malformed proof element", input: (f) => ({ receipt: json({ ...f.receipt, inclusionProof: ["0x12", ...f.receipt.inclusionProof.slice(1)] }), file: f.file }), verdict: "invalid", failedStep: "receipt", code: "RECEIPT_FIELD_INVALID" },
  { name: "offline: nothing failed, the anchor not checked", input: (f) => ({ receipt: json(f.receipt), file: f.file, trust: f.trust }), verdict: "incomplete", code: "ANCHOR_NOT_CHECKED_OFFLINE" },
  { name: "the registry not pinned by the verifier", input: (f) => ({ receipt: json(f.receipt), file: f.file, chain: f.chain }), verdict: "incomplete", code: "ANCHOR_CONTRACT_NOT_PINNED" },
  { name: "the chain unreachable", input: (f) => ({ receipt: json(f.receipt), file: f.file, chain: { reachable: false, error: "ECONNREFUSED" }, trust: f.trust }), verdict: "incomplete", code: "CHAIN_UNREACHABLE" },
  { name: "no file given", input: (f) => ({ receipt: json(f.receipt), chain: f.chain, trust: f.trust }), verdict: "incomplete", code: "FILE_NOT_GIVEN" },
  {
    name: "a pending receipt",
    input: (f) => ({ receipt: json({ format: RECEIPT_FORMAT, status: "pending", record: f.receipt.record, leafHash: f.receipt.leafHash, leafIndex: 5, issuedAt: "2026-01-02T03:05:00.000Z" }), file: f.file }),
    verdict: "pending",
    code: "NOT_YET_ANCHORED",
  },
];
