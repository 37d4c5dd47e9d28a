import type { CaseIndexer } from "../chain/case-indexer.js";
import type { Clock } from "../domain/clock.js";
import {
  type ChainScorecard,
  chainScorecards,
  type LenderScorecard,
  lenderScorecards,
  recovery90Bp,
  type ScorecardRepayment,
  type Spell,
  spellsOf,
} from "../domain/scorecards/index.js";
import { msg } from "../messages/message.js";
import { ServiceError } from "./service-error.js";

/** Where the scorecards read a lender's repayments: its repayment ledger (scorecard-repayments.ts). */
export interface ScorecardRepaymentSource {
  /** The repayments of these cases of the lender, in any state. */
  ofCases(caseKeys: readonly string[]): Promise<ScorecardRepayment[]>;
}

export interface ScorecardDeps {
  indexer: Pick<CaseIndexer, "casesOfCreditor" | "histories">;
  /** The lender's cases (their listed outstanding) and its agency list (names): GatewayDatabase's repositories. */
  store: {
    cases: { get(caseKey: string): Promise<{ outstandingFen: string } | undefined> };
    agencies: { list(): Promise<{ agencyId: number; name: string }[]> };
  };
  repayments: ScorecardRepaymentSource;
  memberId: number;
  clock: Clock;
  /** The lender's complaints per agency (docs/design.md §26), when the gateway keeps them. */
  complaints?: () => Promise<Map<number, { total: number; open: number }>>;
}

/** JSON-safe: every bigint (fen) as a decimal string. */
type Json<T> = T extends bigint ? string : T extends readonly (infer U)[] ? Json<U>[] : T extends object ? { [K in keyof T]: Json<T[K]> } : T;
function toJson<T>(value: T): Json<T> {
  return JSON.parse(JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? v.toString() : v))) as Json<T>;
}

const PAGE = 1_000;
/**
 * How long matching reuses the lender's recovery figures: reading them walks every case of the lender, and a figure
 * measured over 90 days does not change in minutes (a preview after a commit may see the figures of 5 minutes ago).
 */
export const RECOVERY_MAX_AGE_MS = 5 * 60_000;

/**
 * Agency scorecards (docs/design.md §24): a lender's view of its agencies over its own cases, from the chain index and
 * its repayment ledger; and the consortium-wide view every member computes from the chain alone, with no creditor named.
 */
export class ScorecardService {
  #recovery: { at: number; value: Promise<Map<number, number | null>> } | undefined;

  constructor(private readonly deps: ScorecardDeps) {}

  #now(): number {
    return Math.floor(this.deps.clock() / 1000);
  }

  /**
   * The lender's scorecards of every agency that has held one of its cases. Its cases come from the creditor index;
   * their events from one scan of the whole history (one iterator per case was 13× slower at 10,000 cases).
   */
  async lenderCards(): Promise<LenderScorecard[]> {
    const { indexer, store, memberId } = this.deps;
    const mine = new Set<string>();
    let after: string | undefined;
    do {
      const page = await indexer.casesOfCreditor(memberId, { limit: PAGE, after });
      for (const record of page.cases) mine.add(record.caseKey);
      after = page.next;
    } while (after !== undefined);
    const spells: Spell[] = [];
    const outstanding = new Map<string, bigint>();
    for await (const { caseKey, entries } of indexer.histories()) {
      if (!mine.has(caseKey)) continue;
      const caseSpells = spellsOf(caseKey, entries);
      if (caseSpells.length === 0) continue;
      spells.push(...caseSpells);
      const stored = await store.cases.get(caseKey);
      if (stored) outstanding.set(caseKey, BigInt(stored.outstandingFen));
    }
    const repayments = await this.deps.repayments.ofCases([...new Set(spells.map((s) => s.caseKey))]);
    const cards = lenderScorecards({ lenderId: memberId, spells, repayments, outstandingFen: (k) => outstanding.get(k), nowSeconds: this.#now() });
    if (!this.deps.complaints) return cards;
    const counts = await this.deps.complaints();
    return cards.map((card) => {
      const c = counts.get(card.agencyId);
      return { ...card, complaints: { received: c?.total ?? 0, open: c?.open ?? 0 } };
    });
  }

  /** Every agency's chain-only scorecard, over every creditor's assignments. */
  async consortiumCards(): Promise<ChainScorecard[]> {
    const spells: Spell[] = [];
    for await (const { caseKey, entries } of this.deps.indexer.histories()) spells.push(...spellsOf(caseKey, entries));
    return chainScorecards(spells, this.#now());
  }

  /** The 90-day recovery (basis points, null without history) of each agency, as this lender measures it. */
  recovery90(): Promise<Map<number, number | null>> {
    const now = this.deps.clock();
    if (!this.#recovery || now - this.#recovery.at >= RECOVERY_MAX_AGE_MS) {
      const value = this.lenderCards().then(recovery90Bp);
      // A failed read is not kept: the next preview asks again.
      value.catch(() => (this.#recovery = undefined));
      this.#recovery = { at: now, value };
    }
    return this.#recovery.value;
  }

  /** `GET /v1/scorecards?view=lender`: a lender's scorecards, its agencies named from its own list. */
  async lenderView(role: string) {
    if (role !== "lender" && role !== "admin") throw new ServiceError("FORBIDDEN", msg("scorecard.LENDER_VIEW_ONLY"));
    const asOf = new Date(this.deps.clock()).toISOString();
    const names = new Map((await this.deps.store.agencies.list()).map((a) => [a.agencyId, a.name]));
    const cards = await this.lenderCards();
    return { view: "lender" as const, asOf, agencies: cards.map((card) => ({ ...toJson(card), name: names.get(card.agencyId) ?? null })) };
  }

  /** `GET /v1/scorecards?view=consortium`: agency ids and chain figures, nothing about any creditor. */
  async consortiumView() {
    const asOf = new Date(this.deps.clock()).toISOString();
    return { view: "consortium" as const, asOf, agencies: (await this.consortiumCards()).map((card) => toJson(card)) };
  }
}
