import { createHash } from "node:crypto";
import { expect } from "chai";
import { monthOf } from "../../../node/domain/fees/month.js";
import type { Gateway } from "../../../node/gateway.js";
import type { RepaymentReport } from "../../../node/store/repayment-reports.js";
import { apiClient, eventually } from "../../support/api-client.js";
import { ROLE, type TestConsortium } from "../../support/consortium.js";
import { assignCases, startMembers } from "../../support/member-gateways.js";
import { syntheticId18 } from "../domain/identity/synthetic-ids.js";

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/**
 * A statement made from the creditor's real repayment ledger: the agency reports a repayment over the peer channel,
 * the lender confirms it, the month's statement prices it under the schedule both signed; the lender reverses it, and
 * the corrected statement takes the fee back with a negative line naming the repayment.
 */
describe("http: statements from the repayment ledger", function () {
  this.timeout(240_000);
  let consortium: TestConsortium;
  let lender: Gateway;
  let agency: Gateway;
  let L: ReturnType<typeof apiClient>;
  let LAdmin: ReturnType<typeof apiClient>;
  let A: ReturnType<typeof apiClient>;
  let caseKey: string;
  const month = monthOf(Date.now());

  before(async () => {
    ({ consortium, gateways: { lender, agency } } = await startMembers([
      { name: "lender", roles: ROLE.LENDER, directory: { name: "示例银行", roles: ["lender"] } },
      { name: "agency", roles: ROLE.AGENCY, directory: { name: "示例催收", roles: ["agency"] } },
    ]));
    L = apiClient(lender.url, (await lender.tokens.create("lender", "staff")).token);
    LAdmin = apiClient(lender.url, (await lender.tokens.create("admin", "admin")).token);
    A = apiClient(agency.url, (await agency.tokens.create("agency", "staff")).token);
    [caseKey] = (await assignCases(L, A, "statement.csv", [`ST-1,对账测试,${syntheticId18("19830303", "401", "440305")},13900020001,1000,900,30`])) as [string];
    const proposed = await LAdmin.post("/v1/fee-schedules", { agencyId: 2, version: 1, effectiveFrom: "2020-01-01", model: { kind: "full-risk", buckets: [{ fromDays: 0, toDays: 90, bp: 1500 }, { fromDays: 91, toDays: null, bp: 2500 }] } });
    // The proposal goes through the outbox: accepted once the lender's gateway holds the agency's answer to it.
    await eventually(async () => ((await LAdmin.get(`/v1/fee-schedules/${proposed.body.hash}`)).body.proposal ? true : undefined), 20_000, "the proposal answered");
    expect((await A.post(`/v1/fee-schedules/${proposed.body.hash}/accept`)).body.state).to.equal("agreed");
  });
  after(async () => {
    await Promise.all([lender?.close(), agency?.close()]);
    await consortium?.stop();
  });

  /** A statement's document once the agency's gateway holds it whole (it travels through the outbox). */
  const atAgency = (hash: string) =>
    eventually(async () => {
      const r = await A.get(`/v1/statements/${hash}`);
      return r.status === 200 ? (r.body.doc as { lines: Array<Record<string, unknown>> }) : undefined;
    }, 20_000, "the statement at the agency");

  it("prices a confirmed report, and takes its fee back when it is reversed", async () => {
    const sent = await A.post("/v1/repayments", {
      caseKey,
      amountFen: "33333",
      paidAt: new Date(Date.now() - 60_000).toISOString(),
      channel: "agency-escrow",
      payer: "debtor",
      voucher: { contentSha256: sha256("voucher"), contentSize: 2048, mediaType: "image/jpeg" },
    });
    expect(sent.status, JSON.stringify(sent.body)).to.equal(202);
    await eventually(async () => ((await A.get("/v1/repayments")).body.reports as RepaymentReport[]).find((r) => r.reportId === sent.body.reportId && r.state === "reported"), 30_000, "the report");
    const open = await L.post("/v1/statements", { agencyId: 2, month });
    expect(open.body.totals).to.include({ lines: 0, apartLines: 1, apartFen: "33333" });

    expect((await L.post(`/v1/repayments/${sent.body.reportId}/confirm`, {})).status).to.equal(200);
    const priced = await L.post("/v1/statements", { agencyId: 2, month });
    expect(priced.body.supersedes).to.equal(open.body.hash);
    // 33,333 fen at 15% = 4,999.95 → 5,000 (30 days overdue at the upload, assigned the same day).
    expect(priced.body.totals).to.include({ lines: 1, repaidFen: "33333", commissionFen: "5000", apartLines: 0 });
    const line = (await atAgency(priced.body.hash)).lines[0];
    expect(line).to.include({ kind: "repayment", entryId: sent.body.reportId, caseKey, bucket: "0-90", bp: 1500, feeFen: "5000" });

    expect((await L.post(`/v1/repayments/${sent.body.reportId}/reverse`, { reason: "RETURNED" })).status).to.equal(201);
    const corrected = await L.post("/v1/statements", { agencyId: 2, month });
    expect(corrected.body.totals).to.include({ lines: 2, repaidFen: "0", commissionFen: "0" });
    const lines = (await atAgency(corrected.body.hash)).lines as Array<{ kind: string; reverses: string; feeFen: string }>;
    expect(lines.map((l) => `${l.kind} ${l.reverses} ${l.feeFen}`)).to.deep.equal([`repayment  5000`, `reversal ${sent.body.reportId} -5000`]);
  });
});
