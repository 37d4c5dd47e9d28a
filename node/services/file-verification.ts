import { createReadStream } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { httpJsonRpc, readChainFacts } from "../chain/evidence-chain-reader.js";
import { type ChainFacts, questionsFor } from "../domain/evidence/chain-facts.js";
import { ContentHasher } from "../domain/evidence/content-digest.js";
import { parseRecordText } from "../domain/evidence/record-validation.js";
import { MAX_RECEIPT_BYTES } from "../domain/evidence/receipt.js";
import { parseReceipt, type ReceiptSource } from "../domain/evidence/receipt-parse.js";
import type { VerificationResult } from "../domain/evidence/verification.js";
import { verifyReceipt } from "../domain/evidence/verify-receipt.js";

/** Files above this size report their hashing progress. */
const PROGRESS_FROM_BYTES = 64 * 1024 * 1024;

export interface FileVerificationRequest {
  file: string;
  receiptFile: string;
  /** A chain node's JSON-RPC URL: the anchor is checked against it (rootAt, transaction, block time). */
  rpc?: string;
  /** What the receipt must name: the consortium's published registry, the chain, the recording member. */
  trust: { contract?: string; chainId?: number; member?: number };
  /** Told the share hashed so far (0–1) while a large file is hashed. */
  onHashing?: (fraction: number) => void;
}

/** Reads a receipt file, refusing to read one too large to be a receipt. */
async function receiptSource(file: string): Promise<ReceiptSource> {
  const size = (await stat(file)).size;
  if (size > MAX_RECEIPT_BYTES) return { oversized: size };
  return { bytes: await readFile(file) };
}

/** SHA-256 (and SM3 when the record has one) of a file, streamed: memory stays bounded whatever its size. */
async function digestFile(file: string, sm3: boolean, onHashing?: (fraction: number) => void) {
  const hasher = new ContentHasher({ sm3 });
  const size = (await stat(file)).size;
  for await (const chunk of createReadStream(file, { highWaterMark: 1024 * 1024 })) {
    hasher.update(chunk as Buffer);
    if (size > PROGRESS_FROM_BYTES) onHashing?.(hasher.size / size);
  }
  return hasher.digest();
}

/**
 * An evidence file checked against its receipt, offline unless a chain node is given: the same pure verifier as the
 * gateway and the web page, fed with the file's digest and, when asked, the chain's answers.
 */
export async function verifyEvidenceFile(request: FileVerificationRequest): Promise<VerificationResult> {
  const source = await receiptSource(request.receiptFile);
  const parsed = parseReceipt(source);
  const record = parsed.ok ? parseRecordText(parsed.receipt.record) : undefined;
  const digest = await digestFile(request.file, !!(record?.ok && record.record.sm3), request.onHashing);
  let chain: ChainFacts | undefined;
  if (request.rpc && parsed.ok && parsed.receipt.status === "anchored" && record?.ok) {
    chain = await readChainFacts(httpJsonRpc(request.rpc), questionsFor(parsed.receipt, record.record.member, request.trust.contract));
  }
  const { contract, chainId, member } = request.trust;
  return verifyReceipt({
    receipt: source,
    file: digest,
    ...(chain ? { chain } : {}),
    trust: {
      ...(contract ? { contract } : {}),
      ...(chainId !== undefined ? { chainId } : {}),
      ...(member !== undefined ? { member } : {}),
    },
  });
}
