import { createHash, randomBytes } from "node:crypto";
import { expect } from "chai";
import { JsonRpcProvider } from "ethers";
import { type ApiResponse, eventually } from "../support/api-client.js";
import { ROLE, startConsortium, type TestConsortium } from "../support/consortium.js";
import { publishDirectory } from "../support/directory.js";
import { committed } from "../support/fault-helpers.js";
import { type GatewayProcess, spawnGateway, writeProcessConfig } from "../support/gateway-process.js";
import { syntheticId18 } from "../node/domain/identity/synthetic-ids.js";

const HEADER = "合同编号,姓名,身份证号,手机号,本金,欠款余额,逾期天数";
const SHARED = syntheticId18("19800512", "417", "440106"); // a debtor of both lenders, province 44
const BEIJING = syntheticId18("19720301", "238", "110105");
const SHANGHAI_A = syntheticId18("19900721", "553", "310104");
const SHANGHAI_B = syntheticId18("19851130", "662", "310115");
const sha256 = (data: Uint8Array) => createHash("sha256").update(data).digest("hex");
const ANY = { outstandingFen: { min: 0 }, overdueDays: { min: 0 }, capacity: 1_000 };

/**
 * The consortium as it runs in production, on one machine: two lenders, two agencies and a court, each its own
 * gateway PROCESS (node/main.ts) with its own LevelDB, signing key and staff token, against one anvil. Co-debt
 * matching across lenders, handovers signed by each lender and checked by each agency, evidence anchored by each
 * agency, and the court verifying receipts of both and recording that it did.
 */
describe("e2e: five member gateways as separate processes on one chain", function () {
  this.timeout(180_000);
  let consortium: TestConsortium;
  const gw: Record<string, GatewayProcess> = {};

  before(async () => {
    consortium = await startConsortium([
      { name: "bank", roles: ROLE.LENDER }, // 1
      { name: "cfc", roles: ROLE.LENDER }, // 2
      { name: "collector", roles: ROLE.AGENCY }, // 3
      { name: "lawfirm", roles: ROLE.AGENCY }, // 4
      { name: "court", roles: ROLE.COURT }, // 5
    ]);
    const env = { CASELEDGER_ANCHOR_INTERVAL_S: "0.5", CASELEDGER_ANCHOR_EVERY_RECORDS: "1000" };
    const files = await Promise.all(consortium.members.map((m) => writeProcessConfig(consortium, { name: m.name })));
    // The agencies' gateways and encryption keys, as the lenders find them: the member directory, checked against the chain.
    await publishDirectory(consortium, {
      collector: { name: "示例催收", roles: ["agency"], gatewayUrl: files[2]!.url },
      lawfirm: { name: "示例律所", roles: ["agency"], gatewayUrl: files[3]!.url },
    });
    const started = await Promise.all(consortium.members.map((m, i) => spawnGateway(m.name, files[i]!.file, { env })));
    for (const p of started) gw[p.name] = p;
    // The bank works with the collector only; the consumer-finance company with both, the collector for Beijing only.
    const bank = gw.bank!.api;
    const cfc = gw.cfc!.api;
    expect((await bank.put("/v1/agencies/3", { name: "示例催收", regions: ["*"], ...ANY })).status).to.equal(200);
    expect((await cfc.put("/v1/agencies/3", { name: "示例催收", regions: ["11"], ...ANY })).status).to.equal(200);
    expect((await cfc.put("/v1/agencies/4", { name: "示例律所", regions: ["*"], ...ANY })).status).to.equal(200);
  });
  after(async () => {
    await Promise.all(Object.values(gw).map((p) => p.kill()));
    await consortium?.stop();
  });

  const keyOf = async (api: GatewayProcess["api"], listId: string, loanRef: string) => {
    const rows = (await api.get(`/v1/case-lists/${listId}/report?limit=100`)).body.rows as Array<{ loanRef: string; caseKey: string }>;
    return rows.find((r) => r.loanRef === loanRef)!.caseKey;
  };
  const delivered = (api: GatewayProcess["api"], allocationId: string, count: number) =>
    eventually(async () => {
      const h = (await api.get(`/v1/allocations/${allocationId}`)).body.handovers as Array<{ state: string; agencyId: number }>;
      return h?.length === count && h.every((d) => d.state === "delivered") ? h : undefined;
    }, 40_000, `the handovers of ${allocationId}`);
  const cases: Record<string, string> = {};

  it("matches a co-debtor of two lenders to the agency that already works the debtor, and each lender's signed handover reaches each agency", async () => {
    const bank = gw.bank!.api;
    const up = await bank.upload("bank.csv", [HEADER, `B-1,测试甲,${SHARED},13800138000,5000,4200,90`, `B-2,测试乙,${BEIJING},,3000,3000,40`].join("\n"));
    expect(up.status).to.equal(201);
    const preview = await bank.post(`/v1/case-lists/${up.body.id}/allocation`);
    expect(preview.body.decisions.map((d: { agencyId: number }) => d.agencyId)).to.deep.equal([3, 3]);
    expect((await bank.post(`/v1/allocations/${preview.body.id}/commit`, { mandateDays: 60 })).status).to.equal(202);
    await committed(bank, preview.body.id);
    cases.b1 = await keyOf(bank, up.body.id, "B-1");
    cases.b2 = await keyOf(bank, up.body.id, "B-2");
    const bankHandovers = await delivered(bank, preview.body.id, 1);
    expect(bankHandovers[0]!.agencyId).to.equal(3);

    const cfc = gw.cfc!.api;
    const up2 = await cfc.upload("cfc.csv", [HEADER, `C-1,测试甲,${SHARED},13800138000,800,800,20`, `C-2,测试丙,${SHANGHAI_A},13900139000,1200,1100,15`, `C-3,测试丁,${SHANGHAI_B},,900,700,200`].join("\n"));
    expect(up2.status).to.equal(201);
    // The consumer-finance company's index follows the chain: once it has the bank's assignment, C-1 is a co-debt.
    const preview2 = await eventually(async () => {
      const p = await cfc.post(`/v1/case-lists/${up2.body.id}/allocation`);
      return p.body.decisions?.find((d: { loanRef?: string; reason: { code: string } }) => d.reason.code === "CO_DEBT") ? p.body : undefined;
    }, 40_000, "the co-debt seen by the second lender");
    const byRef = Object.fromEntries(preview2.decisions.map((d: { caseKey: string }) => [d.caseKey, d]));
    cases.c1 = await keyOf(cfc, up2.body.id, "C-1");
    cases.c2 = await keyOf(cfc, up2.body.id, "C-2");
    cases.c3 = await keyOf(cfc, up2.body.id, "C-3");
    // The collector serves this lender only in Beijing, but already works the shared debtor: it keeps him.
    expect(byRef[cases.c1]).to.deep.include({ agencyId: 3, otherCreditors: 1 });
    expect(byRef[cases.c1].reason.code).to.equal("CO_DEBT");
    expect(byRef[cases.c2].agencyId).to.equal(4);
    expect(byRef[cases.c3].agencyId).to.equal(4);
    expect((await cfc.post(`/v1/allocations/${preview2.id}/commit`, { mandateDays: 60 })).status).to.equal(202);
    await committed(cfc, preview2.id);
    const cfcHandovers = await delivered(cfc, preview2.id, 2);
    expect(cfcHandovers.map((h) => h.agencyId).sort()).to.deep.equal([3, 4]);

    // Each agency has the details of exactly its cases, from both lenders; the other agency's are not there.
    const collector = gw.collector!.api;
    const lawfirm = gw.lawfirm!.api;
    for (const [api, mine, theirs] of [
      [collector, [cases.b1, cases.b2, cases.c1], [cases.c2]],
      [lawfirm, [cases.c2, cases.c3], [cases.b1, cases.c1]],
    ] as const) {
      for (const key of mine) {
        // The agency's own chain index follows the chain about once a second; the details came with the handover.
        const v = await eventually(async () => {
          const r = await api.get(`/v1/cases/${key}`);
          return r.status === 200 ? r : undefined;
        }, 20_000, `case ${key} at the agency`);
        expect(v.body.masked).to.equal(false);
        expect(v.body.person.idNumber).to.match(/^\d{17}[\dX]$/);
      }
      for (const key of theirs) {
        const v = await api.get(`/v1/cases/${key}`);
        expect(v.status, `${key}: ${JSON.stringify({ ...v.body, person: undefined })}`).to.equal(404);
      }
    }
    const collectorCase = (await collector.get(`/v1/cases/${cases.c1}`)).body;
    expect(collectorCase.person).to.deep.include({ name: "测试甲", idNumber: SHARED });
    expect(collectorCase.creditorId).to.equal(2);

    // Ownership by ID number at the collector: the shared debtor's cases of both creditors, both authorized.
    const owned = await collector.post("/v1/ownership", { idNumber: SHARED });
    expect(owned.status).to.equal(200);
    expect(owned.body.cases.map((c: { creditorId: number; authorized: boolean }) => [c.creditorId, c.authorized]).sort()).to.deep.equal([
      [1, true],
      [2, true],
    ]);
    expect((await lawfirm.get(`/v1/ownership?caseKey=${cases.c1}`)).body.authorized).to.equal(false);
  });

  it("anchors evidence recorded by each agency; the court verifies receipts of both, records it on chain, and refuses a tampered file", async () => {
    const record = async (agency: GatewayProcess, caseKey: string, label: string) => {
      const file = Buffer.from(`合成通话录音 / synthetic call recording ${label} ${randomBytes(8).toString("hex")}`);
      const res: ApiResponse = await eventually(async () => {
        const r = await agency.api.post(`/v1/evidence?caseKey=${caseKey}&kind=call-recording&keep=true`, file, { "content-type": "audio/mpeg" });
        return r.status === 201 ? r : undefined;
      }, 40_000, `${agency.name} recording for its case`);
      const receipt = await eventually(async () => {
        const r = (await agency.api.get(`/v1/evidence/${res.body.id}/receipt`)).body;
        return r.status === "anchored" ? r : undefined;
      }, 40_000, `${agency.name}'s receipt anchored`);
      return { file, receipt };
    };
    const fromCollector = await record(gw.collector!, cases.c1!, "collector");
    const fromLawfirm = await record(gw.lawfirm!, cases.c3!, "lawfirm");
    const court = gw.court!.api;
    const provider = new JsonRpcProvider(consortium.anvil.rpcUrl, undefined, { staticNetwork: true });
    try {
      for (const [{ file, receipt }, member] of [
        [fromCollector, 3],
        [fromLawfirm, 4],
      ] as const) {
        const verdict = await court.post("/v1/verify", { receipt, sha256: sha256(file), size: file.length });
        expect(verdict.status).to.equal(200);
        expect(verdict.body.verdict, JSON.stringify(verdict.body.steps)).to.equal("valid");
        expect(verdict.body.evidence).to.include({ member, kind: "call-recording" });
        const recorded = await court.post(`/v1/evidence/${receipt.leafHash}/court-verification`, { receipt });
        expect(recorded.status, JSON.stringify(recorded.body)).to.equal(201);
        expect((await provider.getTransactionReceipt(recorded.body.txHash))?.status).to.equal(1);
      }
      const tampered = Buffer.from(fromLawfirm.file);
      tampered[0] = tampered[0]! ^ 0x01;
      const bad = await court.post("/v1/verify", { receipt: fromLawfirm.receipt, sha256: sha256(tampered), size: tampered.length });
      expect(bad.body).to.include({ verdict: "invalid", failedStep: "file" });
      // A receipt of one agency presented as the other's record is no proof either.
      const swapped = await court.post("/v1/verify", { receipt: { ...fromLawfirm.receipt, record: fromCollector.receipt.record }, sha256: sha256(fromCollector.file), size: fromCollector.file.length });
      expect(swapped.body.verdict).to.equal("invalid");
    } finally {
      provider.destroy();
    }
  });
});
