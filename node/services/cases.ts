import type { CaseIndexer } from "../chain/case-indexer.js";
import type { CaseJobSpec } from "../chain/case-jobs.js";
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
}

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
    if (!Array.isArray(caseKeys) || caseKeys.length === 0 || caseKeys.length > 100_000 || !caseKeys.every(isPseudonymKey)) {
      throw new ServiceError("VALIDATION_FAILED", msg("api.CASE_KEYS_INVALID"));
    }
    let spec: CaseJobSpec;
    if (action === "extend") spec = { kind: "extend", until: Number(until), caseKeys };
    else if (action === "transferCreditor") spec = { kind: "transferCreditor", toCreditorId: Number(toCreditorId), caseKeys };
    else spec = { kind: action, caseKeys } as CaseJobSpec;
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
