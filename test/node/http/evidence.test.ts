import { createHash, randomBytes } from "node:crypto";
import { unlink } from "node:fs/promises";
import { Readable } from "node:stream";
import { expect } from "chai";
import { keccak256, toUtf8Bytes } from "ethers";
import { ConfigError } from "../../../node/config.js";
import { startGateway, type Gateway } from "../../../node/gateway.js";
import { ServiceError } from "../../../node/services/service-error.js";
import { syntheticId18 } from "../domain/identity/synthetic-ids.js";
import { apiClient, eventually } from "../../support/api-client.js";
import { ROLE, startConsortium, type TestConsortium } from "../../support/consortium.js";

/** Synthetic keys; bytes 1–4 name member 1, the lender, which alone may register them as cases. */
const key = (label: string) => `0x0100000001${keccak256(toUtf8Bytes(`caseledger/test/evidence/${label}`)).slice(12)}`;
const sha256 = (data: Uint8Array | string) => createHash("sha256").update(data).digest("hex");
const DAY = 86_400;

/**
 * The evidence API over real HTTP: a lender, an agency and a court, each with its own gateway, against one anvil.
 * Record (file streamed / hash / 0 bytes) → anchor → receipt → verify by API, contract view and court record.
 */
describe("node/http: /v1/evidence and /v1/verify", function () {
  this.timeout(120_000);
  let consortium: TestConsortium;
  let lender: Gateway;
  let agency: Gateway;
  let court: Gateway;
  let L: ReturnType<typeof apiClient>;
  let A: ReturnType<typeof apiClient>;
  let C: ReturnType<typeof apiClient>;
  const held = key("held");
  const notAssigned = key("lender-only");
  const recording = Buffer.from(`synthetic call recording ${randomBytes(8).toString("hex")}`);
  let recordingId: number;

  before(async () => {
    consortium = await startConsortium([
      { name: "lender", roles: ROLE.LENDER },
      { name: "agency", roles: ROLE.AGENCY },
      { name: "court", roles: ROLE.COURT },
    ]);
    const quiet = () => {};
    // Anchoring only when asked (anchorNow) or after 1,000 records: the test decides when receipts upgrade.
    const evidence = { intervalMs: 3_600_000, everyRecords: 1_000 };
    lender = await startGateway(consortium.member("lender").config, { log: quiet, evidence });
    agency = await startGateway(consortium.member("agency").config, { log: quiet, evidence });
    // A court computes no keys: its gateway runs without the pepper (the file is gone, the setting unset).
    const courtConfig = consortium.member("court").config;
    await unlink(courtConfig.secrets.pepperFile!);
    court = await startGateway({ ...courtConfig, secrets: { ...courtConfig.secrets, pepperFile: undefined } }, { log: quiet, evidence });
    L = apiClient(lender.url, (await lender.tokens.create("lender", "l")).token);
    A = apiClient(agency.url, (await agency.tokens.create("agency", "a")).token);
    C = apiClient(court.url, (await court.tokens.create("court", "c")).token);
    const until = Math.floor(Date.now() / 1000) + 30 * DAY;
    const job = await lender.submitter.enqueue({ kind: "registerAndAssign", agencyId: 2, until, items: [{ caseKey: held, debtorKey: key("debtor") }] });
    await lender.submitter.waitForJob(job.id, { timeoutMs: 30_000 });
    const reg = await lender.submitter.enqueue({ kind: "register", items: [{ caseKey: notAssigned, debtorKey: key("debtor2") }] });
    await lender.submitter.waitForJob(reg.id, { timeoutMs: 30_000 });
    await eventually(async () => ((await agency.indexer.caseOf(held)) ? true : undefined), 20_000, "the agency's index");
  });
  after(async () => {
    await Promise.all([lender?.close(), agency?.close(), court?.close()]);
    await consortium?.stop();
  });

  it("a court's gateway runs without the pepper; a lender's or an agency's refuses to start without it, naming the setting", async () => {
    expect(court.pepper).to.equal(undefined);
    // What would need the pepper answers a clear 403, not a crash.
    for (const ask of [() => court.ownership.byLoanRef(1, "LOAN-1"), () => court.ownership.byIdNumber(syntheticId18("19900101"))]) {
      const refused: unknown = await ask().then(() => undefined, (e: unknown) => e);
      expect(refused).to.be.instanceOf(ServiceError).and.include({ status: 403, messageId: "api.NO_PEPPER" });
    }
    for (const name of ["lender", "agency"] as const) {
      const config = consortium.member(name).config;
      let failure: unknown;
      try {
        const started = await startGateway({ ...config, secrets: { ...config.secrets, pepperFile: undefined }, http: { ...config.http, port: 0 } }, { log: () => {} });
        await started.close();
      } catch (error) {
        failure = error;
      }
      expect(failure, name).to.be.instanceOf(ConfigError);
      const message = (failure as Error).message;
      expect(message).to.include("缺少 secrets.pepperFile").and.include("secrets.pepperFile (the consortium pepper) is not set");
      expect(message).to.include(`member ${consortium.member(name).id} is a lender or an agency`);
    }
  });

  it("records a file streamed through the gateway (201), keeps it content-addressed, and issues a pending receipt", async () => {
    const res = await A.post(`/v1/evidence?caseKey=${held}&kind=call-recording&keep=true&sm3=true`, recording, { "content-type": "audio/mpeg" });
    expect(res.status).to.equal(201);
    expect(res.body).to.include({ caseKey: held, kind: "call-recording", mediaType: "audio/mpeg", contentSha256: sha256(recording), contentSize: recording.length, kept: true, anchored: false, source: "upload" });
    expect(res.body.sm3).to.match(/^[0-9a-f]{64}$/);
    recordingId = res.body.id;
    const pending = await A.get(`/v1/evidence/${recordingId}/receipt`);
    expect(pending.body).to.include({ status: "pending", leafIndex: recordingId, leafHash: res.body.leafHash });
    const content = await fetch(`${agency.url}/v1/evidence/${recordingId}/content`, { headers: { authorization: (await agencyAuth()) } });
    expect(Buffer.from(await content.arrayBuffer()).equals(recording)).to.equal(true);
  });

  const agencyAuth = async () => `Bearer ${(await agency.tokens.create("agency", "raw")).token}`;

  it("records a hash and size for media kept elsewhere, and a 0-byte file", async () => {
    const hash = await A.post("/v1/evidence/hash", { caseKey: held, kind: "visit", contentSha256: sha256("video kept elsewhere"), contentSize: 123_456_789, mediaType: "video/mp4", capturedAt: "2026-01-02T03:04:05+08:00" });
    expect(hash.status).to.equal(201);
    expect(hash.body).to.include({ kind: "visit", contentSize: 123_456_789, capturedAt: "2026-01-01T19:04:05.000Z", source: "hash", kept: false });
    expect(hash.body.prev).to.match(/^0x[0-9a-f]{64}$/); // chained to the case's previous record
    const empty = await A.post(`/v1/evidence?caseKey=${held}&kind=letter`, new Uint8Array(0), { "content-type": "application/pdf" });
    expect(empty.status).to.equal(201);
    expect(empty.body).to.include({ contentSize: 0, contentSha256: sha256("") });
  });

  it("refuses evidence from members that do not hold the case, bad fields, and the wrong role", async () => {
    expect((await A.post("/v1/evidence/hash", { caseKey: notAssigned, kind: "sms", contentSha256: sha256("x"), contentSize: 1, mediaType: "text/plain" })).status).to.equal(403);
    const unknown = await A.post("/v1/evidence/hash", { caseKey: key("nobody"), kind: "sms", contentSha256: sha256("x"), contentSize: 1, mediaType: "text/plain" });
    expect(unknown.status).to.equal(404);
    const bad = await A.post("/v1/evidence/hash", { caseKey: held, kind: "selfie", contentSha256: "xyz", contentSize: -1, mediaType: "text/plain" });
    expect(bad.status).to.equal(400);
    expect(bad.body.error.details[0]).to.include({ field: "kind", code: "KIND_INVALID" });
    expect(bad.body.error.message).to.match(/ \/ /);
    const future = await A.post("/v1/evidence/hash", { caseKey: held, kind: "sms", contentSha256: sha256("x"), contentSize: 1, mediaType: "text/plain", capturedAt: "2999-01-01T00:00:00Z" });
    expect(future.body.error.details[0]).to.include({ code: "TIME_IN_FUTURE" });
    expect((await C.post("/v1/evidence/hash", { caseKey: held, kind: "sms", contentSha256: sha256("x"), contentSize: 1, mediaType: "text/plain" })).status).to.equal(403);
    expect((await A.post(`/v1/evidence?caseKey=${held}&kind=sms`, { a: 1 })).status).to.equal(415);
    // The lender, as creditor, may record for its own cases (assigned or not).
    expect((await L.post("/v1/evidence/hash", { caseKey: notAssigned, kind: "repayment", contentSha256: sha256("r"), contentSize: 1, mediaType: "application/pdf" })).status).to.equal(201);
  });

  it("anchors, upgrades the receipt, and the API, the contract view and the court's record agree", async () => {
    await agency.anchorer.anchorNow();
    const status = await A.get("/v1/evidence/status");
    expect(status.body).to.include({ logSize: 3, anchoredSize: 3, lag: 0 });
    const receipt = (await A.get(`/v1/evidence/${recordingId}/receipt`)).body;
    expect(receipt).to.include({ status: "anchored", leafIndex: recordingId });
    expect(receipt.checkpoint.treeSize).to.equal(3);
    expect(receipt.anchor).to.include({ chainId: consortium.deployment.chainId, contract: consortium.deployment.contracts.EvidenceRegistry.address });

    const byHash = await C.post("/v1/verify", { receipt, sha256: sha256(recording), size: recording.length });
    expect(byHash.status).to.equal(200);
    expect(byHash.body.verdict).to.equal("valid");
    expect(byHash.body.steps.map((s: { verdict: string }) => s.verdict)).to.deep.equal(Array(7).fill("passed"));
    expect(byHash.body.timeBracket.confirmedOnChain).to.equal(true);

    const header = Buffer.from(JSON.stringify(receipt)).toString("base64");
    const byFile = await C.post("/v1/verify", recording, { "content-type": "application/octet-stream", "x-caseledger-receipt": header });
    expect(byFile.body.verdict).to.equal("valid");
    const tampered = Buffer.from(recording);
    tampered[0] = tampered[0]! ^ 1;
    const wrong = await C.post("/v1/verify", tampered, { "content-type": "application/octet-stream", "x-caseledger-receipt": header });
    expect(wrong.body).to.include({ verdict: "invalid", failedStep: "file" });
    expect(wrong.body.steps[2].code).to.equal("FILE_HASH_MISMATCH");

    // The contract's own view says the same.
    const registry = agency.contracts.evidenceRegistry;
    expect(await registry.verifyRecord(2, receipt.checkpoint.treeSize, receipt.leafIndex, Buffer.from(receipt.record), receipt.inclusionProof)).to.equal(true);
    expect(await registry.rootAt(2, 3)).to.equal(receipt.checkpoint.root);

    // A court records that it verified; an agency may not.
    expect((await A.post(`/v1/evidence/${receipt.leafHash}/court-verification`, { receipt })).status).to.equal(403);
    const recorded = await C.post(`/v1/evidence/${receipt.leafHash}/court-verification`, { receipt });
    expect(recorded.status).to.equal(201);
    expect(recorded.body.txHash).to.match(/^0x[0-9a-f]{64}$/);
    const events = await registry.queryFilter(registry.filters.RecordVerified(3, 2, receipt.leafHash));
    expect(events).to.have.length(1);
    const forged = { ...receipt, leafIndex: receipt.leafIndex + 1 };
    expect((await C.post(`/v1/evidence/${receipt.leafHash}/court-verification`, { receipt: forged })).status).to.equal(400);
  });

  it("lists a case's records with its chain events in one timeline", async () => {
    const list = await A.get(`/v1/evidence?caseKey=${held}`);
    expect(list.status).to.equal(200);
    expect(list.body.records.map((r: { kind: string }) => r.kind)).to.deep.equal(["call-recording", "visit", "letter"]);
    expect(list.body.records.every((r: { anchored: boolean }) => r.anchored)).to.equal(true);
    const types = list.body.timeline.map((t: { type: string; event?: { type: string } }) => t.event?.type ?? t.type);
    expect(types).to.include("CasesAssigned");
    expect(types.filter((t: string) => t === "evidence")).to.have.length(3);
  });

  it("records an authorization notice when the lender's assignment job finishes", async () => {
    await lender.notices.idle();
    const list = await eventually(async () => {
      const l = await L.get(`/v1/evidence?caseKey=${held}`);
      return l.body.records.length > 0 ? l.body : undefined;
    }, 10_000, "the authorization notice");
    expect(list.records[0]).to.include({ kind: "authorization", source: "system", mediaType: "application/json" });
    const content = JSON.parse(await (await fetch(`${lender.url}/v1/evidence/${list.records[0].id}/content`, { headers: { authorization: `Bearer ${(await lender.tokens.create("lender", "raw")).token}` } })).text());
    expect(content).to.include({ format: "caseledger-notice/1", event: "assignment", caseKey: held, creditorId: 1, agencyId: 2 });
    expect(sha256(JSON.stringify(content))).to.not.equal(""); // canonical text served as stored
  });

  it("serves the verifier page without a token", async () => {
    const res = await fetch(`${agency.url}/verify`);
    expect(res.status).to.equal(200);
    expect(res.headers.get("content-type")).to.match(/text\/html/);
    expect(res.headers.get("content-security-policy")).to.match(/default-src 'none'/);
    expect(await res.text()).to.match(/caseledger-evidence-receipt\/1/);
  });

  it("streams a 200 MB file with bounded memory", async function () {
    this.timeout(60_000);
    const total = 200 * 1024 * 1024;
    const chunk = randomBytes(1024 * 1024);
    const expected = createHash("sha256");
    let sent = 0;
    const body = Readable.from((async function* () {
      while (sent < total) {
        expected.update(chunk);
        sent += chunk.length;
        yield chunk;
      }
    })());
    const before = process.memoryUsage().rss;
    let peak = before;
    const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
    const res = await fetch(`${agency.url}/v1/evidence?caseKey=${held}&kind=call-recording`, {
      method: "POST",
      headers: { authorization: await agencyAuth(), "content-type": "audio/wav" },
      body: Readable.toWeb(body) as ReadableStream,
      duplex: "half",
    });
    clearInterval(timer);
    const json = (await res.json()) as { contentSize: number; contentSha256: string };
    expect(res.status).to.equal(201);
    expect(json.contentSize).to.equal(total);
    expect(json.contentSha256).to.equal(expected.digest("hex"));
    expect(peak - before).to.be.below(120 * 1024 * 1024);
  });

  it("records handover notices (HandoverSender's onDelivered), and recall and settlement notices when those jobs finish", async () => {
    const packageHash = `0x${sha256("synthetic package")}`;
    const ackHash = `0x${sha256("synthetic acknowledgement")}`;
    await lender.notices.handover({ packageHash, agencyId: 2, caseKeys: [held], ackHash, ackSignature: `0x${"5a".repeat(65)}` });
    const recall = await L.post("/v1/cases/actions", { action: "recall", caseKeys: [held] });
    const settle = await L.post("/v1/cases/actions", { action: "settle", settlements: [{ caseKey: notAssigned, settledFen: "0" }] });
    expect([recall.status, settle.status]).to.deep.equal([202, 202]);
    await lender.submitter.waitForJob(settle.body.id, { timeoutMs: 30_000 });
    const kindsOf = async (caseKey: string) => (await L.get(`/v1/evidence?caseKey=${caseKey}`)).body.records.map((r: { kind: string }) => r.kind);
    await eventually(async () => ((await kindsOf(held)).length === 3 && (await kindsOf(notAssigned)).length === 2 ? true : undefined), 10_000, "the notices");
    expect(await kindsOf(held)).to.deep.equal(["authorization", "handover", "other"]);
    expect(await kindsOf(notAssigned)).to.deep.equal(["repayment", "settlement"]);
    const list = (await L.get(`/v1/evidence?caseKey=${held}`)).body.records;
    const raw = await fetch(`${lender.url}/v1/evidence/${list[2].id}/content`, { headers: { authorization: `Bearer ${(await lender.tokens.create("lender", "raw2")).token}` } });
    const text = await raw.text();
    expect(sha256(text)).to.equal(list[2].contentSha256);
    expect(JSON.parse(text)).to.include({ event: "recall", caseKey: held });
    // The handover notice notarizes the agency's signed acknowledgement with the package.
    const handoverText = await (await fetch(`${lender.url}/v1/evidence/${list[1].id}/content`, { headers: { authorization: `Bearer ${(await lender.tokens.create("lender", "raw3")).token}` } })).text();
    expect(JSON.parse(handoverText)).to.include({ event: "handover", packageHash, ackHash, ackSignature: `0x${"5a".repeat(65)}` });
    // Exactly once: a sweep after the fact records nothing more.
    await lender.notices.sweep();
    expect(await kindsOf(held)).to.have.length(3);
    // The agency no longer holds the recalled case: it may not record evidence for it any more.
    await eventually(async () => ((await agency.indexer.caseOf(held))?.status === "Recalled" ? true : undefined), 10_000, "the recall in the agency's index");
    expect((await A.post("/v1/evidence/hash", { caseKey: held, kind: "sms", contentSha256: sha256("late"), contentSize: 4, mediaType: "text/plain" })).status).to.equal(403);
  });
});
