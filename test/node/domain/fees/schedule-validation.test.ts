import { expect } from "chai";
import { commissionBp, feeScheduleHash, feeScheduleToJson, standardBuckets } from "../../../../node/domain/fees/fee-schedule.js";
import { parseFeeSchedule } from "../../../../node/domain/fees/schedule-validation.js";

const base = {
  creditorId: 1,
  agencyId: 3,
  version: 1,
  effectiveFrom: "2026-11-01",
  model: { kind: "full-risk", buckets: [{ fromDays: 0, toDays: 90, bp: 1500 }, { fromDays: 91, toDays: 180, bp: 2500 }, { fromDays: 181, toDays: null, bp: 3500 }] },
};

function codes(raw: unknown): string[] {
  const result = parseFeeSchedule(raw);
  return result.ok ? [] : result.problems.map((p) => `${p.code} ${p.path}`);
}

describe("node/domain/fees: parseFeeSchedule", () => {
  it("reads the three models and round-trips through JSON with fen as decimal strings", () => {
    const full = parseFeeSchedule(base);
    expect(full.ok).to.equal(true);
    const half = parseFeeSchedule({ ...base, model: { kind: "half-risk", caseFeeFen: "5000", buckets: base.model.buckets } });
    const none = parseFeeSchedule({ ...base, model: { kind: "no-risk", fixedFeeFen: "120000", per: "month" } });
    for (const result of [full, half, none]) {
      if (!result.ok) throw new Error("expected a schedule");
      const again = parseFeeSchedule(JSON.parse(JSON.stringify(feeScheduleToJson(result.schedule))));
      if (!again.ok) throw new Error("round trip failed");
      expect(feeScheduleHash(again.schedule)).to.equal(feeScheduleHash(result.schedule));
    }
    if (half.ok && half.schedule.model.kind === "half-risk") expect(half.schedule.model.caseFeeFen).to.equal(5000n);
  });

  it("finds gaps, overlaps, a closed last bucket, a bucket not starting at 0", () => {
    const buckets = (list: unknown[]) => ({ ...base, model: { kind: "full-risk", buckets: list } });
    expect(codes(buckets([{ fromDays: 0, toDays: 90, bp: 1 }, { fromDays: 92, toDays: null, bp: 1 }]))).to.deep.equal(["BUCKET_GAP $.model.buckets[1]"]);
    expect(codes(buckets([{ fromDays: 0, toDays: 90, bp: 1 }, { fromDays: 90, toDays: null, bp: 1 }]))).to.deep.equal(["BUCKET_OVERLAP $.model.buckets[1]"]);
    expect(codes(buckets([{ fromDays: 0, toDays: null, bp: 1 }, { fromDays: 10, toDays: null, bp: 1 }]))).to.deep.equal(["BUCKET_OVERLAP $.model.buckets[1]"]);
    expect(codes(buckets([{ fromDays: 0, toDays: 90, bp: 1 }]))).to.deep.equal(["BUCKET_OPEN_END $.model.buckets[0]"]);
    expect(codes(buckets([{ fromDays: 1, toDays: null, bp: 1 }]))).to.deep.equal(["BUCKET_GAP $.model.buckets[0]"]);
    expect(codes(buckets([]))).to.deep.equal(["BUCKETS_EMPTY $.model.buckets"]);
    expect(codes(buckets([{ fromDays: 10, toDays: 5, bp: 1 }]))).to.deep.equal(["BUCKET_DAYS $.model.buckets[0]"]);
    // Order of the array does not matter; the paths name the array's own positions.
    expect(codes(buckets([{ fromDays: 91, toDays: null, bp: 1 }, { fromDays: 0, toDays: 90, bp: 1 }]))).to.deep.equal([]);
  });

  it("refuses basis points outside 0…10000, negative or malformed fees, unknown models", () => {
    expect(codes({ ...base, model: { kind: "full-risk", buckets: [{ fromDays: 0, toDays: null, bp: 10_001 }] } })).to.deep.equal(["BP_RANGE $.model.buckets[0].bp"]);
    expect(codes({ ...base, model: { kind: "full-risk", buckets: [{ fromDays: 0, toDays: null, bp: -1 }] } })).to.deep.equal(["BP_RANGE $.model.buckets[0].bp"]);
    expect(codes({ ...base, model: { kind: "full-risk", buckets: [{ fromDays: 0, toDays: null, bp: 12.5 }] } })).to.deep.equal(["BP_RANGE $.model.buckets[0].bp"]);
    expect(codes({ ...base, model: { kind: "no-risk", fixedFeeFen: "-100", per: "case" } })).to.deep.equal(["FEE_NEGATIVE $.model.fixedFeeFen"]);
    expect(codes({ ...base, model: { kind: "no-risk", fixedFeeFen: 100, per: "case" } })).to.deep.equal(["FEE_NOT_FEN $.model.fixedFeeFen"]);
    expect(codes({ ...base, model: { kind: "no-risk", fixedFeeFen: "1.5", per: "case" } })).to.deep.equal(["FEE_NOT_FEN $.model.fixedFeeFen"]);
    expect(codes({ ...base, model: { kind: "no-risk", fixedFeeFen: "1", per: "year" } })).to.deep.equal(["PER $.model.per"]);
    expect(codes({ ...base, model: { kind: "half-risk", caseFeeFen: "-1", buckets: [] } })).to.deep.equal(["FEE_NEGATIVE $.model.caseFeeFen", "BUCKETS_EMPTY $.model.buckets"]);
    expect(codes({ ...base, model: { kind: "fifty-fifty" } })).to.deep.equal(["MODEL_KIND $.model.kind"]);
    expect(codes({ ...base, version: 0, effectiveFrom: "2026-02-30", agencyId: "3" })).to.deep.equal(["MEMBER_ID $.agencyId", "VERSION $.version", "EFFECTIVE_FROM $.effectiveFrom"]);
    expect(codes([])).to.deep.equal(["SHAPE $"]);
  });

  it("picks the bucket by overdue days at assignment, bounds included", () => {
    const model = { kind: "full-risk" as const, buckets: standardBuckets(1500, 2500, 3500) };
    expect([0, 90, 91, 180, 181, 5000].map((d) => commissionBp(model, d))).to.deep.equal([1500, 1500, 2500, 2500, 3500, 3500]);
    expect(commissionBp({ kind: "no-risk", fixedFeeFen: 1n, per: "case" }, 30)).to.equal(0);
  });
});
