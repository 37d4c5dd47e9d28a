import { createHash } from "node:crypto";
import { expect } from "chai";
import {
  type AgencyProfile,
  type AgencyStats,
  type CaseToAllocate,
  type DebtorHolding,
  TieBreak,
  allocate,
  formatScore,
  recoveryUnits,
  scoreUnits,
  tieBreakDigest,
} from "../../../../node/domain/matching/index.js";
import { agency, caseOf, expectedDigest, holding, holdingsFrom, input, key, only, prng, shuffled, stats } from "./helpers.js";

/** The one agency of `ids` that the tie-break picks for a case, computed independently. */
function lowestDigest(caseKey: string, ids: number[]): number {
  return [...ids].sort((a, b) => expectedDigest(caseKey, a).localeCompare(expectedDigest(caseKey, b)))[0] as number;
}

describe("node/domain/matching ranking", () => {
  describe("score", () => {
    it("is 0.6 × recovery90d + 0.4 × remaining capacity share", () => {
      const decision = only(allocate(input({ cases: [caseOf(1)], agencies: [agency(2, { capacity: 100 })], stats: [stats(2, 25, 0.8)] })));
      // 0.6 × 0.8 + 0.4 × 75/100 = 0.78
      expect(decision.score).to.equal(0.78);
      expect(decision.reason.message).to.equal("地区 44，得分 0.78（90 天回收率 80%，剩余容量 75%） / region 44, score 0.78 (recovery 90d 80%, capacity 75%)");
      expect(decision.reason.details).to.deep.include({ recovery90d: 0.8, remainingCapacity: 75, capacity: 100 });
    });

    it("credits 0.5 to an agency without history (no stats, undefined, NaN)", () => {
      for (const s of [[], [stats(2, 0)], [stats(2, 0, Number.NaN)], [{ agencyId: 2, activeCases: 0 } as AgencyStats]]) {
        const decision = only(allocate(input({ cases: [caseOf(1)], agencies: [agency(2)], stats: s })));
        expect(decision.score).to.equal(0.7);
        expect(decision.reason.details.recovery90d).to.equal(null);
      }
    });

    it("clamps recovery to 0..1", () => {
      expect(recoveryUnits(1.7)).to.equal(1_000_000);
      expect(recoveryUnits(-0.2)).to.equal(0);
      expect(recoveryUnits(Number.POSITIVE_INFINITY)).to.equal(500_000);
      expect(recoveryUnits(undefined)).to.equal(500_000);
    });

    it("rounds half up to 2 decimals in the message and keeps 6 in the decision", () => {
      // 0.6 × 0.7 + 0.4 × 2/3 = 0.686667
      const decision = only(allocate(input({ cases: [caseOf(1)], agencies: [agency(2, { capacity: 3 })], stats: [stats(2, 1, 0.7)] })));
      expect(decision.score).to.equal(0.686667);
      expect(decision.reason.message).to.equal("地区 44，得分 0.69（90 天回收率 70%，剩余容量 67%） / region 44, score 0.69 (recovery 90d 70%, capacity 67%)");
      expect(formatScore(825_000)).to.equal("0.83");
      expect(formatScore(824_999)).to.equal("0.82");
      expect(formatScore(1_000_000)).to.equal("1.00");
      expect(formatScore(0)).to.equal("0.00");
    });

    it("ranks the better recovery first, then the emptier agency", () => {
      // 2: 0.6 × 0.9 + 0.4 × 0.5 = 0.74; 3: 0.6 × 0.5 + 0.4 × 1 = 0.70; 4: 0.6 × 0.9 + 0.4 × 0.4 = 0.70.
      const agencies = [agency(2, { capacity: 10 }), agency(3, { capacity: 10 }), agency(4, { capacity: 10 })];
      const result = allocate(input({ cases: [caseOf(1)], agencies, stats: [stats(2, 5, 0.9), stats(3, 0), stats(4, 6, 0.9)] }));
      expect(only(result).agencyId).to.equal(2);
      expect(only(result).reason.details.candidates).to.equal(3);
      const emptier = allocate(input({ cases: [caseOf(1)], agencies, stats: [stats(2, 5, 0.5), stats(3, 1, 0.5), stats(4, 6, 0.5)] }));
      expect(only(emptier).agencyId).to.equal(3);
    });
  });

  describe("tie-break", () => {
    it("gives equal scores to the agency with the lowest SHA-256(caseKey ‖ uint32 agencyId)", () => {
      const agencies = [agency(2), agency(3), agency(11), agency(4_000_000_000)];
      const ids = agencies.map((a) => a.agencyId);
      const winners = new Set<number>();
      for (let i = 0; i < 64; i++) {
        const item = caseOf(i);
        const decision = only(allocate(input({ cases: [item], agencies })));
        expect(decision.agencyId, `case ${i}`).to.equal(lowestDigest(item.caseKey, ids));
        expect(decision.reason.details.candidates).to.equal(4);
        winners.add(decision.agencyId as number);
      }
      expect(winners.size, "the hash spreads ties over every agency").to.equal(4);
    });

    it("hashes a bytes32 caseKey as its 32 bytes (either case of hex) and any other key as UTF-8", () => {
      const k = key("case 1");
      expect(tieBreakDigest(k, 7).toString("hex")).to.equal(expectedDigest(k, 7));
      expect(tieBreakDigest(k.toUpperCase(), 7).toString("hex")).to.equal(expectedDigest(k, 7));
      const utf8 = (s: string, id: number) =>
        createHash("sha256").update(Buffer.concat([Buffer.from(s, "utf8"), Buffer.of(id >>> 24, (id >>> 16) & 255, (id >>> 8) & 255, id & 255)])).digest("hex");
      expect(tieBreakDigest("案件-1", 0x01020304).toString("hex")).to.equal(utf8("案件-1", 0x01020304));
      expect(tieBreakDigest(k.slice(2), 7).toString("hex"), "64 hex without 0x is text").to.equal(utf8(k.slice(2), 7));
      // The same digest for many agencies of one case as for each alone (the input buffer is reused).
      const tieBreak = new TieBreak(k);
      for (const id of [1, 7, 0xffffffff, 7]) expect(tieBreak.digest(id).toString("hex")).to.equal(expectedDigest(k, id));
    });

    it("treats scores that are equal on paper as equal whatever floating point makes of them", () => {
      // 0.6 × 0.2 + 0.4 × 0.7 and 0.6 × 0.4 + 0.4 × 0.4 are both 0.40, but not as doubles.
      expect(0.6 * 0.2 + 0.4 * 0.7).not.to.equal(0.6 * 0.4 + 0.4 * 0.4);
      expect(scoreUnits(recoveryUnits(0.2), 7, 10)).to.equal(scoreUnits(recoveryUnits(0.4), 4, 10));
      const agencies = [agency(2, { capacity: 10 }), agency(3, { capacity: 10 })];
      const s = [stats(2, 3, 0.2), stats(3, 6, 0.4)];
      for (let i = 0; i < 16; i++) {
        const item = caseOf(i);
        expect(only(allocate(input({ cases: [item], agencies, stats: s }))).agencyId).to.equal(lowestDigest(item.caseKey, [2, 3]));
      }
    });
  });

  describe("determinism", () => {
    /** A mixed batch: 6 regions (one unserved), ranges, capacity pressure, co-debt on chain, debtors with several cases. */
    function scenario(): { cases: CaseToAllocate[]; agencies: AgencyProfile[]; stats: AgencyStats[]; holdings: DebtorHolding[] } {
      const random = prng(42);
      const regions = ["11", "31", "44", "51", "65", "82"];
      const agencies = Array.from({ length: 12 }, (_, i) =>
        agency(100 + i * 7, {
          // No "*" here, so that some regions (82) stay unserved: NO_AGENCY_REGION.
          regions: i % 5 === 0 ? ["11", "31", "44", "51"] : [regions[i % 5] as string, regions[(i * 2) % 5] as string],
          outstandingFen: i % 3 === 0 ? { min: 0n, max: 5_000_000n } : { min: 1_000_000n },
          overdueDays: { min: (i % 4) * 30, max: i % 2 === 0 ? undefined : 720 },
          capacity: 40 + i * 5,
        }),
      );
      const stats = agencies.map((a, i) => ({ agencyId: a.agencyId, activeCases: i * 3, recovery90d: i % 4 === 0 ? undefined : (i % 7) / 10 }));
      const cases = Array.from({ length: 1_500 }, (_, i) =>
        caseOf(i, {
          debtorKey: key(`debtor ${Math.floor(i / 3) % 700}`),
          provinceCode: regions[Math.floor(random() * 6)] as string,
          outstandingFen: BigInt(Math.floor(random() * 10_000_000)),
          overdueDays: Math.floor(random() * 900),
        }),
      );
      const holdings = Array.from({ length: 200 }, (_, i) =>
        holding(key(`debtor ${i * 3}`), i, 2 + (i % 4), i % 2 === 0 ? 100 + (i % 12) * 7 : 999),
      );
      return { cases, agencies, stats, holdings };
    }

    it("gives the same allocation whatever the order of agencies, stats and holdings", () => {
      const { cases, agencies, stats: s, holdings } = scenario();
      const reference = allocate(input({ cases, agencies, stats: s, holdingsOf: holdingsFrom(holdings) }));
      const codes = new Set(reference.decisions.map((d) => d.reason.code));
      expect([...codes].sort()).to.deep.equal(
        ["CO_DEBT", "MATCHED", "NO_AGENCY_RANGE", "NO_AGENCY_REGION", "NO_CAPACITY", "SAME_DEBTOR_BATCH"].sort(),
        "the scenario exercises every reason",
      );
      for (let seed = 1; seed <= 5; seed++) {
        const random = prng(seed);
        const again = allocate(
          input({
            cases,
            agencies: shuffled(agencies, random),
            stats: shuffled(s, random),
            holdingsOf: holdingsFrom(shuffled(holdings, random)),
          }),
        );
        expect(again, `seed ${seed}`).to.deep.equal(reference);
      }
    });

    it("never gives an agency more than its remaining capacity", () => {
      const { cases, agencies, stats: s, holdings } = scenario();
      const result = allocate(input({ cases, agencies, stats: s, holdingsOf: holdingsFrom(holdings) }));
      for (const row of result.byAgency) {
        const profile = agencies.find((a) => a.agencyId === row.agencyId) as AgencyProfile;
        const active = s.find((x) => x.agencyId === row.agencyId)?.activeCases ?? 0;
        expect(row.cases, `agency ${row.agencyId}`).to.be.at.most(Math.max(0, profile.capacity - active));
      }
    });
  });
});
