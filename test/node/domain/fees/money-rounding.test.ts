import { expect } from "chai";
import { commissionFen } from "../../../../node/domain/fees/money-rounding.js";

describe("node/domain/fees: commissionFen", () => {
  it("rounds half up once, on exact integers", () => {
    expect(commissionFen(1n, 5000)).to.equal(1n); // 0.5 fen → 1
    expect(commissionFen(1n, 4999)).to.equal(0n); // 0.4999 fen → 0
    expect(commissionFen(3n, 5000)).to.equal(2n); // 1.5 → 2 (half up, not half even)
    expect(commissionFen(333n, 1500)).to.equal(50n); // 49.95 → 50
    expect(commissionFen(10_000n, 10_000)).to.equal(10_000n);
    expect(commissionFen(0n, 10_000)).to.equal(0n);
  });

  it("stays exact where a float would not: 9,007,199,254,741.30 yuan at 15%", () => {
    const amount = 900_719_925_474_130n;
    expect(commissionFen(amount, 1500)).to.equal(135_107_988_821_120n); // 135,107,988,821,119.5 → …120
    expect(Math.round((Number(amount) * 1500) / 10_000)).to.equal(135_107_988_821_119); // what Number would say
  });

  it("refuses a negative amount (a reversal negates the reversed line's fee instead)", () => {
    expect(() => commissionFen(-1n, 100)).to.throw(RangeError);
  });
});
