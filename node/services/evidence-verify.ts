import type { Wallet } from "ethers";
import { msg } from "../messages/message.js";
import type { ConsortiumContracts } from "../chain/contracts.js";
import type { EvidenceRegistry } from "../../types/ethers-contracts/index.js";
import { decodeRevert, revertInterface } from "../chain/case-revert.js";
import { describeError } from "../chain/describe-error.js";
import { type JsonRpcCaller, readChainFacts } from "../chain/evidence-chain-reader.js";
import { freshReceipts, isNetworkError, waitForReceipt } from "../chain/rpc.js";
import { pendingNonce, type SendLock } from "../chain/send-lock.js";
import { DEFAULTS } from "../config.js";
import { type ChainFacts, questionsFor } from "../domain/evidence/chain-facts.js";
import { type ContentDigest, ContentHasher } from "../domain/evidence/content-digest.js";
import { parseRecordText } from "../domain/evidence/record-validation.js";
import { MAX_RECEIPT_BYTES } from "../domain/evidence/receipt.js";
import { parseReceipt, type ReceiptSource } from "../domain/evidence/receipt-parse.js";
import type { VerificationResult } from "../domain/evidence/verification.js";
import { verifyReceipt } from "../domain/evidence/verify-receipt.js";
import { parseDigest, parseSize } from "./evidence-input.js";
import { ServiceError } from "./service-error.js";

export interface EvidenceVerifierDeps {
  /** The gateway's chain node, over plain JSON-RPC. */
  rpc: JsonRpcCaller;
  /** This consortium's chain and EvidenceRegistry: what a receipt must name. */
  chainId: number;
  contracts: Pick<ConsortiumContracts, "evidenceRegistry" | "memberRegistry">;
  /** The member's key: a court member sends recordVerification with it. */
  wallet: Wallet;
  /** Send recordVerification as a legacy transaction at this gas price (config chain.gasPrice; Besu: 0). */
  gasPrice?: bigint;
  /** The key's one send lock, shared with its other senders (the case submitter, the anchorer). */
  sendLock: SendLock;
  /** How long the court's recordVerification is awaited (DEFAULTS.timeouts.verifyReceiptMs), and the longest pause between receipt questions. */
  receiptTimeoutMs?: number;
  receiptPollMs?: number;
}

/** What the chain is asked for a receipt (undefined when the receipt cannot get that far). */
export function chainQuestionsOf(source: ReceiptSource, contract: string) {
  const parsed = parseReceipt(source);
  if (!parsed.ok || parsed.receipt.status !== "anchored") return undefined;
  const record = parseRecordText(parsed.receipt.record);
  if (!record.ok) return undefined;
  return { receipt: parsed.receipt, questions: questionsFor(parsed.receipt, record.record.member, contract) };
}

/**
 * Verification against this gateway's chain — the same pure verifier as the CLI and the web page, with the chain's
 * answers and this consortium's registry address pinned — and a court member's on-chain record that it verified.
 */
export class EvidenceVerifier {
  constructor(private readonly deps: EvidenceVerifierDeps) {}

  async verify(source: ReceiptSource, file?: ContentDigest, expectMember?: number): Promise<VerificationResult> {
    const contract = await this.deps.contracts.evidenceRegistry.getAddress();
    const asked = chainQuestionsOf(source, contract);
    let chain: ChainFacts | undefined;
    if (asked) chain = await readChainFacts(this.deps.rpc, asked.questions);
    return verifyReceipt({
      receipt: source,
      ...(file ? { file } : {}),
      ...(chain ? { chain } : {}),
      trust: { contract, chainId: this.deps.chainId, ...(expectMember !== undefined ? { member: expectMember } : {}) },
    });
  }

  /** A receipt with a file's hash as JSON: `{ receipt, sha256?, size?, sm3?, expectMember? }`. */
  async verifyHashed(body: Record<string, unknown>): Promise<VerificationResult> {
    if (body.receipt === undefined) throw new ServiceError("VALIDATION_FAILED", msg("api.RECEIPT_MISSING"));
    const sha256 = parseDigest(body.sha256, "sha256", false);
    const file = sha256 ? { sha256, ...(body.size === undefined ? {} : { size: parseSize(body.size) }), ...(body.sm3 ? { sm3: parseDigest(body.sm3, "sm3", true)! } : {}) } : undefined;
    const expectMember = body.expectMember === undefined ? undefined : Number(body.expectMember);
    return this.verify({ value: body.receipt }, file, Number.isSafeInteger(expectMember) ? expectMember : undefined);
  }

  /** A receipt (base64 or base64url of its JSON) with the file itself, streamed and hashed, never stored. */
  async verifyStreamed(receiptBase64: string | undefined, chunks: AsyncIterable<Uint8Array>): Promise<VerificationResult> {
    if (!receiptBase64) throw new ServiceError("VALIDATION_FAILED", msg("api.RECEIPT_HEADER_MISSING"));
    const bytes = Buffer.from(receiptBase64, receiptBase64.includes("-") || receiptBase64.includes("_") ? "base64url" : "base64");
    const source: ReceiptSource = bytes.length > MAX_RECEIPT_BYTES ? { oversized: bytes.length } : { bytes };
    // SM3 too when the record has one: it costs little beside reading the file.
    const wantsSm3 = /"sm3":"/.test(bytes.toString("utf8"));
    const hasher = new ContentHasher({ sm3: wantsSm3 });
    for await (const chunk of chunks) hasher.update(chunk);
    return this.verify(source, hasher.digest());
  }

  /**
   * Checks the receipt against the chain (the file is the court's business: it hashes what it was given), then sends
   * EvidenceRegistry.recordVerification as this (court) member. `leafHash` must be the receipt's.
   */
  async recordCourtVerification(leafHash: string, receiptValue: unknown): Promise<{ txHash: string; blockNumber: number; verification: VerificationResult }> {
    const source: ReceiptSource = { value: receiptValue };
    const verification = await this.verify(source);
    const byStep = new Map(verification.steps.map((s) => [s.step, s]));
    const parsed = parseReceipt(source);
    if (!parsed.ok || parsed.receipt.status !== "anchored") {
      throw new ServiceError("VALIDATION_FAILED", msg("api.RECEIPT_NOT_ANCHORED"), { verification });
    }
    if (parsed.receipt.leafHash !== leafHash.toLowerCase()) {
      throw new ServiceError("VALIDATION_FAILED", msg("api.LEAF_HASH_NOT_RECEIPTS"), { verification });
    }
    if (byStep.get("anchor")?.code === "CHAIN_UNREACHABLE") {
      throw new ServiceError("CHAIN_UNAVAILABLE", msg("api.CHAIN_UNREACHABLE"), { verification });
    }
    for (const step of ["record", "inclusion", "anchor"] as const) {
      if (byStep.get(step)?.verdict !== "passed") {
        throw new ServiceError("VALIDATION_FAILED", msg("api.RECEIPT_DOES_NOT_VERIFY", { step }), { verification });
      }
    }
    const receipt = parsed.receipt;
    const member = (JSON.parse(receipt.record) as { member: number }).member;
    const mined = await this.#send((registry, overrides) =>
      registry.recordVerification(member, receipt.checkpoint.treeSize, receipt.leafIndex, Buffer.from(receipt.record, "utf8"), receipt.inclusionProof, overrides),
    );
    return { ...mined, verification };
  }

  /**
   * Sends EvidenceRegistry.recordBundleVerification as this (court) member: the case, the bundle's hash, the report's
   * hash and the verdict (1 valid, 2 incomplete, 3 invalid), once per filing (docs/design.md §27).
   */
  async recordBundleVerification(caseKey: string, bundleHash: string, reportHash: string, verdict: 1 | 2 | 3): Promise<{ txHash: string; blockNumber: number }> {
    return this.#send((registry, overrides) => registry.recordBundleVerification(caseKey, bundleHash, reportHash, verdict, overrides));
  }

  /** One court transaction: under the key's send lock, awaited, its revert put into a refusal. */
  async #send(
    call: (registry: EvidenceRegistry, overrides: { nonce: number; type?: number; gasPrice?: bigint }) => Promise<{ hash: string }>,
  ): Promise<{ txHash: string; blockNumber: number }> {
    const registry = this.deps.contracts.evidenceRegistry.connect(this.deps.wallet) as EvidenceRegistry;
    try {
      const fee = this.deps.gasPrice === undefined ? {} : { type: 0, gasPrice: this.deps.gasPrice };
      const tx = await this.deps.sendLock.run(async () => {
        const nonce = await pendingNonce(this.deps.wallet.provider, this.deps.wallet.address);
        return call(registry, { nonce, ...fee });
      });
      const { receiptTimeoutMs = DEFAULTS.timeouts.verifyReceiptMs, receiptPollMs = DEFAULTS.timeouts.receiptPollMs } = this.deps;
      const provider = this.deps.wallet.provider;
      if (!provider) throw new TypeError("the wallet needs a provider");
      const mined = await waitForReceipt(freshReceipts(provider), tx.hash, receiptTimeoutMs, { pollMs: receiptPollMs });
      if (!mined) throw new ServiceError("CHAIN_UNAVAILABLE", msg("api.TX_NOT_MINED"));
      if (mined.status !== 1) throw Object.assign(new Error(`transaction ${mined.hash} reverted`), { code: "CALL_EXCEPTION" });
      return { txHash: mined.hash, blockNumber: mined.blockNumber };
    } catch (error) {
      if (error instanceof ServiceError) throw error;
      if (isNetworkError(error)) throw new ServiceError("CHAIN_UNAVAILABLE", msg("api.CHAIN_UNREACHABLE"));
      const revert = decodeRevert(revertInterface(this.deps.contracts.evidenceRegistry.interface, this.deps.contracts.memberRegistry.interface), error);
      if (revert?.name.startsWith("MemberRegistry")) {
        throw new ServiceError("FORBIDDEN", msg("api.NOT_A_COURT"), { revert: revert.name }, { status: 403 });
      }
      throw new ServiceError("CONFLICT", msg("api.CHAIN_REFUSED", { reason: revert?.name ?? describeError(error) }), { revert: revert?.name }, { status: 409 });
    }
  }
}
