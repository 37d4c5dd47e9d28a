import { BP, median, rateBp } from "./figures.js";
import { heldUntil } from "./spells.js";
import {
  type ChainScorecard,
  type LenderScorecard,
  type RecoveryWindow,
  SCORECARD_WINDOWS_DAYS,
  type ScorecardRepayment,
  type SettledWindow,
  type Spell,
} from "./types.js";

const DAY = 86_400;

function byAgency(spells: readonly Spell[]): Map<number, Spell[]> {
  const groups = new Map<number, Spell[]>();
  for (const spell of spells) {
    const group = groups.get(spell.agencyId);
    if (group) group.push(spell);
    else groups.set(spell.agencyId, [spell]);
  }
  return new Map([...groups.entries()].sort((a, b) => a[0] - b[0]));
}

const matured = (spell: Spell, days: number, now: number) => spell.assignedAt + days * DAY <= now;

function chainCard(agencyId: number, spells: readonly Spell[], now: number): ChainScorecard {
  const settled: SettledWindow[] = SCORECARD_WINDOWS_DAYS.map((days) => {
    const measured = spells.filter((s) => matured(s, days, now));
    // Settled while the agency still held the case: a settlement after its mandate ran out is not its doing.
    const within = measured.filter((s) => s.endedBy === "settled" && (s.endedAt as number) <= s.until && (s.endedAt as number) - s.assignedAt <= days * DAY);
    return {
      days,
      matured: measured.length,
      settled: within.length,
      settledFen: within.reduce((sum, s) => sum + (s.settledFen ?? 0n), 0n),
      rateBp: rateBp(within.length, measured.length),
    };
  });
  const accepted = spells.filter((s) => s.acceptedAt !== undefined).map((s) => (s.acceptedAt as number) - s.assignedAt);
  return {
    agencyId,
    assignments: spells.length,
    cases: new Set(spells.map((s) => s.caseKey)).size,
    settled,
    returnedBp: rateBp(spells.filter((s) => s.endedBy === "returned").length, spells.length),
    acceptDelayMedianSeconds: median(accepted),
    complaints: null,
  };
}

/**
 * What any member computes from the chain alone (docs/design.md §24): per agency, over every assignment of every
 * creditor, settlements within 30/90/180 days (the amounts creditors stated on chain), returns and accept delay.
 * No creditor is named and no off-chain amount is used.
 */
export function chainScorecards(spells: readonly Spell[], nowSeconds: number): ChainScorecard[] {
  return [...byAgency(spells.filter((s) => s.assignedAt <= nowSeconds))].map(([agencyId, group]) => chainCard(agencyId, group, nowSeconds));
}

export interface LenderScorecardInput {
  lenderId: number;
  /** Spells of the lender's cases (others' spells of a case bought from another creditor are left out here). */
  spells: readonly Spell[];
  /** The repayments of the lender's cases, any state. */
  repayments: readonly ScorecardRepayment[];
  /** A case's outstanding as the lender listed it, in fen (undefined: unknown to this gateway, counted as 0). */
  outstandingFen: (caseKey: string) => bigint | undefined;
  nowSeconds: number;
}

/**
 * One lender's scorecards of its agencies (docs/design.md §24). Recovery at 30/90/180 days = confirmed repayments the
 * agency reported for the case from its assignment until the window closed (or the agency stopped holding it) ÷ the
 * outstanding at assignment (the listed outstanding less confirmed repayments before), summed over the assignments at
 * least that old. A case assigned twice is measured twice, each time against what was left.
 */
export function lenderScorecards(input: LenderScorecardInput): LenderScorecard[] {
  const { nowSeconds: now } = input;
  const spells = input.spells.filter((s) => s.creditorId === input.lenderId && s.assignedAt <= now);
  const paidByCase = new Map<string, ScorecardRepayment[]>();
  for (const r of input.repayments) {
    const list = paidByCase.get(r.caseKey);
    if (list) list.push(r);
    else paidByCase.set(r.caseKey, [r]);
  }
  const confirmedOf = (caseKey: string) => (paidByCase.get(caseKey) ?? []).filter((r) => r.state === "confirmed");

  return [...byAgency(spells)].map(([agencyId, group]): LenderScorecard => {
    const recovery: RecoveryWindow[] = SCORECARD_WINDOWS_DAYS.map((days) => ({ days, matured: 0, repaidFen: 0n, outstandingFen: 0n, rateBp: null }));
    const firsts: number[] = [];
    for (const spell of group) {
      const confirmed = confirmedOf(spell.caseKey);
      const before = confirmed.filter((r) => r.paidAt < spell.assignedAt).reduce((sum, r) => sum + r.amountFen, 0n);
      const listed = input.outstandingFen(spell.caseKey) ?? 0n;
      const outstandingAt = listed > before ? listed - before : 0n;
      const held = heldUntil(spell);
      const own = confirmed.filter((r) => r.agencyId === agencyId && r.paidAt >= spell.assignedAt && r.paidAt <= held);
      if (own.length > 0) firsts.push(Math.min(...own.map((r) => r.paidAt)) - spell.assignedAt);
      for (const window of recovery) {
        if (!matured(spell, window.days, now)) continue;
        const closes = spell.assignedAt + window.days * DAY;
        window.matured += 1;
        window.outstandingFen += outstandingAt;
        window.repaidFen += own.filter((r) => r.paidAt <= closes).reduce((sum, r) => sum + r.amountFen, 0n);
      }
    }
    for (const window of recovery) window.rateBp = window.matured === 0 ? null : rateBp(window.repaidFen, window.outstandingFen);
    const caseKeys = new Set(group.map((s) => s.caseKey));
    const reported = [...caseKeys].flatMap((k) => paidByCase.get(k) ?? []).filter((r) => r.agencyId === agencyId);
    return {
      ...chainCard(agencyId, group, now),
      recovery,
      firstRepaymentMedianSeconds: median(firsts),
      reportedRepayments: reported.length,
      disputedBp: rateBp(reported.filter((r) => r.state === "disputed").length, reported.length),
    };
  });
}

/** A 90-day recovery in basis points as matching's `recovery90d` (0..1); undefined without history (credited 0.5 there). */
export function matchingRecovery(bp: number | null | undefined): number | undefined {
  return typeof bp === "number" ? bp / BP : undefined;
}

/** The 90-day recovery of each agency in basis points, null without a matured assignment (what matching reads). */
export function recovery90Bp(cards: readonly LenderScorecard[]): Map<number, number | null> {
  return new Map(cards.map((c) => [c.agencyId, c.recovery.find((w) => w.days === 90)?.rateBp ?? null]));
}
