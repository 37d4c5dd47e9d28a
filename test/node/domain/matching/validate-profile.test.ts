import { expect } from "chai";
import { allocate, validateAgencyProfile } from "../../../../node/domain/matching/index.js";
import { caseOf, input, reversedKeys } from "./helpers.js";

const VALID = {
  agencyId: 7,
  name: "华南催收服务有限公司",
  regions: ["44", "45"],
  outstandingFen: { min: "100000", max: "5000000" },
  overdueDays: { min: 30, max: 720 },
  capacity: 500,
};

function errorsOf(raw: unknown): string[] {
  const result = validateAgencyProfile(raw);
  return result.ok ? [] : result.errors.map((e) => `${e.field}:${e.code}`);
}

function profileOf(raw: unknown) {
  const result = validateAgencyProfile(raw);
  if (!result.ok) throw new Error(`expected a valid profile, got ${JSON.stringify(result.errors)}`);
  return result.profile;
}

describe("node/domain/matching/validate-profile", () => {
  it("accepts a profile from JSON and gives amounts as bigint fen", () => {
    expect(profileOf(VALID)).to.deep.equal({
      agencyId: 7,
      name: "华南催收服务有限公司",
      regions: ["44", "45"],
      outstandingFen: { min: 100_000n, max: 5_000_000n },
      overdueDays: { min: 30, max: 720 },
      capacity: 500,
    });
  });

  it("reads fen from a bigint, a safe-integer number or a string of digits (NFKC, trimmed)", () => {
    for (const min of [123n, 123, "123", " 123 ", "１２３", "000123"]) {
      expect(profileOf({ ...VALID, outstandingFen: { min } }).outstandingFen, String(min)).to.deep.equal({ min: 123n });
    }
    expect(profileOf({ ...VALID, outstandingFen: { min: 0, max: "999999999999999" } }).outstandingFen.max).to.equal(999_999_999_999_999n);
  });

  it("takes a missing or null max as no upper limit (no max key at all)", () => {
    const profile = profileOf({ ...VALID, outstandingFen: { min: 0, max: null }, overdueDays: { min: 0 } });
    expect(profile.outstandingFen).to.deep.equal({ min: 0n });
    expect(profile.overdueDays).to.deep.equal({ min: 0 });
    expect(Object.keys(profile.outstandingFen)).to.deep.equal(["min"]);
  });

  it("accepts min = max", () => {
    const profile = profileOf({ ...VALID, outstandingFen: { min: 5, max: 5 }, overdueDays: { min: 90, max: 90 } });
    expect(profile.outstandingFen).to.deep.equal({ min: 5n, max: 5n });
    expect(profile.overdueDays).to.deep.equal({ min: 90, max: 90 });
  });

  it("normalizes regions: NFKC, trimmed, duplicates dropped, sorted; \"*\" anywhere means all", () => {
    expect(profileOf({ ...VALID, regions: ["45", " 44", "４４", "11"] }).regions).to.deep.equal(["11", "44", "45"]);
    expect(profileOf({ ...VALID, regions: ["44", "*"] }).regions).to.deep.equal(["*"]);
    expect(profileOf({ ...VALID, regions: ["11", "82"] }).regions).to.deep.equal(["11", "82"]);
  });

  it("normalizes the name like a person's name (NFKC, trim, inner white space collapsed)", () => {
    expect(profileOf({ ...VALID, name: "  华南　催收 \t 公司 " }).name).to.equal("华南 催收 公司");
  });

  it("reads integers from numbers or strings of digits; capacity 0 is allowed", () => {
    const profile = profileOf({ ...VALID, agencyId: "7", capacity: 0, overdueDays: { min: "30", max: 720.0 } });
    expect([profile.agencyId, profile.capacity, profile.overdueDays.min]).to.deep.equal([7, 0, 30]);
    expect(profileOf({ ...VALID, agencyId: 4_294_967_295 }).agencyId).to.equal(4_294_967_295);
  });

  it("rejects what is not an object", () => {
    for (const raw of [null, undefined, "profile", 7, [VALID]]) expect(errorsOf(raw)).to.deep.equal(["*:NOT_AN_OBJECT"]);
  });

  it("reports every missing field, in a fixed order", () => {
    expect(errorsOf({})).to.deep.equal([
      "agencyId:FIELD_MISSING",
      "name:FIELD_MISSING",
      "regions:FIELD_MISSING",
      "outstandingFen:FIELD_MISSING",
      "overdueDays:FIELD_MISSING",
      "capacity:FIELD_MISSING",
    ]);
    expect(errorsOf({ ...VALID, name: "   ", outstandingFen: {}, overdueDays: { max: 3 } })).to.deep.equal([
      "name:FIELD_MISSING",
      "outstandingFen.min:FIELD_MISSING",
      "overdueDays.min:FIELD_MISSING",
    ]);
  });

  it("reports the same errors whatever the order of the input's keys", () => {
    const bad = { ...VALID, agencyId: 0, regions: ["99"], capacity: -1 };
    expect(errorsOf(reversedKeys(bad))).to.deep.equal(errorsOf(bad));
    expect(errorsOf(bad)).to.deep.equal(["agencyId:AGENCY_ID_INVALID", "regions[0]:REGION_INVALID", "capacity:INTEGER_INVALID"]);
  });

  it("rejects agency ids outside 1…4294967295 and non-integers", () => {
    for (const agencyId of [0, -1, 4_294_967_296, 1.5, "abc", "7a", Number.NaN]) {
      expect(errorsOf({ ...VALID, agencyId }), String(agencyId)).to.deep.equal(["agencyId:AGENCY_ID_INVALID"]);
    }
    expect(errorsOf({ ...VALID, agencyId: true })).to.deep.equal(["agencyId:FIELD_TYPE"]);
  });

  it("rejects a name that is not text or longer than 100 characters", () => {
    expect(errorsOf({ ...VALID, name: 42 })).to.deep.equal(["name:FIELD_TYPE"]);
    expect(errorsOf({ ...VALID, name: "机".repeat(101) })).to.deep.equal(["name:FIELD_TOO_LONG"]);
    expect(errorsOf({ ...VALID, name: "机".repeat(100) })).to.deep.equal([]);
  });

  it("rejects regions that are not \"*\" or 2-digit codes 11–82, naming each bad entry", () => {
    expect(errorsOf({ ...VALID, regions: [] })).to.deep.equal(["regions:REGIONS_EMPTY"]);
    expect(errorsOf({ ...VALID, regions: "44" })).to.deep.equal(["regions:FIELD_TYPE"]);
    expect(errorsOf({ ...VALID, regions: ["44", "10", "83", "4", "440", "ab", "", "**", 44, null] })).to.deep.equal([
      "regions[1]:REGION_INVALID",
      "regions[2]:REGION_INVALID",
      "regions[3]:REGION_INVALID",
      "regions[4]:REGION_INVALID",
      "regions[5]:REGION_INVALID",
      "regions[6]:REGION_INVALID",
      "regions[7]:REGION_INVALID",
      "regions[8]:FIELD_TYPE",
      "regions[9]:FIELD_TYPE",
    ]);
  });

  it("rejects amounts that are not whole fen ≥ 0, or ≥ 10^15", () => {
    for (const min of [-1, "-1", 1.5, "1.5", "12,000", "1e3", "0x10", -1n]) {
      expect(errorsOf({ ...VALID, outstandingFen: { min } }), String(min)).to.deep.equal(["outstandingFen.min:FEN_INVALID"]);
    }
    for (const max of [10n ** 15n, "1000000000000000", 1e15, 2 ** 60]) {
      expect(errorsOf({ ...VALID, outstandingFen: { min: 0, max } }), String(max)).to.deep.equal([
        "outstandingFen.max:AMOUNT_TOO_LARGE",
      ]);
    }
    expect(errorsOf({ ...VALID, outstandingFen: { min: true } })).to.deep.equal(["outstandingFen.min:FIELD_TYPE"]);
    expect(errorsOf({ ...VALID, outstandingFen: [0, 1] })).to.deep.equal(["outstandingFen:FIELD_TYPE"]);
    expect(errorsOf({ ...VALID, outstandingFen: 100 })).to.deep.equal(["outstandingFen:FIELD_TYPE"]);
  });

  it("rejects overdue days and capacity that are not whole numbers ≥ 0", () => {
    expect(errorsOf({ ...VALID, overdueDays: { min: -1, max: 2.5 } })).to.deep.equal([
      "overdueDays.min:INTEGER_INVALID",
      "overdueDays.max:INTEGER_INVALID",
    ]);
    for (const capacity of [-1, 1.5, "ten", Number.POSITIVE_INFINITY, 2 ** 53]) {
      expect(errorsOf({ ...VALID, capacity }), String(capacity)).to.deep.equal(["capacity:INTEGER_INVALID"]);
    }
  });

  it("takes the optional performance throttle as both fields or neither, in range", () => {
    expect(profileOf({ ...VALID, throttleBelowRecoveryBp: "3000", throttledCapacityPct: 50 })).to.deep.include({ throttleBelowRecoveryBp: 3_000, throttledCapacityPct: 50 });
    expect(profileOf({ ...VALID, throttleBelowRecoveryBp: null, throttledCapacityPct: "" })).to.not.have.property("throttleBelowRecoveryBp");
    expect(errorsOf({ ...VALID, throttleBelowRecoveryBp: 3_000 })).to.deep.equal(["throttledCapacityPct:THROTTLE_INCOMPLETE"]);
    expect(errorsOf({ ...VALID, throttledCapacityPct: 50 })).to.deep.equal(["throttleBelowRecoveryBp:THROTTLE_INCOMPLETE"]);
    expect(errorsOf({ ...VALID, throttleBelowRecoveryBp: 0, throttledCapacityPct: 50 })).to.deep.equal(["throttleBelowRecoveryBp:THROTTLE_RANGE"]);
    expect(errorsOf({ ...VALID, throttleBelowRecoveryBp: 10_001, throttledCapacityPct: 50 })).to.deep.equal(["throttleBelowRecoveryBp:THROTTLE_RANGE"]);
    expect(errorsOf({ ...VALID, throttleBelowRecoveryBp: 3_000, throttledCapacityPct: 101 })).to.deep.equal(["throttledCapacityPct:THROTTLE_RANGE"]);
    expect(errorsOf({ ...VALID, throttleBelowRecoveryBp: 30.5, throttledCapacityPct: -1 })).to.deep.equal([
      "throttleBelowRecoveryBp:THROTTLE_RANGE",
      "throttledCapacityPct:THROTTLE_RANGE",
    ]);
  });

  it("rejects min > max in either range", () => {
    expect(errorsOf({ ...VALID, outstandingFen: { min: "500", max: 499 }, overdueDays: { min: 91, max: 90 } })).to.deep.equal([
      "outstandingFen:RANGE_INVERTED",
      "overdueDays:RANGE_INVERTED",
    ]);
  });

  it("gives each error a bilingual message", () => {
    const result = validateAgencyProfile({ ...VALID, regions: ["99"], outstandingFen: { min: 2, max: 1 } });
    expect(result.ok).to.equal(false);
    if (result.ok) return;
    expect(result.errors).to.deep.equal([
      {
        field: "regions[0]",
        code: "REGION_INVALID",
        message: "地区应为 \"*\" 或 11 至 82 的两位省级代码 / a region is \"*\" or a 2-digit province code 11…82",
      },
      { field: "outstandingFen", code: "RANGE_INVERTED", message: "最小值大于最大值 / min is greater than max" },
    ]);
  });

  it("gives a profile that allocate takes as it is", () => {
    const profile = profileOf({ ...VALID, regions: ["44"] });
    const result = allocate(input({ cases: [caseOf(1, { outstandingFen: 100_000n, overdueDays: 720 })], agencies: [profile] }));
    expect(result.decisions[0]?.agencyId).to.equal(7);
  });
});
