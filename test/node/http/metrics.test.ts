import { expect } from "chai";
import { startGateway, type Gateway } from "../../../node/gateway.js";
import { ROLE, startConsortium, type TestConsortium } from "../../support/consortium.js";
import { syntheticId18 } from "../domain/identity/synthetic-ids.js";

const ID = syntheticId18("19900101", "123", "110105");
const CASE_KEY = `0x${"5c".repeat(32)}`;
const CSV = ["合同编号,姓名,身份证号,手机号,本金,欠款余额,逾期天数", `M-1,测试甲,${ID},13800138000,100,100,1`, `M-2,测试乙,bad-id,,1,1,1`].join("\n");
/** One sample line of the Prometheus text format: name, optional labels, value. */
const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*\})? (-?[0-9.e+-]+|NaN|Nan|\+Inf|-Inf)$/;

/** Parses the scrape: every line a comment or a well-formed sample; the samples by name (with labels). */
function parse(text: string): Array<{ name: string; labels: string; value: number }> {
  return text
    .split("\n")
    .filter((line) => line !== "" && !line.startsWith("#"))
    .map((line) => {
      const m = SAMPLE.exec(line);
      if (!m) throw new Error(`not a Prometheus sample: ${line.slice(0, 120)}`);
      return { name: m[1]!, labels: m[2] ?? "", value: Number(m[3]) };
    });
}

/** GET /metrics over real HTTP, on gateways with real LevelDB, against a real anvil. */
describe("node/http: /metrics", function () {
  this.timeout(120_000);
  let consortium: TestConsortium;
  let gateway: Gateway;
  let proxied: Gateway;

  before(async () => {
    consortium = await startConsortium([
      { name: "lender", roles: ROLE.LENDER },
      { name: "agency", roles: ROLE.AGENCY },
    ]);
    gateway = await startGateway(consortium.member("lender").config, { log: () => undefined });
    // Behind a proxy on loopback: whether a request is local is the proxy's word (X-Forwarded-For), not its address.
    proxied = await startGateway({ ...consortium.member("agency").config, http: { ...consortium.member("agency").config.http, trustProxy: ["127.0.0.1"] } }, { log: () => undefined });
  });
  after(async () => {
    await proxied?.close();
    await gateway?.close();
    await consortium?.stop();
  });

  const scrape = async (g: Gateway, headers: Record<string, string> = {}) => {
    const res = await fetch(`${g.url}/metrics`, { headers });
    return { status: res.status, type: res.headers.get("content-type") ?? "", text: await res.text() };
  };
  const value = (samples: ReturnType<typeof parse>, name: string, labels = "") => samples.find((s) => s.name === name && s.labels === labels)?.value;

  it("serves the Prometheus text format to a loopback client: the named metrics, labelled by route pattern only", async () => {
    const lender = (await gateway.tokens.create("lender", "clerk")).token;
    const auth = { authorization: `Bearer ${lender}` };
    // A case key and an ID number in paths, matched and unmatched: neither may become a label value.
    await fetch(`${gateway.url}/v1/cases/${CASE_KEY}`, { headers: auth });
    await fetch(`${gateway.url}/v1/case-lists/${ID}`, { headers: auth });
    await fetch(`${gateway.url}/v1/${ID}/${CASE_KEY}`, { headers: auth });
    await fetch(`${gateway.url}/${ID}`);

    const { status, type, text } = await scrape(gateway);
    expect(status).to.equal(200);
    expect(type).to.match(/^text\/plain; version=0\.0\.4/);
    const samples = parse(text);
    const names = new Set(samples.map((s) => s.name));
    for (const name of [
      "caseledger_http_request_duration_seconds_bucket",
      "caseledger_http_request_duration_seconds_count",
      "caseledger_ingest_rows_total",
      "caseledger_ingest_running",
      "caseledger_ingest_queued",
      "caseledger_outbox_pending_jobs",
      "caseledger_outbox_pending_items",
      "caseledger_anchor_lag_records",
      "caseledger_anchor_lag_seconds",
      "caseledger_chain_reachable",
      "caseledger_store_writable",
      "caseledger_process_cpu_user_seconds_total",
      "caseledger_nodejs_eventloop_lag_seconds",
    ]) {
      expect(names, name).to.include(name);
    }
    expect(value(samples, "caseledger_chain_reachable")).to.equal(1);
    expect(value(samples, "caseledger_store_writable")).to.equal(1);
    const routes = new Set(samples.filter((s) => s.name === "caseledger_http_request_duration_seconds_count").map((s) => /route="([^"]*)"/.exec(s.labels)?.[1]));
    expect([...routes]).to.include.members(["/v1/cases/:caseKey", "/v1/case-lists/:id", "(unmatched)"]);
    expect(text).to.not.include(ID);
    expect(text.toLowerCase()).to.not.include(CASE_KEY.slice(2));
  });

  it("counts an upload's rows and its list", async () => {
    const lender = (await gateway.tokens.create("lender", "clerk 2")).token;
    const before = parse((await scrape(gateway)).text);
    const res = await fetch(`${gateway.url}/v1/case-lists?name=m.csv`, { method: "POST", body: CSV, headers: { authorization: `Bearer ${lender}`, "content-type": "text/csv" } });
    expect(res.status).to.equal(201);
    const after = parse((await scrape(gateway)).text);
    expect(value(after, "caseledger_ingest_rows_total")).to.equal((value(before, "caseledger_ingest_rows_total") ?? 0) + 2);
    expect(value(after, "caseledger_ingest_lists_total", '{state="ready"}')).to.equal((value(before, "caseledger_ingest_lists_total", '{state="ready"}') ?? 0) + 1);
    const posts = (samples: ReturnType<typeof parse>) => value(samples, "caseledger_http_request_duration_seconds_count", '{method="POST",route="/v1/case-lists",status="2xx"}') ?? 0;
    expect(posts(after)).to.equal(posts(before) + 1);
  });

  it("refuses a non-admin token from a client that is not local, and believes only the proxy about who is", async () => {
    const agency = (await proxied.tokens.create("agency", "collector")).token;
    const admin = (await proxied.tokens.create("admin", "operator")).token;
    const remote = { "x-forwarded-for": "203.0.113.7" };
    const refused = await scrape(proxied, { ...remote, authorization: `Bearer ${agency}` });
    expect(refused.status).to.equal(403);
    expect(JSON.parse(refused.text).error.code).to.equal("FORBIDDEN");
    expect((await scrape(proxied, remote)).status).to.equal(403);
    // The proxy is on loopback but did not say the client is: not local.
    expect((await scrape(proxied)).status).to.equal(403);
    expect((await scrape(proxied, { ...remote, authorization: `Bearer ${admin}` })).status).to.equal(200);
    expect((await scrape(proxied, { "x-forwarded-for": "127.0.0.1" })).status).to.equal(200);
  });

  it("counts a failed token against its address, as /v1 does: guessing tokens here meets the same 429", async () => {
    const guesser = { "x-forwarded-for": "203.0.113.99", authorization: `Bearer clt_${"x".repeat(43)}` };
    const statuses: number[] = [];
    for (let i = 0; i <= proxied.config.rateLimits.authFailureBurst; i++) statuses.push((await scrape(proxied, guesser)).status);
    expect(statuses.slice(0, -1).every((s) => s === 403)).to.equal(true);
    expect(statuses.at(-1)).to.equal(429);
    // The address is blocked under /v1 too: one bucket per address, whichever route the guesses came by.
    const v1 = await fetch(`${proxied.url}/v1/me`, { headers: guesser });
    expect(v1.status).to.equal(429);
  });
});
