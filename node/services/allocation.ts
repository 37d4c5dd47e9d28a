import { randomBytes } from "node:crypto";
import { msg } from "../messages/message.js";
import type { CaseIndexer } from "../chain/case-indexer.js";
import type { CaseSubmitter } from "../chain/case-submitter.js";
import type { Clock } from "../domain/clock.js";
import { isHeldAt, MAX_MANDATE_DAYS } from "../domain/consortium/index.js";
import { allocate, type CaseToAllocate } from "../domain/matching/index.js";
import { matchingRecovery } from "../domain/scorecards/index.js";
import { toProfile, type StoredAgency } from "../store/agency-records.js";
import type { AllocationRecord } from "../store/allocation-repository.js";
import type { GatewayDatabase } from "../store/database.js";
import type { HandoverDelivery } from "../store/handover-deliveries.js";
import { ServiceError as ApiError, notFound } from "./service-error.js";

export type { AllocationRecord } from "../store/allocation-repository.js";

export interface AllocationDeps {
  store: GatewayDatabase;
  indexer: CaseIndexer;
  submitter: CaseSubmitter;
  memberId: number;
  mandateDays: number;
  clock: Clock;
  /** The handover of an assignment job's cases to its agency, once there is one. */
  deliveryOf: (jobId: string) => Promise<HandoverDelivery | undefined>;
  /** Each agency's 90-day recovery in basis points (null: no history), from this lender's scorecards (docs/design.md §24). */
  recovery90?: () => Promise<Map<number, number | null>>;
  /** Told of every assignment job as it is enqueued (the handover sender waits for it). */
  onAssignmentJob?: (jobId: string, agencyId: number) => Promise<void>;
}

const nowSeconds = (deps: AllocationDeps) => Math.floor(deps.clock() / 1000);

/**
 * Previews and commits allocations (docs/design.md §13): the list's accepted cases, minus those
 * already held on chain, matched against the lender's agency list with co-debt taken from the chain index.
 */
export class AllocationService {
  /** Commits in progress in this process: a double click gets 409, not a second set of jobs. */
  readonly #committing = new Set<string>();

  constructor(private readonly deps: AllocationDeps) {}

  async get(id: string): Promise<AllocationRecord> {
    const record = await this.deps.store.allocations.get(id);
    if (!record) throw notFound("allocation", id);
    return record;
  }

  async preview(listId: string, staff: string): Promise<AllocationRecord> {
    const { store, indexer } = this.deps;
    const list = await store.caseLists.get(listId);
    if (!list) throw notFound("caseList", listId);
    if (list.state !== "ready") throw new ApiError("CONFLICT", msg("api.LIST_NOT_READY"), { state: list.state });
    const now = nowSeconds(this.deps);

    const cases: CaseToAllocate[] = [];
    const meta = new Map<string, { loanRef: string; outstandingFen: string }>();
    const skipped: AllocationRecord["skipped"] = [];
    for await (const row of store.reportRows.rows(listId, { status: "accepted" })) {
      const stored = await store.cases.get(row.caseKey!);
      if (!stored) continue;
      const onChain = await indexer.caseOf(stored.caseKey);
      if (onChain) {
        const held = isHeldAt(onChain, now);
        if (held || onChain.status === "Settled" || onChain.status === "Closed") {
          skipped.push({ caseKey: stored.caseKey, loanRef: stored.loanRef, status: held ? "held" : onChain.status });
          continue;
        }
      }
      meta.set(stored.caseKey, { loanRef: stored.loanRef, outstandingFen: stored.outstandingFen });
      cases.push({
        caseKey: stored.caseKey,
        debtorKey: stored.debtorKey,
        provinceCode: stored.provinceCode,
        outstandingFen: BigInt(stored.outstandingFen),
        overdueDays: stored.overdueDays,
      });
    }

    const agencies: StoredAgency[] = [];
    agencies.push(...(await store.agencies.list()));
    const recovery = (await this.deps.recovery90?.()) ?? new Map<number, number | null>();
    const stats = await Promise.all(
      agencies.map(async (a) => {
        const recovery90d = matchingRecovery(recovery.get(a.agencyId));
        return { agencyId: a.agencyId, activeCases: await indexer.activeCount(a.agencyId, now), ...(recovery90d !== undefined && { recovery90d }) };
      }),
    );
    const holdings = new Map<string, Awaited<ReturnType<CaseIndexer["activeHoldings"]>>>();
    for (const c of cases) {
      if (!holdings.has(c.debtorKey)) holdings.set(c.debtorKey, await indexer.activeHoldings(c.debtorKey, now));
    }
    const allocation = allocate({
      lenderId: this.deps.memberId,
      cases,
      agencies: agencies.map(toProfile),
      stats,
      holdingsOf: (debtorKey) => (holdings.get(debtorKey) ?? []).map((h) => ({ ...h, debtorKey })),
    });
    const record: AllocationRecord = {
      id: `A${this.deps.clock().toString(36)}${randomBytes(4).toString("hex")}`,
      listId,
      state: "preview",
      createdAt: new Date(this.deps.clock()).toISOString(),
      createdBy: staff,
      decisions: allocation.decisions.map((d) => ({ ...d, ...(meta.get(d.caseKey) as { loanRef: string; outstandingFen: string }) })),
      byAgency: allocation.byAgency.map((a) => ({ ...a, outstandingFen: a.outstandingFen.toString() })),
      unmatched: allocation.unmatched,
      skipped,
    };
    await store.allocations.put(record);
    return record;
  }

  /**
   * Commits a preview: per agency, one submitter job (register+assign for new cases, assign for cases already
   * on chain). Acknowledged once the jobs are in the durable outbox; the chain work goes on in the background.
   */
  async commit(id: string, staff: string, mandateDays = this.deps.mandateDays): Promise<AllocationRecord> {
    if (this.#committing.has(id)) throw new ApiError("CONFLICT", msg("api.ALLOCATION_COMMITTING"));
    this.#committing.add(id);
    try {
      const record = await this.get(id);
      if (record.state !== "preview") {
        throw new ApiError("CONFLICT", msg("api.ALLOCATION_CLOSED"), { state: record.state });
      }
      if (!Number.isSafeInteger(mandateDays) || mandateDays < 1 || mandateDays > MAX_MANDATE_DAYS) {
        throw new ApiError("VALIDATION_FAILED", msg("api.MANDATE_DAYS_INVALID"));
      }
      const until = nowSeconds(this.deps) + mandateDays * 86_400;
      const groups = new Map<number, Array<{ caseKey: string; debtorKey: string; onChain: boolean }>>();
      for (const d of record.decisions) {
        if (d.agencyId === null) continue;
        const stored = (await this.deps.store.cases.get(d.caseKey))!;
        const onChain = (await this.deps.indexer.caseOf(d.caseKey)) !== undefined;
        const group = groups.get(d.agencyId) ?? [];
        group.push({ caseKey: d.caseKey, debtorKey: stored.debtorKey, onChain });
        groups.set(d.agencyId, group);
      }
      const jobs: NonNullable<AllocationRecord["commit"]>["jobs"] = [];
      for (const [agencyId, items] of [...groups.entries()].sort((a, b) => a[0] - b[0])) {
        const fresh = items.filter((i) => !i.onChain).map(({ caseKey, debtorKey }) => ({ caseKey, debtorKey }));
        const known = items.filter((i) => i.onChain).map((i) => i.caseKey);
        if (fresh.length) {
          const job = await this.deps.submitter.enqueue({ kind: "registerAndAssign", agencyId, until, items: fresh });
          await this.deps.onAssignmentJob?.(job.id, agencyId);
          jobs.push({ agencyId, jobId: job.id, kind: "registerAndAssign", cases: fresh.length });
        }
        if (known.length) {
          const job = await this.deps.submitter.enqueue({ kind: "assign", agencyId, until, caseKeys: known });
          await this.deps.onAssignmentJob?.(job.id, agencyId);
          jobs.push({ agencyId, jobId: job.id, kind: "assign", cases: known.length });
        }
      }
      const committed: AllocationRecord = {
        ...record,
        state: "committing",
        commit: { committedAt: new Date(this.deps.clock()).toISOString(), committedBy: staff, until, jobs },
      };
      await this.deps.store.allocations.put(committed);
      return committed;
    } finally {
      this.#committing.delete(id);
    }
  }

  /** A preview as it is; once committed, its progress and the handovers of its cases to the agencies. */
  async view(id: string) {
    const record = await this.get(id);
    if (record.state === "preview") return record;
    const progress = await this.progress(id);
    const handovers: HandoverDelivery[] = [];
    for (const job of (await this.get(id)).commit?.jobs ?? []) {
      const delivery = await this.deps.deliveryOf(job.jobId);
      if (delivery) handovers.push(delivery);
    }
    return { ...progress, handovers };
  }

  /** Why each case went where it went. */
  async decisions(id: string) {
    const record = await this.get(id);
    return { id: record.id, decisions: record.decisions, byAgency: record.byAgency, unmatched: record.unmatched, skipped: record.skipped };
  }

  /** Commits a preview and answers with its progress and the cases this commit assigns (for the audit entry). */
  async commitWithProgress(id: string, staff: string, mandateDays?: number) {
    await this.commit(id, staff, mandateDays);
    const assignedCaseKeys = (await this.get(id)).decisions.filter((d) => d.agencyId !== null).map((d) => d.caseKey);
    return { progress: await this.progress(id), assignedCaseKeys };
  }

  /** The allocation with the progress of its jobs; marks it committed once every job is done. */
  async progress(id: string) {
    const record = await this.get(id);
    const jobs = await Promise.all(
      (record.commit?.jobs ?? []).map(async (j) => {
        const job = await this.deps.submitter.job(j.jobId);
        return { ...j, status: job?.status ?? "pending", done: job?.done ?? 0, failed: job?.failed ?? 0, total: job?.total ?? j.cases };
      }),
    );
    const totals = jobs.reduce((t, j) => ({ total: t.total + j.total, done: t.done + j.done, failed: t.failed + j.failed }), { total: 0, done: 0, failed: 0 });
    if (record.state === "committing" && jobs.every((j) => j.status === "done")) {
      record.state = "committed";
      await this.deps.store.allocations.put(record);
    }
    return { id: record.id, listId: record.listId, state: record.state, until: record.commit?.until, jobs, ...totals };
  }
}
