import { type Server, createServer, request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { expect } from "chai";
import { JsonRpcProvider, NonceManager, Wallet, keccak256, toUtf8Bytes } from "ethers";
import { ANVIL_DEV_KEY } from "../../../node/chain/anvil.js";
import { connectContracts } from "../../../node/chain/contracts.js";
import { startGateway, type Gateway } from "../../../node/gateway.js";
import { ownershipFastPath } from "../../../node/http/ownership-fast-path.js";
import { debtorKey } from "../../../node/domain/pseudonyms.js";
import { syntheticId18 } from "../domain/identity/synthetic-ids.js";
import { eventually } from "../../support/api-client.js";
import { ROLE, startConsortium, type TestConsortium } from "../../support/consortium.js";

/** Synthetic keys; bytes 1–4 name member 1, the lender, which alone may register them as cases. */
const key = (label: string, i: number) => `0x0100000001${keccak256(toUtf8Bytes(`caseledger/test/ownership/${label}/${i}`)).slice(12)}`;

/**
 * `GET /v1/ownership?caseKey=…` has a fast path beside express (ownership-fast-path.ts). Every request here is
 * sent to both — the fast path in front of the gateway's express app, and the express app alone — and must get
 * the same status, headers, body and access-log line; the fast path must answer the good requests itself and
 * hand every other one to express.
 */
describe("node/http: the ownership check's fast path answers as express does", function () {
  this.timeout(120_000);
  let consortium: TestConsortium;
  let gateway: Gateway;
  const servers: Server[] = [];
  const logs: Record<string, unknown>[] = [];
  const handedOn: string[] = [];
  let fastUrl: string;
  let expressUrl: string;
  const tokens: Record<string, string> = {};
  const cases = { mine: key("case", 0), mineToo: key("case", 1), recalled: key("case", 2), other: key("case", 3), unknown: key("case", 4) };

  const listen = async (server: Server) => {
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };

  before(async () => {
    consortium = await startConsortium([
      { name: "lender", roles: ROLE.LENDER },
      { name: "agency", roles: ROLE.AGENCY },
      { name: "agency2", roles: ROLE.AGENCY },
    ]);
    // On chain: two cases assigned to this agency, one recalled, one assigned to the other agency.
    const provider = new JsonRpcProvider(consortium.anvil.rpcUrl, undefined, { staticNetwork: true });
    const lender = consortium.member("lender");
    const { caseRegistry } = await connectContracts(consortium.deployment, new NonceManager(lender.wallet.connect(provider)));
    const until = Math.floor(Date.now() / 1000) + 30 * 86_400;
    const mine = [cases.mine, cases.mineToo, cases.recalled];
    await (await caseRegistry.registerAndAssign(2, until, mine, mine.map((_, i) => key("debtor", i)))).wait();
    await (await caseRegistry.registerAndAssign(3, until, [cases.other], [key("debtor", 3)])).wait();
    await (await caseRegistry.recall([cases.recalled])).wait();
    provider.destroy();

    const config = consortium.member("agency").config;
    gateway = await startGateway({ ...config, rateLimits: { ...config.rateLimits, ownershipByIdBurst: 5, ownershipByIdPerMinute: 1 } }, { log: (event) => logs.push(event) });
    for (const role of ["agency", "admin", "lender"] as const) tokens[role] = (await gateway.tokens.create(role, role)).token;
    const fast = ownershipFastPath({ tokens: gateway.tokens, service: gateway.ownership, log: (event) => logs.push(event) });
    fastUrl = await listen(
      createServer((req, res) =>
        fast(req, res, () => {
          handedOn.push(`${req.method} ${req.url}`);
          gateway.app(req, res);
        }),
      ),
    );
    expressUrl = await listen(createServer(gateway.app));
    await eventually(async () => ((await gateway.indexer.caseOf(cases.recalled))?.status === "Recalled" ? true : undefined), 20_000, "the index");
  });
  after(async () => {
    for (const server of servers) await new Promise((resolve) => server.close(resolve));
    await gateway?.close();
    await consortium?.stop();
  });

  const HEADERS = [
    "content-type",
    "content-length",
    "x-content-type-options",
    "x-frame-options",
    "referrer-policy",
    "cache-control",
    "content-security-policy",
    "cross-origin-opener-policy",
    "cross-origin-resource-policy",
    "permissions-policy",
    "etag",
    "x-powered-by",
  ];
  const send = async (base: string, method: string, path: string, token?: string) => {
    const before = logs.length;
    const res = await fetch(`${base}${path}`, { method, headers: token ? { authorization: `Bearer ${token}` } : {} });
    const text = await res.text();
    const body = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
    if (body) delete body.checkedAt; // the time of the check
    await new Promise((resolve) => setImmediate(resolve)); // express logs on "finish"
    const log = logs.slice(before).find((event) => event.msg === "request");
    return {
      status: res.status,
      headers: Object.fromEntries(HEADERS.map((name) => [name, res.headers.get(name)])),
      body,
      log: log && { method: log.method, path: log.path, status: log.status, staff: log.staff, ms: typeof log.ms },
    };
  };

  const requests: [string, string, keyof typeof tokens | undefined][] = [
    ["GET", `/v1/ownership?caseKey=${cases.mine}`, "agency"],
    ["GET", `/v1/ownership?caseKey=${cases.mineToo.toUpperCase().replace("0X", "0x")}`, "agency"],
    ["GET", `/v1/ownership?caseKey=${cases.recalled}`, "agency"],
    ["GET", `/v1/ownership?caseKey=${cases.other}`, "agency"],
    ["GET", `/v1/ownership?caseKey=${cases.unknown}`, "agency"],
    ["GET", `/v1/ownership?caseKey=${cases.mine}`, "admin"],
  ];
  const others: [string, string, keyof typeof tokens | undefined][] = [
    ["GET", `/v1/ownership?caseKey=${cases.mine}`, undefined],
    ["GET", `/v1/ownership?caseKey=${cases.mine}`, "lender"],
    ["GET", `/v1/ownership?caseKey=${cases.mine}`, "revoked"],
    ["GET", `/v1/ownership?caseKey=${cases.mine.slice(0, 40)}`, "agency"],
    ["GET", `/v1/ownership?caseKey=${cases.mine}&caseKey=${cases.other}`, "agency"],
    ["GET", `/v1/ownership?caseKey=${cases.mine}&extra=1`, "agency"],
    ["GET", `/v1/ownership/?caseKey=${cases.mine}`, "agency"],
    ["HEAD", `/v1/ownership?caseKey=${cases.mine}`, "agency"],
    ["GET", `/v1/ownership?creditorId=1&loanRef=NOPE`, "agency"],
  ];

  it("gives the same answers, headers and log lines as the express route, and answers the good requests itself", async () => {
    tokens.revoked = (await gateway.tokens.create("agency", "to revoke")).token;
    const revokedId = (await gateway.tokens.list()).find((t) => t.name === "to revoke")?.id as string;
    await gateway.tokens.revoke(revokedId);
    for (const [method, path, role] of [...requests, ...others]) {
      const token = role && tokens[role];
      const fast = await send(fastUrl, method, path, token);
      const slow = await send(expressUrl, method, path, token);
      expect(fast, `${method} ${path} as ${role}`).to.deep.equal(slow);
    }
    expect(handedOn).to.deep.equal(others.map(([method, path]) => `${method} ${path}`));
  });

  it("answers yes, no and why from the chain index", async () => {
    const ask = async (caseKey: string) => (await send(fastUrl, "GET", `/v1/ownership?caseKey=${caseKey}`, tokens.agency)).body;
    expect(await ask(cases.mine)).to.include({ authorized: true, status: "Assigned", agencyId: 2 });
    expect(await ask(cases.recalled)).to.include({ authorized: false, status: "Recalled" });
    expect(await ask(cases.other)).to.include({ authorized: false, agencyId: null });
    expect(await ask(cases.unknown)).to.include({ authorized: false, status: "None" });
    const fast = await send(fastUrl, "GET", `/v1/ownership?caseKey=${cases.mine}`, tokens.agency);
    expect(fast.log).to.deep.equal({ method: "GET", path: "/v1/ownership", status: 200, staff: fast.log?.staff, ms: "number" });
    expect(fast.headers["content-type"]).to.equal("application/json; charset=utf-8");
  });

  /** Two debtors: one whose only case is with the other agency, one with a case here and a case there. */
  const debtors = { theirs: syntheticId18("19800101", "123", "110101"), both: syntheticId18("19790202", "456", "110101") };
  const post = async (token: string, idNumber: string) => {
    const res = await fetch(`${gateway.url}/v1/ownership`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ idNumber }),
    });
    return { status: res.status, retryAfter: res.headers.get("retry-after"), text: await res.text() };
  };

  it("tells an agency about its own cases only: nothing of a debtor's cases with other agencies", async () => {
    const provider = new JsonRpcProvider(consortium.anvil.rpcUrl, undefined, { staticNetwork: true });
    const { caseRegistry } = await connectContracts(consortium.deployment, new NonceManager(consortium.member("lender").wallet.connect(provider)));
    const until = Math.floor(Date.now() / 1000) + 30 * 86_400;
    const [theirs, both] = [debtorKey(gateway.pepper!, debtors.theirs), debtorKey(gateway.pepper!, debtors.both)];
    await (await caseRegistry.registerAndAssign(3, until, [key("debtor-case", 0), key("debtor-case", 1)], [theirs, both])).wait();
    await (await caseRegistry.registerAndAssign(2, until, [key("debtor-case", 2)], [both])).wait();
    provider.destroy();
    await eventually(async () => ((await gateway.indexer.caseOf(key("debtor-case", 2))) ? true : undefined), 20_000, "the index");
    const token = (await gateway.tokens.create("agency", "portfolio")).token;

    const nothing = await post(token, debtors.theirs);
    expect(nothing.status).to.equal(200);
    expect(JSON.parse(nothing.text)).to.deep.equal({ debtorKey: theirs, cases: [] });
    const mine = JSON.parse((await post(token, debtors.both)).text) as { cases: { caseKey: string; authorized: boolean; agencyId: number }[] };
    expect(mine.cases.map((c) => [c.caseKey, c.authorized, c.agencyId])).to.deep.equal([[key("debtor-case", 2), true, 2]]);
    expect(JSON.stringify(mine)).not.to.include(key("debtor-case", 1).slice(2));
    // By case key, another agency's case answers exactly as a case that does not exist: no creditor, status or proof.
    const ask = async (caseKey: string) => (await send(fastUrl, "GET", `/v1/ownership?caseKey=${caseKey}`, token)).body;
    const other = await ask(key("debtor-case", 0));
    const none = await ask(cases.unknown);
    expect({ ...other, caseKey: undefined }).to.deep.equal({ ...none, caseKey: undefined });
    expect(other).to.include({ authorized: false, creditorId: null, status: "None" });
    expect(other?.proof).to.include({ txHash: null, block: null });
  });

  it("writes each lookup to the audit log: the debtor key and the answer, never the ID number", async () => {
    const token = (await gateway.tokens.create("agency", "audited")).token;
    const tokenId = (await gateway.tokens.list()).find((t) => t.name === "audited")?.id;
    const since = gateway.audit.head.seq;
    expect((await post(token, debtors.both)).status).to.equal(200);
    expect((await post(token, debtors.theirs)).status).to.equal(200);
    expect((await send(gateway.url, "GET", `/v1/ownership?caseKey=${key("debtor-case", 2)}`, token)).status).to.equal(200);
    const entries = await eventually(async () => {
      const page = (await gateway.audit.page({ after: since })).entries.filter((e) => "tokenId" in e.actor && e.actor.tokenId === tokenId);
      return page.length === 3 ? page : undefined;
    }, 5_000, "the audit entries");
    expect(entries.map((e) => [e.action, e.status, e.ref])).to.deep.equal([
      ["POST /v1/ownership", 200, { debtorKey: debtorKey(gateway.pepper!, debtors.both), answer: "authorized" }],
      ["POST /v1/ownership", 200, { debtorKey: debtorKey(gateway.pepper!, debtors.theirs), answer: "not-authorized" }],
      ["GET /v1/ownership", 200, { answer: "authorized" }],
    ]);
    expect(entries[0]?.caseKeys).to.deep.equal([key("debtor-case", 2)]);
    expect(entries[2]?.caseKeys).to.deep.equal([key("debtor-case", 2)]);
    const text = JSON.stringify(entries);
    for (const id of Object.values(debtors)) expect(text).not.to.include(id);
  });

  it("holds each token to its rate of lookups by ID number: 429 with Retry-After after the burst, other tokens unaffected", async () => {
    const token = (await gateway.tokens.create("agency", "enumerator")).token;
    const tokenId = (await gateway.tokens.list()).find((t) => t.name === "enumerator")?.id;
    const since = gateway.audit.head.seq;
    for (let i = 0; i < 5; i++) expect((await post(token, debtors.theirs)).status).to.equal(200);
    const limited = await post(token, debtors.theirs);
    expect(limited.status).to.equal(429);
    expect(Number(limited.retryAfter)).to.be.greaterThan(0);
    expect((JSON.parse(limited.text) as { error: { code: string } }).error.code).to.equal("RATE_LIMITED");
    // The refused lookup is on record too: six from this token, the last one 429.
    const statuses = await eventually(async () => {
      const mine = (await gateway.audit.page({ after: since })).entries.filter((e) => "tokenId" in e.actor && e.actor.tokenId === tokenId);
      return mine.length === 6 ? mine.map((e) => e.status) : undefined;
    }, 5_000, "the audit entries");
    expect(statuses).to.deep.equal([200, 200, 200, 200, 200, 429]);
    const fresh = (await gateway.tokens.create("agency", "another desk")).token;
    expect((await post(fresh, debtors.theirs)).status).to.equal(200);
  });

  /** A GET to the real gateway (its fast path in front of express) from a loopback address of the test's choosing. */
  const from = (localAddress: string, path: string, token: string) =>
    new Promise<{ status: number; retryAfter: string | undefined; body: Record<string, unknown> }>((resolve, reject) => {
      const req = httpRequest(`${gateway.url}${path}`, { headers: { authorization: `Bearer ${token}` }, localAddress }, (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (text += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers["retry-after"], body: JSON.parse(text) }));
      });
      req.on("error", reject);
      req.end();
    });

  it("never answers before express would refuse: an address out of failed-token attempts gets 429, good token or not", async () => {
    const path = `/v1/ownership?caseKey=${cases.mine}`;
    expect((await from("127.0.0.5", path, tokens.agency!)).status).to.equal(200);
    for (let i = 0; i < 25; i++) await from("127.0.0.5", path, `clt_guess${i}`);
    const blocked = await from("127.0.0.5", path, tokens.agency!);
    expect(blocked.status).to.equal(429);
    expect(Number(blocked.retryAfter)).to.be.greaterThan(0);
    expect((blocked.body.error as { code: string }).code).to.equal("RATE_LIMITED");
    // Another address is not held back by this one's guesses.
    expect((await from("127.0.0.6", path, tokens.agency!)).status).to.equal(200);
  });

  it("answers no within seconds of the agency's suspension, to checks arriving together too", async () => {
    const provider = new JsonRpcProvider(consortium.anvil.rpcUrl, undefined, { staticNetwork: true });
    const { memberRegistry } = await connectContracts(consortium.deployment, new Wallet(ANVIL_DEV_KEY, provider));
    await (await memberRegistry.suspend(2)).wait();
    provider.destroy();
    const path = `/v1/ownership?caseKey=${cases.mine}`;
    const answer = await eventually(async () => {
      const burst = await Promise.all(Array.from({ length: 20 }, () => send(fastUrl, "GET", path, tokens.agency)));
      return burst.every((r) => r.body?.authorized === false) ? burst[0]?.body : undefined;
    }, 20_000, "the suspension");
    expect(answer).to.include({ authorized: false, status: "Assigned" });
    expect(answer?.reason).to.match(/suspended/);
    // The gateway itself, once it has seen the suspension, refuses the member's staff outright — on the fast path too.
    const refused = await eventually(async () => {
      const res = await from("127.0.0.7", path, tokens.agency!);
      return res.status === 403 ? res : undefined;
    }, 30_000, "the gateway's member status");
    expect((refused.body.error as { code: string }).code).to.equal("MEMBER_SUSPENDED");
  });
});
