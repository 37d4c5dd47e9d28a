import { expect } from "chai";
import { allocate, type DebtorHolding } from "../../../../node/domain/matching/index.js";
import { LENDER_ID, agency, caseOf, holding, holdingsFrom, input, key, only, stats } from "./helpers.js";

const DEBTOR = key("debtor shared");

/** Case `i` of the shared debtor. */
function shared(i: number, overrides = {}) {
  return caseOf(`shared ${i}`, { debtorKey: DEBTOR, ...overrides });
}

describe("node/domain/matching co-debt and one agency per debtor", () => {
  describe("otherCreditors", () => {
    it("counts the distinct OTHER creditors with an active case of the debtor", () => {
      const holdings: DebtorHolding[] = [
        holding(DEBTOR, 1, 2, 7),
        holding(DEBTOR, 2, 2, 7), // creditor 2 again
        holding(DEBTOR, 3, 3, 8),
        holding(DEBTOR, 4, LENDER_ID, 7), // the lender's own: not another creditor
      ];
      const result = allocate(input({ cases: [shared(1)], agencies: [agency(7)], holdingsOf: holdingsFrom(holdings) }));
      expect(only(result).otherCreditors).to.equal(2);
      expect(only(result).reason.details.otherCreditors).to.equal(2);
    });

    it("is 0 without holdings, and is reported on every kind of decision", () => {
      const holdingsOf = holdingsFrom([holding(DEBTOR, 1, 4, 99)]);
      const cases = [caseOf(1), shared(1), shared(2, { provinceCode: "65" })];
      const result = allocate(input({ cases, agencies: [agency(2, { regions: ["44"] })], holdingsOf }));
      expect(result.decisions.map((d) => [d.reason.code, d.otherCreditors])).to.deep.equal([
        ["MATCHED", 0],
        ["MATCHED", 1],
        ["SAME_DEBTOR_BATCH", 1],
      ]);
    });

    it("asks holdingsOf once per distinct debtor", () => {
      const asked: string[] = [];
      const cases = [shared(1), caseOf(1), shared(2), shared(3), caseOf(2)];
      allocate(input({ cases, agencies: [agency(2)], holdingsOf: (d) => (asked.push(d), []) }));
      expect(asked).to.deep.equal([DEBTOR, key("debtor 1"), key("debtor 2")]);
    });
  });

  describe("rule 2: the debtor's agency on chain gets the case", () => {
    it("CO_DEBT when the debtor's agency is on the lender's list and has room, whatever its profile says", () => {
      const holdingsOf = holdingsFrom([holding(DEBTOR, 1, 2, 7)]);
      const agencies = [agency(3, { regions: ["44"] }), agency(7, { regions: ["31"], outstandingFen: { min: 0n, max: 1n } })];
      const result = allocate(input({ cases: [shared(1)], agencies, holdingsOf, stats: [stats(3, 0, 1), stats(7, 0, 0)] }));
      const decision = only(result);
      expect(decision.agencyId).to.equal(7);
      expect(decision.score).to.equal(undefined);
      expect(decision.reason).to.deep.equal({
        code: "CO_DEBT",
        message: "共债：债务人已由机构 7 处置 / co-debt: debtor already with agency 7",
        details: { agencyId: 7, debtorCasesWithAgency: 1, otherCreditors: 1 },
      });
    });

    it("counts the lender's own active case with an agency as the debtor's agency too", () => {
      const holdingsOf = holdingsFrom([holding(DEBTOR, 1, LENDER_ID, 7)]);
      const result = allocate(input({ cases: [shared(1)], agencies: [agency(3), agency(7)], holdingsOf, stats: [stats(3, 0, 1)] }));
      expect(only(result).agencyId).to.equal(7);
      expect(only(result).reason.code).to.equal("CO_DEBT");
      expect(only(result).otherCreditors).to.equal(0);
    });

    it("falls through to matching when the debtor's agency is not on the lender's list, and says so", () => {
      const holdingsOf = holdingsFrom([holding(DEBTOR, 1, 2, 7)]);
      const result = allocate(input({ cases: [shared(1)], agencies: [agency(3)], holdingsOf }));
      const decision = only(result);
      expect(decision.agencyId).to.equal(3);
      expect(decision.reason.code).to.equal("MATCHED");
      expect(decision.reason.message).to.equal(
        "地区 44，得分 0.70（无 90 天回收记录，剩余容量 100%）；共债机构 7 不在本贷款机构的合作名单中 / region 44, score 0.70 (no 90-day history, capacity 100%); co-debt agency 7 is not on this lender's agency list",
      );
      expect(decision.reason.details.passedOver).to.deep.equal([{ agencyId: 7, why: "NOT_IN_LENDER_LIST", from: "chain" }]);
      expect(decision.otherCreditors).to.equal(1);
    });

    it("falls through to matching when the debtor's agency is full, and says so", () => {
      const holdingsOf = holdingsFrom([holding(DEBTOR, 1, 2, 7)]);
      const agencies = [agency(3), agency(7, { capacity: 10 })];
      const result = allocate(input({ cases: [shared(1)], agencies, holdingsOf, stats: [stats(7, 10, 1)] }));
      const decision = only(result);
      expect(decision.agencyId).to.equal(3);
      expect(decision.reason.message).to.equal("地区 44，得分 0.70（无 90 天回收记录，剩余容量 100%）；共债机构 7 已满额 / region 44, score 0.70 (no 90-day history, capacity 100%); co-debt agency 7 is at capacity");
      expect(decision.reason.details.passedOver).to.deep.equal([{ agencyId: 7, why: "AT_CAPACITY", from: "chain" }]);
    });

    it("keeps what it passed over in the reason when the case ends unmatched", () => {
      const holdingsOf = holdingsFrom([holding(DEBTOR, 1, 2, 7)]);
      const result = allocate(input({ cases: [shared(1, { provinceCode: "65" })], agencies: [agency(3, { regions: ["44"] })], holdingsOf }));
      expect(only(result).reason).to.deep.equal({
        code: "NO_AGENCY_REGION",
        message:
          "无机构服务地区 65；共债机构 7 不在本贷款机构的合作名单中 / no agency serves region 65; co-debt agency 7 is not on this lender's agency list",
        details: { region: "65", passedOver: [{ agencyId: 7, why: "NOT_IN_LENDER_LIST", from: "chain" }] },
      });
    });

    it("with several agencies on the debtor, tries the one holding most of the debtor's cases first, then the lowest id", () => {
      const holdingsOf = holdingsFrom([
        holding(DEBTOR, 1, 2, 9),
        holding(DEBTOR, 2, 3, 8),
        holding(DEBTOR, 3, 4, 8),
        holding(DEBTOR, 4, 5, 6),
      ]);
      const agencies = [agency(6), agency(8), agency(9)];
      const pick = (extra: Parameters<typeof input>[0]["stats"] = []) =>
        only(allocate(input({ cases: [shared(1)], agencies, holdingsOf, stats: extra })));
      expect(pick().agencyId).to.equal(8);
      expect(pick().reason.details).to.deep.equal({ agencyId: 8, debtorCasesWithAgency: 2, otherCreditors: 4 });
      const next = pick([stats(8, 1_000)]);
      expect(next.agencyId).to.equal(6);
      expect(next.reason.message).to.equal("共债：债务人已由机构 6 处置；共债机构 8 已满额 / co-debt: debtor already with agency 6; co-debt agency 8 is at capacity");
    });

    it("counts the same held case reported twice once, and ignores holdings of another debtor", () => {
      const h = holding(DEBTOR, 1, 2, 8);
      const holdingsOf = () => [h, h, holding(DEBTOR, 2, 3, 6), holding(key("someone else"), 3, 4, 6), holding(key("x"), 4, 4, 6)];
      const result = allocate(input({ cases: [shared(1)], agencies: [agency(6), agency(8)], holdingsOf }));
      expect(only(result).agencyId).to.equal(6); // 1 case each: lowest id
      expect(only(result).otherCreditors).to.equal(2);
    });

    it("uses up the agency's capacity like any other decision", () => {
      const holdingsOf = holdingsFrom([holding(DEBTOR, 1, 2, 7)]);
      const cases = [shared(1), caseOf(1), caseOf(2)];
      const result = allocate(input({ cases, agencies: [agency(7, { capacity: 2 })], holdingsOf }));
      expect(result.decisions.map((d) => d.agencyId)).to.deep.equal([7, 7, null]);
      expect(result.byAgency[0]?.cases).to.equal(2);
    });
  });

  describe("rule 2 within the batch: all cases of one debtor go to one agency", () => {
    it("sends the debtor's later cases where the first went (SAME_DEBTOR_BATCH), even where the profile would not", () => {
      // Without grouping the shares would alternate: each case lowers the score of the agency that took it.
      const agencies = [agency(2, { regions: ["44"], capacity: 10 }), agency(3, { regions: ["44"], capacity: 10 })];
      const cases = [shared(1), shared(2), shared(3, { provinceCode: "65", outstandingFen: 10n ** 13n })];
      const result = allocate(input({ cases, agencies }));
      const first = result.decisions[0]?.agencyId;
      expect(first).to.be.oneOf([2, 3]);
      expect(result.decisions.map((d) => d.agencyId)).to.deep.equal([first, first, first]);
      expect(result.decisions.map((d) => d.reason.code)).to.deep.equal(["MATCHED", "SAME_DEBTOR_BATCH", "SAME_DEBTOR_BATCH"]);
      expect(result.decisions[1]?.reason.message).to.equal(
        `同一债务人：随本批次中该债务人的前一案件分配给机构 ${first} / same debtor: follows the debtor's earlier case in this batch to agency ${first}`,
      );
      // Other debtors still spread.
      const spread = allocate(input({ cases: [caseOf(1), caseOf(2)], agencies }));
      expect(new Set(spread.decisions.map((d) => d.agencyId)).size).to.equal(2);
    });

    it("groups cases of one debtor that are far apart in the batch", () => {
      const agencies = [agency(2, { capacity: 100 }), agency(3, { capacity: 100 })];
      const cases = [shared(1), ...Array.from({ length: 20 }, (_, i) => caseOf(i)), shared(2)];
      const result = allocate(input({ cases, agencies }));
      expect(result.decisions.at(-1)?.agencyId).to.equal(result.decisions[0]?.agencyId);
      expect(result.decisions.at(-1)?.reason.code).to.equal("SAME_DEBTOR_BATCH");
    });

    it("follows the first case that got an agency: an unmatched first case does not hold the others back", () => {
      const agencies = [agency(2, { outstandingFen: { min: 0n, max: 100_000n } })];
      const cases = [shared(1, { outstandingFen: 900_000n }), shared(2), shared(3, { outstandingFen: 900_000n })];
      const result = allocate(input({ cases, agencies }));
      expect(result.decisions.map((d) => [d.agencyId, d.reason.code])).to.deep.equal([
        [null, "NO_AGENCY_RANGE"],
        [2, "MATCHED"],
        [2, "SAME_DEBTOR_BATCH"],
      ]);
    });

    it("after the batch agency fills up, keeps the debtor's remaining cases together at the next agency", () => {
      const agencies = [agency(2, { capacity: 1 }), agency(3, { capacity: 50 }), agency(4, { capacity: 50 })];
      const cases = [shared(1), shared(2), shared(3), shared(4)];
      const result = allocate(input({ cases, agencies, stats: [stats(2, 0, 1), stats(3, 0, 0), stats(4, 0, 0)] }));
      const next = result.decisions[1]?.agencyId;
      expect(result.decisions.map((d) => d.agencyId)).to.deep.equal([2, next, next, next]);
      expect(result.decisions.map((d) => d.reason.code)).to.deep.equal(["MATCHED", "MATCHED", "SAME_DEBTOR_BATCH", "SAME_DEBTOR_BATCH"]);
    });

    it("falls through to matching when the batch agency is full, and says so", () => {
      const agencies = [agency(2, { capacity: 1 }), agency(3, { capacity: 50 })];
      const result = allocate(input({ cases: [shared(1), shared(2)], agencies, stats: [stats(2, 0, 1), stats(3, 0, 0)] }));
      expect(result.decisions.map((d) => d.agencyId)).to.deep.equal([2, 3]);
      const second = result.decisions[1];
      expect(second?.reason.code).to.equal("MATCHED");
      expect(second?.reason.details.passedOver).to.deep.equal([{ agencyId: 2, why: "AT_CAPACITY", from: "batch" }]);
      expect(second?.reason.message).to.equal(
        "地区 44，得分 0.40（90 天回收率 0%，剩余容量 100%）；本批次中该债务人前一案件的机构 2 已满额 / region 44, score 0.40 (recovery 90d 0%, capacity 100%); agency 2, which got the debtor's earlier case in this batch, is at capacity",
      );
    });

    it("keeps a debtor with the agency of its chain holdings across the whole batch (CO_DEBT for each)", () => {
      const holdingsOf = holdingsFrom([holding(DEBTOR, 1, 2, 7)]);
      const result = allocate(input({ cases: [shared(1), shared(2), shared(3)], agencies: [agency(3), agency(7)], holdingsOf }));
      expect(result.decisions.map((d) => [d.agencyId, d.reason.code])).to.deep.equal([
        [7, "CO_DEBT"],
        [7, "CO_DEBT"],
        [7, "CO_DEBT"],
      ]);
    });

    it("when the chain agency is not listed, the later cases follow the batch's choice and still name the chain agency", () => {
      const holdingsOf = holdingsFrom([holding(DEBTOR, 1, 2, 7)]);
      const result = allocate(input({ cases: [shared(1), shared(2)], agencies: [agency(3), agency(4)], holdingsOf }));
      const [first, second] = result.decisions;
      expect(second?.agencyId).to.equal(first?.agencyId);
      expect(second?.reason.code).to.equal("SAME_DEBTOR_BATCH");
      expect(second?.reason.details.passedOver).to.deep.equal([{ agencyId: 7, why: "NOT_IN_LENDER_LIST", from: "chain" }]);
    });

    it("when the chain agency fills up during the batch, the rest of the debtor's cases go on together elsewhere", () => {
      const holdingsOf = holdingsFrom([holding(DEBTOR, 1, 2, 7)]);
      const agencies = [agency(3, { capacity: 100 }), agency(4, { capacity: 100 }), agency(7, { capacity: 1 })];
      const result = allocate(input({ cases: [shared(1), shared(2), shared(3)], agencies, holdingsOf }));
      const [a, b, c] = result.decisions;
      expect([a?.agencyId, a?.reason.code]).to.deep.equal([7, "CO_DEBT"]);
      // 7 is full now (on chain and as the batch agency): the second case is matched, the third follows it.
      expect(b?.reason.code).to.equal("MATCHED");
      expect(b?.reason.details.passedOver).to.deep.equal([{ agencyId: 7, why: "AT_CAPACITY", from: "chain" }]);
      expect(c?.agencyId).to.equal(b?.agencyId);
      expect(c?.reason.code).to.equal("SAME_DEBTOR_BATCH");
      expect(c?.reason.details.passedOver).to.deep.equal([{ agencyId: 7, why: "AT_CAPACITY", from: "chain" }]);
    });
  });
});
