import { createHash } from "node:crypto";
import { expect } from "chai";
import { keccak256, toUtf8Bytes } from "ethers";
import { startGateway, type Gateway } from "../../../node/gateway.js";
import { apiClient } from "../../support/api-client.js";
import { ROLE, startConsortium, type TestConsortium } from "../../support/consortium.js";

/** Synthetic keys; bytes 1–4 name member 1, the lender, which alone may register them as cases. */
const key = (label: string) => `0x0100000001${keccak256(toUtf8Bytes(`caseledger/test/evidence-handover/${label}`)).slice(12)}`;
const DAY = 86_400;

/**
 * Evidence in the seconds after a handover, over real HTTP against anvil: the agency's chain index lags the chain (here
 * it reads new blocks once an hour, so it never sees the assignment during the test), and the agency records evidence
 * for a case handed to it a block ago. The chain itself is asked (CaseRegistry.casesOf) before a refusal.
 */
describe("node/http: /v1/evidence right after a handover, before the agency's index has the assignment", function () {
  this.timeout(120_000);
  let consortium: TestConsortium;
  let lender: Gateway;
  let agency: Gateway;
  let A: ReturnType<typeof apiClient>;
  const handed = key("handed");
  const registeredOnly = key("registered-only");
  const body = (caseKey: string) => ({ caseKey, kind: "repayment", contentSha256: createHash("sha256").update(`voucher ${caseKey}`).digest("hex"), contentSize: 10, mediaType: "application/pdf" });

  before(async () => {
    consortium = await startConsortium([
      { name: "lender", roles: ROLE.LENDER },
      { name: "agency", roles: ROLE.AGENCY },
    ]);
    const quiet = () => {};
    lender = await startGateway(consortium.member("lender").config, { log: quiet });
    const config = consortium.member("agency").config;
    agency = await startGateway({ ...config, timeouts: { ...config.timeouts, indexerPollMs: 3_600_000 } }, { log: quiet });
    A = apiClient(agency.url, (await agency.tokens.create("agency", "a")).token);
    const until = Math.floor(Date.now() / 1000) + 30 * DAY;
    const job = await lender.submitter.enqueue({ kind: "registerAndAssign", agencyId: 2, until, items: [{ caseKey: handed, debtorKey: key("debtor") }] });
    await lender.submitter.waitForJob(job.id, { timeoutMs: 30_000 });
    const reg = await lender.submitter.enqueue({ kind: "register", items: [{ caseKey: registeredOnly, debtorKey: key("debtor2") }] });
    await lender.submitter.waitForJob(reg.id, { timeoutMs: 30_000 });
  });
  after(async () => {
    await Promise.all([lender?.close(), agency?.close()]);
    await consortium?.stop();
  });

  it("records at once for the case the chain shows assigned to the agency, though its index does not know the case", async () => {
    expect(await agency.indexer.caseOf(handed), "the index has not read the assignment").to.equal(undefined);
    const recorded = await A.post("/v1/evidence/hash", body(handed));
    expect(recorded.status, JSON.stringify(recorded.body)).to.equal(201);
    expect(recorded.body).to.include({ caseKey: handed, kind: "repayment" });
  });

  it("still refuses a case the chain shows with its creditor only (403) and one the chain does not know (404)", async () => {
    expect(await agency.indexer.caseOf(registeredOnly)).to.equal(undefined);
    const foreign = await A.post("/v1/evidence/hash", body(registeredOnly));
    expect(foreign.status).to.equal(403);
    expect(foreign.body.error.code).to.equal("FORBIDDEN");
    const unknown = await A.post("/v1/evidence/hash", body(key("nobody")));
    expect(unknown.status).to.equal(404);
    expect(unknown.body.error.code).to.equal("NOT_FOUND");
  });
});
