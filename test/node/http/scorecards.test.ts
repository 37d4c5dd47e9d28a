import { createHash } from "node:crypto";
import { expect } from "chai";
import type { Gateway } from "../../../node/gateway.js";
import type { RepaymentReport } from "../../../node/store/repayment-reports.js";
import { apiClient, eventually } from "../../support/api-client.js";
import { ROLE, type TestConsortium } from "../../support/consortium.js";
import { AGENCY_PROFILE, agencyHolds, CASE_LIST_HEADER, handoverDelivered, startMembers } from "../../support/member-gateways.js";
import { syntheticId18 } from "../domain/identity/synthetic-ids.js";

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
const DAY_MS = 86_400_000;

/**
 * Scorecards end to end over real HTTP on anvil: an agency reports repayments over the peer channel, the lender
 * confirms one and disputes the other; 91 days later (the lender's clock moved on) its scorecard shows the 90-day
 * recovery from the ledger, and the next allocation preview scores the agency by it and says so.
 */
describe("http: scorecards from the repayment ledger, and matching by them", function () {
  this.timeout(240_000);
  let consortium: TestConsortium;
  let lender: Gateway;
  let agency: Gateway;
  let L: ReturnType<typeof apiClient>;
  let A: ReturnType<typeof apiClient>;
  let skewMs = 0;
  const rows = (from: number, n: number) =>
    Array.from({ length: n }, (_, i) => `SC-${from + i},评分测试${from + i},${syntheticId18("19830303", String(400 + from + i), "440305")},1390002${String(from + i).padStart(4, "0")},1000,900,30`);

  before(async () => {
    ({ consortium, gateways: { lender, agency } } = await startMembers([
      { name: "lender", roles: ROLE.LENDER, directory: { name: "示例银行", roles: ["lender"] }, options: { clock: () => Date.now() + skewMs } },
      { name: "agency", roles: ROLE.AGENCY, directory: { name: "示例催收", roles: ["agency"] } },
    ]));
    L = apiClient(lender.url, (await lender.tokens.create("lender", "staff")).token);
    A = apiClient(agency.url, (await agency.tokens.create("agency", "staff")).token);
    expect((await L.put("/v1/agencies/2", AGENCY_PROFILE)).status).to.equal(200);
  });
  after(async () => {
    await Promise.all([lender?.close(), agency?.close()]);
    await consortium?.stop();
  });

  it("confirmed repayments make the 90-day recovery, disputed ones the dispute share; the next preview scores by it", async () => {
    const upload = await L.upload("score.csv", [CASE_LIST_HEADER, ...rows(0, 2)].join("\n"));
    const preview = await L.post(`/v1/case-lists/${upload.body.id}/allocation`);
    expect(preview.body.decisions[0].reason.message).to.contain("no 90-day history");
    expect((await L.post(`/v1/allocations/${preview.body.id}/commit`, { mandateDays: 200 })).status).to.equal(202);
    await handoverDelivered(L, preview.body.id);
    const [k0, k1] = preview.body.decisions.map((d: { caseKey: string }) => d.caseKey) as [string, string];
    await agencyHolds(A, k1);

    // Paid after the assignment: 300 yuan of case 0 (confirmed), 50 yuan of case 1 (disputed).
    const report = (caseKey: string, amountFen: string) =>
      A.post("/v1/repayments", { caseKey, amountFen, paidAt: new Date().toISOString(), channel: "agency-escrow", payer: "debtor", voucher: { contentSha256: sha256(`voucher ${caseKey}`), contentSize: 1024, mediaType: "image/jpeg" } });
    const reported = async (reportId: string) =>
      eventually(async () => ((await A.get("/v1/repayments")).body.reports as RepaymentReport[]).find((r) => r.reportId === reportId && r.state === "reported"), 30_000, "the report");
    const first = await report(k0, "30000");
    const second = await report(k1, "5000");
    await reported(first.body.reportId);
    await reported(second.body.reportId);
    expect((await L.post(`/v1/repayments/${first.body.reportId}/confirm`, {})).body.state).to.equal("confirmed");
    expect((await L.post(`/v1/repayments/${second.body.reportId}/dispute`, { reason: "NOT_RECEIVED" })).body.state).to.equal("disputed");

    const now = (await L.get("/v1/scorecards")).body.agencies[0];
    expect(now).to.deep.include({ agencyId: 2, name: "示例催收", reportedRepayments: 2, disputedBp: 5_000 });
    expect(now.recovery.map((w: { rateBp: number | null }) => w.rateBp)).to.deep.equal([null, null, null]);
    expect(now.firstRepaymentMedianSeconds).to.be.within(0, 120);

    // 91 days on, at the lender: 30,000 of 2 × 90,000 fen within 90 days = 1,666 bp.
    skewMs = 91 * DAY_MS;
    L = apiClient(lender.url, (await lender.tokens.create("lender", "staff, 91 days on")).token); // the first one has expired
    const later = (await L.get("/v1/scorecards")).body.agencies[0];
    expect(later.recovery.slice(0, 2)).to.deep.equal([
      { days: 30, matured: 2, repaidFen: "30000", outstandingFen: "180000", rateBp: 1_666 },
      { days: 90, matured: 2, repaidFen: "30000", outstandingFen: "180000", rateBp: 1_666 },
    ]);
    const next = await L.upload("score-2.csv", [CASE_LIST_HEADER, ...rows(2, 1)].join("\n"));
    const scored = await L.post(`/v1/case-lists/${next.body.id}/allocation`);
    expect(scored.body.decisions[0].reason.message).to.contain("recovery 90d 17%");
    expect(scored.body.decisions[0].reason.details).to.deep.include({ recovery90d: 0.1666 });
  });
});
