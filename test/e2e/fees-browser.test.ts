import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { expect } from "chai";
import type { Browser, Page } from "playwright-core";
import { monthOf } from "../../node/domain/fees/month.js";
import type { Gateway } from "../../node/gateway.js";
import { PROJECT_ROOT } from "../../node/paths.js";
import { apiClient, eventually } from "../support/api-client.js";
import { launchBrowser, signIn, WAIT } from "../support/browser.js";
import { ROLE, type TestConsortium } from "../support/consortium.js";
import { startMembers } from "../support/member-gateways.js";

const ARTIFACTS = join(PROJECT_ROOT, "test-artifacts", "browser");

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
    return signIn(await context.newPage(), at.url, token);
  }

  before(async () => {
    browser = await launchBrowser();
    await mkdir(ARTIFACTS, { recursive: true });
    ({ consortium, gateways: { 示例银行: lender, 示例催收: agency } } = await startMembers([
      { name: "示例银行", roles: ROLE.LENDER, directory: { roles: ["lender"] }, config: (c) => c },
      { name: "示例催收", roles: ROLE.AGENCY, directory: { roles: ["agency"] }, config: (c) => c },
    ]));
    tokens.admin = (await lender.tokens.create("admin", "管理员")).token;
    tokens.agency = (await agency.tokens.create("agency", "李专员")).token;
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
