import { createHash } from "node:crypto";
import { expect } from "chai";
import { startGateway, type Gateway } from "../../../node/gateway.js";
import type { RepaymentReport } from "../../../node/store/repayment-reports.js";
import type { ServiceError } from "../../../node/services/service-error.js";
import { apiClient, eventually } from "../../support/api-client.js";
import { ROLE, type TestConsortium } from "../../support/consortium.js";
import { assignCases, startMembers } from "../../support/member-gateways.js";
import { syntheticId18 } from "../domain/identity/synthetic-ids.js";

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/**
 * Repayments over real HTTP between real gateways on anvil: the agency reports with its voucher, the lender confirms
 * or disputes (notarized, the agency told), reverses, waives within the limit and records its own; a report for a
 * case the reporter does not hold, or sent to a member that is not the creditor, is refused; nothing is deleted; the
 * creditor's gateway down and both restarted in between loses nothing.
 */
describe("http: repayments — report, confirm/dispute, reversal, waiver, outbox across a restart", function () {
  this.timeout(240_000);
  let consortium: TestConsortium;
  let lender: Gateway;
  let agency: Gateway;
  let rival: Gateway;
  let L: ReturnType<typeof apiClient>;
  let A: ReturnType<typeof apiClient>;
  let R: ReturnType<typeof apiClient>;
  let cases: string[];
  const quiet = () => {};
  const fast = (g: "lender" | "agency" | "rival", port = 0) => {
    const config = consortium.member(g).config;
    return { ...config, http: { ...config.http, port }, timeouts: { ...config.timeouts, peerRetryMs: 100 } };
  };
  const paidAt = () => new Date(Date.now() - 3_600_000).toISOString();
  const report = (caseKey: string, amountFen: string, over: Record<string, unknown> = {}) =>
    A.post("/v1/repayments", { caseKey, amountFen, paidAt: paidAt(), channel: "agency-escrow", payer: "debtor", voucher: { contentSha256: sha256(`voucher ${caseKey} ${amountFen} ${Math.random()}`), contentSize: 2048, mediaType: "image/jpeg" }, ...over });
  const reportState = (reportId: string, states: string[]) =>
    eventually(async () => {
      const r = (await A.get("/v1/repayments")).body.reports.find((x: RepaymentReport) => x.reportId === reportId) as RepaymentReport | undefined;
      return r && states.includes(r.state) ? r : undefined;
    }, 30_000, `report ${reportId} ${states.join("/")}`);
  const ledger = async (caseKey: string) => (await L.get(`/v1/cases/${caseKey}/repayments`)).body;

  before(async () => {
    ({ consortium, gateways: { lender, agency, rival } } = await startMembers([
      { name: "lender", roles: ROLE.LENDER, directory: { name: "示例银行", roles: ["lender"] } },
      { name: "agency", roles: ROLE.AGENCY, directory: { name: "示例催收", roles: ["agency"] } },
      { name: "rival", roles: ROLE.AGENCY, directory: { name: "另一催收", roles: ["agency"] } },
    ]));
    L = apiClient(lender.url, (await lender.tokens.create("lender", "staff")).token);
    A = apiClient(agency.url, (await agency.tokens.create("agency", "staff")).token);
    R = apiClient(rival.url, (await rival.tokens.create("agency", "staff")).token);
    const ids = Array.from({ length: 4 }, (_, i) => syntheticId18("19820202", String(300 + i), "440305"));
    // The agency's indexer has seen the assignment (its evidence log records only for cases it holds).
    cases = await assignCases(L, A, "repay.csv", ids.map((id, i) => `RP-${i},还款测试${i},${id},1390001${String(i).padStart(4, "0")},1000,900,30`));
  });
  after(async () => {
    await Promise.all([lender?.close(), agency?.close(), rival?.close()]);
    await consortium?.stop();
  });

  it("an agency reports with its voucher, the lender confirms: notarized, the outstanding drops, the agency sees confirmed", async () => {
    const k = cases[0]!;
    expect((await ledger(k)).outstandingFen).to.equal("90000");
    const sent = await report(k, "30000");
    expect(sent.status).to.equal(202);
    expect(sent.body).to.include({ caseKey: k, creditorId: 1, amountFen: "30000", state: "sending" });
    const voucher = (await A.get(`/v1/evidence/${sent.body.voucher.evidenceId}`)).body;
    expect(voucher).to.include({ kind: "repayment", caseKey: k, leafHash: sent.body.voucher.leafHash });
    await reportState(sent.body.reportId, ["reported"]);
    const before = await ledger(k);
    expect(before.repayments).to.have.length(1);
    expect(before.repayments[0]).to.include({ id: sent.body.reportId, state: "reported", amountFen: "30000", reportedBy: 2, agencyId: 2, channel: "agency-escrow", payer: "debtor" });
    expect(before.repayments[0].voucher).to.deep.equal({ leafHash: sent.body.voucher.leafHash, contentSha256: voucher.contentSha256 });
    expect(before.repayments[0].report.hash).to.match(/^0x[0-9a-f]{64}$/);
    expect(before.outstandingFen).to.equal("90000");
    const confirmed = await L.post(`/v1/repayments/${sent.body.reportId}/confirm`, {});
    expect(confirmed.status).to.equal(200);
    expect(confirmed.body).to.include({ id: sent.body.reportId, state: "confirmed" });
    const after = await ledger(k);
    expect(after).to.include({ outstandingFen: "60000", confirmedFen: "30000" });
    // The decision is in the lender's evidence log, its content the decision's canonical JSON.
    const records = (await L.get(`/v1/evidence?caseKey=${k}`)).body.records as Array<{ id: number; kind: string; leafHash: string }>;
    const record = records.find((r) => r.leafHash === confirmed.body.evidenceLeafHash)!;
    expect(record.kind).to.equal("repayment");
    const content = (await L.get(`/v1/evidence/${record.id}/content`)).body;
    expect(content).to.include({ format: "caseledger-repayment-decision/1", repaymentId: sent.body.reportId, decision: "confirmed", amountFen: "30000", creditorId: 1 });
    const seen = await reportState(sent.body.reportId, ["confirmed"]);
    expect(seen.history.map((h) => h.state)).to.deep.equal(["sending", "reported", "confirmed"]);
    expect(seen.history.at(-1)!.evidenceLeafHash).to.equal(confirmed.body.evidenceLeafHash);
    expect((await L.post(`/v1/repayments/${sent.body.reportId}/confirm`, {})).body.error.code).to.equal("CONFLICT");
  });

  it("refuses a report for a case the reporter does not hold or sent to a member that is not the creditor; takes one beyond the outstanding with a warning", async () => {
    const k = cases[1]!;
    // The rival agency's own gateway will not send it...
    const own = await R.post("/v1/repayments", { caseKey: k, amountFen: "100", paidAt: paidAt(), channel: "other", payer: "debtor", voucher: { contentSha256: sha256("x"), contentSize: 1, mediaType: "image/png" } });
    expect([own.status, own.body.error.code]).to.deep.equal([403, "REPAYMENT_NOT_HOLDER"]);
    // ...and a gateway of its own making that does is refused by the creditor, signed.
    const body = { reportId: "ab".repeat(16), caseKey: k, amountFen: "100", paidAt: paidAt(), channel: "other", payer: "debtor", voucher: { leafHash: `0x${"cd".repeat(32)}`, contentSha256: "ce".repeat(32) } };
    const forged = await rival.peer.send(1, "repayment.report", body);
    expect(forged.answer.envelope.refused).to.deep.include({ code: "REPAYMENT_NOT_HOLDER", message: "repayment.NOT_HOLDER" });
    // The holder sending it to a member that is not the case's creditor is refused there.
    const astray = await agency.peer.send(3, "repayment.report", body);
    expect(astray.answer.envelope.refused).to.deep.include({ code: "FORBIDDEN", message: "repayment.NOT_CREDITOR" });
    // More than the outstanding is recorded and shown with a warning: the lender decides (see repayments-reconcile.test.ts).
    const over = await report(k, "90001");
    await reportState(over.body.reportId, ["reported"]);
    expect((await ledger(k)).repayments.map((r: { id: string; warning?: string }) => [r.id, r.warning])).to.deep.equal([[over.body.reportId, "REPAYMENT_ABOVE_OUTSTANDING"]]);
    expect((await L.post(`/v1/repayments/${over.body.reportId}/reverse`, { reason: "ENTERED_IN_ERROR" })).status).to.equal(201);
    for (const bad of [{ amountFen: 100 }, { amountFen: "0" }, { amountFen: "1.5" }, { channel: "cash" }, { payer: "friend" }, { paidAt: "2999-01-01T00:00:00Z" }]) {
      const r = await report(k, "100", bad);
      expect(r.status, JSON.stringify(bad)).to.equal(400);
    }
    expect((await report(k, "100", { voucher: undefined })).body.error.details.problem).to.equal("VOUCHER_REQUIRED");
    // A member that is not the report's creditor cannot move its state at the agency.
    const fake = await rival.peer.send(2, "repayment.decision", { decisions: [{ reportId: over.body.reportId, caseKey: k, state: "confirmed", at: new Date().toISOString() }] });
    expect(fake.answer.envelope.body).to.deep.equal({ applied: 0, ignored: 1 });
    expect((await reportState(over.body.reportId, ["reversed"])).history.map((h) => h.state)).to.deep.equal(["sending", "reported", "reversed"]);
  });

  it("a dispute reaches the agency; a reversal restores the outstanding, once only, and nothing is deleted", async () => {
    const k = cases[0]!;
    const second = await report(k, "20000");
    await reportState(second.body.reportId, ["reported"]);
    const disputed = await L.post(`/v1/repayments/${second.body.reportId}/dispute`, { reason: "NOT_RECEIVED" });
    expect(disputed.body).to.include({ state: "disputed" });
    expect((await L.post(`/v1/repayments/${second.body.reportId}/dispute`, { reason: "NOPE" })).status).to.equal(400);
    expect((await reportState(second.body.reportId, ["disputed"])).history.at(-1)).to.include({ state: "disputed", reason: "NOT_RECEIVED" });
    const first = (await ledger(k)).repayments.find((r: { state: string }) => r.state === "confirmed");
    const entriesBefore = (await ledger(k)).entries.length;
    const reversed = await L.post(`/v1/repayments/${first.id}/reverse`, { reason: "RETURNED" });
    expect(reversed.status).to.equal(201);
    expect(reversed.body.outstandingFen).to.equal("90000");
    const again = await L.post(`/v1/repayments/${first.id}/reverse`, { reason: "RETURNED" });
    expect([again.status, again.body.error.code]).to.deep.equal([409, "CONFLICT"]);
    const now = await ledger(k);
    expect(now.outstandingFen).to.equal("90000");
    expect(now.entries).to.have.length(entriesBefore + 1);
    expect(now.entries.map((e: { type: string }) => e.type)).to.deep.equal(["repayment", "decision", "repayment", "decision", "reversal"]);
    expect(now.repayments.find((r: { id: string }) => r.id === first.id)).to.include({ state: "reversed" });
    await reportState(first.id, ["reversed"]);
    // A disputed repayment can still be confirmed once cleared up; a reversal is not itself reversed.
    expect((await L.post(`/v1/repayments/${second.body.reportId}/confirm`, {})).body.state).to.equal("confirmed");
    const reversal = now.entries.at(-1).id as string;
    expect((await L.post(`/v1/repayments/${reversal}/reverse`, { reason: "OTHER" })).body.error.details.problem).to.equal("NOT_REVERSIBLE");
  });

  it("takes waivers up to the case's limit and refuses one beyond with its code; the lender records its own repayment, confirmed at once", async () => {
    const k = cases[2]!;
    const limit = (await ledger(k)).waiverLimitFen;
    expect(limit).to.equal("27000"); // 30 % of 90,000 fen
    expect((await L.post(`/v1/cases/${k}/waivers`, { amountFen: "20000", reason: "HARDSHIP" })).status).to.equal(201);
    const beyond = await L.post(`/v1/cases/${k}/waivers`, { amountFen: "7001", reason: "HARDSHIP" });
    expect([beyond.status, beyond.body.error.code]).to.deep.equal([409, "WAIVER_LIMIT_EXCEEDED"]);
    expect(beyond.body.error.details).to.include({ limitFen: "27000", waivedFen: "20000" });
    expect((await L.post(`/v1/cases/${k}/waivers`, { amountFen: "7000", reason: "SETTLEMENT_DISCOUNT" })).status).to.equal(201);
    const own = await L.post("/v1/repayments", { caseKey: k, amountFen: "13000", paidAt: paidAt(), channel: "creditor-account", payer: "relative" });
    expect(own.status).to.equal(201);
    expect(own.body.outstandingFen).to.equal("50000");
    const view = await ledger(k);
    expect(view).to.include({ outstandingFen: "50000", waivedFen: "27000", confirmedFen: "13000" });
    expect(view.repayments[0]).to.include({ state: "confirmed", agencyId: null, reportedBy: 1 });
    // What a settlement of the case would state: money received, waivers not counted.
    expect(await lender.repayments.settlementsOf([k])).to.deep.equal([{ caseKey: k, settledFen: "13000" }]);
    // The agency's staff cannot waive or read the creditor's ledger.
    expect((await A.post(`/v1/cases/${k}/waivers`, { amountFen: "1", reason: "OTHER" })).status).to.equal(403);
  });

  it("confirms many at once with a result per id", async () => {
    const k = cases[3]!;
    const a = await report(k, "10000");
    const b = await report(k, "15000");
    await Promise.all([reportState(a.body.reportId, ["reported"]), reportState(b.body.reportId, ["reported"])]);
    const unknown = "ef".repeat(16);
    const bulk = await L.post("/v1/repayments/confirm", { ids: [a.body.reportId, b.body.reportId, unknown] });
    expect(bulk.status).to.equal(200);
    expect(bulk.body.results.map((r: { state?: string; error?: { problem: string } }) => r.state ?? r.error!.problem)).to.deep.equal(["confirmed", "confirmed", "ENTRY_NOT_FOUND"]);
    expect((await ledger(k)).outstandingFen).to.equal("65000");
    await Promise.all([reportState(a.body.reportId, ["confirmed"]), reportState(b.body.reportId, ["confirmed"])]);
  });

  it("loses nothing when the creditor's gateway is down and both gateways restart in between: the outbox delivers the report", async () => {
    const k = cases[3]!;
    const lenderPort = Number(new URL(lender.url).port);
    await lender.close();
    const sent = await report(k, "5000");
    expect(sent.status).to.equal(202);
    await eventually(async () => ((await agency.peerOutbox.get(sent.body.reportId))?.attempts ?? 0) >= 1 || undefined, 10_000, "a failed attempt");
    expect((await agency.peerOutbox.get(sent.body.reportId))?.state).to.equal("pending");
    const agencyPort = Number(new URL(agency.url).port);
    await agency.close();
    agency = await startGateway(fast("agency", agencyPort), { log: quiet });
    lender = await startGateway(fast("lender", lenderPort), { log: quiet });
    expect((await reportState(sent.body.reportId, ["reported"])).state).to.equal("reported");
    const view = await ledger(k);
    expect(view.repayments.map((r: { id: string }) => r.id)).to.include(sent.body.reportId);
    expect(view.entries).to.have.length(5); // two reports, two confirmations, this report: all kept across the restart
    expect((await L.post(`/v1/repayments/${sent.body.reportId}/confirm`, {})).body.state).to.equal("confirmed");
    await reportState(sent.body.reportId, ["confirmed"]);
    try {
      await lender.repayments.decideOne("00".repeat(16), "confirmed", undefined, { tokenId: "t", role: "lender" });
      expect.fail("confirmed an unknown entry");
    } catch (error) {
      expect((error as ServiceError).code).to.equal("NOT_FOUND");
    }
  });

  it("gives statements and settlements their read API: entries, confirmed and reversed in a window, open ones, outstanding", async () => {
    const open = await report(cases[1]!, "100");
    await reportState(open.body.reportId, ["reported"]);
    const ever = ["2000-01-01T00:00:00.000Z", "2100-01-01T00:00:00.000Z"] as const;
    const all = await lender.repayments.confirmedBetween(1, 2, ...ever);
    expect(all.confirmed.map((c) => c.amountFen).sort((a, b) => Number(a - b))).to.deep.equal([5000n, 10000n, 15000n, 20000n, 30000n]);
    expect(all.confirmed.every((c) => c.agencyId === 2 && /^[0-9a-f]{32}$/.test(c.entryId) && c.confirmedAt >= c.paidAt)).to.equal(true);
    expect(all.reversals).to.have.length(1);
    expect(all.reversals[0]!.reversed).to.include({ caseKey: cases[0], amountFen: 30000n });
    expect(all.open).to.deep.equal([{ entryId: open.body.reportId, caseKey: cases[1], agencyId: 2, amountFen: 100n, paidAt: open.body.paidAt, state: "reported" }]);
    const before = await lender.repayments.confirmedBetween(1, 2, "2000-01-01T00:00:00.000Z", "2000-01-02T00:00:00.000Z");
    expect(before).to.deep.equal({ confirmed: [], reversals: [], open: [] });
    expect(await lender.repayments.confirmedBetween(1, 3, ...ever)).to.deep.equal({ confirmed: [], reversals: [], open: [] });
    expect(await lender.repayments.confirmedBetween(9, 2, ...ever)).to.deep.equal({ confirmed: [], reversals: [], open: [] });
    expect((await lender.repayments.entriesOf(cases[0]!)).map((e) => e.type)).to.deep.equal(["repayment", "decision", "repayment", "decision", "reversal", "decision"]);
    expect(await lender.repayments.outstandingOf(cases[3]!)).to.equal(60000n);
    expect(await lender.repayments.confirmedOf(cases[3]!)).to.equal(30000n);
  });
});
