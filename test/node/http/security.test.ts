import { createHash } from "node:crypto";
import { request as httpRequest } from "node:http";
import { expect } from "chai";
import { JsonRpcProvider, NonceManager, Wallet } from "ethers";
import { ANVIL_DEV_KEY } from "../../../node/chain/anvil.js";
import { connectContracts } from "../../../node/chain/contracts.js";
import { MAX_HEADER_BYTES, startGateway, type Gateway } from "../../../node/gateway.js";
import { DEFAULT_TOKEN_TTL_DAYS } from "../../../node/services/staff-tokens.js";
import { apiClient } from "../../support/api-client.js";
import { ROLE, startConsortium, type TestConsortium } from "../../support/consortium.js";

/** A request from a chosen loopback address, with raw headers (fetch refuses some of what these tests send). */
function raw(url: string, options: { method?: string; path: string; headers?: Record<string, string>; body?: string; localAddress?: string }) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>((resolve, reject) => {
    const req = httpRequest(`${url}${options.path}`, { method: options.method ?? "GET", headers: options.headers, localAddress: options.localAddress }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end(options.body);
  });
}

/**
 * The hardening around access control, against real gateways on anvil with their default limits: the staff-token
 * admin API, a suspension taking effect while the gateway runs, body/header/upload size limits, security headers,
 * no token in any log line or error, and rate limits on the public paths and on failed tokens.
 */
describe("http: staff tokens, suspension, size limits, headers, secrets in logs, rate limits", function () {
  this.timeout(120_000);
  let consortium: TestConsortium;
  let lender: Gateway;
  let agency: Gateway;
  let adminToken: string;
  const lenderLog: string[] = [];
  let operator: Awaited<ReturnType<typeof connectContracts>>;
  let provider: JsonRpcProvider;

  before(async () => {
    consortium = await startConsortium([
      { name: "lender", roles: ROLE.LENDER },
      { name: "agency", roles: ROLE.AGENCY },
    ]);
    provider = new JsonRpcProvider(consortium.anvil.rpcUrl, undefined, { staticNetwork: true });
    operator = await connectContracts(consortium.deployment, new NonceManager(new Wallet(ANVIL_DEV_KEY, provider)));
    lender = await startGateway(consortium.member("lender").config, { log: (e) => lenderLog.push(JSON.stringify(e)) });
    agency = await startGateway(consortium.member("agency").config, { log: () => {} });
    adminToken = (await lender.tokens.create("admin", "first admin")).token;
  });
  after(async () => {
    provider?.destroy();
    await Promise.all([lender?.close(), agency?.close()]);
    await consortium?.stop();
  });

  it("issues, lists and revokes staff tokens through the admin API; a revoked token is refused at once", async () => {
    const admin = apiClient(lender.url, adminToken);
    const issued = await admin.post("/v1/staff-tokens", { role: "lender", name: "张经理" });
    expect(issued.status).to.equal(201);
    expect(issued.body.token).to.match(/^clt_[1-9][0-9]*_[A-Za-z0-9_-]{43}$/);
    expect(issued.headers.get("location")).to.equal(`/v1/staff-tokens/${issued.body.record.id}`);
    const days = (Date.parse(issued.body.record.expiresAt) - Date.parse(issued.body.record.createdAt)) / 86_400_000;
    // Whole milliseconds (hardhat's chai matchers take closeTo for integers only).
    expect(Math.round(days * 86_400_000)).to.be.closeTo(DEFAULT_TOKEN_TTL_DAYS * 86_400_000, 100);
    const staff = apiClient(lender.url, issued.body.token);
    expect((await staff.get("/v1/me")).body).to.include({ role: "lender", staffName: "张经理", tokenId: issued.body.record.id });

    const list = await admin.get("/v1/staff-tokens");
    expect(list.body.tokens.map((t: { id: string }) => t.id)).to.include(issued.body.record.id);
    const listed = JSON.stringify(list.body);
    expect(listed).not.to.include(issued.body.token);
    expect(listed).not.to.include(createHash("sha256").update(issued.body.token).digest("hex"));
    expect((await staff.get("/v1/staff-tokens")).status).to.equal(403);

    const short = await admin.post("/v1/staff-tokens", { role: "lender", name: "temp", ttlDays: 1 });
    expect(Date.parse(short.body.record.expiresAt) - Date.now()).to.be.closeTo(86_400_000, 60_000);
    const bad = await admin.post("/v1/staff-tokens", { role: "agency", name: "", ttlDays: 400 });
    expect(bad.status).to.equal(400);
    // This member is a lender only: no agency tokens at its gateway.
    expect(bad.body.error.details).to.deep.equal([
      { field: "role", code: "ROLE_NOT_HELD" },
      { field: "name", code: "NAME_INVALID" },
      { field: "ttlDays", code: "TTL_INVALID" },
    ]);

    expect((await admin.del(`/v1/staff-tokens/${issued.body.record.id}`)).status).to.equal(204);
    expect((await staff.get("/v1/me")).status).to.equal(401);
    expect((await admin.del(`/v1/staff-tokens/${issued.body.record.id}`)).status).to.equal(404);
    const after = (await admin.get("/v1/staff-tokens")).body.tokens.find((t: { id: string }) => t.id === issued.body.record.id);
    expect(after.revokedAt).to.be.a("string");
    // Issue and revoke are in the audit log, by the admin's token id, without the secret.
    const audit = (await admin.get("/v1/audit")).body.entries as Array<{ action: string; actor: { tokenId: string }; ref?: Record<string, string> }>;
    const adminId = (await lender.tokens.verify(adminToken))!.tokenId;
    expect(audit.filter((e) => e.actor.tokenId === adminId).map((e) => e.action)).to.include.members(["POST /v1/staff-tokens", "DELETE /v1/staff-tokens/:id"]);
    expect(audit.find((e) => e.action === "DELETE /v1/staff-tokens/:id")!.ref).to.deep.equal({ id: issued.body.record.id });
    expect(JSON.stringify(audit)).not.to.include(issued.body.token);
  });

  it("refuses a member's staff once MemberRegistry suspends the member, and serves them again when reinstated", async () => {
    const staff = apiClient(agency.url, (await agency.tokens.create("agency", "a")).token);
    const caseKey = `0x${"12".repeat(32)}`;
    expect((await staff.get(`/v1/ownership?caseKey=${caseKey}`)).status).to.equal(200);
    await (await operator.memberRegistry.suspend(2)).wait();
    expect(await agency.memberStatus.refresh()).to.equal("suspended");
    const refused = await staff.get(`/v1/ownership?caseKey=${caseKey}`);
    expect(refused.status).to.equal(403);
    expect(refused.body.error).to.deep.include({ code: "MEMBER_SUSPENDED", details: { status: "suspended" } });
    expect((await staff.get("/v1/me")).status).to.equal(200);
    await (await operator.memberRegistry.reinstate(2)).wait();
    await agency.memberStatus.refresh();
    expect((await staff.get(`/v1/ownership?caseKey=${caseKey}`)).status).to.equal(200);
  });

  it("limits bodies (413), headers (431) and uploads (413), and answers within them", async () => {
    const L = apiClient(lender.url, (await lender.tokens.create("lender", "l")).token);
    const big = await L.post("/v1/cases/actions", { action: "recall", caseKeys: ["x".repeat(1_100_000)] });
    expect(big.status).to.equal(413);
    expect(big.body.error.code).to.equal("PAYLOAD_TOO_LARGE");
    const limit = consortium.member("lender").config.http.uploadLimitBytes;
    const csv = `合同编号,姓名,身份证号,手机号,本金,欠款余额,逾期天数\n${"9".repeat(limit)}`;
    const upload = await L.upload("big.csv", csv);
    expect(upload.status).to.equal(413);
    expect(upload.body.error.details).to.deep.equal({ maxBytes: limit });
    // Without a Content-Length (chunked), the stream is cut at the limit all the same.
    const chunked = await fetch(`${lender.url}/v1/case-lists?name=big.csv`, {
      method: "POST",
      headers: { authorization: `Bearer ${(await lender.tokens.create("lender", "c")).token}`, "content-type": "text/csv" },
      body: new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode(csv));
          controller.close();
        },
      }),
      duplex: "half",
    });
    expect(chunked.status).to.equal(413);
    const huge = await raw(lender.url, { path: "/v1/health", headers: { "x-padding": "p".repeat(MAX_HEADER_BYTES + 1) } });
    expect(huge.status).to.equal(431);
    const fine = await raw(lender.url, { path: "/v1/health", headers: { "x-padding": "p".repeat(MAX_HEADER_BYTES / 2) } });
    expect(fine.status).to.equal(200);
  });

  it("sets security headers on every answer: JSON, errors and pages", async () => {
    for (const [path, status] of [["/v1/health", 200], ["/v1/me", 401], ["/v1/nope", 401], ["/nope", 404], ["/", 200]] as const) {
      const res = await fetch(`${lender.url}${path}`);
      expect(res.status, path).to.equal(status);
      const h = res.headers;
      expect(h.get("x-content-type-options"), path).to.equal("nosniff");
      expect(h.get("x-frame-options"), path).to.equal("DENY");
      expect(h.get("referrer-policy"), path).to.equal("no-referrer");
      expect(h.get("cross-origin-opener-policy"), path).to.equal("same-origin");
      expect(h.get("content-security-policy"), path).to.match(/frame-ancestors 'none'/);
      expect(h.get("x-powered-by"), path).to.equal(null);
      if (path.startsWith("/v1")) expect(h.get("cache-control"), path).to.equal("no-store");
    }
  });

  it("never writes a token into a log line, an error or the audit log", async () => {
    const admin = apiClient(lender.url, adminToken);
    const { token, record } = (await admin.post("/v1/staff-tokens", { role: "lender", name: "log test" })).body;
    const digest = createHash("sha256").update(token).digest("hex");
    const secretPart = token.slice(4);
    const answers: string[] = [];
    const keep = async (res: Response) => answers.push(`${res.status} ${[...res.headers].join(" ")} ${await res.text()}`);
    await keep(await fetch(`${lender.url}/v1/me`, { headers: { authorization: `Bearer ${token}` } }));
    await keep(await fetch(`${lender.url}/v1/case-lists?token=${token}`, { headers: { authorization: `Bearer ${token}` } }));
    await keep(await fetch(`${lender.url}/v1/me?access_token=${token}`));
    await keep(await fetch(`${lender.url}/v1/${token}`, { headers: { authorization: `Bearer ${token}` } }));
    await keep(await fetch(`${lender.url}/${token}`));
    await keep(await fetch(`${lender.url}/v1/public/authorizations/${secretPart}`));
    await keep(await fetch(`${lender.url}/v1/me`, { headers: { authorization: `Bearer ${token}x` } }));
    await keep(await fetch(`${lender.url}/v1/me`, { headers: { authorization: `Basic ${token}` } }));
    await keep(await fetch(`${lender.url}/v1/case-lists`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: `{"x":"${token}"` }));
    expect((await admin.del(`/v1/staff-tokens/${record.id}`)).status).to.equal(204);
    await keep(await fetch(`${lender.url}/v1/me`, { headers: { authorization: `Bearer ${token}` } }));
    const audit = JSON.stringify((await admin.get("/v1/audit?limit=1000")).body);
    const logs = lenderLog.join("\n");
    expect(logs).to.include('"path":"/v1/:x"'); // the token in the URL was logged as a placeholder
    expect(answers.join("\n")).to.include("no such endpoint: GET /v1/:x");
    for (const [where, text] of [["logs", logs], ["audit", audit], ["answers", answers.join("\n")]] as const) {
      expect(text, where).not.to.include(secretPart);
      expect(text, where).not.to.include(digest);
    }
  });

  it("rate limits the public check and its page per address: 429 with Retry-After", async () => {
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 32; i++) {
      const res = await fetch(`${agency.url}${i % 2 ? "/a/" : "/v1/public/authorizations/"}${"C".repeat(43)}`);
      statuses.push(res.status);
      if (res.status === 429) retryAfter = res.headers.get("retry-after");
    }
    // The page and the check share one bucket: 30 at once (the check's answer for an unknown token is 404).
    expect(statuses.slice(0, 30).every((s) => s !== 429)).to.equal(true);
    expect(statuses.slice(30)).to.deep.equal([429, 429]);
    expect(Number(retryAfter)).to.be.within(1, 2);
    // Another client address has its own bucket.
    expect((await raw(agency.url, { path: `/a/${"C".repeat(43)}`, localAddress: "127.0.0.2" })).status).to.equal(200);
  });

  it("rate limits failed tokens per address: after 20, that address gets 429 even with a good token; others do not", async () => {
    const good = (await lender.tokens.create("lender", "good")).token;
    // From an address of its own (loopback has many), so that the other tests' refused tokens do not count.
    const from = "127.0.0.3";
    const me = (authorization?: string, localAddress = from) => raw(lender.url, { path: "/v1/me", headers: authorization ? { authorization } : {}, localAddress });
    const statuses: number[] = [];
    for (let i = 0; i < 19; i++) statuses.push((await me(`Bearer clt_guess${i}`)).status);
    // No token at all guesses nothing and does not count.
    statuses.push((await me()).status);
    statuses.push((await me("Bearer clt_guess19")).status);
    expect(statuses).to.deep.equal(Array(21).fill(401));
    const blocked = await me(`Bearer ${good}`);
    expect(blocked.status).to.equal(429);
    expect(JSON.parse(blocked.body).error.code).to.equal("RATE_LIMITED");
    expect(Number(blocked.headers["retry-after"])).to.be.within(1, 5);
    expect((await me(`Bearer ${good}`, "127.0.0.4")).status).to.equal(200);
  });
});
