import { expect } from "chai";
import { startGateway, type Gateway } from "../../../node/gateway.js";
import { ROLE, startConsortium, type TestConsortium } from "../../support/consortium.js";
import { syntheticId18 } from "../domain/identity/synthetic-ids.js";

const ID = syntheticId18("19860204", "778", "440106");
const CSV = [
  "合同编号,姓名,身份证号,手机号,本金,欠款余额,逾期天数",
  `H-1,测试甲,${ID},13800138000,100,100,1`,
  `H-2,测试乙,${ID.slice(0, 17)}${ID.endsWith("5") ? "6" : "5"},,1,1,1`,
  `H-3,=测试丙,${ID},,1,1,1`,
].join("\n");

/** The case-list API over real HTTP, on a gateway with real LevelDB, against a real anvil. */
describe("node/http: /v1/case-lists", function () {
  this.timeout(120_000);
  let consortium: TestConsortium;
  let gateway: Gateway;
  let lenderToken: string;
  let agencyToken: string;
  const logs: Array<Record<string, unknown>> = [];

  before(async () => {
    consortium = await startConsortium([{ name: "lender", roles: ROLE.LENDER }]);
    gateway = await startGateway(consortium.member("lender").config, { log: (e) => logs.push(e) });
    lenderToken = (await gateway.tokens.create("lender", "clerk")).token;
    agencyToken = (await gateway.tokens.create("agency", "wrong role")).token;
  });
  after(async () => {
    await gateway?.close();
    await consortium?.stop();
  });

  // Response bodies are checked field by field below; `any` keeps the assertions readable.
  const call = (path: string, init: RequestInit & { token?: string } = {}): Promise<Omit<Response, "json"> & { json(): Promise<any> }> =>
    fetch(`${gateway.url}${path}`, {
      ...init,
      headers: { ...(init.token ? { authorization: `Bearer ${init.token}` } : {}), ...(init.headers as Record<string, string>) },
    });
  const upload = (body: string | Uint8Array, token = lenderToken, type = "text/csv") =>
    call("/v1/case-lists?name=list.csv", { method: "POST", body, token, headers: { "content-type": type } });

  it("uploads a list (201) and serves its summary and the validation report", async () => {
    const res = await upload(CSV);
    expect(res.status).to.equal(201);
    const summary = await res.json();
    expect(summary).to.deep.include({ file: "list.csv", state: "ready", encoding: "utf-8" });
    expect(summary.totals).to.deep.equal({ rows: 3, accepted: 2, duplicate: 0, rejected: 1, debtors: 1, updates: 0 });
    expect(res.headers.get("location")).to.equal(`/v1/case-lists/${summary.id}`);

    const report = await (await call(`/v1/case-lists/${summary.id}/report`, { token: lenderToken })).json();
    expect(report.rows.map((r: { line: number; status: string }) => [r.line, r.status])).to.deep.equal([
      [2, "accepted"],
      [3, "rejected"],
      [4, "accepted"],
    ]);
    const rejectedOnly = await (await call(`/v1/case-lists/${summary.id}/report?status=rejected`, { token: lenderToken })).json();
    expect(rejectedOnly.rows).to.have.length(1);
    expect(rejectedOnly.rows[0].errors[0]).to.include({ field: "id_number", code: "ID_CHECK_DIGIT" });
    const paged = await (await call(`/v1/case-lists/${summary.id}/report?limit=1`, { token: lenderToken })).json();
    expect(paged.next).to.equal(2);
    const rest = await (await call(`/v1/case-lists/${summary.id}/report?after=2`, { token: lenderToken })).json();
    expect(rest.rows.map((r: { line: number }) => r.line)).to.deep.equal([3, 4]);
    expect(JSON.stringify(report)).to.not.include(ID);

    const listing = await (await call("/v1/case-lists", { token: lenderToken })).json();
    expect(listing.lists.map((l: { id: string }) => l.id)).to.include(summary.id);
  });

  it("downloads rejected rows as CSV with formulas neutralized", async () => {
    const summary = await (await upload(`${CSV}\n=HYPERLINK("x"),测试丁,bad,,1,1,1`)).json();
    const res = await call(`/v1/case-lists/${summary.id}/rejected.csv`, { token: lenderToken });
    expect(res.status).to.equal(200);
    expect(res.headers.get("content-type")).to.match(/^text\/csv/);
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).to.deep.equal([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes.slice(3));
    expect(text.startsWith("line,loan_ref,status,field,code,message\r\n")).to.equal(true);
    expect(text).to.include("ID_CHECK_DIGIT");
    expect(text).to.include(`"'=HYPERLINK(""x"")"`);
    expect(text).to.not.match(/^=|,=/m);
  });

  it("answers 401 without a valid token and 403 for the wrong role, in the error shape", async () => {
    for (const token of [undefined, "clt_nope", "Basic abc"]) {
      const res = await call("/v1/case-lists", { token });
      expect(res.status).to.equal(401);
      expect((await res.json()).error.code).to.equal("UNAUTHENTICATED");
    }
    const res = await call("/v1/case-lists", { token: agencyToken });
    expect(res.status).to.equal(403);
    expect((await res.json()).error).to.include({ code: "FORBIDDEN" });
  });

  it("refuses what is not a CSV upload: 415 wrong type, 400 not CSV, 413 too large, 404 unknown list", async () => {
    expect((await upload("{}", lenderToken, "application/json")).status).to.equal(415);
    const png = await upload(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]));
    expect(png.status).to.equal(400);
    expect((await png.json()).error.code).to.equal("FILE_NOT_CSV");
    const big = await upload(`${CSV}\n${"X".repeat(3 * 1024 * 1024)}`);
    expect(big.status).to.equal(413);
    expect((await call("/v1/case-lists/Lnope/report", { token: lenderToken })).status).to.equal(404);
    expect((await call("/v1/nothing-here", { token: lenderToken })).status).to.equal(404);
  });

  it("reports health, and 503 while the chain node is down", async () => {
    const ok = await call("/v1/health");
    expect(ok.status).to.equal(200);
    expect((await ok.json()).chain.reachable).to.equal(true);
    await consortium.anvil.stop();
    const down = await call("/v1/health");
    expect(down.status).to.equal(503);
    expect((await down.json()).chain.reachable).to.equal(false);
    await consortium.restartChain();
  });

  it("logs requests without query strings, bodies or personal data", () => {
    const text = JSON.stringify(logs);
    expect(logs.some((e) => e.msg === "request")).to.equal(true);
    // A refusal thrown inside a router is logged under the route it matched, not under the router's mount point.
    const notFound = logs.filter((e) => e.msg === "request" && e.status === 404 && e.method === "GET");
    expect(notFound.map((e) => e.path)).to.include("/v1/case-lists/:id/report");
    expect(text).to.not.include("Lnope");
    expect(text).to.not.include(ID);
    expect(text).to.not.include("13800138000");
    expect(text).to.not.include("name=list.csv");
  });
});
