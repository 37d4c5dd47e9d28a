import { expect } from "chai";
import { startGateway, type Gateway } from "../../node/gateway.js";
import { apiClient, eventually } from "../support/api-client.js";
import { ROLE, startConsortium, type TestConsortium } from "../support/consortium.js";
import { publishDirectory } from "../support/directory.js";
import { syntheticId18 } from "../node/domain/identity/synthetic-ids.js";

const SHARED = syntheticId18("19810909", "321", "440305");
const OTHER = syntheticId18("19750505", "654", "110101");
const HEADER = "合同编号,姓名,身份证号,手机号,本金,欠款余额,逾期天数";

/**
 * The case-list issue's story over real HTTP: two lenders and an agency, each with its own gateway, LevelDB and
 * key, against one anvil. Upload → report → allocation preview → commit → on chain → signed handover to the
 * agency → ownership checks → recall → no longer authorized; and co-debt across lenders.
 */
describe("e2e: case lists to on-chain assignment, handover and ownership", function () {
  this.timeout(180_000);
  let consortium: TestConsortium;
  let lender: Gateway;
  let lender2: Gateway;
  let agency: Gateway;
  let agency2: Gateway | undefined;
  let L: ReturnType<typeof apiClient>;
  let L2: ReturnType<typeof apiClient>;
  let A: ReturnType<typeof apiClient>;
  let listId: string;
  let allocationId: string;
  /** The mandate end the commit set (its allocation says it): what the chain must hold. */
  let committedUntil: number;

  before(async () => {
    consortium = await startConsortium([
      { name: "lender", roles: ROLE.LENDER },
      { name: "lender2", roles: ROLE.LENDER },
      { name: "agency", roles: ROLE.AGENCY },
      { name: "agency2", roles: ROLE.AGENCY },
    ]);
    const quiet = () => {};
    lender = await startGateway(consortium.member("lender").config, { log: quiet });
    lender2 = await startGateway(consortium.member("lender2").config, { log: quiet });
    agency = await startGateway(consortium.member("agency").config, { log: quiet });
    L = apiClient(lender.url, (await lender.tokens.create("lender", "l1")).token);
    L2 = apiClient(lender2.url, (await lender2.tokens.create("lender", "l2")).token);
    A = apiClient(agency.url, (await agency.tokens.create("agency", "a")).token);
    // Where the agency's gateway answers, and its encryption key: the member directory, checked against the chain.
    await publishDirectory(consortium, { agency: { name: "示例催收", roles: ["agency"], gatewayUrl: agency.url } });
    const profile = { name: "示例催收", regions: ["*"], outstandingFen: { min: 0 }, overdueDays: { min: 0 }, capacity: 1000 };
    expect((await L.put("/v1/agencies/3", profile)).status).to.equal(200);
    expect((await L2.put("/v1/agencies/3", profile)).status).to.equal(200);
  });
  after(async () => {
    await Promise.all([lender?.close(), lender2?.close(), agency?.close(), agency2?.close()]);
    await consortium?.stop();
  });

  it("uploads a list and previews its allocation with a reason for every case", async () => {
    const csv = [HEADER, `F-1,测试甲,${SHARED},13800138000,1000,900,60`, `F-2,测试乙,${OTHER},,500,500,10`, `F-3,测试丙,bad,,1,1,1`].join("\n");
    const upload = await L.upload("flow.csv", csv);
    expect(upload.status).to.equal(201);
    listId = upload.body.id;
    const preview = await L.post(`/v1/case-lists/${listId}/allocation`);
    expect(preview.status).to.equal(201);
    allocationId = preview.body.id;
    expect(preview.body.state).to.equal("preview");
    expect(preview.body.decisions).to.have.length(2);
    for (const d of preview.body.decisions) {
      expect(d.agencyId).to.equal(3);
      expect(d.reason.code).to.equal("MATCHED");
      expect(d.reason.message).to.match(/ \/ /);
    }
    expect(preview.body.byAgency[0]).to.include({ agencyId: 3, cases: 2, outstandingFen: "140000" });
  });

  it("commits once (a second commit is 409), puts the cases on chain and hands them over to the agency", async () => {
    const [first, second] = await Promise.all([
      L.post(`/v1/allocations/${allocationId}/commit`, { mandateDays: 30 }),
      L.post(`/v1/allocations/${allocationId}/commit`, { mandateDays: 30 }),
    ]);
    expect([first.status, second.status].sort()).to.deep.equal([202, 409]);
    const done = await eventually(async () => {
      const r = await L.get(`/v1/allocations/${allocationId}`);
      return r.body.state === "committed" && r.body.handovers?.[0]?.state === "delivered" ? r.body : undefined;
    }, 60_000, "commit and handover");
    expect(done).to.include({ total: 2, done: 2, failed: 0 });
    committedUntil = done.until;
    expect(done.handovers[0].packages[0]).to.include({ cases: 2, accepted: 2, rejected: 0 });
    expect(done.handovers[0].packages[0].packageHash).to.match(/^0x[0-9a-f]{64}$/);
    // Both audit logs hold the move of personal data by case key: the commit that assigned the cases and the
    // delivery on the lender's side, the package received from member 1 on the agency's.
    const packageHash = done.handovers[0].packages[0].packageHash;
    const lenderAudit = (await lender.audit.page()).entries;
    const commit = lenderAudit.find((e) => e.action === "POST /v1/allocations/:id/commit" && e.status === 202)!;
    expect(commit.caseCount).to.equal(2);
    const delivered = await eventually(async () => (await lender.audit.page()).entries.find((e) => e.action === "handover.delivered"), 10_000, "the delivery's audit entry");
    // The agency's signed acknowledgement is what marked it delivered; its hash is named with the delivery.
    const ackHash = done.handovers[0].packages[0].ackHash;
    expect(ackHash).to.match(/^0x[0-9a-f]{64}$/);
    expect(delivered).to.deep.include({ actor: { system: "handover" }, ref: { packageHash, agencyId: 3, ackHash } });
    expect([...delivered.caseKeys!].sort()).to.deep.equal([...commit.caseKeys!].sort());
    const received = (await agency.audit.page()).entries.find((e) => e.action === "handover.received")!;
    expect(received).to.deep.include({ actor: { memberId: 1, via: "gateway" }, ref: { packageHash }, caseCount: 2 });
  });

  it("answers the agency's ownership checks by caseKey, by loan ref and by ID number, with the on-chain proof", async () => {
    const report = await L.get(`/v1/case-lists/${listId}/report?status=accepted`);
    const caseKey: string = report.body.rows[0].caseKey;
    const byKey = await eventually(async () => {
      const r = await A.get(`/v1/ownership?caseKey=${caseKey}`);
      return r.body.authorized ? r.body : undefined;
    }, 20_000, "the agency's index");
    expect(byKey).to.include({ authorized: true, creditorId: 1, agencyId: 3, status: "Assigned" });
    // The mandate runs 30 days from the commit, on the gateway's clock; the assignment's block comes a moment later, so
    // `until - assignedAt` may be a second short of 30 days. Exact: the chain holds the committed `until`, and the
    // assignment is not before the commit.
    expect(byKey.until).to.equal(committedUntil);
    expect(byKey.assignedAt).to.be.at.least(committedUntil - 30 * 86_400);
    expect(byKey.proof.txHash).to.match(/^0x[0-9a-f]{64}$/);
    expect(byKey.proof.contract).to.equal(consortium.deployment.contracts.CaseRegistry.address);
    expect((await A.get(`/v1/ownership?creditorId=1&loanRef=F-1`)).body).to.include({ authorized: true, caseKey });
    const byId = await A.post("/v1/ownership", { idNumber: SHARED.toLowerCase() });
    expect(byId.body.cases.map((c: { caseKey: string; authorized: boolean }) => [c.caseKey, c.authorized])).to.deep.equal([[caseKey, true]]);
    expect((await A.get(`/v1/ownership?creditorId=1&loanRef=NOPE`)).body).to.include({ authorized: false, status: "None" });
    expect((await A.post("/v1/ownership", { idNumber: "123" })).status).to.equal(400);

    // The agency holds the case: it sees the details the lender handed over, unmasked.
    const detail = await A.get(`/v1/cases/${caseKey}`);
    expect(detail.status).to.equal(200);
    expect(detail.body.person).to.deep.include({ name: "测试甲", idNumber: SHARED, phone: "13800138000" });
    expect(detail.body.history.map((h: { type: string }) => h.type)).to.include("CasesAssigned");
  });

  it("keeps a co-debtor with the agency that already works the debtor, for another lender", async () => {
    const up = await L2.upload("other.csv", [HEADER, `G-1,测试甲,${SHARED},,300,300,5`].join("\n"));
    const preview = await eventually(async () => {
      const p = await L2.post(`/v1/case-lists/${up.body.id}/allocation`);
      return p.body.decisions?.[0]?.reason.code === "CO_DEBT" ? p.body : undefined;
    }, 20_000, "the second lender's index to see the first assignment");
    expect(preview.decisions[0]).to.include({ agencyId: 3, otherCreditors: 1 });
  });

  it("recalls a case: the agency is no longer authorized", async () => {
    const report = await L.get(`/v1/case-lists/${listId}/report?status=accepted`);
    const caseKey: string = report.body.rows[1].caseKey;
    const action = await L.post("/v1/cases/actions", { action: "recall", caseKeys: [caseKey] });
    expect(action.status).to.equal(202);
    const job = await eventually(async () => {
      const j = await L.get(`/v1/jobs/${action.body.id}`);
      return j.body.status === "done" ? j.body : undefined;
    }, 30_000, "the recall");
    expect(job).to.include({ done: 1, failed: 0 });
    const answer = await eventually(async () => {
      const r = await A.get(`/v1/ownership?caseKey=${caseKey}`);
      return r.body.status === "Recalled" ? r.body : undefined;
    }, 20_000, "the recall in the agency's index");
    expect(answer).to.include({ authorized: false });
    expect(answer.reason).to.match(/recalled/);
    // An agency may not recall; a lender may not accept.
    expect((await A.post("/v1/cases/actions", { action: "recall", caseKeys: [caseKey] })).status).to.equal(403);
    expect((await L.post("/v1/cases/actions", { action: "accept", caseKeys: [caseKey] })).status).to.equal(403);
  });

  it("answers no to another agency, and no once the mandate has expired", async () => {
    const report = await L.get(`/v1/case-lists/${listId}/report?status=accepted`);
    const caseKey: string = report.body.rows[0].caseKey;
    agency2 = await startGateway(consortium.member("agency2").config, { log: () => {} });
    const A2 = apiClient(agency2.url, (await agency2.tokens.create("agency", "a2")).token);
    await eventually(async () => ((await agency2!.indexer.caseOf(caseKey))?.status === "Assigned" ? true : undefined), 20_000, "agency 2's index");
    // Another agency's case: the answer says "not yours" and nothing of whose, as for a case that does not exist.
    const other = (await A2.get(`/v1/ownership?caseKey=${caseKey}`)).body;
    expect(other).to.include({ authorized: false, creditorId: null, agencyId: null, status: "None", until: null });
    expect(other.proof).to.include({ txHash: null, block: null });
    expect(other.reason).to.match(/holds no such case/);
    expect((await A2.get(`/v1/cases/${caseKey}`)).status).to.equal(404);

    // The agency's gateway, 31 days on: the 30-day mandate has run out.
    await agency.close();
    agency = await startGateway(consortium.member("agency").config, { log: () => {}, clock: () => Date.now() + 31 * 86_400_000 });
    const A31 = apiClient(agency.url, (await agency.tokens.create("agency", "later")).token);
    const expired = await A31.get(`/v1/ownership?caseKey=${caseKey}`);
    expect(expired.body).to.include({ authorized: false, expired: true, status: "Assigned" });
    expect(expired.body.reason).to.match(/expired/);
  });
});
