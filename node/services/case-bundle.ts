import { createHash } from "node:crypto";
import { msg } from "../messages/message.js";
import type { CaseIndexer } from "../chain/case-indexer.js";
import { readBundleChainFacts } from "../chain/bundle-chain-reader.js";
import type { JsonRpcCaller } from "../chain/evidence-chain-reader.js";
import { canonicalDigest } from "../domain/canonical-json.js";
import type { Clock } from "../domain/clock.js";
import { caseEventOf } from "../domain/consortium/index.js";
import { BUNDLE_FORMAT, type BundleEvent, type BundleInput, type BundleSource, bundleHash, type CaseBundle, MAX_BUNDLE_BYTES, parseBundle, type SignedCaseBundle } from "../domain/evidence/bundle.js";
import { type BundleVerification, verifyBundle } from "../domain/evidence/verify-bundle.js";
import type { Receipt } from "../domain/evidence/receipt.js";
import { renderBundleReportPdf } from "./bundle-report-pdf.js";
import type { EvidenceService } from "./evidence.js";
import type { PeerChannel } from "./peer/channel.js";
import { ServiceError } from "./service-error.js";
import { type DigestSigner, digestSigner, signDigest } from "./signed-digest.js";

/** The peer message kind: the creditor of record asks a member for its receipts of one case. */
export const BUNDLE_RECORDS_KIND = "case-bundle.records";
/** Records read from the log per page while gathering a case's receipts. */
const PAGE = 1_000;

export interface CaseBundleDeps {
  evidence: Pick<EvidenceService, "list" | "receipt">;
  indexer: Pick<CaseIndexer, "caseOf" | "history">;
  channel: Pick<PeerChannel, "send" | "handle">;
  signer: DigestSigner;
  memberId: number;
  chain: { chainId: number; caseRegistry: string; evidenceRegistry: string };
  /** The gateway's chain node, for verification. */
  rpc: JsonRpcCaller;
  /** Sends EvidenceRegistry.recordBundleVerification as this (court) member (EvidenceVerifier). */
  recordOnChain: (caseKey: string, bundleHash: string, reportHash: string, verdict: 1 | 2 | 3) => Promise<{ txHash: string; blockNumber: number }>;
  clock: Clock;
  /** This member's name in the directory, and the public verifier page its report's QR code opens. */
  memberName: () => Promise<string>;
  verifierUrl: () => Promise<string>;
}

const CASE_KEY = /^0x[0-9a-f]{64}$/;

/**
 * The case bundle (docs/design.md §27): the creditor of record builds it from its own log, the records every other
 * member that held the case gives it over the peer channel, and the case's history from its chain index, and signs
 * it; any member verifies one against its chain. A member answers only the case's creditor of record, and only with
 * records of its own log.
 */
export class CaseBundleService {
  constructor(private readonly deps: CaseBundleDeps) {
    deps.channel.handle(BUNDLE_RECORDS_KIND, (from, body) => this.#answer(from, body));
  }

  async build(rawCaseKey: string): Promise<SignedCaseBundle> {
    const caseKey = rawCaseKey.toLowerCase();
    if (!CASE_KEY.test(caseKey)) throw new ServiceError("VALIDATION_FAILED", msg("api.CASE_KEY_MALFORMED"));
    const state = await this.deps.indexer.caseOf(caseKey);
    if (!state || state.status === "None") throw new ServiceError("NOT_FOUND", msg("api.CASE_NOT_ON_CHAIN", { caseKey }));
    if (state.creditorId !== this.deps.memberId) throw new ServiceError("FORBIDDEN", msg("bundle.BUILD_NOT_CREDITOR"));
    const history: BundleEvent[] = (await this.deps.indexer.history(caseKey)).map(caseEventOf);
    const others = new Set<number>();
    for (const e of history) for (const id of [e.creditorId, e.agencyId, e.fromCreditorId, e.toCreditorId]) if (id !== undefined && id !== this.deps.memberId) others.add(id);

    const own = await this.#receipts(caseKey);
    const sources: BundleSource[] = [{ member: this.deps.memberId, records: own.length, via: "own" }];
    const receipts: unknown[] = [...own];
    for (const member of [...others].sort((a, b) => a - b)) {
      const exchange = await this.deps.channel.send<{ receipts?: unknown[] }>(member, BUNDLE_RECORDS_KIND, { caseKey });
      const answer = exchange.answer.envelope;
      if (answer.refused || !Array.isArray(answer.body?.receipts)) {
        throw new ServiceError("PEER_UNREACHABLE", msg("bundle.MEMBER_DID_NOT_ANSWER", { member, code: answer.refused?.code ?? "NO_RECEIPTS" }), { member });
      }
      receipts.push(...answer.body.receipts);
      sources.push({ member, records: answer.body.receipts.length, via: "peer", requestHash: exchange.request.hash, answerHash: exchange.answer.hash });
    }
    const bundle: CaseBundle = {
      format: BUNDLE_FORMAT,
      caseKey,
      creditor: this.deps.memberId,
      builtAt: new Date(this.deps.clock()).toISOString(),
      chain: this.deps.chain,
      history,
      sources,
      receipts,
    };
    const hash = bundleHash(bundle);
    return { bundle, hash, signature: await signDigest(hash, this.deps.signer) };
  }

  /** Verifies a bundle against this gateway's chain, its chain id and registries pinned. */
  async verify(source: BundleInput): Promise<BundleVerification> {
    const parsed = parseBundle(source);
    if (!parsed.ok && parsed.code === "BUNDLE_TOO_LARGE") {
      throw new ServiceError("PAYLOAD_TOO_LARGE", msg("bundle.BUNDLE_TOO_LARGE"), { maxBytes: MAX_BUNDLE_BYTES });
    }
    const trust = { chainId: this.deps.chain.chainId, evidenceRegistry: this.deps.chain.evidenceRegistry, caseRegistry: this.deps.chain.caseRegistry };
    if (!parsed.ok) return verifyBundle({ source, recoveredSigner: undefined, trust });
    const signed = parsed.signed;
    const chain = await readBundleChainFacts(this.deps.rpc, signed.bundle, trust);
    return verifyBundle({ source, parsed, recoveredSigner: digestSigner(parsed.computedHash, signed.signature), chain, trust });
  }

  /**
   * A court member verifies a bundle against its chain and records that it did, once, on chain: the case, the
   * bundle's hash, the verdict and the hash of its report — the filed PDF's SHA-256 when given, else the SHA-256 of
   * the verification result's canonical JSON (the report in its data form).
   */
  async recordCourtVerification(source: BundleInput, reportHash?: string): Promise<{ txHash: string; blockNumber: number; bundleHash: string; reportHash: string; verification: BundleVerification }> {
    if (reportHash !== undefined && !/^0x[0-9a-f]{64}$/.test(reportHash)) throw new ServiceError("VALIDATION_FAILED", msg("bundle.REPORT_HASH_INVALID"));
    const verification = await this.verify(source);
    if (verification.bundleHash === null || verification.caseKey === null) throw new ServiceError("VALIDATION_FAILED", msg("bundle.NOT_A_BUNDLE"), { verification });
    if (verification.checks.some((c) => c.code === "HISTORY_NOT_CHECKED" || c.code === "SIGNER_NOT_CHECKED")) {
      throw new ServiceError("CHAIN_UNAVAILABLE", msg("api.CHAIN_UNREACHABLE"), { verification });
    }
    const report = reportHash ?? canonicalDigest(verification);
    const code = verification.verdict === "valid" ? 1 : verification.verdict === "incomplete" ? 2 : 3;
    const mined = await this.deps.recordOnChain(verification.caseKey, verification.bundleHash, report, code);
    return { ...mined, bundleHash: verification.bundleHash, reportHash: report, verification };
  }

  /** The bundle verified against this gateway's chain, as the report PDF a court attaches to a filing, with its SHA-256. */
  async report(source: BundleInput): Promise<{ pdf: Buffer; sha256: string; verification: BundleVerification }> {
    const verification = await this.verify(source);
    const pdf = await renderBundleReportPdf({
      verification,
      verifiedAt: this.deps.clock(),
      court: { id: this.deps.memberId, name: await this.deps.memberName() },
      chain: this.deps.chain,
      verifierUrl: await this.deps.verifierUrl(),
    });
    return { pdf, sha256: `0x${createHash("sha256").update(pdf).digest("hex")}`, verification };
  }

  /** Every receipt of this member's log for the case, in log order. */
  async #receipts(caseKey: string): Promise<Receipt[]> {
    const out: Receipt[] = [];
    let after: number | undefined;
    for (;;) {
      const page = await this.deps.evidence.list(caseKey, { ...(after === undefined ? {} : { after }), limit: PAGE });
      for (const r of page.records) out.push(await this.deps.evidence.receipt(r.id));
      if (page.next === null) return out;
      after = page.next;
    }
  }

  /** A member's answer to the creditor of record: the receipts of its own records of the case. */
  async #answer(from: number, body: unknown): Promise<{ caseKey: string; receipts: Receipt[] }> {
    const raw = (body as { caseKey?: unknown } | null)?.caseKey;
    const caseKey = typeof raw === "string" ? raw.toLowerCase() : "";
    if (!CASE_KEY.test(caseKey)) throw new ServiceError("VALIDATION_FAILED", msg("api.CASE_KEY_MALFORMED"));
    const state = await this.deps.indexer.caseOf(caseKey);
    if (!state || state.creditorId !== from) throw new ServiceError("FORBIDDEN", msg("bundle.ASK_NOT_CREDITOR"));
    return { caseKey, receipts: await this.#receipts(caseKey) };
  }
}
