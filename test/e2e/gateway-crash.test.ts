import { expect } from "chai";
import { Interface, JsonRpcProvider } from "ethers";
import { loadArtifact } from "../../node/chain/artifacts.js";
import { eventually } from "../support/api-client.js";
import { type GatewayProcess, spawnGateway, writeProcessConfig } from "../support/gateway-process.js";
import { ROLE, startConsortium, type TestConsortium } from "../support/consortium.js";
import { syntheticCaseLines } from "../../scripts/lib/synthetic-cases.js";

/**
 * kill -9 of the lender's gateway (a real process) in the middle of a commit: after a restart every case is
 * assigned exactly once (one CasesAssigned entry per case on chain) and none is lost.
 */
describe("e2e: kill -9 of the gateway during a commit", function () {
  this.timeout(240_000);
  let consortium: TestConsortium;
  let child: GatewayProcess | undefined;
  let configFile: string;

  before(async () => {
    consortium = await startConsortium([
      { name: "lender", roles: ROLE.LENDER },
      { name: "agency", roles: ROLE.AGENCY },
    ]);
    // Small batches: the commit takes many transactions, so the kill lands in the middle of it.
    configFile = (await writeProcessConfig(consortium, { name: "lender", config: { chain: { batchSize: 25 } } })).file;
  });
  after(async () => {
    await child?.kill();
    await consortium?.stop();
  });

  it("assigns every case exactly once after a restart", async () => {
    const first = (child = await spawnGateway("lender", configFile));
    expect(first.token).to.match(/^clt_/);
    let api = first.api;
    const csv = [...syntheticCaseLines({ rows: 600, seed: 11, sharedDebtorRate: 0 })].join("\n");
    const upload = await api.upload("big.csv", csv);
    expect(upload.status).to.equal(201);
    await api.put("/v1/agencies/2", { name: "示例催收", regions: ["*"], outstandingFen: { min: 0 }, overdueDays: { min: 0 }, capacity: 10_000 });
    const preview = await api.post(`/v1/case-lists/${upload.body.id}/allocation`);
    expect(preview.body.decisions.filter((d: { agencyId: number | null }) => d.agencyId === 2)).to.have.length(600);
    expect((await api.post(`/v1/allocations/${preview.body.id}/commit`, { mandateDays: 30 })).status).to.equal(202);

    const doneAtKill = await eventually(async () => {
      const p = await api.get(`/v1/allocations/${preview.body.id}`);
      return p.body.done > 0 ? (p.body.done as number) : undefined;
    }, 60_000, "the first batch");
    await first.kill();
    // The kill must land in the middle, or this test proves nothing.
    expect(doneAtKill).to.be.lessThan(600);

    const second = (child = await spawnGateway("lender", configFile, { token: first.token }));
    api = second.api;
    const finished = await eventually(async () => {
      const p = await api.get(`/v1/allocations/${preview.body.id}`);
      return p.body.state === "committed" ? p.body : undefined;
    }, 120_000, "the commit to finish after the restart");
    expect(finished).to.include({ total: 600, done: 600, failed: 0 });

    // The chain's own record: every case in exactly one CasesAssigned entry, all held by agency 2.
    const provider = new JsonRpcProvider(consortium.anvil.rpcUrl);
    const abi = new Interface((await loadArtifact("CaseRegistry")).abi as never);
    const logs = await provider.getLogs({
      address: consortium.deployment.contracts.CaseRegistry.address,
      topics: [abi.getEvent("CasesAssigned")!.topicHash],
      fromBlock: 0,
      toBlock: "latest",
    });
    const assigned = logs.flatMap((log) => abi.parseLog(log)!.args.caseKeys as string[]);
    expect(assigned).to.have.length(600);
    expect(new Set(assigned).size).to.equal(600);
    const accepted = (await api.get(`/v1/case-lists/${upload.body.id}/report?status=accepted&limit=1000`)).body.rows.map((r: { caseKey: string }) => r.caseKey);
    expect([...assigned].sort()).to.deep.equal([...accepted].sort());
    provider.destroy();
    await second.stop();
    child = undefined;
  });
});
