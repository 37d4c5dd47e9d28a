import { expect } from "chai";
import {
  MatchingInputError,
  REASON_CODES,
  allocate,
  type Allocation,
} from "../../../../node/domain/matching/index.js";
import { agency, caseOf, holding, holdingsFrom, input, key, only, reversedKeys, stats } from "./helpers.js";

function agencyOf(allocation: Allocation): Array<number | null> {
  return allocation.decisions.map((d) => d.agencyId);
}

describe("node/domain/matching/allocate", () => {
  describe("rule 3: matching against profiles", () => {
    it("gives a case to an agency serving its region, with the region and score in the reason", () => {
      const result = allocate(
        input({ cases: [caseOf(1, { provinceCode: "44" })], agencies: [agency(2, { regions: ["31"] }), agency(3, { regions: ["44", "45"] })] }),
      );
      const decision = only(result);
      expect(decision.agencyId).to.equal(3);
      expect(decision.reason.code).to.equal("MATCHED");
      // No history (0.5) and all of the capacity left: 0.6 × 0.5 + 0.4 × 1 = 0.70.
      expect(decision.score).to.equal(0.7);
      expect(decision.reason.message).to.equal("地区 44，得分 0.70（无 90 天回收记录，剩余容量 100%） / region 44, score 0.70 (no 90-day history, capacity 100%)");
      expect(decision.reason.details).to.deep.include({ region: "44", agencyId: 3, score: 0.7, candidates: 1, capacity: 1_000 });
      expect(decision.otherCreditors).to.equal(0);
    });

    it("lets \"*\" serve every region, also codes nobody names", () => {
      const agencies = [agency(2, { regions: ["44"] }), agency(9, { regions: ["*"] })];
      const result = allocate(input({ cases: [caseOf(1, { provinceCode: "65" }), caseOf(2, { provinceCode: "99" })], agencies }));
      expect(agencyOf(result)).to.deep.equal([9, 9]);
      expect(result.decisions.map((d) => d.reason.code)).to.deep.equal(["MATCHED", "MATCHED"]);
    });

    it("puts \"*\" agencies and named-region agencies into one ranking", () => {
      const agencies = [agency(2, { regions: ["44"] }), agency(9, { regions: ["*"] })];
      const result = allocate(input({ cases: [caseOf(1)], agencies, stats: [stats(2, 0, 0.2), stats(9, 0, 0.9)] }));
      expect(only(result).agencyId).to.equal(9);
      expect(only(result).reason.details.candidates).to.equal(2);
    });

    it("takes both ends of both ranges as inside", () => {
      const profile = agency(5, { outstandingFen: { min: 50_000n, max: 200_000n }, overdueDays: { min: 30, max: 180 } });
      const cases = [
        caseOf(1, { outstandingFen: 50_000n, overdueDays: 30 }),
        caseOf(2, { outstandingFen: 200_000n, overdueDays: 180 }),
        caseOf(3, { outstandingFen: 49_999n, overdueDays: 90 }),
        caseOf(4, { outstandingFen: 200_001n, overdueDays: 90 }),
        caseOf(5, { outstandingFen: 100_000n, overdueDays: 29 }),
        caseOf(6, { outstandingFen: 100_000n, overdueDays: 181 }),
      ];
      const result = allocate(input({ cases, agencies: [profile] }));
      expect(agencyOf(result)).to.deep.equal([5, 5, null, null, null, null]);
      expect(result.decisions.slice(2).map((d) => d.reason.details.miss)).to.deep.equal([
        "outstanding",
        "outstanding",
        "overdue",
        "overdue",
      ]);
    });

    it("has no upper limit where a profile gives no max", () => {
      const result = allocate(
        input({ cases: [caseOf(1, { outstandingFen: 10n ** 14n, overdueDays: 99_999 })], agencies: [agency(5)] }),
      );
      expect(only(result).agencyId).to.equal(5);
    });
  });

  describe("rule 4: unmatched cases, with the most specific reason", () => {
    it("NO_AGENCY_REGION when no agency on the list serves the region", () => {
      const result = allocate(input({ cases: [caseOf(1, { provinceCode: "65" })], agencies: [agency(2, { regions: ["44", "31"] })] }));
      const decision = only(result);
      expect(decision.agencyId).to.equal(null);
      expect(decision.score).to.equal(undefined);
      expect(decision.reason).to.deep.equal({
        code: "NO_AGENCY_REGION",
        message: "无机构服务地区 65 / no agency serves region 65",
        details: { region: "65" },
      });
      expect(result.unmatched).to.equal(1);
    });

    it("NO_AGENCY_REGION when the lender has no agency at all", () => {
      const result = allocate(input({ cases: [caseOf(1)], agencies: [] }));
      expect(only(result).reason.code).to.equal("NO_AGENCY_REGION");
      expect(result.byAgency).to.deep.equal([]);
    });

    it("NO_AGENCY_RANGE says whether the amount, the overdue days, both, or only their combination is outside", () => {
      const agencies = [
        agency(2, { regions: ["44"], outstandingFen: { min: 0n, max: 100_000n }, overdueDays: { min: 0, max: 90 } }),
        agency(3, { regions: ["44"], outstandingFen: { min: 500_000n }, overdueDays: { min: 365 } }),
        agency(4, { regions: ["31"], outstandingFen: { min: 0n }, overdueDays: { min: 0 } }), // other region: irrelevant
      ];
      const cases = [
        caseOf(1, { outstandingFen: 200_000n, overdueDays: 60 }), // amount outside every profile of region 44
        caseOf(2, { outstandingFen: 50_000n, overdueDays: 200 }), // overdue outside
        caseOf(3, { outstandingFen: 200_000n, overdueDays: 200 }), // both
        caseOf(4, { outstandingFen: 50_000n, overdueDays: 400 }), // amount fits 2, days fit 3: no single agency fits
      ];
      const result = allocate(input({ cases, agencies }));
      expect(agencyOf(result)).to.deep.equal([null, null, null, null]);
      expect(result.decisions.map((d) => d.reason.code)).to.deep.equal(Array(4).fill("NO_AGENCY_RANGE"));
      expect(result.decisions.map((d) => d.reason.details)).to.deep.equal([
        { region: "44", miss: "outstanding", outstandingFen: "200000", overdueDays: 60 },
        { region: "44", miss: "overdue", outstandingFen: "50000", overdueDays: 200 },
        { region: "44", miss: "both", outstandingFen: "200000", overdueDays: 200 },
        { region: "44", miss: "combination", outstandingFen: "50000", overdueDays: 400 },
      ]);
      expect(result.decisions.map((d) => d.reason.message)).to.deep.equal([
        "服务地区 44 的机构均不接受欠款余额 2000.00 元 / no agency serving region 44 takes an outstanding of 2000.00 yuan",
        "服务地区 44 的机构均不接受逾期 200 天 / no agency serving region 44 takes 200 days overdue",
        "服务地区 44 的机构均不接受欠款余额 2000.00 元，也不接受逾期 200 天 / no agency serving region 44 takes an outstanding of 2000.00 yuan, nor 200 days overdue",
        "服务地区 44 的机构没有一家同时接受欠款余额 500.00 元与逾期 400 天 / no agency serving region 44 takes both an outstanding of 500.00 yuan and 400 days overdue",
      ]);
      expect(result.unmatched).to.equal(4);
    });

    it("NO_CAPACITY when every agency that fits is full, naming them; one that does not fit is not counted", () => {
      const agencies = [
        agency(2, { capacity: 10 }),
        agency(3, { capacity: 5 }),
        agency(4, { capacity: 0 }),
        agency(5, { outstandingFen: { min: 0n, max: 1n } }), // has room, but does not take the amount
      ];
      const result = allocate(input({ cases: [caseOf(1)], agencies, stats: [stats(2, 10), stats(3, 7)] }));
      const decision = only(result);
      expect(decision.agencyId).to.equal(null);
      expect(decision.reason).to.deep.equal({
        code: "NO_CAPACITY",
        message: "地区 44 的合适机构均已满额（机构 2、3、4） / every eligible agency for region 44 is at capacity (agencies 2, 3, 4)",
        details: { region: "44", full: [2, 3, 4] },
      });
    });

    it("prefers NO_CAPACITY over NO_AGENCY_RANGE, and NO_AGENCY_RANGE over NO_AGENCY_REGION", () => {
      const full = agency(2, { regions: ["44"], capacity: 1 });
      const narrow = agency(3, { regions: ["44"], overdueDays: { min: 0, max: 10 } });
      const byCode = (agencies = [full, narrow]) =>
        only(allocate(input({ cases: [caseOf(1)], agencies, stats: [stats(2, 1)] }))).reason.code;
      expect(byCode()).to.equal("NO_CAPACITY");
      expect(byCode([narrow])).to.equal("NO_AGENCY_RANGE");
      expect(byCode([agency(4, { regions: ["31"] })])).to.equal("NO_AGENCY_REGION");
    });
  });

  describe("capacity", () => {
    it("is consumed within the batch: capacity − active cases − cases already given", () => {
      const cases = [1, 2, 3, 4].map((i) => caseOf(i));
      const result = allocate(input({ cases, agencies: [agency(2, { capacity: 5 })], stats: [stats(2, 2)] }));
      expect(agencyOf(result)).to.deep.equal([2, 2, 2, null]);
      expect(result.decisions[3]?.reason.code).to.equal("NO_CAPACITY");
      expect(result.byAgency).to.deep.equal([{ agencyId: 2, name: "测试机构 2", cases: 3, outstandingFen: 300_000n }]);
    });

    it("sends the overflow to the next agency once the better one is full", () => {
      const cases = [1, 2, 3].map((i) => caseOf(i));
      const result = allocate(
        input({ cases, agencies: [agency(2, { capacity: 1 }), agency(3, { capacity: 100 })], stats: [stats(2, 0, 1), stats(3, 0, 0)] }),
      );
      expect(agencyOf(result)).to.deep.equal([2, 3, 3]);
    });

    it("treats an agency with more active cases than capacity, or capacity 0, as full", () => {
      const result = allocate(
        input({ cases: [caseOf(1)], agencies: [agency(2, { capacity: 3 }), agency(3, { capacity: 0 })], stats: [stats(2, 9)] }),
      );
      expect(only(result).reason.details.full).to.deep.equal([2, 3]);
    });

    it("lowers the score of an agency as the batch fills it", () => {
      const result = allocate(input({ cases: [caseOf(1), caseOf(2)], agencies: [agency(2, { capacity: 4 })] }));
      // 0.3 + 0.4 × 4/4, then 0.3 + 0.4 × 3/4.
      expect(result.decisions.map((d) => d.score)).to.deep.equal([0.7, 0.6]);
      expect(result.decisions.map((d) => d.reason.details.remainingCapacity)).to.deep.equal([4, 3]);
    });
  });

  describe("the result as a whole", () => {
    const agencies = [
      agency(7, { regions: ["44"], capacity: 3 }),
      agency(2, { regions: ["31", "44"], capacity: 2, outstandingFen: { min: 0n, max: 150_000n } }),
      agency(5, { regions: ["11"], capacity: 10 }),
    ];
    const cases = [
      ...[1, 2, 3, 4, 5, 6].map((i) => caseOf(i, { outstandingFen: BigInt(i) * 40_000n })),
      caseOf(7, { provinceCode: "65" }),
      caseOf(8, { provinceCode: "31", outstandingFen: 500_000n }),
    ];

    it("gives one decision per case, in input order, each with a code and a bilingual message", () => {
      const result = allocate(input({ cases, agencies }));
      expect(result.decisions.map((d) => d.caseKey)).to.deep.equal(cases.map((c) => c.caseKey));
      for (const d of result.decisions) {
        expect(REASON_CODES).to.include(d.reason.code);
        expect(d.reason.message).to.match(/\p{Script=Han}.* \/ [ -~]+$/u);
        expect(() => JSON.stringify(d.reason.details)).not.to.throw();
      }
    });

    it("has byAgency totals that add up, one row per listed agency by agencyId, also for agencies that got nothing", () => {
      const result = allocate(input({ cases, agencies }));
      expect(result.byAgency.map((a) => a.agencyId)).to.deep.equal([2, 5, 7]);
      const given = result.decisions.filter((d) => d.agencyId !== null);
      expect(result.byAgency.reduce((n, a) => n + a.cases, 0)).to.equal(given.length);
      expect(result.unmatched).to.equal(cases.length - given.length);
      for (const row of result.byAgency) {
        const mine = cases.filter((_, i) => result.decisions[i]?.agencyId === row.agencyId);
        expect(row.cases).to.equal(mine.length);
        expect(row.outstandingFen).to.equal(mine.reduce((sum, c) => sum + c.outstandingFen, 0n));
      }
      expect(result.byAgency.find((a) => a.agencyId === 5)).to.deep.equal({ agencyId: 5, name: "测试机构 5", cases: 0, outstandingFen: 0n });
    });

    it("fills the better agency first, then overflows, and says why the rest stay with the lender", () => {
      // Agency 2 (recovery 0.9) takes the two cases it may; agency 7 the next three; region 44 then has no room.
      const result = allocate(input({ cases, agencies, stats: [stats(2, 0, 0.9), stats(7, 0, 0.1)] }));
      expect(agencyOf(result)).to.deep.equal([2, 2, 7, 7, 7, null, null, null]);
      expect(result.decisions.slice(5).map((d) => d.reason.code)).to.deep.equal(["NO_CAPACITY", "NO_AGENCY_REGION", "NO_AGENCY_RANGE"]);
      expect(result.byAgency).to.deep.equal([
        { agencyId: 2, name: "测试机构 2", cases: 2, outstandingFen: 120_000n },
        { agencyId: 5, name: "测试机构 5", cases: 0, outstandingFen: 0n },
        { agencyId: 7, name: "测试机构 7", cases: 3, outstandingFen: 480_000n },
      ]);
      expect(result.unmatched).to.equal(3);
    });

    it("does not depend on the order of object keys", () => {
      const holdingsOf = holdingsFrom([holding(key("debtor 3"), 1, 2, 7)]);
      const a = allocate(input({ cases, agencies, holdingsOf, stats: [stats(7, 1, 0.4)] }));
      const b = allocate({
        holdingsOf: (debtor) => holdingsOf(debtor).map(reversedKeys),
        stats: [reversedKeys(stats(7, 1, 0.4))],
        agencies: agencies.map(reversedKeys),
        cases: cases.map(reversedKeys),
        lenderId: 1,
      });
      expect(b).to.deep.equal(a);
    });

    it("ignores stats of agencies that are not on the list", () => {
      const a = allocate(input({ cases, agencies }));
      const b = allocate(input({ cases, agencies, stats: [stats(99, 5, 0.9)] }));
      expect(b).to.deep.equal(a);
    });
  });

  describe("inputs the caller should never build", () => {
    it("throws MatchingInputError on a case given twice, an agency listed twice, stats given twice", () => {
      const codeOf = (run: () => unknown): string => {
        try {
          run();
        } catch (error) {
          expect(error).to.be.instanceOf(MatchingInputError);
          return (error as MatchingInputError).code;
        }
        return "no error";
      };
      expect(codeOf(() => allocate(input({ cases: [caseOf(1), caseOf(1)], agencies: [agency(2)] })))).to.equal("DUPLICATE_CASE");
      expect(codeOf(() => allocate(input({ cases: [], agencies: [agency(2), agency(2)] })))).to.equal("DUPLICATE_AGENCY");
      expect(codeOf(() => allocate(input({ cases: [], agencies: [agency(2)], stats: [stats(2, 0), stats(2, 1)] })))).to.equal(
        "DUPLICATE_STATS",
      );
      expect(codeOf(() => allocate(input({ cases: [], agencies: [agency(0)] })))).to.equal("INVALID_AGENCY");
      expect(codeOf(() => allocate(input({ cases: [], agencies: [agency(2, { regions: ["4"] })] })))).to.equal("INVALID_AGENCY");
      expect(codeOf(() => allocate(input({ cases: [], agencies: [agency(2, { capacity: -1 })] })))).to.equal("INVALID_AGENCY");
      expect(
        codeOf(() => allocate(input({ cases: [], agencies: [agency(2, { outstandingFen: { min: 5n, max: 4n } })] }))),
      ).to.equal("INVALID_AGENCY");
      expect(codeOf(() => allocate(input({ cases: [], agencies: [agency(2)], stats: [stats(2, Number.NaN)] })))).to.equal(
        "INVALID_STATS",
      );
    });

    it("says what went wrong in both languages", () => {
      expect(() => allocate(input({ cases: [caseOf(1), caseOf(1)], agencies: [] }))).to.throw(
        MatchingInputError,
        "同一案件出现两次（应先去重） / the same case is given twice (de-duplicate first)",
      );
    });
  });
});
