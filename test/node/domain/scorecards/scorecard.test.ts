import { expect } from "chai";
import {
  chainScorecards,
  heldUntil,
  lenderScorecards,
  median,
  rateBp,
  recovery90Bp,
  type ScorecardChainEvent,
  type ScorecardRepayment,
  spellsOf,
} from "../../../../node/domain/scorecards/index.js";

const DAY = 86_400;
const HOUR = 3_600;
const T0 = 1_750_000_000;
const NOW = T0 + 200 * DAY;
const at = (days: number, hours = 0) => T0 + days * DAY + hours * HOUR;
const LENDER_ID = 1;

/**
 * Three cases of lender 1, figures worked out by hand (docs/design.md §24):
 *   A  100,000 fen  → agency 7 on day 0, accepted after 2 h; repaid 10,000 (day 10), 20,000 (day 60), 5,000 (day 120)
 *   B   50,000 fen  → agency 7 on day 50, accepted after 6 h, repaid 5,000 (day 70), returned on day 80; 1,000 reported
 *                     by 7 on day 85 (after the return: not 7's recovery, but it lowers what is left)
 *                   → agency 8 on day 100 (assigned twice), against 50,000 − 6,000 = 44,000: 9,000 confirmed (day 110),
 *                     20,000 confirmed then reversed (day 120), 3,000 disputed (day 125)
 *   C   30,000 fen  → agency 7 on day 150, never accepted, settled on day 160 for 25,000 (on chain)
 */
const events: Record<string, ScorecardChainEvent[]> = {
  A: [
    { type: "CaseRegistered", time: at(0), creditorId: LENDER_ID },
    { type: "CasesAssigned", time: at(0), creditorId: LENDER_ID, agencyId: 7, until: at(365) },
    { type: "CaseAccepted", time: at(0, 2), agencyId: 7 },
  ],
  B: [
    { type: "CaseRegistered", time: at(0), creditorId: LENDER_ID },
    { type: "CasesAssigned", time: at(50), creditorId: LENDER_ID, agencyId: 7, until: at(140) },
    { type: "CaseAccepted", time: at(50, 6), agencyId: 7 },
    { type: "CaseReturned", time: at(80), agencyId: 7 },
    { type: "CasesAssigned", time: at(100), creditorId: LENDER_ID, agencyId: 8, until: at(300) },
  ],
  C: [
    { type: "CaseRegistered", time: at(0), creditorId: LENDER_ID },
    { type: "CasesAssigned", time: at(150), creditorId: LENDER_ID, agencyId: 7, until: at(400) },
    { type: "CaseSettled", time: at(160), creditorId: LENDER_ID, settledFen: "25000" },
  ],
};
const outstanding: Record<string, bigint> = { A: 100_000n, B: 50_000n, C: 30_000n };
const r = (caseKey: string, agencyId: number, amountFen: bigint, day: number, state: ScorecardRepayment["state"] = "confirmed"): ScorecardRepayment => ({
  caseKey,
  agencyId,
  amountFen,
  paidAt: at(day),
  state,
});
const repayments = [
  r("A", 7, 10_000n, 10),
  r("A", 7, 20_000n, 60),
  r("A", 7, 5_000n, 120),
  r("B", 7, 5_000n, 70),
  r("B", 7, 1_000n, 85),
  r("B", 8, 9_000n, 110),
  r("B", 8, 20_000n, 120, "reversed"),
  r("B", 8, 3_000n, 125, "disputed"),
];
const spells = Object.entries(events).flatMap(([caseKey, list]) => spellsOf(caseKey, list));

describe("domain/scorecards", () => {
  it("turns a case's chain events into assignments: return, re-assignment, settlement with its amount", () => {
    expect(spellsOf("B", events.B!)).to.deep.equal([
      { caseKey: "B", agencyId: 7, creditorId: LENDER_ID, assignedAt: at(50), until: at(140), acceptedAt: at(50, 6), endedAt: at(80), endedBy: "returned" },
      { caseKey: "B", agencyId: 8, creditorId: LENDER_ID, assignedAt: at(100), until: at(300) },
    ]);
    expect(spellsOf("C", events.C!)).to.deep.equal([
      { caseKey: "C", agencyId: 7, creditorId: LENDER_ID, assignedAt: at(150), until: at(400), endedAt: at(160), endedBy: "settled", settledFen: 25_000n },
    ]);
    // A mandate that ran out, then a new assignment: held until the old `until`, ended by the re-assignment.
    const expired = spellsOf("E", [
      { type: "CasesAssigned", time: at(0), creditorId: LENDER_ID, agencyId: 7, until: at(10) },
      { type: "CaseMandateExtended", time: at(5), agencyId: 7, until: at(12) },
      { type: "CasesAssigned", time: at(20), creditorId: LENDER_ID, agencyId: 8, until: at(50) },
    ]);
    expect(expired[0]).to.include({ endedBy: "reassigned", endedAt: at(20), until: at(12) });
    expect(heldUntil(expired[0]!)).to.equal(at(12));
  });

  it("a lender's scorecards, by hand: recovery at 30/90/180 days, first repayment, returns, accept delay, disputes", () => {
    const cards = lenderScorecards({ lenderId: LENDER_ID, spells, repayments, outstandingFen: (k) => outstanding[k], nowSeconds: NOW });
    expect(cards.map((c) => c.agencyId)).to.deep.equal([7, 8]);
    const [seven, eight] = cards;
    expect(seven!.recovery).to.deep.equal([
      // A, B, C: (10,000 + 5,000 + 0) ÷ (100,000 + 50,000 + 30,000) = 833.3 bp
      { days: 30, matured: 3, repaidFen: 15_000n, outstandingFen: 180_000n, rateBp: 833 },
      // A, B (C is 50 days old): (30,000 + 5,000 — B's 1,000 came after the return) ÷ 150,000 = 2,333.3 bp
      { days: 90, matured: 2, repaidFen: 35_000n, outstandingFen: 150_000n, rateBp: 2_333 },
      // A only: 35,000 ÷ 100,000
      { days: 180, matured: 1, repaidFen: 35_000n, outstandingFen: 100_000n, rateBp: 3_500 },
    ]);
    expect(seven).to.deep.include({
      assignments: 3,
      cases: 3,
      firstRepaymentMedianSeconds: 15 * DAY, // A after 10 days, B after 20: the floor of their mean
      returnedBp: 3_333, // B of A, B, C
      acceptDelayMedianSeconds: 4 * HOUR, // 2 h and 6 h
      reportedRepayments: 5,
      disputedBp: 0,
      complaints: null,
    });
    expect(seven!.settled).to.deep.equal([
      { days: 30, matured: 3, settled: 1, settledFen: 25_000n, rateBp: 3_333 },
      { days: 90, matured: 2, settled: 0, settledFen: 0n, rateBp: 0 },
      { days: 180, matured: 1, settled: 0, settledFen: 0n, rateBp: 0 },
    ]);
    // The second assignment of B is measured against what was left (50,000 − 6,000); the reversed and the disputed
    // repayments count for nothing, the disputed one in the dispute share.
    expect(eight!.recovery).to.deep.equal([
      { days: 30, matured: 1, repaidFen: 9_000n, outstandingFen: 44_000n, rateBp: 2_045 },
      { days: 90, matured: 1, repaidFen: 9_000n, outstandingFen: 44_000n, rateBp: 2_045 },
      { days: 180, matured: 0, repaidFen: 0n, outstandingFen: 0n, rateBp: null },
    ]);
    expect(eight).to.deep.include({ firstRepaymentMedianSeconds: 10 * DAY, reportedRepayments: 3, disputedBp: 3_333, returnedBp: 0, acceptDelayMedianSeconds: null });
    expect([...recovery90Bp(cards)]).to.deep.equal([
      [7, 2_333],
      [8, 2_045],
    ]);
  });

  it("a reversal takes the repayment out: the same figures with B's 9,000 reversed fall to nothing for agency 8", () => {
    const reversed = repayments.map((x) => (x.caseKey === "B" && x.agencyId === 8 && x.amountFen === 9_000n ? { ...x, state: "reversed" as const } : x));
    const [, eight] = lenderScorecards({ lenderId: LENDER_ID, spells, repayments: reversed, outstandingFen: (k) => outstanding[k], nowSeconds: NOW });
    expect(eight!.recovery[1]).to.deep.include({ repaidFen: 0n, rateBp: 0 });
    expect(eight!.firstRepaymentMedianSeconds).to.equal(null);
  });

  it("leaves out another creditor's assignments of a case the lender bought, and measures nothing before its time", () => {
    const bought = spellsOf("D", [
      { type: "CasesAssigned", time: at(0), creditorId: 2, agencyId: 9, until: at(60) },
      { type: "CaseRecalled", time: at(30), agencyId: 9 },
      { type: "CaseCreditorTransferred", time: at(40) },
    ]);
    expect(lenderScorecards({ lenderId: LENDER_ID, spells: bought, repayments: [], outstandingFen: () => 1n, nowSeconds: NOW })).to.deep.equal([]);
    const young = lenderScorecards({ lenderId: LENDER_ID, spells, repayments, outstandingFen: (k) => outstanding[k], nowSeconds: at(20) });
    expect(young.map((c) => c.recovery.map((w) => w.rateBp))).to.deep.equal([[null, null, null]]);
    expect(recovery90Bp(young).get(7)).to.equal(null);
  });

  it("the chain-only view covers every creditor's assignments, with the settled amounts the chain carries", () => {
    const other = spellsOf("F", [
      { type: "CasesAssigned", time: at(0), creditorId: 2, agencyId: 7, until: at(100) },
      { type: "CaseSettled", time: at(45), creditorId: 2, settledFen: "70000" },
    ]);
    const [seven] = chainScorecards([...spells, ...other], NOW);
    expect(seven).to.deep.include({ agencyId: 7, assignments: 4, cases: 4, returnedBp: 2_500, complaints: null });
    expect(seven!.settled.map((w) => [w.days, w.matured, w.settled, w.settledFen, w.rateBp])).to.deep.equal([
      [30, 4, 1, 25_000n, 2_500],
      [90, 3, 1, 70_000n, 3_333],
      [180, 2, 1, 70_000n, 5_000],
    ]);
    expect(seven).to.not.have.property("recovery");
    // A settlement after the mandate ran out is not the agency's.
    const late = spellsOf("G", [
      { type: "CasesAssigned", time: at(0), creditorId: 2, agencyId: 9, until: at(20) },
      { type: "CaseSettled", time: at(25), creditorId: 2, settledFen: "1000" },
    ]);
    expect(chainScorecards(late, NOW)[0]!.settled[0]).to.deep.include({ matured: 1, settled: 0, settledFen: 0n });
  });

  it("rates floor to whole basis points and medians to whole seconds, in integers", () => {
    expect(rateBp(1n, 3n)).to.equal(3_333);
    expect(rateBp(2, 3)).to.equal(6_666);
    expect(rateBp(5n, 0n)).to.equal(null);
    expect(rateBp(10n ** 20n, 10n ** 20n)).to.equal(10_000);
    expect(median([])).to.equal(null);
    expect(median([5, 1, 3])).to.equal(3);
    expect(median([1, 2])).to.equal(1);
  });
});
