import { expect } from "chai";
import type { Browser, BrowserContext, Page } from "playwright-core";
import type { Gateway } from "../../node/gateway.js";
import { chinaDay } from "../../node/domain/fees/month.js";
import { syntheticId18 } from "../node/domain/identity/synthetic-ids.js";
import { apiClient, eventually } from "../support/api-client.js";
import { launchBrowser, signIn, WAIT } from "../support/browser.js";
import { ROLE, type TestConsortium } from "../support/consortium.js";
import { assignCases, startMembers } from "../support/member-gateways.js";


/**
 * Repayments in a real browser (Debian's Chromium) against two real gateways on anvil: on its case page the agency
 * reports a repayment with a voucher file (hashed in the page, never uploaded); on the same case's page the lender
 * sees it in the ledger and confirms it by clicking; the outstanding drops and the agency's page shows it confirmed.
 */
describe("e2e: repayments in the console — the agency's report form, the lender's ledger with confirm", function () {
  this.timeout(180_000);
  let consortium: TestConsortium;
  let lender: Gateway;
  let agency: Gateway;
  let browser: Browser;
  const tokens: Record<string, string> = {};
  let caseKey = "";

  async function open(context: BrowserContext, at: Gateway, token: string): Promise<Page> {
    const page = await signIn(await context.newPage(), at.url, token);
    await page.goto(`${at.url}/#case/${caseKey}`);
    return page;
  }

  before(async function () {
    browser = await launchBrowser();
    ({ consortium, gateways: { 示例银行: lender, 示例催收: agency } } = await startMembers([
      { name: "示例银行", roles: ROLE.LENDER, directory: { roles: ["lender"] } },
      { name: "示例催收", roles: ROLE.AGENCY, directory: { roles: ["agency"] } },
    ]));
    tokens.lender = (await lender.tokens.create("lender", "张经理")).token;
    tokens.agency = (await agency.tokens.create("agency", "李专员")).token;
    const rows = [`BR-1,页面测试,${syntheticId18("19840404", "518", "440305")},13900030001,1000,900,30`];
    [caseKey] = (await assignCases(apiClient(lender.url, tokens.lender), apiClient(agency.url, tokens.agency), "browser-repay.csv", rows)) as [string];
  });
  after(async () => {
    await browser?.close();
    await Promise.all([lender?.close(), agency?.close()]);
    await consortium?.stop();
  });

  it("the agency reports from the case page, the lender confirms from its ledger, the agency sees it confirmed", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "zh-CN" });
    const agencyPage = await open(context, agency, tokens.agency!);
    await agencyPage.waitForSelector("#repayment-form", WAIT);
    // A float-looking amount with too many decimals is refused in the page before anything is sent.
    await agencyPage.fill("#repayment-amount", "1.005");
    await agencyPage.fill("#repayment-paid-at", "2026-01-15T10:30");
    await agencyPage.setInputFiles("#repayment-voucher", { name: "voucher.png", mimeType: "image/png", buffer: Buffer.from("synthetic voucher") });
    await agencyPage.click("#repayment-send");
    await agencyPage.waitForSelector("#repayment-message .note.error", WAIT);
    await agencyPage.fill("#repayment-amount", "123.45");
    await agencyPage.setInputFiles("#repayment-voucher", { name: "voucher.png", mimeType: "image/png", buffer: Buffer.from("synthetic voucher") });
    await agencyPage.click("#repayment-send");
    await agencyPage.waitForSelector("#repayment-message .note.ok", WAIT);
    const reportId = await agencyPage.getAttribute("tr[data-report]", "data-report");
    expect(reportId).to.match(/^[0-9a-f]{32}$/);
    await eventually(async () => {
      await agencyPage.reload();
      return (await agencyPage.waitForSelector(`tr[data-report="${reportId}"] [data-state]`, WAIT).then((e) => e.getAttribute("data-state"))) === "reported" || undefined;
    }, 30_000, "reported");

    const lenderContext = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "zh-CN" });
    const lenderPage = await open(lenderContext, lender, tokens.lender!);
    await lenderPage.waitForSelector(`tr[data-repayment="${reportId}"] [data-state="reported"]`, WAIT);
    expect(await lenderPage.textContent("#repayment-outstanding")).to.include("900.00");
    await lenderPage.click(`tr[data-repayment="${reportId}"] button[data-action=confirm]`);
    await lenderPage.waitForSelector(`tr[data-repayment="${reportId}"] [data-state="confirmed"]`, WAIT);
    expect(await lenderPage.textContent("#repayment-outstanding")).to.include("776.55");

    await eventually(async () => {
      await agencyPage.reload();
      return (await agencyPage.waitForSelector(`tr[data-report="${reportId}"] [data-state]`, WAIT).then((e) => e.getAttribute("data-state"))) === "confirmed" || undefined;
    }, 30_000, "confirmed at the agency");
    await Promise.all([context.close(), lenderContext.close()]);
  });

  it("the lender reconciles its bank's statement: the matched line and why the other did not match, then confirms with one button", async () => {
    const A = apiClient(agency.url, tokens.agency);
    const paidAt = new Date(Date.now() - 60_000).toISOString();
    const sent = await A.post(`/v1/cases/${caseKey}/repayments`, { amountFen: "5000", paidAt, channel: "agency-escrow", payer: "debtor", voucher: { contentSha256: "5e".repeat(32), contentSize: 10, mediaType: "image/png" } });
    expect(sent.status).to.equal(202);
    await eventually(async () => ((await A.get("/v1/repayments")).body.reports as Array<{ reportId: string; state: string }>).some((r) => r.reportId === sent.body.reportId && r.state === "reported") || undefined, 30_000, "reported");
    const day = chinaDay(paidAt);
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "zh-CN" });
    const page = await open(context, lender, tokens.lender!);
    await page.goto(`${lender.url}/#reconcile`);
    await page.waitForSelector("#reconcile-form", WAIT);
    // The bank's export names the payer: the page never shows it (the gateway never reads the column).
    const csv = `交易日期,对方户名,借据号,金额\n${day},页面测试,BR-1,50.00\n${day},页面测试,BR-404,1.00\n`;
    await page.setInputFiles("#reconcile-file", { name: "bank.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
    await page.click("#reconcile-preview");
    await page.waitForSelector('[data-matched-row="2"]', WAIT);
    expect(await page.textContent('[data-unmatched-row="3"] [data-code]')).to.equal("本机构没有此借据号的案件");
    expect(await page.textContent("#reconcile-result")).not.to.include("页面测试");
    await page.click("#reconcile-confirm");
    await page.waitForSelector("#reconcile-done .note.ok", WAIT);
    const ledger = (await apiClient(lender.url, tokens.lender).get(`/v1/cases/${caseKey}/repayments`)).body;
    expect(ledger.repayments.find((r: { id: string }) => r.id === sent.body.reportId)).to.include({ state: "confirmed" });
    await context.close();
  });
});
