import { expect } from "chai";
import type { Actor, LedgerEntry, RepaymentEntry } from "../../../../node/domain/repayments/entries.js";
import { parsePaidAt, parsePositiveFen, parseRepaymentInput } from "../../../../node/domain/repayments/input.js";
import { decisionProblem, foldLedger, repaymentWarning, reversalProblem, waiverLimitFen, waiverProblem } from "../../../../node/domain/repayments/ledger.js";

const by: Actor = { tokenId: "t1", role: "lender" };
const key = `0x${"aa".repeat(32)}`;
let n = 0;
const id = () => (n++).toString(16).padStart(32, "0");
const at = "2026-03-01T00:00:00.000Z";
const repayment = (amountFen: string, over: Partial<RepaymentEntry> = {}): RepaymentEntry => ({ type: "repayment", id: id(), caseKey: key, recordedAt: at, amountFen, paidAt: at, channel: "agency-escrow", payer: "debtor", reportedBy: 2, agencyId: 2, voucher: null, ...over });
const decide = (repaymentId: string, decision: "confirmed" | "disputed"): LedgerEntry => ({ type: "decision", id: id(), caseKey: key, recordedAt: at, repaymentId, decision, by, evidence: { leafHash: "0x" } });
const reverse = (reverses: string): LedgerEntry => ({ type: "reversal", id: id(), caseKey: key, recordedAt: at, reverses, reason: "RETURNED", by });
const waive = (amountFen: string): LedgerEntry => ({ type: "waiver", id: id(), caseKey: key, recordedAt: at, amountFen, reason: "HARDSHIP", approvedBy: by });

describe("domain/repayments: the ledger fold and its rules", () => {
  it("takes off confirmed repayments and waivers, not reported or disputed ones, and gives back what is reversed", () => {
    const a = repayment("30000");
    const b = repayment("20000");
    const c = repayment("5000");
    const w = waive("1000");
    const entries = [a, b, c, decide(a.id, "confirmed"), decide(b.id, "disputed"), w];
    const l = foldLedger(90000n, entries);
    expect([l.confirmedFen, l.waivedFen, l.outstandingFen]).to.deep.equal([30000n, 1000n, 59000n]);
    expect(l.repayments.map((r) => r.state)).to.deep.equal(["confirmed", "disputed", "reported"]);
    const undone = foldLedger(90000n, [...entries, reverse(a.id), reverse(w.id)]);
    expect([undone.confirmedFen, undone.waivedFen, undone.outstandingFen]).to.deep.equal([0n, 0n, 90000n]);
    expect(undone.repayments[0]!.state).to.equal("reversed");
    // A decision after the reversal changes nothing; a second reversal of the same entry neither.
    const late = foldLedger(90000n, [...entries, reverse(a.id), decide(a.id, "confirmed"), reverse(a.id)]);
    expect(late.repayments[0]!.state).to.equal("reversed");
    expect(late.outstandingFen).to.equal(89000n);
  });

  it("names why a decision, reversal, repayment or waiver is refused", () => {
    const a = repayment("30000");
    const big = repayment("95000");
    const l = foldLedger(90000n, [a, big, decide(a.id, "disputed")]);
    expect(decisionProblem(l, a.id, "confirmed")).to.equal(undefined);
    expect(decisionProblem(l, a.id, "disputed")).to.equal("ALREADY_DECIDED");
    // More than the outstanding is the lender's call, not a refusal (it is warned of it instead).
    expect(decisionProblem(l, big.id, "confirmed")).to.equal(undefined);
    expect(decisionProblem(l, "ff".repeat(16), "confirmed")).to.equal("ENTRY_NOT_FOUND");
    const confirmed = foldLedger(90000n, [...l.entries, decide(a.id, "confirmed")]);
    expect(decisionProblem(confirmed, a.id, "disputed")).to.equal("ALREADY_DECIDED");
    const decision = confirmed.entries.at(-1)!;
    expect(decisionProblem(confirmed, decision.id, "confirmed")).to.equal("NOT_A_REPAYMENT");
    expect(reversalProblem(confirmed, decision.id)).to.equal("NOT_REVERSIBLE");
    const r = reverse(a.id);
    expect(reversalProblem(foldLedger(90000n, [...confirmed.entries, r]), a.id)).to.equal("ALREADY_REVERSED");
    expect(reversalProblem(foldLedger(90000n, [...confirmed.entries, r]), r.id)).to.equal("NOT_REVERSIBLE");
    expect(repaymentWarning(confirmed, 60000n)).to.equal(undefined);
    expect(repaymentWarning(confirmed, 60001n)).to.equal("REPAYMENT_ABOVE_OUTSTANDING");
  });

  it("confirming more than is outstanding stops the outstanding at zero and shows the excess as over-payment; a reversal takes it back", () => {
    const a = repayment("30000");
    const big = repayment("70000");
    const l = foldLedger(90000n, [a, decide(a.id, "confirmed"), big]);
    expect(repaymentWarning(l, 70000n)).to.equal("REPAYMENT_ABOVE_OUTSTANDING");
    const over = foldLedger(90000n, [...l.entries, decide(big.id, "confirmed")]);
    expect([over.outstandingFen, over.overpaidFen, over.confirmedFen]).to.deep.equal([0n, 10000n, 100000n]);
    const back = foldLedger(90000n, [...over.entries, reverse(big.id)]);
    expect([back.outstandingFen, back.overpaidFen]).to.deep.equal([60000n, 0n]);
  });

  it("limits a case's waivers to a percentage of its outstanding at registration, rounded down to the fen", () => {
    expect(waiverLimitFen(99999n, 30)).to.equal(29999n);
    const l = foldLedger(90000n, [waive("20000")]);
    expect(waiverProblem(l, 7000n, 30)).to.equal(undefined);
    expect(waiverProblem(l, 7001n, 30)).to.equal("WAIVER_LIMIT");
    expect(waiverProblem(foldLedger(1000n, []), 1001n, 100)).to.equal("EXCEEDS_OUTSTANDING");
    expect(waiverProblem(foldLedger(1000n, []), 1n, 0)).to.equal("WAIVER_LIMIT");
  });

  it("parses money only as decimal strings of whole fen, and payment times not in the future", () => {
    expect(parsePositiveFen("12345")).to.equal(12345n);
    for (const bad of [12345, "0", "012", "1.5", "-1", "1e3", " 1", "1000000000000000", ""]) expect(parsePositiveFen(bad), String(bad)).to.equal(undefined);
    const now = Date.parse(at);
    expect(parsePaidAt("2026-03-01T08:00:00+08:00", now)).to.equal(at);
    expect(parsePaidAt("2026-03-01T00:10:00Z", now)).to.equal(undefined);
    expect(parsePaidAt("2026-03-01", now)).to.equal(undefined);
    expect(parseRepaymentInput({ caseKey: key.toUpperCase().replace("0X", "0x"), amountFen: "1", paidAt: at, channel: "other", payer: "third-party" }, now)).to.deep.equal({ caseKey: key, amountFen: 1n, paidAt: at, channel: "other", payer: "third-party" });
    expect(parseRepaymentInput({ caseKey: key, amountFen: "1", paidAt: at, channel: "cash", payer: "debtor" }, now)).to.deep.equal({ problem: "CHANNEL_INVALID" });
  });
});
