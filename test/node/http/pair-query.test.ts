import { expect } from "chai";
import { pairQuery } from "../../../node/http/pair-query.js";

describe("node/http/pair-query: the (creditor, agency) pair a list is narrowed to", () => {
  it("keeps each id only when it is a positive integer of at most ten digits", () => {
    expect(pairQuery({ creditorId: "1", agencyId: "3" })).to.deep.equal({ creditorId: 1, agencyId: 3 });
    expect(pairQuery({ agencyId: "42" })).to.deep.equal({ agencyId: 42 });
    expect(pairQuery({})).to.deep.equal({});
    for (const bad of ["0", "-1", "01", "1.5", "x", "", "12345678901", ["1"], 1]) expect(pairQuery({ creditorId: bad, agencyId: bad })).to.deep.equal({});
    expect(pairQuery({ creditorId: "9999999999" })).to.deep.equal({ creditorId: 9_999_999_999 });
  });
});
