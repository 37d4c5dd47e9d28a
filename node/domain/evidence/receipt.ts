/**
 * Receipts (`*.receipt.json`): everything needed to verify one evidence record with the file alone — the record,
 * its place in the member's log, the inclusion proof, the checkpoint and the on-chain anchor. The byte-exact format
 * is documented in docs/receipt-format.md; this is its type.
 */
export const RECEIPT_FORMAT = "caseledger-evidence-receipt/1";
/** A receipt is a few kilobytes (a 2^63-leaf log gives a 63-hash proof); anything larger is refused unread. */
export const MAX_RECEIPT_BYTES = 64 * 1024;
/** Records are a few hundred bytes; this bounds what a receipt may carry as one. */
export const MAX_RECORD_BYTES = 4 * 1024;

interface ReceiptBase {
  format: typeof RECEIPT_FORMAT;
  /** The record's canonical JSON text: exactly the bytes of the leaf (UTF-8). */
  record: string;
  /** `0x` + hex of SHA-256(0x00 ‖ record): the record's id. */
  leafHash: string;
  /** Position of the record in the member's log, from 0. */
  leafIndex: number;
}

/** Issued at once; not yet provable on chain. Ask the gateway again (same id) for the anchored receipt. */
export interface PendingReceipt extends ReceiptBase {
  status: "pending";
  /** When the gateway issued this pending receipt. */
  issuedAt: string;
}

export interface Checkpoint {
  /** Records in the log at the checkpoint. */
  treeSize: number;
  /** `0x` + hex of the RFC 6962 tree head at `treeSize`. */
  root: string;
}

export interface AnchorRef {
  chainId: number;
  /** The EvidenceRegistry contract. */
  contract: string;
  txHash: string;
  blockNumber: number;
  /** Block timestamp, Unix seconds: the record existed no later than this. */
  blockTime: number;
}

export interface AnchoredReceipt extends ReceiptBase {
  status: "anchored";
  /** RFC 6962 audit path of `leafIndex` in the tree of `checkpoint.treeSize`, bottom-up, `0x` hex each. */
  inclusionProof: string[];
  checkpoint: Checkpoint;
  anchor: AnchorRef;
}

export type Receipt = PendingReceipt | AnchoredReceipt;

/**
 * An anchored receipt with exactly the receipt's keys, copied out of wider objects (stored anchors, parsed JSON):
 * nothing else the source carries ever ends up in a receipt file.
 */
export function anchoredReceipt(
  entry: Pick<ReceiptBase, "record" | "leafHash" | "leafIndex">,
  inclusionProof: string[],
  checkpoint: Checkpoint,
  anchor: AnchorRef,
): AnchoredReceipt {
  return {
    format: RECEIPT_FORMAT,
    status: "anchored",
    record: entry.record,
    leafHash: entry.leafHash,
    leafIndex: entry.leafIndex,
    inclusionProof,
    checkpoint: { treeSize: checkpoint.treeSize, root: checkpoint.root },
    anchor: {
      chainId: anchor.chainId,
      contract: anchor.contract,
      txHash: anchor.txHash,
      blockNumber: anchor.blockNumber,
      blockTime: anchor.blockTime,
    },
  };
}

/** The file name a receipt is offered under. */
export function receiptFileName(leafHash: string): string {
  return `${leafHash.replace(/^0x/, "").slice(0, 16)}.receipt.json`;
}
