import { expect } from "chai";
import { verifyReceipt, inclusionProofLength } from "../../../../node/domain/evidence/verify-receipt.js";
import { inclusionProof, leafHash } from "../../../../node/domain/merkle/index.js";
import { STEP_NAMES } from "../../../../node/domain/evidence/verification.js";
import { fixture, TAMPERINGS } from "./receipt-fixtures.js";

describe("node/domain/evidence: verifying receipts", () => {
  it("says valid only when every step passed, the anchor checked on chain at a pinned registry", () => {
    const f = fixture();
    const result = verifyReceipt({ receipt: { text: JSON.stringify(f.receipt) }, file: f.file, chain: f.chain, trust: f.trust });
    expect(result.verdict).to.equal("valid");
    expect(result.failedStep).to.equal(null);
    expect(result.steps.map((s) => [s.step, s.verdict])).to.deep.equal(STEP_NAMES.map((s) => [s, "passed"]));
    expect(result.notChecked).to.deep.equal([]);
    expect(result.evidence).to.include({ member: 3, leafIndex: 5, kind: "call-recording" });
    expect(result.anchor).to.include({ blockNumber: 42, confirmedOnChain: true, blockTimeIso: "2026-01-02T04:00:00.000Z" });
    expect(result.timeBracket).to.deep.equal({ capturedAtClaimed: "2026-01-02T03:04:10.000Z", anchoredNoLaterThan: "2026-01-02T04:00:00.000Z", confirmedOnChain: true });
    for (const step of result.steps) expect(step.message).to.match(/[\u4e00-\u9fff].*\/ [A-Za-z]/);
  });

  for (const t of TAMPERINGS) {
    it(`${t.name}: ${t.verdict}${t.failedStep ? ` at ${t.failedStep}` : ""} (${t.code})`, () => {
      const result = verifyReceipt(t.input(fixture()));
      expect(result.verdict).to.equal(t.verdict);
      expect(result.failedStep).to.equal(t.failedStep ?? null);
      expect(result.steps.map((s) => s.code)).to.include(t.code);
      if (t.failedStep) expect(result.steps.find((s) => s.step === t.failedStep)?.code).to.equal(t.code);
      if (t.verdict !== "invalid") expect(result.steps.every((s) => s.verdict !== "failed")).to.equal(true);
      expect(result.steps).to.have.length(7);
      if (t.verdict === "incomplete") expect(result.notChecked.length).to.be.greaterThan(0);
    });
  }

  it("never throws, whatever it is given", () => {
    const junk: unknown[] = [null, 7, "x", [], { format: "caseledger-evidence-receipt/1" }, { format: "caseledger-evidence-receipt/1", status: "anchored", record: "{}", leafHash: "0x" + "0".repeat(64), leafIndex: -1 }];
    for (const value of junk) {
      const result = verifyReceipt({ receipt: { value } });
      expect(result.verdict).to.equal("invalid");
      expect(result.failedStep).to.equal("receipt");
    }
    expect(verifyReceipt({ receipt: { bytes: Uint8Array.of(0xff, 0xfe, 0x00) } }).steps[0]!.code).to.equal("RECEIPT_NOT_JSON");
    expect(verifyReceipt({ receipt: { oversized: 10 ** 9 } }).steps[0]!.code).to.equal("RECEIPT_TOO_LARGE");
  });

  it("computes the audit path length of every (index, size) as the reference code does", () => {
    const leaves = Array.from({ length: 40 }, (_, i) => leafHash(Uint8Array.of(i)));
    for (let size = 1; size <= 40; size++) for (let i = 0; i < size; i++) expect(inclusionProofLength(i, size)).to.equal(inclusionProof(leaves, i, size).length);
  });
});
