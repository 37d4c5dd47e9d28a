import { mkdtemp, rm } from "node:fs/promises";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { Router } from "express";
import { startGateway, type Gateway } from "../../../node/gateway.js";
import { createApp } from "../../../node/http/app.js";
import { RateLimiter } from "../../../node/http/rate-limit.js";
import { StaffTokens } from "../../../node/services/staff-tokens.js";
import { type GatewayDatabase, openDatabase } from "../../../node/store/database.js";
import { ROLE, startConsortium, type TestConsortium } from "../../support/consortium.js";

/**
 * Behind a reverse proxy every client arrives from the proxy's address. With `trustProxy` naming that proxy, the
 * failed-token limit counts the address it forwards for, so twenty bad tokens lock out that client and not every
 * staff member behind the proxy; without it, X-Forwarded-For is ignored (a client cannot choose its own bucket).
 */
describe("node/http/app: trustProxy and the failed-token limit", function () {
  this.timeout(30_000);
  let dir: string;
  let store: GatewayDatabase;
  let tokens: StaffTokens;
  let good: string;
  const servers: Server[] = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "caseledger-proxy-"));
    store = await openDatabase(dir);
    tokens = new StaffTokens(store, 1, Date.now);
    good = (await tokens.create("lender", "proxy test")).token;
  });
  after(async () => {
    for (const s of servers) await new Promise((resolve) => s.close(resolve));
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** A gateway app with only `/v1/me`, the default failed-token limit (20, then 12 a minute) and `trustProxy`. */
  async function start(trustProxy?: string[]): Promise<string> {
    const me = Router().get("/", (_req, res) => void res.json({ ok: true }));
    const authFailures = new RateLimiter({ burst: 20, perSecond: 12 / 60, clock: Date.now });
    const app = createApp({ tokens, log: () => {}, publicRoutes: {}, staffRoutes: { "/me": me }, authFailures, ...(trustProxy ? { trustProxy } : {}) });
    const server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, "127.0.0.1", () => resolve(s));
    });
    servers.push(server);
    const address = server.address();
    return `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  }
  const me = (url: string, token: string, forwardedFor: string) =>
    fetch(`${url}/v1/me`, { headers: { authorization: `Bearer ${token}`, "x-forwarded-for": forwardedFor } }).then((r) => r.status);

  it("with trustProxy set to the proxy, 20 bad tokens forwarded for A lock out A, not B", async () => {
    const url = await start(["127.0.0.1"]);
    for (let i = 0; i < 20; i++) expect(await me(url, `clt_guess${i}`, "203.0.113.7")).to.equal(401);
    expect(await me(url, good, "203.0.113.7")).to.equal(429);
    expect(await me(url, good, "198.51.100.9")).to.equal(200);
  });

  it("without trustProxy, X-Forwarded-For is ignored: the TCP peer is the client", async () => {
    const url = await start();
    for (let i = 0; i < 20; i++) expect(await me(url, `clt_guess${i}`, "203.0.113.7")).to.equal(401);
    expect(await me(url, good, "198.51.100.9")).to.equal(429);
  });
});

/**
 * The ownership check's fast path answers without express, so it cannot see the address a proxy forwards for: behind
 * a trusted proxy it must not answer a client that express would refuse (429) for its failed tokens.
 */
describe("node/gateway: trustProxy and the ownership fast path", function () {
  this.timeout(120_000);
  let consortium: TestConsortium;
  let gateway: Gateway;

  before(async () => {
    consortium = await startConsortium([{ name: "agency", roles: ROLE.AGENCY }]);
    const config = consortium.member("agency").config;
    gateway = await startGateway({ ...config, http: { ...config.http, trustProxy: ["127.0.0.1"] } }, { log: () => {} });
  });
  after(async () => {
    await gateway?.close();
    await consortium?.stop();
  });

  it("a client locked out for its bad tokens gets 429 from the ownership check too, another client its answer", async () => {
    const good = (await gateway.tokens.create("agency", "calls")).token;
    const get = (path: string, token: string, forwardedFor: string) =>
      fetch(`${gateway.url}${path}`, { headers: { authorization: `Bearer ${token}`, "x-forwarded-for": forwardedFor } }).then((r) => r.status);
    for (let i = 0; i < 20; i++) expect(await get("/v1/me", `clt_guess${i}`, "203.0.113.7")).to.equal(401);
    const ownership = `/v1/ownership?caseKey=0x${"ab".repeat(32)}`;
    expect(await get(ownership, good, "203.0.113.7")).to.equal(429);
    expect(await get(ownership, good, "198.51.100.9")).to.equal(200);
  });
});
