import { existsSync } from "node:fs";
import { expect } from "chai";
import { type Browser, chromium } from "playwright-core";
import { startGateway, type Gateway } from "../../node/gateway.js";
import type { HandoverDelivery } from "../../node/store/handover-deliveries.js";
import { syntheticId18 } from "../node/domain/identity/synthetic-ids.js";
import { apiClient, eventually } from "../support/api-client.js";
import { ROLE, startConsortium, type TestConsortium } from "../support/consortium.js";
import { publishDirectory } from "../support/directory.js";

const CHROMIUM = "/usr/bin/chromium";
const WAIT = { timeout: 30_000 };

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
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does it)`);
    consortium = await startConsortium([
      { name: "示例银行", roles: ROLE.LENDER },
      { name: "示例催收", roles: ROLE.AGENCY },
    ]);
    lender = await startGateway(consortium.member("示例银行").config, { log: () => {}, clock });
    agency = await startGateway(consortium.member("示例催收").config, { log: () => {}, clock });
    await publishDirectory(consortium, {
      示例银行: { name: "示例银行", roles: ["lender"], gatewayUrl: lender.url },
      示例催收: { name: "示例催收", roles: ["agency"], gatewayUrl: agency.url },
    });
    const L = apiClient(lender.url, (await lender.tokens.create("lender", "张经理")).token);
    token = (await agency.tokens.create("agency", "李专员")).token;
    expect((await L.put("/v1/agencies/2", { name: "示例催收", regions: ["*"], outstandingFen: { min: 0 }, overdueDays: { min: 0 }, capacity: 100 })).status).to.equal(200);
    const upload = await L.upload("browser-contacts.csv", `合同编号,姓名,身份证号,手机号,本金,欠款余额,逾期天数\nBC-1,页面测试,${syntheticId18("19850505", "619", "440305")},13900040001,1000,900,30\n`);
    const preview = await L.post(`/v1/case-lists/${upload.body.id}/allocation`);
    await L.post(`/v1/allocations/${preview.body.id}/commit`, { mandateDays: 30 });
    await eventually(async () => ((await L.get(`/v1/allocations/${preview.body.id}`)).body.handovers?.[0] as HandoverDelivery | undefined)?.state === "delivered" || undefined, 60_000, "the handover");
    caseKey = preview.body.decisions[0].caseKey;
    await eventually(async () => (await apiClient(agency.url, token).get(`/v1/cases/${caseKey}`)).status === 200 || undefined, 30_000, "the agency's index");
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-gpu"] });
  });
  after(async () => {
    await browser?.close();
    await Promise.all([lender?.close(), agency?.close()]);
    await consortium?.stop();
  });

  it("asks for a permit, logs a promise to pay with its recording, lists it, and is refused the next permit while it is pending", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "zh-CN" });
    const page = await context.newPage();
    await page.goto(`${agency.url}/`);
    await page.fill("#token", token);
    await page.click("#login-form button[type=submit]");
    await page.waitForSelector("nav a[data-tab]", WAIT);
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
