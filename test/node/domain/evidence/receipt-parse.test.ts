import { expect } from "chai";
import fc from "fast-check";
import { jsonLengthBound, parseReceipt } from "../../../../node/domain/evidence/receipt-parse.js";
import { MAX_RECEIPT_BYTES } from "../../../../node/domain/evidence/receipt.js";

describe("node/domain/evidence/receipt-parse: a receipt's size, bounded before it is written out", () => {
  it("the bound is never below what JSON.stringify writes, for any JSON value", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.integer({ min: 0, max: 10_000 }), (value, limit) => {
        const written = JSON.stringify(value).length;
        const bound = jsonLengthBound(value, limit);
        if (bound !== Infinity) {
          expect(bound).to.be.at.least(written);
          expect(bound).to.be.at.most(limit);
        }
        expect(jsonLengthBound(value, Number.MAX_SAFE_INTEGER)).to.be.at.least(written);
      }),
      { numRuns: 3000 },
    );
    // The worst string: every code unit escaped.
    const controls = "\u0001".repeat(100);
    expect(JSON.stringify(controls).length).to.equal(602);
    expect(jsonLengthBound(controls, 1000)).to.equal(602);
  });

  it("gives no bound for what JSON.stringify writes otherwise than as it is", () => {
    for (const v of [{ toJSON: () => "x" }, [undefined], new Date(0), () => 1, { a: Symbol("s") }, 1n]) expect(jsonLengthBound(v, 1e9), String(v)).to.equal(Infinity);
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(jsonLengthBound(cycle, 1e9)).to.equal(Infinity);
  });

  it("a receipt object over the limit is still refused as too large, one within it is read", () => {
    const big = { format: "caseledger-evidence-receipt/1", status: "pending", record: "x", padding: "\u0001".repeat(MAX_RECEIPT_BYTES / 4) };
    expect(parseReceipt({ value: big })).to.deep.include({ ok: false, code: "RECEIPT_TOO_LARGE" });
    const cycle: Record<string, unknown> = { format: "caseledger-evidence-receipt/1" };
    cycle.self = cycle;
    expect(parseReceipt({ value: cycle })).to.deep.equal({ ok: false, code: "RECEIPT_NOT_JSON" });
    // The bound (every character counted as if escaped) passes the limit, but the receipt written out fits: read.
    const fits = { format: "other/1", padding: "a".repeat(MAX_RECEIPT_BYTES / 4) };
    expect(jsonLengthBound(fits, MAX_RECEIPT_BYTES)).to.equal(Infinity);
    expect(parseReceipt({ value: fits })).to.deep.include({ ok: false, code: "RECEIPT_FORMAT_UNKNOWN" });
  });
});
