import { expect } from "chai";
import { id, Wallet } from "ethers";
import { BUNDLE_EVENT_TYPES, MAX_BUNDLE_BYTES } from "../../../../node/domain/evidence/bundle.js";
import { custodyOf, judgeCustody } from "../../../../node/domain/evidence/custody.js";
import { CASE_EVENT_TOPICS, type VerifyBundleInput, verifyBundle } from "../../../../node/domain/evidence/verify-bundle.js";
import { digestSigner } from "../../../../node/services/signed-digest.js";
import { AMC_KEY, bundleFixture, type BundleFixture, CASE_KEY, LENDER_KEY, resign, storyHistory, T0 } from "../../../support/case-bundle-fixture.js";

const SIGNATURES: Record<string, string> = {
  CaseRegistered: "CaseRegistered(bytes32,bytes32,uint32)",
  CasesAssigned: "CasesAssigned(uint32,uint32,uint40,bytes32[])",
  CaseAccepted: "CaseAccepted(bytes32,uint32)",
  CaseReturned: "CaseReturned(bytes32,uint32)",
  CaseRecalled: "CaseRecalled(bytes32,uint32)",
  CaseMandateExtended: "CaseMandateExtended(bytes32,uint32,uint40,uint40)",
  CaseSettled: "CaseSettled(bytes32,uint32,uint64,bytes32)",
  CaseClosed: "CaseClosed(bytes32,uint32)",
  CaseCreditorTransferred: "CaseCreditorTransferred(bytes32,uint32,uint32)",
};

const input = (f: BundleFixture, over: Partial<VerifyBundleInput> = {}): VerifyBundleInput => ({
  source: { text: JSON.stringify(f.signed) },
  recoveredSigner: digestSigner(f.signed.hash, f.signed.signature),
  chain: f.chain,
  trust: f.trust,
  ...over,
});

describe("node/domain/evidence: verifying a case bundle", () => {
  it("spells each CaseRegistry event's topic as keccak-256 of its signature", () => {
    for (const type of BUNDLE_EVENT_TYPES) expect(CASE_EVENT_TOPICS[type], type).to.equal(id(SIGNATURES[type]!));
  });

  it("says valid for the lender → A (recalled) → B → AMC story: every item held when captured and anchored", async () => {
    const f = await bundleFixture();
    const result = verifyBundle(input(f, { files: f.files }));
    expect(result.checks.map((c) => [c.check, c.verdict, c.code])).to.deep.equal([
      ["bundle", "passed", "BUNDLE_OK"],
      ["signature", "passed", "SIGNATURE_OK"],
      ["history", "passed", "HISTORY_OK"],
      ["creditor", "passed", "CREDITOR_OK"],
      ["completeness", "passed", "CHAIN_COMPLETE"],
    ]);
    expect(result.verdict).to.equal("valid");
    expect(result.counts).to.deep.equal({ valid: 12, "outside-mandate": 0, invalid: 0, incomplete: 0 });
    expect(result.items.every((i) => i.receipt.fileChecked)).to.equal(true);
    expect(result.periods.map((p) => [p.member, p.role])).to.deep.equal([
      [1, "creditor"],
      [2, "agency"],
      [3, "agency"],
      [4, "creditor"],
    ]);
    expect(result.periods[1]).to.include({ start: T0 + 100, end: T0 + 50_000 });
    expect(result.periods[2]).to.include({ start: T0 + 60_000, end: T0 + 150_000 });
    expect(result.summary).to.match(/[\u4e00-\u9fff].* \/ valid/);
  });

  it("offline: nothing failed, but it is incomplete, never valid", async () => {
    const f = await bundleFixture();
    const result = verifyBundle(input(f, { chain: undefined }));
    expect(result.verdict).to.equal("incomplete");
    expect(result.checks.find((c) => c.check === "signature")?.code).to.equal("SIGNER_NOT_CHECKED");
    expect(result.counts.incomplete).to.equal(12);
  });

  it("a receipt from a member that never held the case is invalid (NEVER_HELD)", async () => {
    const f = await bundleFixture({ members: [1, 2, 3, 4, 9] });
    const result = verifyBundle(input(f));
    const stranger = result.items.filter((i) => i.member === 9);
    expect(stranger).to.have.length(3);
    for (const item of stranger) expect([item.verdict, item.code]).to.deep.equal(["invalid", "NEVER_HELD"]);
    expect(result.verdict).to.equal("invalid");
  });

  it("agency A's record captured after its recall is valid but outside a mandate", async () => {
    const f = await bundleFixture({ record: (r, m, i) => (m === 2 && i === 2 ? { ...r, capturedAt: new Date((T0 + 55_000) * 1000).toISOString() } : r) });
    const result = verifyBundle(input(f));
    const late = result.items.filter((i) => i.verdict === "outside-mandate");
    expect(late.map((i) => [i.member, i.code])).to.deep.equal([[2, "CAPTURED_OUTSIDE_MANDATE"]]);
    expect(result.checks.filter((c) => c.verdict !== "passed"), JSON.stringify(result.items.filter((i) => i.verdict === "incomplete"))).to.deep.equal([]);
    expect(result.verdict).to.equal("valid");
    expect(result.counts["outside-mandate"]).to.equal(1);
  });

  it("a record back-dated into the mandate but anchored long after it ended is outside a mandate (ANCHORED_AFTER_MANDATE)", () => {
    const custody = custodyOf(storyHistory());
    expect(judgeCustody(custody, 2, T0 + 40_000, T0 + 40_060).code).to.equal("CUSTODY_OK");
    expect(judgeCustody(custody, 2, T0 + 40_000, T0 + 90_000).code).to.equal("ANCHORED_AFTER_MANDATE");
    expect(judgeCustody(custody, 1, T0 + 170_000, T0 + 170_030).code).to.equal("CAPTURED_OUTSIDE_MANDATE");
    expect(judgeCustody(custody, 4, T0 + 170_000, T0 + 170_030).code).to.equal("CUSTODY_OK");
    expect(judgeCustody(custody, 7, T0 + 170_000, T0 + 170_030).code).to.equal("NEVER_HELD");
  });

  it("a record left out between a member's first and last is a gap (CHAIN_GAP), however the rest verifies", async () => {
    const f = await bundleFixture({ keep: (_r, m, i) => !(m === 3 && i === 1) });
    const result = verifyBundle(input(f));
    expect(result.checks.find((c) => c.check === "completeness")).to.include({ verdict: "failed", code: "CHAIN_GAP" });
    expect(result.items.filter((i) => i.code === "CHAIN_GAP").map((i) => i.member)).to.deep.equal([3]);
    expect(result.verdict).to.equal("invalid");
  });

  it("a swapped transaction hash in the history does not match the chain (EVENT_TX_MISMATCH)", async () => {
    const f = await bundleFixture();
    const history = f.signed.bundle.history.map((e, i) => (i === 3 ? { ...e, txHash: f.signed.bundle.history[6]!.txHash } : e));
    const signed = await resign({ ...f.signed.bundle, history });
    const result = verifyBundle({ ...input(f), source: { value: signed }, recoveredSigner: digestSigner(signed.hash, signed.signature) });
    expect(result.checks.find((c) => c.check === "history")).to.include({ verdict: "failed", code: "HISTORY_NOT_ON_CHAIN" });
    expect(result.history[3]).to.include({ verdict: "failed", code: "EVENT_TX_MISMATCH" });
    expect(result.verdict).to.equal("invalid");
  });

  it("an event left out of the history is found among the chain's logs of the case (HISTORY_EVENT_MISSING)", async () => {
    const f = await bundleFixture();
    const signed = await resign({ ...f.signed.bundle, history: f.signed.bundle.history.filter((e) => e.type !== "CaseMandateExtended") });
    const result = verifyBundle({ ...input(f), source: { value: signed }, recoveredSigner: digestSigner(signed.hash, signed.signature) });
    expect(result.checks.find((c) => c.check === "history")?.code).to.equal("HISTORY_EVENT_MISSING");
  });

  it("a forged signature: another key (SIGNATURE_NOT_CREDITORS), or a changed bundle under the old one (BUNDLE_HASH_MISMATCH)", async () => {
    const f = await bundleFixture({ signer: new Wallet(`0x${"9".repeat(64)}`) });
    expect(verifyBundle(input(f)).checks.find((c) => c.check === "signature")?.code).to.equal("SIGNATURE_NOT_CREDITORS");
    const g = await bundleFixture();
    const altered = { ...g.signed, bundle: { ...g.signed.bundle, receipts: g.signed.bundle.receipts.slice(1) } };
    const result = verifyBundle({ ...input(g), source: { value: altered } });
    expect(result.checks.find((c) => c.check === "bundle")?.code).to.equal("BUNDLE_HASH_MISMATCH");
    expect(result.checks.find((c) => c.check === "signature")?.code).to.equal("SIGNATURE_INVALID");
    expect(result.verdict).to.equal("invalid");
  });

  it("a bundle signed by the earlier creditor after the transfer is not the creditor of record's", async () => {
    const f = await bundleFixture({ signer: LENDER_KEY, creditor: 1 });
    const result = verifyBundle(input(f, { chain: { ...f.chain, creditorSigner: LENDER_KEY.address.toLowerCase() } }));
    expect(result.checks.find((c) => c.check === "creditor")).to.include({ verdict: "failed", code: "NOT_CREDITOR_OF_RECORD" });
  });

  it("a tampered receipt inside is invalid with the receipt's own failing step", async () => {
    const f = await bundleFixture();
    const receipts = f.signed.bundle.receipts.map((r, i) => (i === 4 ? { ...(r as object), leafIndex: 0 } : r));
    const signed = await resign({ ...f.signed.bundle, receipts });
    const result = verifyBundle({ ...input(f), source: { value: signed }, recoveredSigner: digestSigner(signed.hash, signed.signature) });
    expect(result.items[4]).to.deep.include({ verdict: "invalid", code: "RECEIPT_INVALID" });
    expect(result.items[4]!.receipt.failedStep).to.equal("inclusion");
  });

  it("refuses a bundle over the size limit before parsing it, and junk without throwing", () => {
    expect(verifyBundle({ source: { oversized: MAX_BUNDLE_BYTES + 1 }, recoveredSigner: undefined }).checks[0]!.code).to.equal("BUNDLE_TOO_LARGE");
    for (const text of ["", "{", "[]", '{"bundle":{"format":"x"}}', '{"bundle":{"format":"caseledger-case-bundle/1"}}']) {
      const result = verifyBundle({ source: { text }, recoveredSigner: undefined });
      expect(result.verdict, text).to.equal("invalid");
      expect(result.items).to.deep.equal([]);
    }
    expect(CASE_KEY).to.match(/^0x[0-9a-f]{64}$/);
    expect(AMC_KEY.address).to.match(/^0x/);
  });
});
