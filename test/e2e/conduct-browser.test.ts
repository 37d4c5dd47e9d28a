import { expect } from "chai";
import type { Browser, Page } from "playwright-core";
import type { Gateway } from "../../node/gateway.js";
import { syntheticId18 } from "../node/domain/identity/synthetic-ids.js";
import { apiClient, eventually } from "../support/api-client.js";
import { launchBrowser, signIn, WAIT } from "../support/browser.js";
import { ROLE, type TestConsortium } from "../support/consortium.js";
import { assignCases, startMembers } from "../support/member-gateways.js";

const WORDS = "晚上十一点还在打电话";

/**
 * Conduct in a real browser (Debian's Chromium) against three real gateways on anvil (docs/design.md §26): a debtor
 * complains on the page behind the letter's QR code; the lender reads, shares and closes it in its compliance tab;
 * the agency sees the notice with the shared words; the supervisor builds the month's report and sees the totals and
 * the hour chart.
 */
describe("e2e: conduct in the console — the public complaint form, the lender's compliance tab, the supervisor's dashboard", function () {
  this.timeout(180_000);
  let consortium: TestConsortium;
  let lender: Gateway;
  let agency: Gateway;
  let supervisor: Gateway;
  let browser: Browser;
  const tokens: Record<string, string> = {};
  let letter = "";

  async function login(at: Gateway, token: string, tab: string): Promise<Page> {
    const page = await signIn(await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: "zh-CN" }), at.url, token);
    await page.click(`nav a[data-tab=${tab}]`);
    return page;
  }

  before(async function () {
    browser = await launchBrowser();
    ({ consortium, gateways: { 示例银行: lender, 示例催收: agency, 示例监管: supervisor } } = await startMembers([
      { name: "示例银行", roles: ROLE.LENDER, directory: { roles: ["lender"] } },
      { name: "示例催收", roles: ROLE.AGENCY, directory: { roles: ["agency"] } },
      { name: "示例监管", roles: ROLE.SUPERVISOR, directory: { roles: ["supervisor"] } },
    ]));
    tokens.lender = (await lender.tokens.create("lender", "张经理")).token;
    tokens.agency = (await agency.tokens.create("agency", "李专员")).token;
    tokens.supervisor = (await supervisor.tokens.create("supervisor", "王处长")).token;
    const A = apiClient(agency.url, tokens.agency);
    const rows = [`BC-1,页面投诉,${syntheticId18("19850505", "519", "440305")},13900040001,1000,900,30`];
    const [caseKey] = await assignCases(apiClient(lender.url, tokens.lender), A, "browser-conduct.csv", rows);
    letter = (await A.post(`/v1/cases/${caseKey}/authorization-letter`)).body.path as string;
  });
  after(async () => {
    await browser?.close();
    await Promise.all([lender?.close(), agency?.close(), supervisor?.close()]);
    await consortium?.stop();
  });

  it("a debtor complains on the QR page; the lender reads, shares and closes it; the agency sees the notice", async () => {
    const page = await browser.newPage({ viewport: { width: 420, height: 900 }, locale: "zh-CN" });
    await page.goto(`${agency.url}${letter}`);
    await page.waitForSelector("#complaint-form", WAIT);
    await page.selectOption("#complaint-category", "HARASSMENT");
    await page.fill("#complaint-text", WORDS);
    await page.fill("#complaint-callback", "139 0004 0002");
    await page.click("#complaint-send");
    const done = await page.waitForSelector("#complaint-outcome .note.ok", WAIT);
    expect(await done.textContent()).to.match(/投诉已送达债权机构，编号 [0-9a-f]{24}/);
    // A bad number is refused with the gateway's words in the page's language.
    await page.click("#lang");
    await page.fill("#complaint-text", "again");
    await page.fill("#complaint-callback", "12345");
    await page.click("#complaint-send");
    const refused = await page.waitForSelector("#complaint-outcome .note.error", WAIT);
    expect(await refused.textContent()).to.include("call-back number");

    const lenderPage = await login(lender, tokens.lender!, "compliance");
    await lenderPage.waitForSelector("tr[data-state=open] button[data-open]", WAIT);
    await lenderPage.click("tr[data-state=open] button[data-open]");
    expect(await (await lenderPage.waitForSelector("#complaint-text", WAIT)).textContent()).to.equal(WORDS);
    await lenderPage.click("#complaint-share");
    await lenderPage.waitForSelector("#complaint-close", WAIT);
    await lenderPage.waitForSelector("#complaint-share", { state: "detached", ...WAIT });
    await lenderPage.selectOption("#complaint-resolution", "AGENCY_WARNED");
    await lenderPage.click("#complaint-close");
    await lenderPage.waitForSelector("tr[data-state=closed]", WAIT);
    expect(await lenderPage.textContent("tr[data-state=closed]")).to.include("已警告机构");
    // The agency's figures about this lender's cases, from its signed answer (no contacts logged yet: zeros).
    expect(await lenderPage.textContent("tr[data-agency-figures='2']")).to.match(/#2\s*0\s*0\s*0\s*0\s*0x/);

    // The closing notice travels through the lender's outbox: wait for the agency's gateway to hold it, then look.
    // (Reading the page right after a reload raced its own fetch of the notices on a loaded machine.)
    const A = apiClient(agency.url, tokens.agency);
    await eventually(async () => ((await A.get("/v1/complaint-notices")).body.notices as Array<{ state: string }>).some((n) => n.state === "closed") || undefined, 60_000, "the closing notice");
    const agencyPage = await login(agency, tokens.agency!, "notices");
    await agencyPage.waitForSelector("tr[data-state=closed]", WAIT);
    expect(await agencyPage.textContent("tr[data-state=closed]")).to.include(WORDS).and.include("频繁骚扰");
  });

  it("the supervisor builds the month's report and sees the totals per agency and lender, with the hour chart", async () => {
    const page = await login(supervisor, tokens.supervisor!, "supervision");
    await page.waitForSelector("#report-form", WAIT);
    await page.click("#report-form button[type=submit]");
    const hash = await page.waitForSelector("#report-hash", WAIT);
    expect(await hash.textContent()).to.match(/^0x[0-9a-f]{64}$/);
    expect(await page.textContent("tr[data-pair='2/1']")).to.include("1 (0)").and.include("#1");
    await page.waitForSelector("#chart-hours .chart-values li", WAIT);
    expect(await page.$$eval("#chart-hours .chart-values li", (items) => items.length)).to.equal(24);
    expect(await page.textContent("#report-list")).to.include("2 / 2");
    // The supervisor's staff have no other page: no case, no complaint, no evidence tab.
    expect(await page.$$eval("nav a[data-tab]", (tabs) => tabs.map((a) => a.getAttribute("data-tab")))).to.deep.equal(["supervision"]);
  });
});
