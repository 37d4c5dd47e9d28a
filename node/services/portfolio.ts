import type { CaseIndexer } from "../chain/case-indexer.js";
import type { Clock } from "../domain/clock.js";
import { isHeldAt, statusAt } from "../domain/consortium/index.js";
import { maskName } from "../domain/identity/name.js";
import type { CasePii, StoredCase } from "../store/case-records.js";
import type { GatewayDatabase } from "../store/database.js";
import type { PiiCipher } from "../store/pii-cipher.js";
import type { ScorecardRepaymentSource } from "./scorecards.js";
import { ServiceError } from "./service-error.js";
import { msg } from "../messages/message.js";

export interface PortfolioDeps {
  store: GatewayDatabase;
  cipher: PiiCipher;
  indexer: Pick<CaseIndexer, "caseOf" | "casesOfAgency" | "casesOfCreditor" | "history">;
  /** The creditor's repayment ledger: each reported repayment with its state after decisions and reversals. */
  repayments: ScorecardRepaymentSource;
  memberId: number;
  nameOf: (memberId: number) => Promise<string>;
  clock: Clock;
}

/** A case's state for the console: the chain's status, "Expired" for a held status past its mandate, "NotOnChain" before any assignment. */

const AGING_BUCKETS = [
  { bucket: "0-30", max: 30 },
  { bucket: "31-90", max: 90 },
  { bucket: "91-180", max: 180 },
  { bucket: "181-360", max: 360 },
  { bucket: "361+", max: Number.POSITIVE_INFINITY },
] as const;

interface Agg {
  cases: number;
  outstandingFen: bigint;
}
const add = (map: Map<string, Agg>, key: string, fen: bigint) => {
  const a = map.get(key) ?? { cases: 0, outstandingFen: 0n };
  a.cases += 1;
  a.outstandingFen += fen;
  map.set(key, a);
};

export interface CaseSummariesQuery {
  /** Lists the cases the member holds as an agency rather than those it is creditor of. */
  asAgency: boolean;
  limit: number;
  after?: string;
}

/** A share in 1/10,000 steps, rounded down in integers (money never passes through a float): 0 without a base. */
const rateOf = (partFen: bigint, wholeFen: bigint): number => (wholeFen > 0n ? Number((partFen * 10_000n) / wholeFen) / 10_000 : 0);

/** The amount the creditor stated when it settled the case on chain (its last CaseSettled), 0 when none. */
function settledFenOf(history: ReadonlyArray<{ type: string; settledFen?: string }>): bigint {
  const settled = history.filter((e) => e.type === "CaseSettled").at(-1);
  return settled?.settledFen ? BigInt(settled.settledFen) : 0n;
}

/**
 * The console's overview of a member's cases: a lender's portfolio (by status, outstanding and recovery by
 * agency and overall, aging) and pages of case summaries with masked names. Recovery (docs/design.md §24) = money
 * recovered ÷ outstanding of the cases assigned: per case, its confirmed, not reversed repayments in the creditor's
 * ledger — each to the agency that reported it — or, for a case settled on chain with no confirmed repayment, the
 * amount the creditor stated on chain, to the case's agency; never a settled case's outstanding, which is what was
 * owed, not what was paid. The denominator is every case's outstanding from its case list, for the agency the chain
 * names as its current or last. Cached for 5 s so that a dashboard left open costs little.
 */
export class PortfolioService {
  #cache: { at: number; body: unknown } | undefined;

  constructor(private readonly deps: PortfolioDeps) {}

  async portfolio(): Promise<unknown> {
    const deps = this.deps;
    if (this.#cache && deps.clock() - this.#cache.at < 5_000) return this.#cache.body;
    const now = Math.floor(deps.clock() / 1000);
    const byStatus = new Map<string, Agg>();
    const aging = new Map<string, Agg>();
    const agencies = new Map<number, { active: Agg; settled: Agg; assigned: Agg; recoveredFen: bigint }>();
    const agencyOf = (agencyId: number) => {
      let a = agencies.get(agencyId);
      if (!a) {
        a = { active: { cases: 0, outstandingFen: 0n }, settled: { cases: 0, outstandingFen: 0n }, assigned: { cases: 0, outstandingFen: 0n }, recoveredFen: 0n };
        agencies.set(agencyId, a);
      }
      return a;
    };
    let total: Agg = { cases: 0, outstandingFen: 0n };
    const overall = { assignedFen: 0n, fromLedgerFen: 0n, fromChainFen: 0n };
    let batch: StoredCase[] = [];
    const flush = async () => {
      const keys = batch.map((c) => c.caseKey);
      const [records, paid] = await Promise.all([Promise.all(keys.map((k) => deps.indexer.caseOf(k))), deps.repayments.ofCases(keys)]);
      const confirmed = new Map<string, Array<{ agencyId: number; amountFen: bigint }>>();
      for (const r of paid) {
        if (r.state !== "confirmed") continue;
        const list = confirmed.get(r.caseKey.toLowerCase()) ?? [];
        list.push(r);
        confirmed.set(r.caseKey.toLowerCase(), list);
      }
      const settledOnChain = await Promise.all(
        batch.map(async (c, i) => (records[i]?.status === "Settled" && !confirmed.has(c.caseKey.toLowerCase()) ? settledFenOf(await deps.indexer.history(c.caseKey)) : 0n)),
      );
      batch.forEach((c, i) => {
        const record = records[i];
        const fen = BigInt(c.outstandingFen);
        total = { cases: total.cases + 1, outstandingFen: total.outstandingFen + fen };
        add(byStatus, statusAt(record, now), fen);
        const bucket = AGING_BUCKETS.find((b) => c.overdueDays <= b.max)!.bucket;
        add(aging, bucket, fen);
        for (const r of confirmed.get(c.caseKey.toLowerCase()) ?? []) {
          // A repayment the creditor recorded itself (agency 0) is the case's agency's, if it has one.
          const by = r.agencyId || record?.agencyId || 0;
          if (by) agencyOf(by).recoveredFen += r.amountFen;
          overall.fromLedgerFen += r.amountFen;
        }
        if (record && record.agencyId) {
          const a = agencyOf(record.agencyId);
          a.recoveredFen += settledOnChain[i]!;
          overall.fromChainFen += settledOnChain[i]!;
          overall.assignedFen += fen;
          a.assigned.cases += 1;
          a.assigned.outstandingFen += fen;
          if (isHeldAt(record, now)) {
            a.active.cases += 1;
            a.active.outstandingFen += fen;
          }
          if (record.status === "Settled") {
            a.settled.cases += 1;
            a.settled.outstandingFen += fen;
          }
        }
      });
      batch = [];
    };
    for await (const stored of deps.store.cases.all()) {
      if (stored.creditorId !== deps.memberId) continue;
      batch.push(stored);
      if (batch.length === 500) await flush();
    }
    await flush();
    const fen = (a: Agg) => ({ cases: a.cases, outstandingFen: a.outstandingFen.toString() });
    const body = {
      memberId: deps.memberId,
      asOf: new Date(now * 1000).toISOString(),
      totals: fen(total),
      byStatus: [...byStatus.entries()].map(([status, a]) => ({ status, ...fen(a) })).sort((a, b) => b.cases - a.cases),
      byAgency: await Promise.all(
        [...agencies.entries()]
          .sort((a, b) => a[0] - b[0])
          .map(async ([agencyId, a]) => ({
            agencyId,
            name: await deps.nameOf(agencyId),
            activeCases: a.active.cases,
            outstandingFen: a.active.outstandingFen.toString(),
            assignedCases: a.assigned.cases,
            assignedFen: a.assigned.outstandingFen.toString(),
            settledCases: a.settled.cases,
            recoveredFen: a.recoveredFen.toString(),
            recoveryRate: rateOf(a.recoveredFen, a.assigned.outstandingFen),
          })),
      ),
      recovery: {
        assignedFen: overall.assignedFen.toString(),
        recoveredFen: (overall.fromLedgerFen + overall.fromChainFen).toString(),
        fromLedgerFen: overall.fromLedgerFen.toString(),
        fromChainFen: overall.fromChainFen.toString(),
        recoveryRate: rateOf(overall.fromLedgerFen + overall.fromChainFen, overall.assignedFen),
      },
      aging: AGING_BUCKETS.map((b) => ({ bucket: b.bucket, ...fen(aging.get(b.bucket) ?? { cases: 0, outstandingFen: 0n }) })),
    };
    this.#cache = { at: deps.clock(), body };
    return body;
  }

  /**
   * A page of the member's cases from the chain index, each with what the console lists — loan reference, masked
   * debtor name, outstanding, days overdue — from this gateway's store (an agency has them once the lender's
   * handover arrived). Names are always masked in lists; the full details are the case service's.
   */
  async summaries(query: CaseSummariesQuery) {
    const deps = this.deps;
    const { limit, after } = query;
    if (after !== undefined && !/^0x[0-9a-fA-F]{64}$/.test(after)) throw new ServiceError("VALIDATION_FAILED", msg("api.AFTER_NOT_CASE_KEY"));
    const page = query.asAgency
      ? await deps.indexer.casesOfAgency(deps.memberId, { limit, after })
      : await deps.indexer.casesOfCreditor(deps.memberId, { limit, after });
    const stored = await deps.store.cases.getMany(page.cases.map((c) => c.caseKey));
    const now = Math.floor(deps.clock() / 1000);
    const cases = await Promise.all(
      page.cases.map(async (record, i) => {
        const s = stored[i];
        return {
          caseKey: record.caseKey,
          loanRef: s?.loanRef ?? null,
          debtor: s ? maskName(deps.cipher.openJson<CasePii>(s.pii, s.caseKey).name) : null,
          outstandingFen: s?.outstandingFen ?? null,
          overdueDays: s?.overdueDays ?? null,
          status: statusAt(record, now),
          // Whether the agency holds it now (status and mandate): the console offers letters and evidence by this.
          held: isHeldAt(record, now),
          creditorId: record.creditorId,
          creditor: await deps.nameOf(record.creditorId),
          agencyId: record.agencyId || null,
          agency: record.agencyId ? await deps.nameOf(record.agencyId) : null,
          assignedAt: record.assignedAt || null,
          until: record.until || null,
        };
      }),
    );
    return { cases, next: page.next ?? null };
  }
}
