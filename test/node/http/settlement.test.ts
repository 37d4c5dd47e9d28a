import { createHash } from "node:crypto";
import { expect } from "chai";
import { keccak256, toUtf8Bytes } from "ethers";
import { startGateway, type Gateway } from "../../../node/gateway.js";
import { apiClient, eventually } from "../../support/api-client.js";
import { ROLE, startConsortium, type TestConsortium } from "../../support/consortium.js";

/** Synthetic keys; bytes 1–4 name member 1, the lender. */
const key = (label: string, member = 1) =>
  `0x01${member.toString(16).padStart(8, "0")}${keccak256(toUtf8Bytes(`caseledger/test/settlement/${label}`)).slice(12)}`;
const sha256 = (data: Uint8Array | string) => createHash("sha256").update(data).digest("hex");
const DAY = 86_400;

/**
 * Settlement with amounts, end to end over real HTTP against anvil: the lender states each case's amount (and may give
 * the terms), the chain event carries them for every member, the terms are notarized as `settlement` evidence.
 */
describe("node/http: settle with amounts and terms (POST /v1/cases/actions)", function () {
  this.timeout(120_000);
  let consortium: TestConsortium;
  let lender: Gateway;
  let lender2: Gateway;
  let agency: Gateway;
  let L: ReturnType<typeof apiClient>;
  let L2: ReturnType<typeof apiClient>;
  let A: ReturnType<typeof apiClient>;
  const paid = key("paid");
  const writtenOff = key("written-off");
  const foreign = key("foreign", 2);
  const terms = Buffer.from("synthetic settlement terms: 12,345.67 yuan in two instalments");

  before(async () => {
    consortium = await startConsortium([
      { name: "lender", roles: ROLE.LENDER },
      { name: "lender2", roles: ROLE.LENDER },
      { name: "agency", roles: ROLE.AGENCY },
    ]);
    const quiet = () => {};
    lender = await startGateway(consortium.member("lender").config, { log: quiet });
    lender2 = await startGateway(consortium.member("lender2").config, { log: quiet });
    agency = await startGateway(consortium.member("agency").config, { log: quiet });
    L = apiClient(lender.url, (await lender.tokens.create("lender", "l")).token);
    L2 = apiClient(lender2.url, (await lender2.tokens.create("lender", "l2")).token);
    A = apiClient(agency.url, (await agency.tokens.create("agency", "a")).token);
    const until = Math.floor(Date.now() / 1000) + 30 * DAY;
    const agencyId = consortium.member("agency").id;
    const job = await lender.submitter.enqueue({
      kind: "registerAndAssign",
      agencyId,
      until,
      items: [paid, writtenOff].map((caseKey, i) => ({ caseKey, debtorKey: key(`debtor-${i}`) })),
    });
    await lender.submitter.waitForJob(job.id, { timeoutMs: 30_000 });
    const other = await lender2.submitter.enqueue({ kind: "register", items: [{ caseKey: foreign, debtorKey: key("debtor-f") }] });
    await lender2.submitter.waitForJob(other.id, { timeoutMs: 30_000 });
    await eventually(async () => ((await lender.indexer.caseOf(paid)) && (await lender.indexer.caseOf(foreign)) ? true : undefined), 20_000, "the lender's index");
  });
  after(async () => {
    await Promise.all([lender?.close(), lender2?.close(), agency?.close()]);
    await consortium?.stop();
  });

  it("puts each stated amount and the terms' SHA-256 on chain, where another member reads them, and notarizes the terms", async () => {
    const res = await L.post("/v1/cases/actions", {
      action: "settle",
      settlements: [
        { caseKey: paid, settledFen: "1234567" },
        { caseKey: writtenOff, settledFen: "0" },
      ],
      terms: { contentBase64: terms.toString("base64"), mediaType: "text/plain" },
    });
    expect(res.status).to.equal(202);
    expect(await lender.submitter.waitForJob(res.body.id, { timeoutMs: 30_000 })).to.include({ done: 2, failed: 0 });
    const termsHash = `0x${sha256(terms)}`;

    // The chain event, as the lender's and the agency's indexes read it.
    await eventually(async () => ((await agency.indexer.caseOf(paid))?.status === "Settled" ? true : undefined), 20_000, "the agency's index");
    const settledOf = async (gateway: Gateway, caseKey: string) => (await gateway.indexer.history(caseKey)).find((h) => h.type === "CaseSettled");
    expect(await settledOf(agency, paid)).to.deep.include({ settledFen: "1234567", termsHash, creditorId: consortium.member("lender").id });
    expect(await settledOf(agency, writtenOff)).to.deep.include({ settledFen: "0", termsHash });
    await eventually(async () => ((await lender.indexer.caseOf(paid))?.status === "Settled" ? true : undefined), 20_000, "the lender's index");
    const detail = await L.get(`/v1/cases/${paid}`);
    expect(detail.body.history.at(-1)).to.deep.include({ type: "CaseSettled", settledFen: "1234567", termsHash });

    // Evidence: the terms document (kept, its hash the one on chain) and the settlement notice with the amount.
    let records: { id: number; kind: string; contentSha256: string; source: string }[] = [];
    await eventually(async () => {
      records = (await L.get(`/v1/evidence?caseKey=${paid}`)).body.records;
      return records.length === 3 ? true : undefined;
    }, 10_000, "the notices");
    const kinds = records.map((r) => [r.kind, r.source]);
    expect(kinds).to.deep.include.members([["settlement", "upload"], ["settlement", "system"]]);
    const upload = records.find((r) => r.kind === "settlement" && r.source === "upload")!;
    expect(`0x${upload.contentSha256}`).to.equal(termsHash);
    const content = await fetch(`${lender.url}/v1/evidence/${upload.id}/content`, { headers: { authorization: `Bearer ${(await lender.tokens.create("lender", "raw")).token}` } });
    expect(Buffer.from(await content.arrayBuffer()).equals(terms)).to.equal(true);
    const notice = records.find((r) => r.kind === "settlement" && r.source === "system")!;
    const text = await (await fetch(`${lender.url}/v1/evidence/${notice.id}/content`, { headers: { authorization: `Bearer ${(await lender.tokens.create("lender", "raw2")).token}` } })).text();
    expect(JSON.parse(text)).to.include({ event: "settlement", caseKey: paid, settledFen: "1234567", termsHash });
  });

  it("refuses a settlement without amounts (the outstanding is never assumed), a bad amount, a repeated case and bad terms", async () => {
    const refused = [
      [{ action: "settle", caseKeys: [paid] }, "settlement.AMOUNTS_REQUIRED"],
      [{ action: "settle", settlements: [{ caseKey: paid, settledFen: 100 }] }, "settlement.ITEM_INVALID"],
      [{ action: "settle", settlements: [{ caseKey: paid, settledFen: "12.50" }] }, "settlement.ITEM_INVALID"],
      [{ action: "settle", settlements: [{ caseKey: paid, settledFen: "18446744073709551616" }] }, "settlement.ITEM_INVALID"],
      [{ action: "settle", settlements: [{ caseKey: paid, settledFen: "1" }, { caseKey: paid, settledFen: "2" }] }, "settlement.ITEM_INVALID"],
      [{ action: "settle", settlements: [{ caseKey: paid, settledFen: "1" }], terms: { contentBase64: "", mediaType: "text/plain" } }, "settlement.TERMS_INVALID"],
      [{ action: "settle", settlements: [{ caseKey: paid, settledFen: "1" }], terms: { contentBase64: "aGk=" } }, "settlement.TERMS_INVALID"],
    ] as const;
    for (const [body, messageId] of refused) {
      const res = await L.post("/v1/cases/actions", body);
      expect(res.status, JSON.stringify(body)).to.equal(400);
      expect(res.body.error).to.deep.include({ code: "VALIDATION_FAILED", messageId });
    }
  });

  it("a lender cannot notarize terms for another lender's case: 403 and nothing recorded", async () => {
    const before = (await L.get(`/v1/evidence?caseKey=${foreign}`)).body.records.length;
    const res = await L.post("/v1/cases/actions", {
      action: "settle",
      settlements: [{ caseKey: foreign, settledFen: "1" }],
      terms: { contentBase64: terms.toString("base64"), mediaType: "text/plain" },
    });
    expect(res.status).to.equal(403);
    expect((await L.get(`/v1/evidence?caseKey=${foreign}`)).body.records).to.have.length(before);
    // Its creditor settles it; without terms the hash is absent (zero on chain).
    const own = await L2.post("/v1/cases/actions", { action: "settle", settlements: [{ caseKey: foreign, settledFen: "500" }] });
    await lender2.submitter.waitForJob(own.body.id, { timeoutMs: 30_000 });
    await eventually(async () => ((await lender2.indexer.caseOf(foreign))?.status === "Settled" ? true : undefined), 20_000, "the index");
    const entry = (await lender2.indexer.history(foreign)).find((h) => h.type === "CaseSettled")!;
    expect(entry.settledFen).to.equal("500");
    expect(entry).to.not.have.property("termsHash");
  });

  it("GET /v1/scorecards: the lender's view of its agencies; the consortium view from the chain, the settlements in it", async () => {
    const agencyId = consortium.member("agency").id;
    const mine = await L.get("/v1/scorecards");
    expect(mine.status).to.equal(200);
    expect(mine.body.view).to.equal("lender");
    expect(mine.body.agencies).to.have.length(1);
    expect(mine.body.agencies[0]).to.deep.include({ agencyId, name: null, assignments: 2, cases: 2, returnedBp: 0, complaints: { received: 0, open: 0 } });
    expect(mine.body.agencies[0].recovery.map((w: { days: number; rateBp: number | null }) => [w.days, w.rateBp])).to.deep.equal([
      [30, null],
      [90, null],
      [180, null],
    ]);
    await eventually(async () => ((await agency.indexer.caseOf(foreign))?.status === "Settled" ? true : undefined), 20_000, "the agency's index");
    const all = await A.get("/v1/scorecards");
    expect(all.status).to.equal(200);
    expect(all.body.view).to.equal("consortium");
    expect(all.body.agencies).to.deep.equal([
      {
        agencyId,
        assignments: 2,
        cases: 2,
        settled: [30, 90, 180].map((days) => ({ days, matured: 0, settled: 0, settledFen: "0", rateBp: null })),
        returnedBp: 0,
        acceptDelayMedianSeconds: null,
        complaints: null,
      },
    ]);
    expect((await A.get("/v1/scorecards?view=lender")).body.error).to.deep.include({ code: "FORBIDDEN", messageId: "scorecard.LENDER_VIEW_ONLY" });
    expect((await L.get("/v1/scorecards?view=everyone")).body.error).to.deep.include({ code: "VALIDATION_FAILED", messageId: "scorecard.VIEW_INVALID" });
    expect((await L.get("/v1/scorecards?view=consortium")).body.view).to.equal("consortium");
  });
});
