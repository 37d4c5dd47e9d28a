import { expect } from "chai";
import { allocate, type AgencyStats } from "../../../../node/domain/matching/index.js";
import { lenderScorecards, matchingRecovery, recovery90Bp, spellsOf, type ScorecardRepayment } from "../../../../node/domain/scorecards/index.js";
import { agency, caseOf, input, only, prng, shuffled } from "./helpers.js";

const DAY = 86_400;
const T0 = 1_750_000_000;

/**
 * Fixed scorecards, computed by the scorecard domain from fixed chain events and repayments: agency 2 recovered 20 %
 * of one case within 90 days, agency 3 61 %; agency 4 has no matured assignment (no history).
 */
function fixedRecovery(): Map<number, number | null> {
  const assigned = (caseKey: string, agencyId: number, day: number) =>
    spellsOf(caseKey, [{ type: "CasesAssigned", time: T0 + day * DAY, creditorId: 1, agencyId, until: T0 + 400 * DAY }]);
  const spells = [...assigned("a", 2, 0), ...assigned("b", 3, 0), ...assigned("c", 4, 150)];
  const paid = (caseKey: string, agencyId: number, amountFen: bigint): ScorecardRepayment => ({ caseKey, agencyId, amountFen, paidAt: T0 + 30 * DAY, state: "confirmed" });
  const cards = lenderScorecards({
    lenderId: 1,
    spells,
    repayments: [paid("a", 2, 20_000n), paid("b", 3, 61_000n)],
    outstandingFen: () => 100_000n,
    nowSeconds: T0 + 200 * DAY,
  });
  return recovery90Bp(cards);
}

const statsFrom = (recovery: Map<number, number | null>, active: Record<number, number>): AgencyStats[] =>
  Object.entries(active).map(([id, activeCases]) => ({ agencyId: Number(id), activeCases, recovery90d: matchingRecovery(recovery.get(Number(id))) }));

describe("node/domain/matching with scorecards", () => {
  it("the 90-day recovery from the scorecards changes the ranking, and the reason says so", () => {
    const recovery = fixedRecovery();
    expect([...recovery]).to.deep.equal([
      [2, 2_000],
      [3, 6_100],
      [4, null],
    ]);
    const agencies = [agency(2, { capacity: 10 }), agency(3, { capacity: 10 })];
    // Without performance both score 0.5 × 0.6 + 0.4 × remaining share: the emptier agency 2 wins.
    const blind = only(allocate(input({ cases: [caseOf(1)], agencies, stats: statsFrom(new Map(), { 2: 5, 3: 6 }) })));
    expect(blind.agencyId).to.equal(2);
    expect(blind.reason.message).to.equal("地区 44，得分 0.50（无 90 天回收记录，剩余容量 50%） / region 44, score 0.50 (no 90-day history, capacity 50%)");
    // With it: 2 scores 0.6 × 0.20 + 0.4 × 0.5 = 0.32, 3 scores 0.6 × 0.61 + 0.4 × 0.4 = 0.526.
    const seen = only(allocate(input({ cases: [caseOf(1)], agencies, stats: statsFrom(recovery, { 2: 5, 3: 6 }) })));
    expect(seen.agencyId).to.equal(3);
    expect(seen.score).to.equal(0.526);
    expect(seen.reason.message).to.equal("地区 44，得分 0.53（90 天回收率 61%，剩余容量 40%） / region 44, score 0.53 (recovery 90d 61%, capacity 40%)");
    expect(seen.reason.details).to.deep.include({ recovery90d: 0.61, remainingCapacity: 4, capacity: 10 });
    // An agency without a matured assignment is credited 0.5 and said to have no history.
    const fresh = only(allocate(input({ cases: [caseOf(1)], agencies: [agency(4, { capacity: 10 })], stats: statsFrom(recovery, { 4: 0 }) })));
    expect(fresh.reason.message).to.contain("no 90-day history, capacity 100%");
  });

  it("throttles the capacity of an agency whose recovery is below the lender's threshold, only then", () => {
    const recovery = fixedRecovery();
    const cases = Array.from({ length: 8 }, (_, i) => caseOf(i));
    const throttle = { throttleBelowRecoveryBp: 3_000, throttledCapacityPct: 50 };
    const run = (id: number, overrides = {}) => allocate(input({ cases, agencies: [agency(id, { capacity: 10, ...overrides })], stats: statsFrom(recovery, { [id]: 0 }) }));
    // Agency 2 (20 % < 30 %): 10 × 50 % = 5 places; the other 3 cases stay with the lender for lack of capacity.
    const throttled = run(2, throttle);
    expect(throttled.decisions.filter((d) => d.agencyId === 2)).to.have.length(5);
    expect(throttled.decisions.slice(5).map((d) => d.reason.code)).to.deep.equal(["NO_CAPACITY", "NO_CAPACITY", "NO_CAPACITY"]);
    expect(throttled.decisions[0]!.reason.details).to.deep.include({ capacity: 5, throttled: true });
    // Off by default; not for agency 3 (61 % ≥ 30 %); not for agency 4, which has no history to judge.
    expect(run(2).decisions.filter((d) => d.agencyId === 2)).to.have.length(8);
    expect(run(3, throttle).decisions.filter((d) => d.agencyId === 3)).to.have.length(8);
    expect(run(4, throttle).decisions.filter((d) => d.agencyId === 4)).to.have.length(8);
  });

  it("is deterministic: fixed scorecards give fixed assignments, whatever the order of the agency list", () => {
    const recovery = fixedRecovery();
    const cases = Array.from({ length: 12 }, (_, i) => caseOf(i));
    const agencies = [agency(2, { capacity: 6 }), agency(3, { capacity: 6 }), agency(4, { capacity: 6 })];
    const stats = statsFrom(recovery, { 2: 0, 3: 2, 4: 3 });
    const first = allocate(input({ cases, agencies, stats })).decisions.map((d) => d.agencyId);
    // By hand: 3 starts at 0.633 (0.6 × 0.61 + 0.4 × 4/6), 2 at 0.52 (empty, recovery 0.20), 4 at 0.50 (no history, half
    // full); each case goes to the best score, which then falls by 0.4 / 6: 3, 3 (0.566), 2 (0.52), 4 (0.50), 3 (0.499),
    // 2 (0.453), 4 (0.433), 3 (0.433, its last place), 2 (0.387), 4 (0.367, its last), then 2 alone.
    expect(first).to.deep.equal([3, 3, 2, 4, 3, 2, 4, 3, 2, 4, 2, 2]);
    const random = prng(7);
    for (let i = 0; i < 5; i++) {
      expect(allocate(input({ cases, agencies: shuffled(agencies, random), stats: shuffled(stats, random) })).decisions.map((d) => d.agencyId)).to.deep.equal(first);
    }
  });
});
