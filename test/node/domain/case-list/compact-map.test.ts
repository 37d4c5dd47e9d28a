import { expect } from "chai";
import fc from "fast-check";
import {
  CompactDigestMap,
  Hash128,
  hash128,
  hash64,
  hash64Words,
  hashWords,
  INSERTED,
  OTHER_DIGEST,
  SAME_DIGEST,
} from "../../../../node/domain/case-list/compact-map.js";
import { fingerprint, fingerprintInto, type ValidCase } from "../../../../node/domain/case-list/validate-row.js";

const words = () => Array.from(hashWords.subarray(0, 4), (w) => w.toString(36)).join(".");

describe("node/domain/case-list/compact-map", () => {
  it("Hash128 fed piece by piece equals hash128 of the concatenation", () => {
    const hasher = new Hash128();
    fc.assert(
      fc.property(fc.array(fc.string({ unit: "grapheme", maxLength: 30 }), { maxLength: 6 }), (pieces) => {
        hasher.reset();
        for (const piece of pieces) {
          hasher.add(piece);
          hasher.addCode(0);
        }
        hasher.finish();
        expect(words()).to.equal(hash128(pieces.map((p) => `${p}\u0000`).join("")));
      }),
    );
  });

  it("hash64Words equals hash64", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (text) => {
        hash64Words(text);
        expect([hashWords[0], hashWords[1]]).to.deep.equal(hash64(text));
      }),
    );
  });

  it("fingerprintInto gives the words of fingerprint, extra columns in any order", () => {
    const value: ValidCase = {
      loanRef: "LN-1",
      name: "测试",
      idNumber: "440305195002267140",
      phone: "",
      principalFen: 100n,
      outstandingFen: 50n,
      overdueDays: 3,
      provinceCode: "44",
      region: "",
      product: "车贷",
      extra: { b: "2", a: "1" },
    };
    const hasher = new Hash128();
    fingerprintInto(value, hasher);
    expect(words()).to.equal(fingerprint(value));
    fingerprintInto({ ...value, extra: { a: "1", b: "2" } }, hasher);
    expect(words()).to.equal(fingerprint(value));
    fingerprintInto({ ...value, outstandingFen: 51n }, hasher);
    expect(words()).not.to.equal(fingerprint(value));
  });

  it("upsertWords inserts once, then tells the same digest from another, across growth", () => {
    const map = new CompactDigestMap(16);
    for (let i = 1; i <= 5_000; i++) expect(map.upsertWords(i, 0x8000_0000 + i, i, 7)).to.equal(INSERTED);
    expect(map.size).to.equal(5_000);
    for (let i = 1; i <= 5_000; i++) {
      expect(map.upsertWords(i, 0x8000_0000 + i, i, 7)).to.equal(SAME_DIGEST);
      expect(map.upsertWords(i, 0x8000_0000 + i, i, 8)).to.equal(OTHER_DIGEST);
    }
    expect(map.size).to.equal(5_000);
  });
});
