import { expect } from "chai";
import { canonicalJson } from "../../../../node/domain/canonical-json.js";
import { DECISION_FORMAT, type DecisionDocument, decisionJson } from "../../../../node/domain/repayments/decision-document.js";

describe("domain/repayments/decision-document", () => {
  const base: DecisionDocument = {
    format: DECISION_FORMAT,
    creditorId: 7,
    caseKey: `0x${"ab".repeat(32)}`,
    repaymentId: "c".repeat(32),
    amountFen: "12345",
    paidAt: "2026-03-01T08:00:00.000Z",
    reportedBy: 2,
    decision: "confirmed",
    decidedAt: "2026-03-02T09:30:00.000Z",
    by: "tok-1",
  };

  it("writes the canonical JSON of a confirmation, byte for byte", () => {
    expect(decisionJson(base)).to.equal(canonicalJson(base));
  });

  it("writes the canonical JSON of a dispute with its reason, byte for byte", () => {
    const disputed: DecisionDocument = { ...base, decision: "disputed", reason: "AMOUNT_MISMATCH" };
    expect(decisionJson(disputed)).to.equal(canonicalJson(disputed));
    expect(JSON.parse(decisionJson(disputed))).to.deep.equal(disputed);
  });

  it("escapes what JSON escapes, as canonicalJson does", () => {
    const odd: DecisionDocument = { ...base, by: 'tok "quoted" \\ \u2028 令牌' };
    expect(decisionJson(odd)).to.equal(canonicalJson(odd));
  });
});
