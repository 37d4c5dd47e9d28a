import { createHash } from "node:crypto";
import { expect } from "chai";
import type { Gateway } from "../../../node/gateway.js";
import { chinaDay } from "../../../node/domain/fees/month.js";
import type { RepaymentReport } from "../../../node/store/repayment-reports.js";
import { apiClient, eventually } from "../../support/api-client.js";
import { ROLE, type TestConsortium } from "../../support/consortium.js";
import { assignCases, startMembers } from "../../support/member-gateways.js";
import { syntheticId18 } from "../domain/identity/synthetic-ids.js";

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/**
 * Reconciliation against the bank's statement and the bad-input rules of repayments, over real HTTP between real
 * gateways on anvil: the preview pairs bank lines with reported repayments and says why the rest did not match (never
 * echoing a name, ID or phone the bank file carries), the lender confirms the matched ids in bulk; a repayment above
 * the outstanding is recorded with a warning and may be confirmed; a voucher file already shown by another repayment
 * of the creditor is refused; `POST /v1/cases/:caseKey/repayments` reports or records.
 */
describe("http: repayments — reconcile against the bank's statement, over-payment warning, voucher reuse", function () {
  this.timeout(240_000);
  let consortium: TestConsortium;
  let lender: Gateway;
  let agency: Gateway;
  let L: ReturnType<typeof apiClient>;
  let A: ReturnType<typeof apiClient>;
  let cases: string[];
  const names = ["对账甲", "对账乙", "对账丙", "对账丁"];
  const ids = Array.from({ length: 4 }, (_, i) => syntheticId18("19820202", String(400 + i), "440305"));
  const phones = Array.from({ length: 4 }, (_, i) => `1390002${String(i).padStart(4, "0")}`);
  const paidAt = new Date(Date.now() - 3_600_000).toISOString();
  const today = chinaDay(paidAt);
  const report = (caseKey: string, amountFen: string, voucher = `voucher ${caseKey} ${amountFen} ${Math.random()}`) =>
    A.post(`/v1/cases/${caseKey}/repayments`, { amountFen, paidAt, channel: "agency-escrow", payer: "debtor", voucher: { contentSha256: sha256(voucher), contentSize: 2048, mediaType: "image/jpeg" } });
  const reportState = (reportId: string, states: string[]) =>
    eventually(async () => {
      const r = (await A.get("/v1/repayments")).body.reports.find((x: RepaymentReport) => x.reportId === reportId) as RepaymentReport | undefined;
      return r && states.includes(r.state) ? r : undefined;
    }, 30_000, `report ${reportId} ${states.join("/")}`);
  const ledger = async (caseKey: string) => (await L.get(`/v1/cases/${caseKey}/repayments`)).body;
  const reconcile = (csv: string) => L.post("/v1/repayments/reconcile", csv, { "content-type": "text/csv" });

  before(async () => {
    ({ consortium, gateways: { lender, agency } } = await startMembers([
      { name: "lender", roles: ROLE.LENDER, directory: { name: "示例银行", roles: ["lender"] } },
      { name: "agency", roles: ROLE.AGENCY, directory: { name: "示例催收", roles: ["agency"] } },
    ]));
    L = apiClient(lender.url, (await lender.tokens.create("lender", "staff")).token);
    A = apiClient(agency.url, (await agency.tokens.create("agency", "staff")).token);
    await assignCases(L, A, "reconcile.csv", ids.map((id, i) => `RC-${i},${names[i]},${id},${phones[i]},1000,900,30`));
    // cases[i] is the case of loan ref RC-i (the lender's own index).
    cases = [];
    for (let i = 0; i < 4; i++) cases.push((await L.get(`/v1/cases?loanRef=RC-${i}`)).body.cases[0].caseKey as string);
    await eventually(async () => (await A.get(`/v1/cases/${cases[3]}`)).status === 200 || undefined, 30_000, "the agency's index");
  });
  after(async () => {
    await Promise.all([lender?.close(), agency?.close()]);
    await consortium?.stop();
  });

  it("reconciles the bank's lines with reported repayments, says why the others do not match, echoes no personal data; the matched are confirmed in bulk", async () => {
    const [k0, k1, k2] = cases.map((key, i) => ({ key, ref: `RC-${i}` })) as [{ key: string; ref: string }, { key: string; ref: string }, { key: string; ref: string }];
    const a = await report(k0.key, "10000");
    const b = await report(k1.key, "25050");
    const c = await report(k1.key, "700");
    for (const r of [a, b, c]) expect(r.status, JSON.stringify(r.body)).to.equal(202);
    await Promise.all([a, b, c].map((r) => reportState(r.body.reportId, ["reported"])));
    const earlier = chinaDay(new Date(Date.parse(paidAt) - 3 * 86_400_000).toISOString());
    const bank = [
      "交易日期,对方户名,证件号码,手机号,借据号,金额,摘要",
      `${today} 10:00:00,${names[0]},${ids[0]},${phones[0]},${k0.ref},100.00,还款`,
      `${today},${names[1]},${ids[1]},${phones[1]},${k1.ref},"250.50",还款`,
      `${today},${names[1]},${ids[1]},${phones[1]},${k1.ref},7.01,还款`,
      `${earlier},${names[1]},${ids[1]},${phones[1]},${k1.ref},7.00,还款`,
      `${today},${names[2]},${ids[2]},${phones[2]},${k2.ref},5.00,还款`,
      `${today},${names[3]},${ids[3]},${phones[3]},NO-SUCH-REF,5.00,还款`,
      `${today},${names[3]},${ids[3]},${phones[3]},${k2.ref},-5.00,冲正`,
      `not a date,${names[3]},${ids[3]},${phones[3]},${k2.ref},1.234,`,
    ].join("\n");
    const preview = await reconcile(bank);
    expect(preview.status, JSON.stringify(preview.body)).to.equal(200);
    expect(preview.body.totals).to.deep.equal({ lines: 8, matched: 2, unmatched: 6 });
    expect(preview.body.matched).to.deep.equal([
      { row: 2, loanRef: k0.ref, amountFen: "10000", date: today, caseKey: k0.key, repaymentId: a.body.reportId },
      { row: 3, loanRef: k1.ref, amountFen: "25050", date: today, caseKey: k1.key, repaymentId: b.body.reportId },
    ]);
    expect(preview.body.unmatched.map((u: { row: number; field: string; code: string }) => `${u.row} ${u.field} ${u.code}`)).to.deep.equal([
      "4 amount AMOUNT_DIFFERS",
      "5 date DATE_DIFFERS",
      "6 loanRef NO_REPORTED_REPAYMENT",
      "7 loanRef LOAN_REF_UNKNOWN",
      "8 amount AMOUNT_NEGATIVE",
      "9 amount AMOUNT_TOO_PRECISE",
      "9 date DATE_INVALID",
    ]);
    const text = JSON.stringify(preview.body);
    for (const pii of [...names, ...ids, ...phones]) expect(text).not.to.contain(pii);
    // A preview writes nothing.
    expect((await ledger(k0.key)).repayments[0]).to.include({ state: "reported" });

    const confirmed = await L.post("/v1/repayments/confirm", { ids: preview.body.ids });
    expect(confirmed.body.results.map((r: { state: string }) => r.state)).to.deep.equal(["confirmed", "confirmed"]);
    expect((await ledger(k0.key)).outstandingFen).to.equal("80000");
    expect((await ledger(k1.key)).outstandingFen).to.equal("64950");
    const again = await reconcile(bank);
    expect(again.body.totals.matched).to.equal(0);
    expect(again.body.unmatched.slice(0, 2).map((u: { code: string }) => u.code)).to.deep.equal(["NO_REPORTED_REPAYMENT", "AMOUNT_DIFFERS"]);

    // A file that is not a bank statement is refused whole, naming the missing columns only.
    const wrong = await reconcile(`${names[0]},${ids[0]},${phones[0]}\n`);
    expect([wrong.status, wrong.body.error.details.problem, wrong.body.error.details.missing]).to.deep.equal([400, "HEADER_MISSING_COLUMN", ["loanRef", "amount", "date"]]);
    expect(JSON.stringify(wrong.body)).not.to.contain(ids[0]);
    // The agency has no bank statement to reconcile here.
    expect((await A.post("/v1/repayments/reconcile", bank, { "content-type": "text/csv" })).status).to.equal(403);
  });

  it("records a repayment above the outstanding with a warning; confirming it stops the outstanding at zero and shows the over-payment", async () => {
    const k = cases[2]!;
    const over = await report(k, "95000");
    expect(over.status).to.equal(202);
    await reportState(over.body.reportId, ["reported"]);
    const view = await ledger(k);
    expect(view.repayments.map((r: { id: string; warning?: string }) => [r.id, r.warning])).to.deep.equal([[over.body.reportId, "REPAYMENT_ABOVE_OUTSTANDING"]]);
    const confirmed = await L.post(`/v1/repayments/${over.body.reportId}/confirm`, {});
    expect(confirmed.body).to.include({ state: "confirmed", warning: "REPAYMENT_ABOVE_OUTSTANDING" });
    expect(await ledger(k)).to.include({ outstandingFen: "0", overpaidFen: "5000", confirmedFen: "95000" });
    await reportState(over.body.reportId, ["confirmed"]);
    // The creditor's own record above the outstanding (nothing left now) is taken the same way.
    const own = await L.post(`/v1/cases/${k}/repayments`, { amountFen: "100", paidAt, channel: "creditor-account", payer: "debtor" });
    expect(own.status).to.equal(201);
    expect(own.body).to.include({ outstandingFen: "0", overpaidFen: "5100", warning: "REPAYMENT_ABOVE_OUTSTANDING" });
    // Zero, negative and fractional fen are refused before anything is recorded.
    for (const amountFen of ["0", "-100", "1.5", "1e3"]) {
      const r = await L.post(`/v1/cases/${k}/repayments`, { amountFen, paidAt, channel: "creditor-account", payer: "debtor" });
      expect([r.status, r.body.error.details.problem], amountFen).to.deep.equal([400, "AMOUNT_INVALID"]);
    }
  });

  it("refuses a voucher file another repayment of the creditor already shows (VOUCHER_REUSED), from the agency's gateway and from one of its own making", async () => {
    const [k0, , , k3] = cases as [string, string, string, string];
    const first = await report(k3, "1000", "one bank slip");
    await reportState(first.body.reportId, ["reported"]);
    // The same slip on another case of the same creditor: refused, signed.
    const second = await report(k0, "1000", "one bank slip");
    const refused = await reportState(second.body.reportId, ["refused"]);
    expect(refused.refused).to.deep.include({ code: "VOUCHER_REUSED" });
    const forged = await agency.peer.send(1, "repayment.report", { reportId: "ab".repeat(16), caseKey: k3, amountFen: "1000", paidAt, channel: "other", payer: "debtor", voucher: { leafHash: `0x${"cd".repeat(32)}`, contentSha256: sha256("one bank slip") } });
    expect(forged.answer.envelope.refused).to.deep.include({ code: "VOUCHER_REUSED" });
    // Without its file's digest a report is refused: the check cannot be skipped by leaving it out.
    const bare = await agency.peer.send(1, "repayment.report", { reportId: "ac".repeat(16), caseKey: k3, amountFen: "1000", paidAt, channel: "other", payer: "debtor", voucher: { leafHash: `0x${"cd".repeat(32)}` } });
    expect(bare.answer.envelope.refused).to.deep.include({ code: "VALIDATION_FAILED" });
    // Reversed as entered in error, the first frees its slip.
    expect((await L.post(`/v1/repayments/${first.body.reportId}/reverse`, { reason: "ENTERED_IN_ERROR" })).status).to.equal(201);
    const third = await report(k3, "1000", "one bank slip");
    await reportState(third.body.reportId, ["reported"]);
  });

  it("takes a repayment at /v1/cases/:caseKey/repayments from the holder and the creditor alike; a body naming another case is refused", async () => {
    const k = cases[3]!;
    const sent = await report(k, "300");
    expect(sent.body).to.include({ caseKey: k, creditorId: 1, amountFen: "300", state: "sending" });
    const mismatch = await A.post(`/v1/cases/${k}/repayments`, { caseKey: cases[0], amountFen: "1", paidAt, channel: "other", payer: "debtor", voucher: { contentSha256: sha256("x"), contentSize: 1, mediaType: "image/png" } });
    expect([mismatch.status, mismatch.body.error.details.problem]).to.deep.equal([400, "CASE_KEY_INVALID"]);
    const own = await L.post(`/v1/cases/${k}/repayments`, { amountFen: "200", paidAt, channel: "creditor-account", payer: "relative" });
    expect(own.status).to.equal(201);
    expect(own.body.entry).to.include({ caseKey: k, amountFen: "200", reportedBy: 1 });
  });
});
