import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { expect } from "chai";
import { type Browser, chromium, type Page } from "playwright-core";
import { monthOf } from "../../node/domain/fees/month.js";
import { startGateway, type Gateway } from "../../node/gateway.js";
import { PROJECT_ROOT } from "../../node/paths.js";
import { apiClient, eventually } from "../support/api-client.js";
import { ROLE, startConsortium, type TestConsortium } from "../support/consortium.js";
import { publishDirectory } from "../support/directory.js";

const CHROMIUM = "/usr/bin/chromium";
const ARTIFACTS = join(PROJECT_ROOT, "test-artifacts", "browser");
const WAIT = { timeout: 30_000 };

/**
 * Fee schedules and statements in a real browser, by clicking, against a lender's and an agency's gateways on anvil:
 * the lender's admin proposes a schedule with the form, the agency accepts it with its button, the lender issues the
 * month's statement, the agency opens it and accepts it; both then see it accepted and notarized.
 */
describe("e2e: fee schedules and statements in the console", function () {
  this.timeout(180_000);
  let consortium: TestConsortium;
  let lender: Gateway;
  let agency: Gateway;
  let browser: Browser;
  const tokens: Record<string, string> = {};

  async function login(at: Gateway, token: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: "zh-CN" });
    const page = await context.newPage();
    await page.goto(`${at.url}/`);
    await page.fill("#token", token);
    await page.click("#login-form button[type=submit]");
    await page.waitForSelector("nav a[data-tab]", WAIT);
    return page;
  }

  before(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does it)`);
    await mkdir(ARTIFACTS, { recursive: true });
    consortium = await startConsortium([
      { name: "示例银行", roles: ROLE.LENDER },
      { name: "示例催收", roles: ROLE.AGENCY },
    ]);
    lender = await startGateway(consortium.member("示例银行").config, { log: () => {} });
    agency = await startGateway(consortium.member("示例催收").config, { log: () => {} });
    await publishDirectory(consortium, {
      示例银行: { name: "示例银行", roles: ["lender"], gatewayUrl: lender.url },
      示例催收: { name: "示例催收", roles: ["agency"], gatewayUrl: agency.url },
    });
    tokens.admin = (await lender.tokens.create("admin", "管理员")).token;
    tokens.agency = (await agency.tokens.create("agency", "李专员")).token;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-gpu", "--disable-sync"] });
  });
  after(async () => {
    await browser?.close();
    await Promise.all([lender?.close(), agency?.close()]);
    await consortium?.stop();
  });

  it("proposes, accepts, issues and accepts by clicking; both consoles show the statement accepted", async () => {
    const L = await login(lender, tokens.admin!);
    await L.click("nav a[data-tab=schedules]");
    await L.waitForSelector("#fee-agency", WAIT);
    await L.fill("#fee-agency", "2");
    await L.fill("#fee-effective", "2020-01-01");
    await L.selectOption("#fee-kind", "no-risk");
    await L.fill("#fee-fixed", "1,200.50");
    await L.selectOption("#fee-per", "month");
    await L.click("#propose");
    await L.waitForSelector("[data-schedule] [data-state=proposed]", WAIT);
    // Proposals and statements travel through the outbox: the agency's staff see each once its gateway holds it.
    const LApi = apiClient(lender.url, tokens.admin);
    await eventually(async () => ((await LApi.get("/v1/fee-schedules")).body.schedules[0]?.proposal ? true : undefined), 20_000, "the proposal delivered");

    const A = await login(agency, tokens.agency!);
    await A.click("nav a[data-tab=schedules]");
    await A.click("[data-accept]", WAIT);
    await A.waitForSelector("[data-schedule] [data-state=agreed]", WAIT);

    await L.click("nav a[data-tab=statements]");
    await L.fill("#stmt-agency", "2");
    await L.fill("#stmt-month", monthOf(Date.now()));
    await L.click("#issue");
    await L.waitForSelector("#statement-hash", WAIT);
    const hash = await L.textContent("#statement-hash");
    expect(await L.textContent("[data-line=month-fee]")).to.include("1,200.50");

    await eventually(async () => ((await LApi.get(`/v1/statements/${hash}`)).body.deliveredAt ? true : undefined), 20_000, "the statement delivered");
    await A.goto(`${agency.url}/#statement/${hash}`);
    await A.click("#stmt-accept", WAIT);
    await A.waitForSelector("[data-state=accepted]", WAIT);
    await A.screenshot({ path: join(ARTIFACTS, "statement-accepted.png"), fullPage: true });
    await L.reload();
    await L.waitForSelector("[data-state=accepted]", WAIT);
    const state = await apiClient(lender.url, tokens.admin).get(`/v1/statements/${hash}`);
    expect(state.body).to.include({ state: "accepted" });
    expect(state.body.evidenceId).to.be.a("number");
  });
});
