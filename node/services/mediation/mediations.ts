import { createHash } from "node:crypto";
import { canonicalJson } from "../../domain/canonical-json.js";
import type { Clock } from "../../domain/clock.js";
import { isHeldAt } from "../../domain/consortium/index.js";
import { ACCEPTANCE_METHODS, type AcceptanceMethod, AGREEMENT_FORMAT, agreementHash, type AgreementProblem, parseAgreement } from "../../domain/mediation/agreement.js";
import { type CountedRepayment, scheduleStatus, type ScheduleStatus } from "../../domain/mediation/schedule.js";
import { msg } from "../../messages/message.js";
import type { CaseRecord } from "../../chain/case-events.js";
import type { RecordDraft } from "../../store/evidence-log/evidence-log.js";
import type { MediationState, MediationStore, StoredMediation } from "../../store/mediation-store.js";
import type { EvidenceService } from "../evidence.js";
import { answerBody, stored } from "../fees/peer-agreement.js";
import type { PeerChannel } from "../peer/channel.js";
import type { SignedPeerEnvelope } from "../peer/envelope.js";
import type { RepaymentLedger } from "../repayments/ledger.js";
import { notFound, problemsInvalid, ServiceError } from "../service-error.js";
import { type DigestSigner, signDigest, signedBy } from "../signed-digest.js";

/** The peer message kinds of mediation (docs/design.md §28). */
export const MEDIATION_KINDS = { request: "mediation.request", sign: "mediation.sign", refuse: "mediation.refuse" } as const;
/** What the notarized record of an agreement is: the agreement, both signatures, the debtor's acceptance. */
export const MEDIATION_RECORD_FORMAT = "caseledger-mediation-record/1";

/** Why a mediator refuses to sign (catalog section `mediationRefusal`). */
export const REFUSAL_REASONS = ["TERMS_UNFAIR", "DEBTOR_NOT_HEARD", "FACTS_DISPUTED", "OTHER"] as const;
type RefusalReason = (typeof REFUSAL_REASONS)[number];

export interface MediationDeps {
  store: Pick<MediationStore, "get" | "put" | "list">;
  channel: Pick<PeerChannel, "send" | "handle">;
  evidence: Pick<EvidenceService, "recordSystem" | "get" | "recordFile" | "list">;
  /** The case as this gateway's chain index has it. */
  caseOf: (caseKey: string) => Promise<CaseRecord | undefined>;
  /** MemberRegistry: whether a member is active with that role now. */
  activeAs: (memberId: number, role: "lender" | "mediator") => Promise<boolean>;
  /** A member's current signing key when the chain shows it Active, else undefined. */
  signerOf: (memberId: number) => Promise<string | undefined>;
  /** The creditor's ledger: the case's repayments and their states. */
  repayments: Pick<RepaymentLedger, "view">;
  signer: DigestSigner;
  memberId: number;
  clock: Clock;
}

/** What the API shows of an agreement: the stored record, and its schedule once it is in force. */
export type MediationView = StoredMediation & { schedule?: ScheduleStatus };

const HASH = /^0x[0-9a-f]{64}$/;

const invalid = (problems: readonly AgreementProblem[]) => problemsInvalid(msg("mediation.AGREEMENT_INVALID"), problems, (p) => msg(`mediationAgreement.${p.code}`));

const stateConflict = (state: string) => new ServiceError("CONFLICT", msg("mediation.STATE_CONFLICT", { state }), { state });
const bodyOf = (body: unknown): Record<string, unknown> => (typeof body === "object" && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {});

/**
 * Mediation agreements (docs/design.md §28). The lender drafts one for a case it is the creditor of, naming an Active
 * MEDIATOR member; asking for the mediator's signature signs the agreement's hash with the lender's key and sends it
 * (`mediation.request`). The mediator's gateway checks the creditor of record on chain, the hash and the lender's
 * signature against the lender's key on chain, and keeps it as received; its staff approve (the mediator's key signs
 * the hash, `mediation.sign`) or refuse with a reason (`mediation.refuse`). The lender's gateway takes a signature only
 * from the agreement's mediator, only if the chain shows it an Active MEDIATOR whose current key made it. With both
 * signatures and the debtor's acceptance (a record in the creditor's evidence log) the agreement is in force and is
 * notarized; its instalments are then tracked against the creditor's confirmed repayments.
 */
export class MediationService {
  constructor(private readonly deps: MediationDeps) {
    deps.channel.handle(MEDIATION_KINDS.request, (from, body, request) => this.#received(from, body, request));
    deps.channel.handle(MEDIATION_KINDS.sign, (from, body, request) => this.#signed(from, body, request));
    deps.channel.handle(MEDIATION_KINDS.refuse, (from, body, request) => this.#refused(from, body, request));
  }

  #now(): string {
    return new Date(this.deps.clock()).toISOString();
  }

  /** Lender: a draft for one of its cases. `creditorId` is this member; `agencyId` the case's holder now on chain (or null), whatever the body says. */
  async create(raw: unknown): Promise<StoredMediation> {
    const body = bodyOf(raw);
    const caseKey = typeof body.caseKey === "string" ? body.caseKey.toLowerCase() : body.caseKey;
    const state = typeof caseKey === "string" && HASH.test(caseKey) ? await this.deps.caseOf(caseKey) : undefined;
    const agencyId = state && state.agencyId !== 0 && isHeldAt(state, Math.floor(this.deps.clock() / 1000)) ? state.agencyId : null;
    const result = parseAgreement({ format: AGREEMENT_FORMAT, ...body, caseKey, creditorId: this.deps.memberId, agencyId });
    if (!result.ok) throw invalid(result.problems);
    const { agreement } = result;
    if (!state || state.status === "None") throw new ServiceError("NOT_FOUND", msg("api.CASE_NOT_ON_CHAIN", { caseKey: agreement.caseKey }));
    if (state.creditorId !== this.deps.memberId) throw new ServiceError("FORBIDDEN", msg("mediation.NOT_CREDITOR"));
    if (!(await this.deps.activeAs(agreement.mediatorId, "mediator"))) {
      throw new ServiceError("MEDIATION_NOT_MEDIATOR", msg("mediation.NOT_MEDIATOR", { member: agreement.mediatorId }), { member: agreement.mediatorId });
    }
    const hash = agreementHash(agreement);
    const had = await this.deps.store.get(hash);
    if (had) return had;
    const now = this.#now();
    const record: StoredMediation = { hash, agreement, side: "creditor", state: "draft", createdAt: now, updatedAt: now };
    await this.deps.store.put(record);
    return record;
  }

  /** Lender: signs the agreement's hash and asks the mediator's gateway to keep it for its staff (a draft, or after a refusal: no). */
  async requestSignature(hash: string): Promise<StoredMediation> {
    const record = await this.#own(hash, "creditor");
    if (record.state === "requested" || record.state === "signed" || record.state === "effective") return record;
    if (record.state !== "draft") throw stateConflict(record.state);
    const { agreement } = record;
    if (!(await this.deps.activeAs(agreement.mediatorId, "mediator"))) {
      throw new ServiceError("MEDIATION_NOT_MEDIATOR", msg("mediation.NOT_MEDIATOR", { member: agreement.mediatorId }), { member: agreement.mediatorId });
    }
    const creditorSignature = record.creditorSignature ?? (await signDigest(hash, this.deps.signer));
    const exchange = await this.deps.channel.send(agreement.mediatorId, MEDIATION_KINDS.request, { agreement, hash, creditorSignature });
    answerBody(exchange);
    Object.assign(record, { creditorSignature, request: stored(exchange.request), state: "requested", updatedAt: this.#now() });
    await this.deps.store.put(record);
    return record;
  }

  /** Mediator: its staff approve — its key signs the hash; the creditor's gateway must take the signature. */
  async approve(hash: string): Promise<StoredMediation> {
    const record = await this.#own(hash, "mediator");
    if (record.state === "signed") return record;
    if (record.state !== "received") throw stateConflict(record.state);
    const mediatorSignature = await signDigest(hash, this.deps.signer);
    const exchange = await this.deps.channel.send(record.agreement.creditorId, MEDIATION_KINDS.sign, { hash, mediatorSignature });
    answerBody(exchange);
    Object.assign(record, { mediatorSignature, answer: stored(exchange.request), state: "signed" });
    await this.#notarize(record);
    return record;
  }

  /** Mediator: its staff refuse, with a reason code; the creditor's gateway is told. */
  async refuse(hash: string, rawReason: unknown): Promise<StoredMediation> {
    const reason = rawReason as RefusalReason;
    if (!REFUSAL_REASONS.includes(reason)) throw new ServiceError("VALIDATION_FAILED", msg("mediation.REFUSAL_REASON", { reasons: REFUSAL_REASONS.join(", ") }), { field: "reason" });
    const record = await this.#own(hash, "mediator");
    if (record.state === "refused") return record;
    if (record.state !== "received") throw stateConflict(record.state);
    const exchange = await this.deps.channel.send(record.agreement.creditorId, MEDIATION_KINDS.refuse, { hash, reason });
    answerBody(exchange);
    Object.assign(record, { refusal: { reason, at: this.#now() }, answer: stored(exchange.request), state: "refused", updatedAt: this.#now() });
    await this.deps.store.put(record);
    return record;
  }

  /**
   * Lender: the debtor's acceptance — how it was given and the evidence record of its file (a scan, a call recording,
   * the record of a hearing) that this gateway's log holds for the same case. Once signed by both, it comes into force.
   */
  async recordAcceptance(hash: string, raw: unknown): Promise<StoredMediation> {
    const record = await this.#own(hash, "creditor");
    const body = bodyOf(raw);
    const method = body.method as AcceptanceMethod;
    const evidenceId = body.evidenceId;
    if (!ACCEPTANCE_METHODS.includes(method) || typeof evidenceId !== "number" || !Number.isSafeInteger(evidenceId) || evidenceId < 0) {
      throw new ServiceError("VALIDATION_FAILED", msg("mediation.ACCEPTANCE_INVALID", { methods: ACCEPTANCE_METHODS.join(", ") }));
    }
    if (record.state === "refused" || record.state === "effective") throw stateConflict(record.state);
    const evidence = await this.deps.evidence.get(evidenceId).catch(() => undefined);
    if (!evidence || evidence.caseKey !== record.agreement.caseKey) throw new ServiceError("VALIDATION_FAILED", msg("mediation.ACCEPTANCE_EVIDENCE", { id: evidenceId }), { field: "evidenceId" });
    record.acceptance = { method, evidenceId, leafHash: evidence.leafHash, contentSha256: evidence.contentSha256, recordedAt: this.#now() };
    if (record.state === "signed") await this.#notarize(record);
    else {
      record.updatedAt = this.#now();
      await this.deps.store.put(record);
    }
    return record;
  }

  /**
   * Lender: the acceptance and its file in one step — the file (streamed) is notarized as `mediation-agreement` evidence
   * of the case in this gateway's log, kept, and named as the acceptance's record.
   */
  async recordAcceptanceFile(hash: string, rawMethod: unknown, chunks: AsyncIterable<Uint8Array>, mediaType: string, by?: string): Promise<StoredMediation> {
    const record = await this.#own(hash, "creditor");
    const method = rawMethod as AcceptanceMethod;
    if (!ACCEPTANCE_METHODS.includes(method)) throw new ServiceError("VALIDATION_FAILED", msg("mediation.ACCEPTANCE_INVALID", { methods: ACCEPTANCE_METHODS.join(", ") }));
    if (record.state === "refused" || record.state === "effective") throw stateConflict(record.state);
    const view = await this.deps.evidence.recordFile({ caseKey: record.agreement.caseKey, kind: "mediation-agreement", mediaType }, chunks, { keep: true, sm3: false, ...(by ? { by } : {}) });
    return this.recordAcceptance(hash, { method, evidenceId: view.id });
  }

  /** This member's agreements (as creditor or as mediator), optionally of one case or in one state. */
  list(filter: { caseKey?: string; state?: string }): Promise<StoredMediation[]> {
    // A state that is none of MediationState matches nothing, as any unknown value.
    return this.deps.store.list({ ...(filter.caseKey ? { caseKey: filter.caseKey.toLowerCase() } : {}), ...(filter.state !== undefined ? { state: filter.state as MediationState } : {}) });
  }

  /** One agreement, with its schedule when this member is its creditor and it is in force. */
  async get(hash: string): Promise<MediationView> {
    const record = await this.deps.store.get(hash.toLowerCase());
    if (!record) throw notFound("mediation", hash);
    if (record.side === "creditor" && record.state === "effective") return { ...record, schedule: await this.#schedule(record) };
    return record;
  }

  /** The creditor's schedule of an agreement in force: each instalment's state now. */
  async schedule(hash: string): Promise<{ hash: string; caseKey: string; at: string; schedule: ScheduleStatus }> {
    const record = await this.#own(hash, "creditor");
    if (record.state !== "effective") throw new ServiceError("MEDIATION_NOT_EFFECTIVE", msg("mediation.NOT_EFFECTIVE", { state: record.state }), { state: record.state });
    return { hash: record.hash, caseKey: record.agreement.caseKey, at: this.#now(), schedule: await this.#schedule(record) };
  }

  /** The agreement in force and its schedule, for the filing package (the creditor's own). */
  async inForce(hash: string): Promise<{ record: StoredMediation; schedule: ScheduleStatus }> {
    const { schedule } = await this.schedule(hash);
    return { record: (await this.deps.store.get(hash.toLowerCase()))!, schedule };
  }

  /** The notarized record's text (what its evidence record's content hash is of), for an agreement signed by both. */
  recordText(record: StoredMediation): string {
    const { agreement, hash } = record;
    return canonicalJson({
      format: MEDIATION_RECORD_FORMAT,
      hash,
      agreement,
      signatures: [
        { member: agreement.creditorId, role: "creditor", signature: record.creditorSignature },
        { member: agreement.mediatorId, role: "mediator", signature: record.mediatorSignature },
      ],
      ...(record.acceptance ? { acceptance: { method: record.acceptance.method, leafHash: record.acceptance.leafHash, contentSha256: record.acceptance.contentSha256 } } : {}),
    });
  }

  async #schedule(record: StoredMediation): Promise<ScheduleStatus> {
    const ledger = await this.deps.repayments.view(record.agreement.caseKey);
    const counted: CountedRepayment[] = ledger.repayments.filter((r) => r.state === "confirmed").map((r) => ({ id: r.id, amountFen: r.amountFen, paidAt: r.paidAt }));
    return scheduleStatus(record.agreement, counted, this.deps.clock());
  }

  async #own(rawHash: string, side: StoredMediation["side"]): Promise<StoredMediation> {
    const hash = rawHash.toLowerCase();
    const record = HASH.test(hash) ? await this.deps.store.get(hash) : undefined;
    if (!record || record.side !== side) throw notFound("mediation", rawHash.slice(0, 66));
    return record;
  }

  /** Notarizes the agreement with both signatures (and the acceptance at the creditor): in force at the creditor once accepted. */
  async #notarize(record: StoredMediation): Promise<void> {
    const now = this.#now();
    const inForce = record.side === "creditor" && record.acceptance !== undefined && record.mediatorSignature !== undefined;
    if (record.side === "creditor" && !inForce) {
      record.updatedAt = now;
      await this.deps.store.put(record);
      return;
    }
    const text = this.recordText(record);
    const bytes = Buffer.from(text, "utf8");
    const contentSha256 = createHash("sha256").update(bytes).digest("hex");
    const draft: RecordDraft = {
      caseKey: record.agreement.caseKey,
      kind: "mediation-agreement",
      contentSha256,
      contentSize: bytes.length,
      mediaType: "application/json",
      capturedAt: now,
      kept: false,
      source: "system",
      inline: text,
    };
    const entry = (await this.#notarized(record.agreement.caseKey, contentSha256)) ?? (await this.deps.evidence.recordSystem([draft]))[0];
    record.evidenceId = entry?.index;
    record.leafHash = entry?.leafHash;
    if (inForce) record.state = "effective";
    record.updatedAt = now;
    await this.deps.store.put(record);
  }

  /**
   * The record of this very text when the log already holds it: the step is being repeated after the gateway stopped
   * between notarizing and saving the agreement's new state (the record is the same bytes, so the first one stands).
   */
  async #notarized(caseKey: string, contentSha256: string): Promise<{ index: number; leafHash: string } | undefined> {
    let after: number | undefined;
    for (;;) {
      const page = await this.deps.evidence.list(caseKey, { ...(after === undefined ? {} : { after }), limit: 1_000 });
      const hit = page.records.find((r) => r.kind === "mediation-agreement" && r.source === "system" && r.contentSha256 === contentSha256);
      if (hit) return { index: hit.id, leafHash: hit.leafHash };
      if (page.next === null) return undefined;
      after = page.next;
    }
  }

  /** Mediator side of mediation.request: for this member, from the case's creditor of record, hash and signature checked. */
  async #received(from: number, body: unknown, request: SignedPeerEnvelope): Promise<unknown> {
    const b = bodyOf(body);
    const result = parseAgreement(b.agreement);
    if (!result.ok) throw invalid(result.problems);
    const { agreement } = result;
    if (agreement.creditorId !== from || agreement.mediatorId !== this.deps.memberId) throw new ServiceError("FORBIDDEN", msg("fees.NOT_PARTY"));
    const hash = agreementHash(agreement);
    if (b.hash !== hash) throw new ServiceError("VALIDATION_FAILED", msg("fees.HASH_MISMATCH"));
    if (!(await this.deps.activeAs(this.deps.memberId, "mediator"))) {
      throw new ServiceError("MEDIATION_NOT_MEDIATOR", msg("mediation.NOT_MEDIATOR", { member: this.deps.memberId }), { member: this.deps.memberId });
    }
    const state = await this.deps.caseOf(agreement.caseKey);
    if (!state || state.creditorId !== from) throw new ServiceError("FORBIDDEN", msg("mediation.NOT_CREDITOR"));
    // The agency it names is the case's (current or last) agency on this gateway's own index, or none.
    if (agreement.agencyId !== null && agreement.agencyId !== state.agencyId) {
      throw new ServiceError("FORBIDDEN", msg("mediation.AGENCY_MISMATCH", { agency: agreement.agencyId }), { agencyId: agreement.agencyId });
    }
    const key = await this.deps.signerOf(from);
    if (!key || !signedBy(hash, b.creditorSignature, key)) throw new ServiceError("MEDIATION_BAD_SIGNATURE", msg("mediation.BAD_SIGNATURE", { member: from }), { member: from });
    const had = await this.deps.store.get(hash);
    if (had) return { received: hash, state: had.state };
    const now = this.#now();
    await this.deps.store.put({ hash, agreement, side: "mediator", state: "received", creditorSignature: b.creditorSignature as string, request: stored(request), createdAt: now, updatedAt: now });
    return { received: hash, state: "received" };
  }

  /** Creditor side of mediation.sign: only the agreement's mediator, Active as MEDIATOR, its current key over the hash. */
  async #signed(from: number, body: unknown, request: SignedPeerEnvelope): Promise<unknown> {
    const b = bodyOf(body);
    const record = await this.#requestedOf(from, b.hash);
    if (record.state === "signed" || record.state === "effective") return { signed: record.hash, state: record.state };
    if (record.state !== "requested") throw stateConflict(record.state);
    if (!(await this.deps.activeAs(from, "mediator"))) throw new ServiceError("MEDIATION_NOT_MEDIATOR", msg("mediation.NOT_MEDIATOR", { member: from }), { member: from });
    const key = await this.deps.signerOf(from);
    if (!key || !signedBy(record.hash, b.mediatorSignature, key)) throw new ServiceError("MEDIATION_BAD_SIGNATURE", msg("mediation.BAD_SIGNATURE", { member: from }), { member: from });
    Object.assign(record, { mediatorSignature: b.mediatorSignature as string, answer: stored(request), state: "signed" });
    await this.#notarize(record);
    return { signed: record.hash, state: record.state };
  }

  /** Creditor side of mediation.refuse: only the agreement's mediator, only while requested. */
  async #refused(from: number, body: unknown, request: SignedPeerEnvelope): Promise<unknown> {
    const b = bodyOf(body);
    const record = await this.#requestedOf(from, b.hash);
    if (record.state === "refused") return { refused: record.hash };
    if (record.state !== "requested") throw stateConflict(record.state);
    const reason = REFUSAL_REASONS.includes(b.reason as RefusalReason) ? (b.reason as RefusalReason) : "OTHER";
    Object.assign(record, { refusal: { reason, at: this.#now() }, answer: stored(request), state: "refused", updatedAt: this.#now() });
    await this.deps.store.put(record);
    return { refused: record.hash };
  }

  async #requestedOf(from: number, rawHash: unknown): Promise<StoredMediation> {
    const hash = typeof rawHash === "string" ? rawHash.toLowerCase() : "";
    const record = HASH.test(hash) ? await this.deps.store.get(hash) : undefined;
    if (!record || record.side !== "creditor" || record.agreement.mediatorId !== from || !record.request) {
      throw new ServiceError("NOT_FOUND", msg("mediation.NOT_REQUESTED", { hash: hash.slice(0, 66) }));
    }
    return record;
  }
}
