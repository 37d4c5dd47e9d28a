import { expect } from "chai";
import type { Browser } from "playwright-core";
import type { Gateway } from "../../node/gateway.js";
import { syntheticId18 } from "../node/domain/identity/synthetic-ids.js";
import { apiClient } from "../support/api-client.js";
import { launchBrowser, signIn, WAIT } from "../support/browser.js";
import { ROLE, type TestConsortium } from "../support/consortium.js";
import { assignCases, startMembers } from "../support/member-gateways.js";


/**
 * The agency's contact screen in a real browser (Debian's Chromium) against real gateways on anvil: a permit, then the
 * outcome with a promise to pay and the recording (hashed in the page), the log and the promise by due date; the next
 * permit is refused while the promise is not yet due, with the catalog's words. The gateways' clock shows 10:00 China
 * time whatever the real hour (the permit reads the hour); the page takes the contact's time from the permit.
 */
describe("e2e: the agency's contact screen — permit, outcome, recording, promises", function () {
  this.timeout(180_000);
  let consortium: TestConsortium;
  let lender: Gateway;
  let agency: Gateway;
  let browser: Browser;
  let token = "";
  let caseKey = "";
  const now = Date.now();
  const chinaMinute = Math.floor(((now + 8 * 3_600_000) % 86_400_000) / 60_000);
  let delta = 10 * 60 - chinaMinute;
  if (delta > 720) delta -= 1440;
  if (delta < -720) delta += 1440;
  const clock = () => Date.now() + delta * 60_000;

  before(async function () {
    browser = await launchBrowser();
    ({ consortium, gateways: { 示例银行: lender, 示例催收: agency } } = await startMembers([
      { name: "示例银行", roles: ROLE.LENDER, directory: { roles: ["lender"] }, config: (c) => c, options: { clock } },
      { name: "示例催收", roles: ROLE.AGENCY, directory: { roles: ["agency"] }, config: (c) => c, options: { clock } },
    ]));
    const L = apiClient(lender.url, (await lender.tokens.create("lender", "张经理")).token);
    token = (await agency.tokens.create("agency", "李专员")).token;
    const rows = [`BC-1,页面测试,${syntheticId18("19850505", "619", "440305")},13900040001,1000,900,30`];
    [caseKey] = (await assignCases(L, apiClient(agency.url, token), "browser-contacts.csv", rows)) as [string];
  });
  after(async () => {
    await browser?.close();
    await Promise.all([lender?.close(), agency?.close()]);
    await consortium?.stop();
  });

  it("asks for a permit, logs a promise to pay with its recording, lists it, and is refused the next permit while it is pending", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "zh-CN" });
    const page = await signIn(await context.newPage(), agency.url, token);
    await page.goto(`${agency.url}/#contacts`);
    await page.waitForSelector("#permit-ask", WAIT);
    expect(await page.textContent("#contact-log")).to.include("还没有联系记录");
    await page.click("#permit-ask");
    await page.waitForSelector("#permit-id", WAIT);
    expect(await page.textContent("#permit-id")).to.match(/^[0-9a-f]{32}$/);
    await page.selectOption("#contact-outcome-select", "promise_to_pay");
    await page.fill("#promise-due", "2099-06-30");
    await page.fill("#promise-amount", "500.00");
    await page.fill("#contact-collector", "W-021");
    await page.setInputFiles("#contact-recording", { name: "call.mp3", mimeType: "audio/mpeg", buffer: Buffer.from("synthetic recording") });
    await page.click("#contact-submit");
    await page.waitForSelector("#contact-outcome .note.ok", WAIT);
    await page.waitForSelector("#contact-log tr[data-entry]", WAIT);
    expect(await page.textContent("#contact-log tr[data-entry]")).to.include("承诺还款").and.include("W-021").and.include("✔");
    expect(await page.textContent(`#contact-promises tr[data-promise="${caseKey}"]`)).to.include("2099-06-30").and.include("500.00").and.include("未到期");
    const [entry] = (await apiClient(agency.url, token).get(`/v1/contacts?caseKey=${caseKey}`)).body.contacts as Array<{ evidence: { id: number }; violations: string[] }>;
    expect(entry!.violations).to.deep.equal([]);
    expect((await apiClient(agency.url, token).get(`/v1/evidence/${entry!.evidence.id}`)).body).to.include({ kind: "call-recording", caseKey });
    await page.click("#permit-ask");
    await page.waitForSelector("#permit-result .note.error", WAIT);
    const refusal = await page.textContent("#permit-result");
    expect(refusal).to.include("还款承诺尚未到期").and.include("CONTACT_PROMISE_PENDING");
    await context.close();
  });
});
