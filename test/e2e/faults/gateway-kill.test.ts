import { request } from "node:http";
import { expect } from "chai";
import { eventually } from "../../support/api-client.js";
import { ROLE, startConsortium, type TestConsortium } from "../../support/consortium.js";
import { publishDirectory } from "../../support/directory.js";
import { committed, syntheticList, TAKE_ALL, uploadAndCommit } from "../../support/fault-helpers.js";
import { type GatewayProcess, spawnGateway, writeProcessConfig } from "../../support/gateway-process.js";

/**
 * kill -9 of a gateway process in the middle of a large streamed upload, and of the lender's gateway while it hands
 * cases over to the agency's gateway (after the on-chain commit). The commit and anchoring cases are in
 * test/e2e/gateway-crash.test.ts and test/e2e/evidence-flow.test.ts.
 */
describe("e2e faults: kill -9 of the gateway during an upload and during a handover", function () {
  this.timeout(150_000);
  let consortium: TestConsortium;
  let lender: GatewayProcess;
  let agency: GatewayProcess;
  let lenderFile: string;
  let agencyFile: string;

  before(async () => {
    consortium = await startConsortium([
      { name: "lender", roles: ROLE.LENDER },
      { name: "agency", roles: ROLE.AGENCY },
    ]);
    lenderFile = (await writeProcessConfig(consortium, { name: "lender", config: { http: { uploadLimitBytes: 64 * 1024 * 1024 } } })).file;
    agencyFile = (await writeProcessConfig(consortium, { name: "agency" })).file;
    [lender, agency] = await Promise.all([spawnGateway("lender", lenderFile), spawnGateway("agency", agencyFile)]);
  });
  after(async () => {
    if (agency?.proc.signalCode === "SIGSTOP") agency.proc.kill("SIGCONT");
    await Promise.all([lender?.kill(), agency?.kill()]);
    await consortium?.stop();
  });

  it("leaves no half-written list after a kill during a streamed upload; the acknowledged list is intact and the upload can be retried", async () => {
    const small = await lender.api.upload("kept.csv", syntheticList(30, "KEEP"));
    expect(small.status).to.equal(201);
    const big = Buffer.from(syntheticList(60_000, "BIG", 21));
    expect(big.length).to.be.greaterThan(4 * 1024 * 1024);

    // Stream the big file slowly; kill the gateway once its first rows are in the store and most bytes are still unsent.
    const url = new URL(`${lender.url}/v1/case-lists?name=big.csv`);
    const req = request(url, { method: "POST", headers: { authorization: `Bearer ${lender.token}`, "content-type": "text/csv", "content-length": String(big.length) } });
    req.on("error", () => {}); // the gateway dies under it
    const chunk = 16 * 1024;
    let sent = 0;
    let stop = false;
    const writer = (async () => {
      while (!stop && sent < big.length) {
        const ok = req.write(big.subarray(sent, sent + chunk));
        sent += chunk;
        if (!ok) await new Promise((r) => setTimeout(r, 5));
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    await eventually(async () => {
      const r = await lender.api.get("/v1/cases?loanRef=BIG-00000000");
      return r.body.cases.length > 0 ? true : undefined;
    }, 30_000, "the upload's first rows in the store");
    const lists = (await lender.api.get("/v1/case-lists")).body.lists;
    const partial = lists.find((l: { file: string }) => l.file === "big.csv");
    expect(partial.state).to.equal("ingesting");
    await lender.kill();
    stop = true;
    await writer;
    req.destroy();
    expect(sent, "the kill must land mid-upload").to.be.lessThan(big.length);

    lender = await spawnGateway("lender", lenderFile, { token: lender.token });
    const after = await lender.api.get(`/v1/case-lists/${partial.id}`);
    expect(after.body).to.deep.include({ state: "failed" });
    expect(after.body.error.code).to.equal("INTERRUPTED");
    expect(after.body.error.message).to.match(/上传被中断.*\/ the upload was interrupted/);
    for (const ref of ["BIG-00000000", "BIG-00000001", "BIG-00001999"]) {
      expect((await lender.api.get(`/v1/cases?loanRef=${ref}`)).body.cases, ref).to.deep.equal([]);
    }
    const kept = await lender.api.get(`/v1/case-lists/${small.body.id}/report?limit=1000`);
    expect(kept.body.state).to.equal("ready");
    expect(kept.body.totals).to.include({ rows: 30, accepted: 30 });
    expect((await lender.api.get("/v1/cases?loanRef=KEEP-00000029")).body.cases).to.have.length(1);

    // The same file again: every row a new case (nothing left over from the interrupted try).
    const retry = await lender.api.upload("big.csv", big);
    expect(retry.status).to.equal(201);
    expect(retry.body.totals).to.include({ rows: 60_000, accepted: 60_000, rejected: 0, duplicate: 0 });
  });

  it("hands the cases over exactly once after a kill while the handover request is in flight; the agency has every case", async () => {
    const api = lender.api;
    await publishDirectory(consortium, { agency: { name: "示例催收", roles: ["agency"], gatewayUrl: agency.url } });
    expect((await api.put("/v1/agencies/2", { name: "示例催收", ...TAKE_ALL })).status).to.equal(200);
    // The agency's gateway freezes: the lender's handover request will hang in flight.
    agency.proc.kill("SIGSTOP");
    const commit = await uploadAndCommit(api, syntheticList(40, "HAND", 31), "hand.csv");
    const progress = await committed(api, commit.allocationId);
    expect(progress).to.include({ done: 40, failed: 0 });
    await new Promise((r) => setTimeout(r, 1_500)); // the handover is sent on the job's completion
    const before = (await api.get(`/v1/allocations/${commit.allocationId}`)).body.handovers;
    expect(before).to.have.length(1);
    expect(before[0]).to.include({ state: "pending" });
    await lender.kill();

    // The agency wakes up and takes the package sent by the dead process: the kill landed mid-handover.
    agency.proc.kill("SIGCONT");
    await eventually(async () => {
      const v = await agency.api.get(`/v1/cases/${commit.caseKeys[0]}`);
      return v.status === 200 && v.body.person?.name ? true : undefined;
    }, 30_000, "the in-flight package at the agency");

    lender = await spawnGateway("lender", lenderFile, { token: lender.token });
    const delivered = await eventually(async () => {
      const h = (await lender.api.get(`/v1/allocations/${commit.allocationId}`)).body.handovers;
      return h?.[0]?.state === "delivered" ? h[0] : undefined;
    }, 40_000, "the handover delivered after the restart");
    expect(delivered.packages).to.have.length(1);
    expect(delivered.packages[0]).to.include({ cases: 40, accepted: 40, rejected: 0 });

    // The agency has every case with its details, once; the lender notarized the handover once per case.
    const page = (await agency.api.get("/v1/cases?as=agency&limit=1000")).body.cases.map((c: { caseKey: string }) => c.caseKey);
    expect([...page].sort()).to.deep.equal([...commit.caseKeys].sort());
    for (const key of commit.caseKeys) {
      const v = await agency.api.get(`/v1/cases/${key}`);
      expect(v.status, key).to.equal(200);
      expect(v.body.masked).to.equal(false);
      expect(v.body.person.idNumber).to.match(/^\d{17}[\dX]$/);
    }
    const handoverRecords = await eventually(async () => {
      const list = (await lender.api.get(`/v1/evidence?caseKey=${commit.caseKeys[5]}`)).body.records.filter((r: { kind: string }) => r.kind === "handover");
      return list.length > 0 ? list : undefined;
    }, 10_000, "the handover notarized");
    expect(handoverRecords).to.have.length(1);
    expect((await lender.api.get(`/v1/allocations/${commit.allocationId}`)).body.handovers).to.have.length(1);
  });
});
