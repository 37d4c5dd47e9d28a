import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import type { DecisionEntry, RepaymentEntry } from "../../../node/domain/repayments/entries.js";
import { type GatewayDatabase, openDatabase } from "../../../node/store/database.js";

describe("store/repayment-ledger", () => {
  let dir: string;
  let store: GatewayDatabase;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "caseledger-repayment-ledger-"));
    store = await openDatabase(dir);
  });
  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  const at = "2026-03-01T08:00:00.000Z";
  const caseKey = (n: number) => `0x${String(n).padStart(64, "0")}`;
  const id = (n: number) => String(n).padStart(32, "0");
  const repayment = (n: number, k: number): RepaymentEntry => ({ type: "repayment", id: id(n), caseKey: caseKey(k), recordedAt: at, amountFen: "100", paidAt: at, channel: "agency-escrow", payer: "debtor", reportedBy: 2, agencyId: 2, voucher: null });
  const decision = (n: number, of: RepaymentEntry): DecisionEntry => ({ type: "decision", id: id(n), caseKey: of.caseKey, recordedAt: at, repaymentId: of.id, decision: "confirmed", by: { tokenId: "t", role: "lender" }, evidence: { leafHash: `0x${"0".repeat(64)}` } });

  it("gives the entries of ids with every one of their cases' entries in the order written, those not asked for too", async () => {
    const a = repayment(1, 1);
    const b = repayment(2, 2);
    const c = repayment(3, 1);
    await store.repayments.append([a, b]);
    await store.repayments.append([decision(4, a), c]);
    const { entries, ofCase } = await store.repayments.withCases([id(3), id(9), id(2)]);
    expect(entries).to.deep.equal([c, undefined, b]);
    expect([...ofCase.keys()]).to.deep.equal([caseKey(1), caseKey(2)]);
    expect(ofCase.get(caseKey(1))).to.deep.equal([a, decision(4, a), c]);
    expect(ofCase.get(caseKey(2))).to.deep.equal([b]);
    expect(ofCase.get(caseKey(1))).to.deep.equal(await store.repayments.ofCase(caseKey(1)));
  });

  it("gives nothing for ids not in the ledger", async () => {
    const { entries, ofCase } = await store.repayments.withCases([id(1)]);
    expect(entries).to.deep.equal([undefined]);
    expect(ofCase.size).to.equal(0);
  });
});
