import { createHash } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { canonicalJson } from "../../../../node/domain/canonical-json.js";
import type { RepaymentEntry } from "../../../../node/domain/repayments/entries.js";
import type { DecisionBody } from "../../../../node/services/repayments/messages.js";
import { DECISIONS_PER_WRITE, RepaymentLedger } from "../../../../node/services/repayments/ledger.js";
import type { StoredCase } from "../../../../node/store/case-records.js";
import { type GatewayDatabase, openDatabase } from "../../../../node/store/database.js";
import { EvidenceLog } from "../../../../node/store/evidence-log/evidence-log.js";

/** The bulk decision path against a real LevelDB and evidence log (no chain: decisions do not read it). */
describe("services/repayments/ledger: bulk decisions", () => {
  let dir: string;
  let store: GatewayDatabase;
  let log: EvidenceLog;
  let ledger: RepaymentLedger;
  let sent: Array<{ to: number; kind: string; body: unknown }>;
  /** The notarization (1, 2, …) that fails, if any. */
  let failingNotarization: number | undefined;
  const at = "2026-03-01T08:00:00.000Z";
  const caseKey = (n: number) => `0x${String(n).padStart(64, "0")}`;
  const id = (n: number) => String(n).padStart(32, "0");
  const lender = { tokenId: "tok-1", role: "lender" };
  const report = (n: number, k: number, amountFen: string): RepaymentEntry => ({ type: "repayment", id: id(n), caseKey: caseKey(k), recordedAt: at, amountFen, paidAt: at, channel: "agency-escrow", payer: "debtor", reportedBy: 2, agencyId: 2, voucher: { leafHash: `0x${"ab".repeat(32)}` } });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "caseledger-repayments-service-"));
    store = await openDatabase(dir);
    const clock = () => Date.parse("2026-03-02T00:00:00.000Z");
    log = await EvidenceLog.open(store.kv.evidence, 1, clock);
    const cases = new Map<string, StoredCase>([1, 2, 3, 4, 5].map((k) => [caseKey(k), { caseKey: caseKey(k), creditorId: 1, outstandingFen: k > 3 ? "100000000" : "1000" } as StoredCase]));
    sent = [];
    failingNotarization = undefined;
    let notarizations = 0;
    ledger = new RepaymentLedger({
      ledger: store.repayments,
      cases: { get: (k) => Promise.resolve(cases.get(k)), getMany: (ks) => Promise.resolve(ks.map((k) => cases.get(k))) },
      casesOf: () => Promise.reject(new Error("decisions do not read the chain")),
      notarize: (drafts) => (++notarizations === failingNotarization ? Promise.reject(new Error("disk full")) : log.append(drafts)),
      deliver: (to, kind, body) => {
        sent.push({ to, kind, body });
        return Promise.resolve();
      },
      memberId: 1,
      clock,
      waiverLimitPercent: 30,
    });
  });
  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("checks later ids of a case against the decisions taken before them in the same request, and against earlier requests", async () => {
    await store.repayments.append([report(1, 1, "600"), report(2, 1, "300"), report(3, 1, "200"), report(4, 2, "900"), report(5, 2, "200")]);
    expect((await ledger.decide([id(4)], "confirmed", undefined, lender)).map((r) => ("state" in r ? r.state : r.error.problem))).to.deep.equal(["confirmed"]);
    const results = await ledger.decide([id(1), id(5), id(2), id(3), id(1)], "confirmed", undefined, lender);
    // Case 1: 1000 outstanding, 600 then 300 fit, 200 no longer does; case 2: 100 left after the earlier 900. Beyond the
    // outstanding is confirmed with a warning (the lender's call): the outstanding stops at zero, the rest is over-paid.
    expect(results.map((r) => ("state" in r ? [r.state, r.warning ?? "-"].join(" ") : r.error.problem))).to.deep.equal(["confirmed -", "confirmed REPAYMENT_ABOVE_OUTSTANDING", "confirmed -", "confirmed REPAYMENT_ABOVE_OUTSTANDING"]);
    expect((await ledger.view(caseKey(1)))).to.include({ outstandingFen: "0", overpaidFen: "100" });
    expect((await ledger.view(caseKey(2)))).to.include({ outstandingFen: "0", overpaidFen: "100" });
    const again = await ledger.decide([id(2), id(3)], "disputed", "NOT_RECEIVED", lender);
    expect(again.map((r) => ("state" in r ? r.state : r.error.problem))).to.deep.equal(["ALREADY_DECIDED", "ALREADY_DECIDED"]);
  });

  it("notarizes each decision as its own record of its case, chained to the case's previous one, with the document inline", async () => {
    await store.repayments.append([report(1, 1, "100"), report(2, 1, "100"), report(3, 3, "100")]);
    const results = await ledger.decide([id(1), id(2), id(3)], "confirmed", undefined, lender);
    expect(log.size).to.equal(3);
    const records = (await log.entries([0, 1, 2])).map((e) => e!);
    expect(results.map((r) => ("evidenceLeafHash" in r ? r.evidenceLeafHash : ""))).to.deep.equal(records.map((e) => e.leafHash));
    for (const [i, e] of records.entries()) {
      const record = JSON.parse(e.record) as { kind: string; contentSha256: string; contentSize: number; prev?: string };
      expect(record.kind).to.equal("repayment");
      expect(e.inline).to.equal(canonicalJson(JSON.parse(e.inline!)));
      expect(record.contentSha256).to.equal(createHash("sha256").update(e.inline!, "utf8").digest("hex"));
      expect(record.contentSize).to.equal(Buffer.byteLength(e.inline!));
      expect(JSON.parse(e.inline!)).to.include({ format: "caseledger-repayment-decision/1", repaymentId: id(i + 1), decision: "confirmed", creditorId: 1, by: "tok-1" });
    }
    expect(JSON.parse(records[1]!.record).prev).to.equal(records[0]!.leafHash);
    expect(JSON.parse(records[2]!.record).prev).to.equal(undefined);
    const decisions = (await store.repayments.ofCase(caseKey(1))).filter((e) => e.type === "decision");
    expect(decisions).to.have.length(2);
    expect(new Set(decisions.map((d) => d.id)).size).to.equal(2);
    for (const d of decisions) expect(d.id).to.match(/^[0-9a-f]{32}$/);
    expect(sent).to.have.length(1);
  });

  describe("more decisions than one write takes", () => {
    const n = DECISIONS_PER_WRITE + 1;
    const reports = () => Array.from({ length: n }, (_, i) => report(100 + i, 4 + (i % 2), "1"));
    const noticesSent = () => sent.flatMap((m) => (m.body as DecisionBody).decisions);

    it("notarizes, writes and tells every part, the case chains running across parts", async () => {
      await store.repayments.append(reports());
      const results = await ledger.decide(reports().map((r) => r.id), "confirmed", undefined, lender);
      expect(results.filter((r) => "state" in r)).to.have.length(n);
      expect(log.size).to.equal(n);
      expect((await ledger.view(caseKey(4))).confirmedFen).to.equal(String(Math.ceil(n / 2)));
      expect(noticesSent().map((d) => d.reportId)).to.deep.equal(reports().map((r) => r.id));
      const [last] = await log.entries([n - 1]);
      const [before] = await log.entries([n - 3]);
      expect(JSON.parse(last!.record).prev).to.equal(before!.leafHash);
    });

    it("keeps and tells the parts written before one that fails, and fails the request", async () => {
      await store.repayments.append(reports());
      failingNotarization = 2;
      let failed: unknown;
      try {
        await ledger.decide(reports().map((r) => r.id), "confirmed", undefined, lender);
      } catch (error) {
        failed = error;
      }
      expect(String(failed)).to.include("disk full");
      const decided = [...(await store.repayments.ofCase(caseKey(4))), ...(await store.repayments.ofCase(caseKey(5)))].filter((e) => e.type === "decision");
      expect(decided).to.have.length(DECISIONS_PER_WRITE);
      expect(noticesSent()).to.have.length(DECISIONS_PER_WRITE);
      // The rest can be confirmed again; the first part is decided.
      failingNotarization = undefined;
      const again = await ledger.decide(reports().map((r) => r.id), "confirmed", undefined, lender);
      expect(again.filter((r) => "state" in r)).to.have.length(1);
    });
  });
});
