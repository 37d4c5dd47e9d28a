import type { CaseIndexer } from "../chain/case-indexer.js";
import type { CaseJobSpec, SettledCase } from "../chain/case-jobs.js";
import type { CaseSubmitter } from "../chain/case-submitter.js";
import type { Clock } from "../domain/clock.js";
import { actionsOpenTo, isHeldAt, statusAt } from "../domain/consortium/index.js";
import { maskIdNumber } from "../domain/identity/id-number.js";
import { maskName } from "../domain/identity/name.js";
import { maskPhone } from "../domain/identity/phone.js";
import { isPseudonymKey } from "../domain/pseudonyms.js";
import type { StaffRole } from "../domain/staff-roles.js";
import type { CasePii, StoredCase } from "../store/case-records.js";
import type { GatewayDatabase } from "../store/database.js";
import type { PiiCipher } from "../store/pii-cipher.js";
import { msg } from "../messages/message.js";
import { notFound, ServiceError } from "./service-error.js";

export interface CaseServiceDeps {
  store: GatewayDatabase;
  cipher: PiiCipher;
  indexer: Pick<CaseIndexer, "caseOf" | "casesOfAgency" | "casesOfCreditor" | "history">;
  submitter: Pick<CaseSubmitter, "enqueue" | "job" | "items">;
  memberId: number;
  clock: Clock;
  /** Notarizes a settlement's terms document for its cases (EvidenceService.recordSettlementTerms). */
  settlementTerms?: (caseKeys: readonly string[], content: Uint8Array, mediaType: string) => Promise<{ sha256: string }>;
}

/** Largest terms document carried in a settle request (base64 in the JSON body, whose own limit is 1 MB). */
export const SETTLEMENT_TERMS_MAX_BYTES = 512 * 1024;
const FEN = /^(0|[1-9][0-9]{0,19})$/;
const MAX_UINT64 = 2n ** 64n - 1n;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

const LENDER_ACTIONS = ["recall", "extend", "settle", "close", "transferCreditor"] as const;
const AGENCY_ACTIONS = ["accept", "returnCases"] as const;

export interface CaseListQuery {
  role: StaffRole;
  /** `as=agency`: a member that is lender and agency lists the cases it holds as an agency. */
  asAgency: boolean;
  loanRef?: string;
  limit: number;
  after?: string;
}

export interface CaseActionRequest {
  action?: unknown;
  caseKeys?: unknown;
  until?: unknown;
  toCreditorId?: unknown;
  /** settle: `[{ caseKey, settledFen }]`, the amount each case was settled for, in fen as a decimal string ("0": write-off). */
  settlements?: unknown;
  /** settle: the optional terms document, `{ contentBase64, mediaType }`. */
  terms?: unknown;
}

/**
 * A member's cases with their chain state and history, and the lifecycle actions as durable jobs. Personal data is
 * shown in full only to the member that holds the case (the creditor, or the agency while it holds the mandate);
 * otherwise masked.
 */
export class CaseService {
  constructor(private readonly deps: CaseServiceDeps) {}

  /** Who may see a case and how much of it: undefined when this member is neither its creditor nor its agency. */
  async #view(stored: StoredCase | undefined, caseKey: string) {
    const { indexer, cipher, memberId } = this.deps;
    const chain = await indexer.caseOf(caseKey);
    if (!stored && !chain) return undefined;
    const now = Math.floor(this.deps.clock() / 1000);
    const isCreditor = chain ? chain.creditorId === memberId : stored?.creditorId === memberId;
    const holds = !!chain && chain.agencyId === memberId && isHeldAt(chain, now);
    if (!isCreditor && !holds && !(chain && chain.agencyId === memberId)) return undefined;
    let person: Partial<CasePii> | undefined;
    if (stored) {
      const pii = cipher.openJson<CasePii>(stored.pii, stored.caseKey);
      person = isCreditor || holds ? pii : { name: maskName(pii.name), idNumber: maskIdNumber(pii.idNumber), phone: maskPhone(pii.phone) };
    }
    const { pii: _sealed, ...details } = stored ?? ({} as Partial<StoredCase>);
    // The steps this member may take now, decided here from the lifecycle table: the console only shows them.
    const actions = chain ? actionsOpenTo(chain, memberId, now) : [];
    return { caseKey, ...details, person, chain: chain ?? null, masked: !(isCreditor || holds), status: statusAt(chain, now), actions };
  }

  /** A page of the member's cases (as creditor, or as agency), or the one case of a loan reference. */
  async list(query: CaseListQuery) {
    const { indexer, store, memberId } = this.deps;
    const { limit, after } = query;
    if (query.role === "agency" || query.asAgency) {
      const page = await indexer.casesOfAgency(memberId, { limit, after });
      return { cases: page.cases, next: page.next };
    }
    if (query.loanRef !== undefined) {
      const key = await store.loanRefs.caseKeyOf(memberId, query.loanRef);
      const stored = key ? await store.cases.get(key) : undefined;
      return { cases: stored ? [await this.#view(stored, stored.caseKey)] : [], next: null };
    }
    const page = await indexer.casesOfCreditor(memberId, { limit, after });
    return { cases: page.cases, next: page.next };
  }

  /** One case with its history on chain; not found for a case this member may not see. */
  async get(caseKeyRaw: string) {
    const key = caseKeyRaw.toLowerCase();
    if (!isPseudonymKey(key)) throw new ServiceError("VALIDATION_FAILED", msg("api.CASE_KEY_MALFORMED"));
    const result = await this.#view(await this.deps.store.cases.get(key), key);
    if (!result) throw notFound("case", key);
    return { ...result, history: await this.deps.indexer.history(key) };
  }

  /** Queues a lifecycle action that the staff member's role may take, as a durable job. */
  async act(role: StaffRole, request: CaseActionRequest) {
    const { action, caseKeys, until, toCreditorId } = request;
    const allowed: readonly string[] = role === "admin" ? [...LENDER_ACTIONS, ...AGENCY_ACTIONS] : role === "lender" ? LENDER_ACTIONS : role === "agency" ? AGENCY_ACTIONS : [];
    if (typeof action !== "string" || !allowed.includes(action)) throw new ServiceError("FORBIDDEN", msg("api.ACTION_NOT_ALLOWED", { action: String(action) }));
    if (action === "settle") return this.#settle(request);
    if (!Array.isArray(caseKeys) || caseKeys.length === 0 || caseKeys.length > 100_000 || !caseKeys.every(isPseudonymKey)) {
      throw new ServiceError("VALIDATION_FAILED", msg("api.CASE_KEYS_INVALID"));
    }
    let spec: CaseJobSpec;
    if (action === "extend") spec = { kind: "extend", until: Number(until), caseKeys };
    else if (action === "transferCreditor") spec = { kind: "transferCreditor", toCreditorId: Number(toCreditorId), caseKeys };
    else spec = { kind: action, caseKeys } as CaseJobSpec;
    return this.#enqueue(spec);
  }

  /**
   * A settlement: the lender states what each case was settled for — the outstanding this gateway holds is not
   * assumed (docs/design.md §24) — and may give the terms document, notarized as `settlement` evidence of every case
   * before its SHA-256 goes on chain with the amounts.
   */
  async #settle(request: CaseActionRequest) {
    const { settlements, terms } = request;
    if (!Array.isArray(settlements) || settlements.length === 0 || settlements.length > 100_000) {
      throw new ServiceError("VALIDATION_FAILED", msg("settlement.AMOUNTS_REQUIRED"));
    }
    const items: SettledCase[] = settlements.map((entry: unknown, index) => {
      const { caseKey, settledFen } = (entry ?? {}) as { caseKey?: unknown; settledFen?: unknown };
      if (!isPseudonymKey(caseKey) || typeof settledFen !== "string" || !FEN.test(settledFen) || BigInt(settledFen) > MAX_UINT64) {
        throw new ServiceError("VALIDATION_FAILED", msg("settlement.ITEM_INVALID", { index }));
      }
      return { caseKey: caseKey.toLowerCase(), settledFen };
    });
    // Refused before the terms are notarized, not after (the outbox would refuse the repeat only then).
    const seen = new Set<string>();
    items.forEach(({ caseKey }, index) => {
      if (seen.has(caseKey)) throw new ServiceError("VALIDATION_FAILED", msg("settlement.ITEM_INVALID", { index }));
      seen.add(caseKey);
    });
    let termsHash: string | undefined;
    if (terms !== undefined) {
      const { contentBase64, mediaType } = (terms ?? {}) as { contentBase64?: unknown; mediaType?: unknown };
      const content = typeof contentBase64 === "string" && BASE64.test(contentBase64) ? Buffer.from(contentBase64, "base64") : undefined;
      if (!content || content.length === 0 || content.length > SETTLEMENT_TERMS_MAX_BYTES || typeof mediaType !== "string" || !this.deps.settlementTerms) {
        throw new ServiceError("VALIDATION_FAILED", msg("settlement.TERMS_INVALID", { maxBytes: SETTLEMENT_TERMS_MAX_BYTES }));
      }
      termsHash = `0x${(await this.deps.settlementTerms(items.map((i) => i.caseKey), content, mediaType)).sha256}`;
    }
    return this.#enqueue({ kind: "settle", settlements: items, ...(termsHash && { termsHash }) });
  }

  async #enqueue(spec: CaseJobSpec) {
    try {
      return await this.deps.submitter.enqueue(spec);
    } catch (error) {
      if ((error as { code?: string }).code === "JOB_INVALID") throw new ServiceError("VALIDATION_FAILED", msg("api.JOB_INVALID", { problem: (error as Error).message }));
      throw error;
    }
  }

  /** A job with its failed items (the first 1,000). */
  async job(id: string) {
    const { submitter } = this.deps;
    const job = await submitter.job(id);
    if (!job) throw notFound("job", id);
    const failed = (await submitter.items(job.id, { limit: 1_000_000 })).filter((i) => i.status.state === "failed");
    return { ...job, failedItems: failed.slice(0, 1_000) };
  }
}
