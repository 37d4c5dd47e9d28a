import { Router } from "express";
import { msg } from "../messages/message.js";
import type { CaseIndexer } from "../chain/case-indexer.js";
import type { CaseSubmitter } from "../chain/case-submitter.js";
import type { CaseJobSpec } from "../chain/case-jobs.js";
import { maskIdNumber } from "../domain/identity/id-number.js";
import { maskName } from "../domain/identity/name.js";
import { maskPhone } from "../domain/identity/phone.js";
import { isPseudonymKey } from "../domain/pseudonyms.js";
import type { CasePii, StoredCase } from "../store/case-records.js";
import type { GatewayDatabase } from "../store/database.js";
import type { PiiCipher } from "../store/pii-cipher.js";
import { ApiError, notFound } from "./api-error.js";
import { requireRole } from "./auth.js";

export interface CasesRouterDeps {
  store: GatewayDatabase;
  cipher: PiiCipher;
  indexer: CaseIndexer;
  submitter: CaseSubmitter;
  memberId: number;
}

const LENDER_ACTIONS = ["recall", "extend", "settle", "close", "transferCreditor"] as const;
const AGENCY_ACTIONS = ["accept", "returnCases"] as const;

/**
 * `/v1/cases`: a member's cases with their chain state and history; the lifecycle actions as durable jobs
 * (`POST /v1/cases/actions` → 202 with the job; `GET /v1/jobs/:id` for its progress). Personal data is shown
 * in full only to the member that holds the case (the creditor, or the agency while it holds the mandate);
 * otherwise masked.
 */
export function casesRouter(deps: CasesRouterDeps): { cases: Router; jobs: Router } {
  const { store, cipher, indexer, submitter, memberId } = deps;
  const cases = Router();
  cases.use(requireRole("lender", "agency"));

  const view = async (stored: StoredCase | undefined, caseKey: string) => {
    const chain = await indexer.caseOf(caseKey);
    if (!stored && !chain) return undefined;
    const now = Math.floor(Date.now() / 1000);
    const isCreditor = chain ? chain.creditorId === memberId : stored?.creditorId === memberId;
    const holds = !!chain && chain.agencyId === memberId && (chain.status === "Assigned" || chain.status === "Accepted") && chain.until >= now;
    if (!isCreditor && !holds && !(chain && chain.agencyId === memberId)) return undefined;
    let person: Partial<CasePii> | undefined;
    if (stored) {
      const pii = cipher.openJson<CasePii>(stored.pii, stored.caseKey);
      person = isCreditor || holds ? pii : { name: maskName(pii.name), idNumber: maskIdNumber(pii.idNumber), phone: maskPhone(pii.phone) };
    }
    const { pii: _sealed, ...details } = stored ?? ({} as Partial<StoredCase>);
    return { caseKey, ...details, person, chain: chain ?? null, masked: !(isCreditor || holds) };
  };

  cases.get("/", async (req, res) => {
    const limit = Math.min(Number(req.query.limit ?? 100) || 100, 1_000);
    const after = typeof req.query.after === "string" ? req.query.after : undefined;
    if (req.staff!.role === "agency" || req.query.as === "agency") {
      const page = await indexer.casesOfAgency(memberId, { limit, after });
      res.json({ cases: page.cases, next: page.next });
      return;
    }
    if (typeof req.query.loanRef === "string") {
      const key = (await store.sub.loanRefs.get(`${memberId}/${req.query.loanRef}`)) as string | undefined;
      const stored = key ? ((await store.sub.cases.get(key)) as StoredCase) : undefined;
      res.json({ cases: stored ? [await view(stored, stored.caseKey)] : [], next: null });
      return;
    }
    const page = await indexer.casesOfCreditor(memberId, { limit, after });
    res.json({ cases: page.cases, next: page.next });
  });

  cases.get("/:caseKey", async (req, res) => {
    const key = req.params.caseKey.toLowerCase();
    if (!isPseudonymKey(key)) throw new ApiError("VALIDATION_FAILED", msg("api.CASE_KEY_MALFORMED"));
    const result = await view((await store.sub.cases.get(key)) as StoredCase | undefined, key);
    if (!result) throw notFound("case", key);
    res.json({ ...result, history: await indexer.history(key) });
  });

  cases.post("/actions", async (req, res) => {
    const { action, caseKeys, until, toCreditorId } = req.body ?? {};
    const role = req.staff!.role;
    const allowed: readonly string[] = role === "admin" ? [...LENDER_ACTIONS, ...AGENCY_ACTIONS] : role === "lender" ? LENDER_ACTIONS : role === "agency" ? AGENCY_ACTIONS : [];
    if (!allowed.includes(action)) throw new ApiError("FORBIDDEN", msg("api.ACTION_NOT_ALLOWED", { action: String(action) }));
    if (!Array.isArray(caseKeys) || caseKeys.length === 0 || caseKeys.length > 100_000 || !caseKeys.every(isPseudonymKey)) {
      throw new ApiError("VALIDATION_FAILED", msg("api.CASE_KEYS_INVALID"));
    }
    let spec: CaseJobSpec;
    if (action === "extend") spec = { kind: "extend", until: Number(until), caseKeys };
    else if (action === "transferCreditor") spec = { kind: "transferCreditor", toCreditorId: Number(toCreditorId), caseKeys };
    else spec = { kind: action, caseKeys } as CaseJobSpec;
    try {
      const job = await submitter.enqueue(spec);
      res.status(202).location(`/v1/jobs/${job.id}`).json(job);
    } catch (error) {
      if ((error as { code?: string }).code === "JOB_INVALID") throw new ApiError("VALIDATION_FAILED", msg("api.JOB_INVALID", { problem: (error as Error).message }));
      throw error;
    }
  });

  const jobs = Router();
  jobs.get("/:id", async (req, res) => {
    const job = await submitter.job(req.params.id);
    if (!job) throw notFound("job", req.params.id);
    const failed = (await submitter.items(job.id, { limit: 1_000_000 })).filter((i) => i.status.state === "failed");
    res.json({ ...job, failedItems: failed.slice(0, 1_000) });
  });
  return { cases, jobs };
}

