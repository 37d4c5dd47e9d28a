import { expect } from "chai";
import { JsonRpcProvider, NonceManager, Wallet } from "ethers";
import { ANVIL_DEV_KEY } from "../../../node/chain/anvil.js";
import { connectContracts } from "../../../node/chain/contracts.js";
import { startGateway, type Gateway } from "../../../node/gateway.js";
import type { HandoverDelivery } from "../../../node/store/handover-deliveries.js";
import { apiClient, eventually } from "../../support/api-client.js";
import { ROLE, startConsortium, type TestConsortium } from "../../support/consortium.js";
import { publishDirectory } from "../../support/directory.js";
import { expectNoPii, recordingServer, type RecordingServer } from "../../support/recording-server.js";
import { syntheticId18 } from "../domain/identity/synthetic-ids.js";

const HEADER = "合同编号,姓名,身份证号,手机号,本金,欠款余额,逾期天数";
const PROFILE = { name: "示例催收", regions: ["*"], outstandingFen: { min: 0 }, overdueDays: { min: 0 }, capacity: 1000 };

/**
 * The lender's handover sender against a real agency gateway on anvil, with a recording server in front of the
 * agency (its published gateway URL) and another run by a malicious lender staff member: the package goes only where
 * the chain-verified directory says, sealed; a 2xx without the agency's signed acknowledgement is not a delivery; the
 * chain is read before every attempt; attempts are capped, and a dead letter is retried by hand.
 */
describe("node/services/handover: sender — destination, sealing, acknowledgement, chain re-read, retries", function () {
  this.timeout(180_000);
  let consortium: TestConsortium;
  let lender: Gateway;
  let agency: Gateway;
  let front: RecordingServer;
  let attacker: RecordingServer;
  let L: ReturnType<typeof apiClient>;
  let seq = 0;

  /** Uploads `n` synthetic cases, commits their allocation, and returns the assignment job's id and case keys. */
  async function assign(n: number): Promise<{ jobId: string; allocationId: string; caseKeys: string[]; ids: string[] }> {
    const ids = Array.from({ length: n }, (_, i) => syntheticId18("19800101", String(100 + seq * 10 + i).padStart(3, "0"), "440305"));
    const rows = ids.map((id, i) => `HS-${seq}-${i},交接测试${seq}${i},${id},1390000${String(seq * 10 + i).padStart(4, "0")},1000,900,30`);
    seq++;
    const upload = await L.upload(`h${seq}.csv`, [HEADER, ...rows].join("\n"));
    expect(upload.status).to.equal(201);
    const preview = await L.post(`/v1/case-lists/${upload.body.id}/allocation`);
    expect(preview.status).to.equal(201);
    expect((await L.post(`/v1/allocations/${preview.body.id}/commit`, { mandateDays: 30 })).status).to.equal(202);
    const handover = await eventually(async () => {
      const r = await L.get(`/v1/allocations/${preview.body.id}`);
      return r.body.state === "committed" && r.body.handovers?.[0] ? (r.body.handovers[0] as HandoverDelivery) : undefined;
    }, 60_000, "the commit");
    return { jobId: handover.jobId, allocationId: preview.body.id, caseKeys: preview.body.decisions.map((d: { caseKey: string }) => d.caseKey), ids };
  }

  /** The delivery as the allocation shows it (the lender's view since before GET /v1/handovers). */
  const delivery = async (allocationId: string) => (await L.get(`/v1/allocations/${allocationId}`)).body.handovers[0] as HandoverDelivery;
  const settled = (allocationId: string, states: string[], what: string) =>
    eventually(async () => {
      const d = await delivery(allocationId);
      return states.includes(d.state) ? d : undefined;
    }, 30_000, what);

  before(async () => {
    consortium = await startConsortium([
      { name: "lender", roles: ROLE.LENDER },
      { name: "agency", roles: ROLE.AGENCY },
    ]);
    const quiet = () => {};
    agency = await startGateway(consortium.member("agency").config, { log: quiet });
    front = await recordingServer({ forward: () => agency.url });
    attacker = await recordingServer();
    await publishDirectory(consortium, { agency: { name: "示例催收", roles: ["agency"], gatewayUrl: front.url } });
    const config = consortium.member("lender").config;
    lender = await startGateway(
      { ...config, handover: { ...config.handover, maxAttempts: 6 }, timeouts: { ...config.timeouts, handoverRetryMs: 150 } },
      { log: quiet },
    );
    L = apiClient(lender.url, (await lender.tokens.create("lender", "staff")).token);
  });
  after(async () => {
    await Promise.all([lender?.close(), agency?.close(), front?.close(), attacker?.close()]);
    await consortium?.stop();
  });

  it("refuses a staff token's gatewayUrl and sends the sealed package only to the directory's gateway: no name, ID number or phone on the wire", async () => {
    const pointed = await L.put("/v1/agencies/2", { ...PROFILE, gatewayUrl: attacker.url });
    expect(pointed.status).to.equal(400);
    expect(pointed.body.error.details).to.deep.equal([{ field: "gatewayUrl", code: "NOT_ACCEPTED" }]);
    expect((await L.put("/v1/agencies/2", PROFILE)).status).to.equal(200);
    front.setMode("proxy");
    const { allocationId, ids } = await assign(2);
    const done = await settled(allocationId, ["delivered"], "the delivery");
    expect(done.packages[0]).to.include({ cases: 2, accepted: 2, rejected: 0 });
    expect(done.packages[0]!.ackHash).to.match(/^0x[0-9a-f]{64}$/);
    expect(attacker.requests).to.have.length(0);
    // What went over the wire: a caseledger-handover/2 envelope, none of the personal data in it in any form.
    const wire = Buffer.concat(front.requests.map((r) => r.body)).toString("utf8");
    expect(JSON.parse(front.requests[0]!.body.toString("utf8")).header.format).to.equal("caseledger-handover/2");
    expectNoPii(front.requests, ids.map((idNumber, i) => ({ name: `交接测试${seq - 1}${i}`, idNumber, phone: `1390000${String((seq - 1) * 10 + i).padStart(4, "0")}` })), "the handover's requests");
    for (const secret of ["交接测试", ...ids.map((id) => id.slice(-6))]) expect(wire, "a part of a name or ID number").not.to.include(secret);
    // The agency opened it and has the cases.
    expect(await agency.store.handoverReceipts.count()).to.equal(1);
  });

  it("does not count a 200 without the agency's signed acknowledgement; after the capped attempts the delivery is a dead letter, and a retry by hand delivers", async () => {
    front.setMode("ok-without-ack");
    const before = front.requests.length;
    const { jobId, allocationId } = await assign(1);
    const dead = await settled(allocationId, ["dead-letter", "delivered"], "the dead letter");
    expect(dead.state).to.equal("dead-letter");
    expect(dead.attempts).to.equal(6);
    expect(dead.lastError).to.match(/without a valid acknowledgement/);
    expect(front.requests.length - before).to.equal(6);
    expect((await L.get("/v1/handovers")).body.handovers.find((h: HandoverDelivery) => h.jobId === jobId).state).to.equal("dead-letter");
    expect((await L.get(`/v1/handovers/${jobId}`)).body).to.deep.equal(dead);
    // No more attempts on their own.
    await new Promise((r) => setTimeout(r, 1_000));
    expect(front.requests.length - before).to.equal(6);
    // The receiver is back: the retry (audited) re-reads the chain and delivers.
    front.setMode("proxy");
    const retried = await L.post(`/v1/handovers/${jobId}/retry`);
    expect(retried.status).to.equal(200);
    expect(retried.body).to.include({ state: "delivered", attempts: 1 });
    const audit = await eventually(async () => (await lender.audit.page({ limit: 1000 })).entries.find((e) => e.action === "POST /v1/handovers/:jobId/retry"), 10_000, "the retry's audit entry");
    expect(audit).to.include({ status: 200 });
  });

  it("stops a delivery the chain no longer backs: a receiver stalling with 503 until the cases are recalled gets nothing after the recall, and the delivery ends cancelled", async () => {
    front.setMode("unavailable");
    const before = front.requests.length;
    const { allocationId, caseKeys } = await assign(2);
    await eventually(async () => (front.requests.length > before ? true : undefined), 30_000, "a first attempt");
    const recall = await L.post("/v1/cases/actions", { action: "recall", caseKeys });
    expect(recall.status).to.equal(202);
    await eventually(async () => ((await L.get(`/v1/jobs/${recall.body.id}`)).body.status === "done" ? true : undefined), 30_000, "the recall");
    const recalledAt = Date.now();
    // From now on the receiver would take anything: it must be sent nothing.
    front.setMode("proxy");
    const receipts = await agency.store.handoverReceipts.count();
    const cancelled = await settled(allocationId, ["cancelled", "delivered", "dead-letter"], "the cancellation");
    expect(cancelled.state).to.equal("cancelled");
    expect(cancelled.lastError).to.match(/none of the cases/);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(front.requests.filter((r) => r.at > recalledAt)).to.have.length(0);
    expect(await agency.store.handoverReceipts.count()).to.equal(receipts);
  });

  it("cancels a delivery to an agency the operator suspended, sending nothing more", async () => {
    front.setMode("unavailable");
    const before = front.requests.length;
    const { allocationId } = await assign(1);
    await eventually(async () => (front.requests.length > before ? true : undefined), 30_000, "a first attempt");
    const provider = new JsonRpcProvider(consortium.anvil.rpcUrl, undefined, { staticNetwork: true });
    const operator = await connectContracts(consortium.deployment, new NonceManager(new Wallet(ANVIL_DEV_KEY, provider)));
    await (await operator.memberRegistry.suspend(2)).wait();
    const suspendedAt = Date.now();
    provider.destroy();
    front.setMode("proxy");
    const cancelled = await settled(allocationId, ["cancelled", "delivered", "dead-letter"], "the cancellation");
    expect(cancelled.state).to.equal("cancelled");
    expect(cancelled.lastError).to.match(/not an active agency/);
    expect(front.requests.filter((r) => r.at > suspendedAt)).to.have.length(0);
  });
});
