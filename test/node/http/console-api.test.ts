import { createHash } from "node:crypto";
import { expect } from "chai";
import { startGateway, type Gateway } from "../../../node/gateway.js";
import { mountedRoutes, toOpenApiPath } from "../../../node/http/openapi.js";
import { RateLimiter } from "../../../node/http/rate-limit.js";
import { AuthorizationLetters } from "../../../node/services/authorization-letters.js";
import { apiClient, eventually } from "../../support/api-client.js";
import { ROLE, startConsortium, type TestConsortium } from "../../support/consortium.js";
import { publishDirectory } from "../../support/directory.js";
import { syntheticId18 } from "../domain/identity/synthetic-ids.js";

const ID_A = syntheticId18("19800101", "123", "440305");
const ID_B = syntheticId18("19700202", "456", "110101");
const ID_C = syntheticId18("19900303", "789", "310104");
const HEADER = "合同编号,姓名,身份证号,手机号,本金,欠款余额,逾期天数";
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/**
 * The console's endpoints against real gateways on anvil: who am I, the member directory (checked against the
 * chain), the directory, portfolio and case summaries, authorization letters and the public page behind their
 * QR code (following the chain through a recall and past the mandate), rate limits, the console's pages and the
 * OpenAPI document against every mounted route.
 */
describe("http: console endpoints (me, members, directory, portfolio, case summaries, letters, public check, pages, OpenAPI)", function () {
  this.timeout(120_000);
  let consortium: TestConsortium;
  let lender: Gateway;
  let agency: Gateway;
  let agency2: Gateway;
  let L: ReturnType<typeof apiClient>;
  let A: ReturnType<typeof apiClient>;
  let A2: ReturnType<typeof apiClient>;
  let P: ReturnType<typeof apiClient>;
  let lenderToken: string;
  const agencyLog: string[] = [];
  let caseKeys: string[] = [];
  let letterToken: string;

  before(async () => {
    consortium = await startConsortium([
      { name: "lender", roles: ROLE.LENDER },
      { name: "agency", roles: ROLE.AGENCY },
      { name: "agency2", roles: ROLE.AGENCY },
    ]);
    lender = await startGateway(consortium.member("lender").config, { log: () => {} });
    agency = await startGateway(consortium.member("agency").config, { log: (e) => agencyLog.push(JSON.stringify(e)) });
    agency2 = await startGateway(consortium.member("agency2").config, { log: () => {} });
    await publishDirectory(consortium, {
      lender: { name: "示例银行", roles: ["lender"], gatewayUrl: lender.url },
      agency: { name: "示例催收", roles: ["agency"], gatewayUrl: agency.url },
      agency2: { name: "示例律所", roles: ["agency"], gatewayUrl: agency2.url },
    });
    lenderToken = (await lender.tokens.create("lender", "l")).token;
    L = apiClient(lender.url, lenderToken);
    A = apiClient(agency.url, (await agency.tokens.create("agency", "a")).token);
    A2 = apiClient(agency2.url, (await agency2.tokens.create("agency", "a2")).token);
    P = apiClient(agency.url);
    const profile = { name: "示例催收", regions: ["*"], outstandingFen: { min: 0 }, overdueDays: { min: 0 }, capacity: 100 };
    expect((await L.put("/v1/agencies/2", profile)).status).to.equal(200);
    const csv = [
      HEADER,
      `C-1,测试甲,${ID_A},13800138000,1000,900,20`,
      `C-2,欧阳测试,${ID_B},,500,500,100`,
      `C-3,测试丙,${ID_C},,800,700,400`,
      `C-4,测试丁,bad,,1,1,1`,
    ].join("\n");
    const upload = await L.upload("console.csv", csv);
    const preview = await L.post(`/v1/case-lists/${upload.body.id}/allocation`);
    await L.post(`/v1/allocations/${preview.body.id}/commit`, { mandateDays: 30 });
    await eventually(async () => {
      const r = await L.get(`/v1/allocations/${preview.body.id}`);
      return r.body.state === "committed" && r.body.handovers?.[0]?.state === "delivered" ? true : undefined;
    }, 60_000, "commit and handover");
    caseKeys = (await L.get(`/v1/case-lists/${upload.body.id}/report?status=accepted`)).body.rows.map((r: { caseKey: string }) => r.caseKey);
    await eventually(async () => ((await A.get("/v1/case-summaries")).body.cases?.length === 3 ? true : undefined), 20_000, "the agency's index");
    // The lender's own index too (it catches up as its job is mined; the handover may be delivered first).
    await eventually(async () => ((await Promise.all(caseKeys.map((k) => lender.indexer.caseOf(k)))).every((c) => c?.status === "Assigned") || undefined), 20_000, "the lender's index");
  });
  after(async () => {
    await Promise.all([lender?.close(), agency?.close(), agency2?.close()]);
    await consortium?.stop();
  });

  it("GET /v1/me tells the console who is logged in; GET /v1/members lists members verified against the chain", async () => {
    const me = await L.get("/v1/me");
    expect(me.body).to.include({ memberId: 1, memberName: "lender", role: "lender", staffName: "l" });
    expect(me.body.memberRoles).to.deep.equal(["lender"]);
    expect((await apiClient(lender.url).get("/v1/me")).status).to.equal(401);
    const members = await A.get("/v1/members");
    expect(members.body.members.map((m: { name: string; verified: boolean; status: string }) => [m.name, m.verified, m.status])).to.deep.equal([
      ["示例银行", true, "Active"],
      ["示例催收", true, "Active"],
      ["示例律所", true, "Active"],
    ]);
  });

  it("no gateway answers whether a token is its own (POST /v1/console/probe is gone); the directory lists active members' console URLs", async () => {
    for (const gw of [lender, agency]) {
      const res = await fetch(`${gw.url}/v1/console/probe`, { method: "POST", headers: { "content-type": "text/plain" }, body: JSON.stringify({ tokenSha256: sha256(lenderToken) }) });
      expect(res.status).to.be.oneOf([401, 404]);
      expect(JSON.stringify(await res.json())).to.not.include('"mine"');
    }
    const directory = await apiClient(agency.url).get("/v1/console/directory");
    expect(directory.body.self).to.equal(2);
    expect(directory.body.members.map((m: { gatewayUrl: string }) => m.gatewayUrl)).to.deep.equal([lender.url, agency.url, agency2.url]);
  });

  it("GET /v1/portfolio gives the lender its cases by status, by agency and by age (and nobody else)", async () => {
    const p = await L.get("/v1/portfolio");
    expect(p.status).to.equal(200);
    expect(p.body.totals).to.deep.equal({ cases: 3, outstandingFen: "210000" });
    expect(p.body.byStatus).to.deep.equal([{ status: "Assigned", cases: 3, outstandingFen: "210000" }]);
    expect(p.body.byAgency).to.have.length(1);
    expect(p.body.byAgency[0]).to.include({ agencyId: 2, name: "示例催收", activeCases: 3, outstandingFen: "210000", settledCases: 0, recoveryRate: 0 });
    expect(p.body.aging.map((a: { bucket: string; cases: number }) => [a.bucket, a.cases])).to.deep.equal([
      ["0-30", 1],
      ["31-90", 0],
      ["91-180", 1],
      ["181-360", 0],
      ["361+", 1],
    ]);
    expect((await A.get("/v1/portfolio")).status).to.equal(403);
  });

  it("GET /v1/case-summaries lists the member's cases with loan ref and a masked name", async () => {
    const a = await A.get("/v1/case-summaries");
    expect(a.body.cases.map((c: { loanRef: string }) => c.loanRef).sort()).to.deep.equal(["C-1", "C-2", "C-3"]);
    const c2 = a.body.cases.find((c: { loanRef: string }) => c.loanRef === "C-2");
    expect(c2).to.include({ debtor: "欧阳**", status: "Assigned", creditor: "示例银行", agency: "agency", outstandingFen: "50000", overdueDays: 100 });
    const l = await L.get("/v1/case-summaries?limit=2");
    expect(l.body.cases).to.have.length(2);
    expect(l.body.next).to.match(/^0x/);
    expect((await L.get(`/v1/case-summaries?after=${l.body.next}`)).body.cases).to.have.length(1);
    expect((await L.get("/v1/case-summaries?after=nope")).status).to.equal(400);
    expect(JSON.stringify(a.body)).not.to.include(ID_A);
  });

  it("issues an authorization letter only to the agency that holds the case, and its QR token opens a masked public answer", async () => {
    const key = caseKeys[0]!;
    const issued = await A.post(`/v1/cases/${key}/authorization-letter`);
    expect(issued.status).to.equal(201);
    letterToken = issued.body.token;
    expect(letterToken).to.match(/^[A-Za-z0-9_-]{43}$/);
    expect(issued.body.path).to.equal(`/a/${letterToken}`);
    expect(issued.body.letter).to.include({ caseKey: key, agencyName: "agency", creditorName: "示例银行", loanRef: "C-1", debtorName: "测**" });

    const answer = await P.get(`/v1/public/authorizations/${letterToken}`);
    expect(answer.status).to.equal(200);
    // Loan refs of 4 characters or fewer are masked whole; longer ones keep their last 4.
    expect(answer.body).to.include({ authorized: true, state: "authorized", agency: "agency", creditor: "示例银行", debtor: "测**", loanRef: "***" });
    // `until` is the committing gateway's clock + 30 days, `since` the block time: a second or two apart.
    expect(Date.parse(answer.body.until) - Date.parse(answer.body.since)).to.be.closeTo(30 * 86_400_000, 5_000);
    const text = JSON.stringify(answer.body);
    for (const secret of [ID_A, "13800138000", "测试甲", key]) expect(text).not.to.include(secret);
    // The access log has the route pattern, never the token.
    expect(agencyLog.join("\n")).not.to.include(letterToken);
    expect(agencyLog.join("\n")).to.include("/v1/public/authorizations/:token");

    // Another agency's case, a lender, a malformed key: no letter.
    const other = await A2.post(`/v1/cases/${key}/authorization-letter`);
    expect(other.status).to.equal(404);
    expect(other.body.error.code).to.equal("NOT_FOUND");
    expect((await L.post(`/v1/cases/${key}/authorization-letter`)).status).to.equal(403);
    expect((await A.post(`/v1/cases/0x1234/authorization-letter`)).status).to.equal(400);
    expect((await apiClient(agency.url).post(`/v1/cases/${key}/authorization-letter`)).status).to.equal(401);
  });

  it("answers 404 with one message for a tampered, unknown or malformed token — nothing to enumerate", async () => {
    const flipped = letterToken.slice(0, 10) + (letterToken[10] === "A" ? "B" : "A") + letterToken.slice(11);
    const bodies = [];
    for (const token of [flipped, "A".repeat(43), "abc", `${letterToken}x`, encodeURIComponent("../../v1/health")]) {
      const r = await P.get(`/v1/public/authorizations/${token}`);
      expect(r.status, token).to.equal(404);
      bodies.push(JSON.stringify(r.body));
    }
    expect(new Set(bodies).size).to.equal(1);
    // The same token at another agency's gateway names nothing there.
    expect((await apiClient(agency2.url).get(`/v1/public/authorizations/${letterToken}`)).status).to.equal(404);
  });

  it("follows the chain: after the lender recalls the case the same QR token says not authorized, and no new letter is issued", async () => {
    const key = caseKeys[0]!;
    const job = await L.post("/v1/cases/actions", { action: "recall", caseKeys: [key] });
    expect(job.status).to.equal(202);
    const after = await eventually(async () => {
      const r = await P.get(`/v1/public/authorizations/${letterToken}`);
      return r.body.authorized === false ? r.body : undefined;
    }, 30_000, "the recall on the public page");
    expect(after).to.include({ state: "ended", until: null, creditor: "示例银行" });
    expect(after.message).to.match(/NOT authorized/);
    const again = await A.post(`/v1/cases/${key}/authorization-letter`);
    expect(again.status).to.equal(409);
  });

  it("says expired once the mandate has run out (the gateway's clock 31 days on)", async () => {
    const issued = await A.post(`/v1/cases/${caseKeys[1]}/authorization-letter`);
    expect(issued.status).to.equal(201);
    const later = new AuthorizationLetters({
      store: agency.store,
      cipher: agency.cipher,
      indexer: agency.indexer,
      memberId: 2,
      memberName: "agency",
      nameOf: async (id) => `#${id}`,
      isActiveAgency: async () => true,
      clock: () => Date.now() + 31 * 86_400_000,
    });
    const answer = await later.lookup(issued.body.token);
    expect(answer).to.include({ authorized: false, state: "expired" });
    expect(answer.until).to.be.a("string");
  });

  it("serves the console's pages with a strict CSP, only its own files, each page's script under 300 kB", async () => {
    const page = await fetch(`${agency.url}/`);
    expect(page.status).to.equal(200);
    expect(page.headers.get("content-type")).to.match(/text\/html/);
    expect(page.headers.get("content-security-policy")).to.match(/script-src 'self'/);
    // The console's pages fetch from their own gateway only: a token never leaves by a fetch.
    expect(page.headers.get("content-security-policy")).to.match(/connect-src 'self';/);
    expect(await page.text()).to.include("/console/console.js");
    const pub = await fetch(`${agency.url}/a/${letterToken}`);
    expect(pub.status).to.equal(200);
    expect(await pub.text()).to.include("/console/public.js");
    for (const path of ["/console/%2e%2e%2fpackage.json", "/console/nope.js", "/console/vendor/express.js", "/console/vendor/..%2f..%2fpackage.json"]) {
      expect((await fetch(`${agency.url}${path}`)).status, path).to.equal(404);
    }
    const size = async (paths: string[]) => {
      let total = 0;
      for (const p of paths) {
        const r = await fetch(`${agency.url}${p}`);
        expect(r.status, p).to.equal(200);
        total += (await r.arrayBuffer()).byteLength;
      }
      return total;
    };
    const shared = ["/console/console.js", "/console/api.js", "/console/i18n.js", "/console/ui.js"];
    const lenderPage = await size([...shared, "/console/lender.js", "/console/case.js", "/console/charts.js", "/console/vendor/chartist.js"]);
    const agencyPage = await size([...shared, "/console/agency.js", "/console/lender.js", "/console/case.js", "/console/letter.js", "/console/vendor/qrcode.mjs"]);
    const publicPage = await size(["/console/public.js", "/console/i18n.js", "/console/ui.js"]);
    const adminPage = await size([...shared, "/console/admin.js"]);
    expect(adminPage).to.be.below(300_000);
    expect(lenderPage).to.be.below(300_000);
    expect(agencyPage).to.be.below(300_000);
    expect(publicPage).to.be.below(300_000);
  });

  it("documents every mounted route in GET /v1/openapi.json, and mounts every documented one", async () => {
    const doc = (await apiClient(lender.url).get("/v1/openapi.json")).body;
    expect(doc.openapi).to.equal("3.1.0");
    const documented = new Set<string>();
    for (const [path, methods] of Object.entries(doc.paths as Record<string, Record<string, unknown>>)) {
      for (const method of Object.keys(methods)) documented.add(`${method.toUpperCase()} ${path}`);
    }
    const mounted = new Set(mountedRoutes(lender.app).map((r) => `${r.method} ${toOpenApiPath(r.path)}`));
    expect(mounted.size).to.be.greaterThan(30);
    expect([...mounted].filter((r) => !documented.has(r)), "mounted but not in the OpenAPI document").to.deep.equal([]);
    expect([...documented].filter((r) => !mounted.has(r)), "documented but not mounted").to.deep.equal([]);
  });

  it("rate limits the public endpoint per client address (429), with bounded memory", async () => {
    let limited = 0;
    for (let i = 0; i < 40; i++) if ((await P.get(`/v1/public/authorizations/${"B".repeat(43)}`)).status === 429) limited++;
    expect(limited).to.be.greaterThan(0);
    const limiter = new RateLimiter({ burst: 2, perSecond: 1, maxClients: 100, clock: () => 0 });
    expect([limiter.take("x"), limiter.take("x"), limiter.take("x")]).to.deep.equal([true, true, false]);
    for (let i = 0; i < 1_000; i++) limiter.take(`10.0.${i >> 8}.${i & 255}`);
    expect(limiter.size).to.equal(100);
  });
});
