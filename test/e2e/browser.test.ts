import { createHash } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { expect } from "chai";
import type { Browser, BrowserContext, Page } from "playwright-core";
import type { Gateway } from "../../node/gateway.js";
import { PROJECT_ROOT } from "../../node/paths.js";
import { demoList, makeDebtors } from "../../scripts/lib/demo-lists.js";
import { apiClient } from "../support/api-client.js";
import { launchBrowser, WAIT } from "../support/browser.js";
import { ROLE, type TestConsortium } from "../support/consortium.js";
import { AGENCY_PROFILE, startMembers } from "../support/member-gateways.js";

const ARTIFACTS = join(PROJECT_ROOT, "test-artifacts", "browser");

/**
 * The whole story in a real browser (Debian's Chromium, driven by playwright-core), by clicking, against three real
 * gateways on anvil: the lender logs in through another member's console URL, uploads a list with errors, reads the
 * report, previews and commits (a second commit from another tab is told it is already committed); the agency sees
 * its cases, checks ownership, records a file and gets its receipt, prints the authorization letter; the public page
 * behind the QR code says authorized, then not authorized after the lender's recall; the court verifies the file with
 * its receipt (and records it), a tampered file fails, a receipt that is not JSON is refused. Screenshots go to
 * test-artifacts/browser/ (not committed).
 */
describe("e2e: the console in a browser, lender → agency → public → court", function () {
  this.timeout(180_000);
  let consortium: TestConsortium;
  let lender: Gateway;
  let agency: Gateway;
  let court: Gateway;
  let browser: Browser;
  const tokens: Record<string, string> = {};
  const shared = makeDebtors(5, 7);
  const csv = demoList({ rows: 40, seed: 5, refPrefix: "BT", shared, sharedRate: 0.3, errorRate: 0 });
  const firstRow = csv.split("\n")[1]!.split(",");
  const firstRef = firstRow[0]!;
  const firstId = firstRow[2]!;
  const evidenceBytes = Buffer.from("通话录音（合成测试数据）/ synthetic call recording\n".repeat(50));
  let receiptText = "";
  let qrUrl = "";
  const timings: Record<string, number> = {};

  const shot = (page: Page, name: string, fullPage = false) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage });
  const newContext = () => browser.newContext({ viewport: { width: 1280, height: 860 }, acceptDownloads: true, locale: "zh-CN" });

  async function login(context: BrowserContext, at: Gateway, token: string, expectUrl: string): Promise<Page> {
    const page = await context.newPage();
    page.on("dialog", (d) => void d.accept());
    await page.goto(`${at.url}/`);
    await page.fill("#token", token);
    await page.click("#login-form button[type=submit]");
    await page.waitForURL((url) => url.toString().startsWith(expectUrl), WAIT);
    await page.waitForSelector("nav a[data-tab]", WAIT);
    return page;
  }

  before(async function () {
    browser = await launchBrowser();
    await mkdir(ARTIFACTS, { recursive: true });
    const options = { evidence: { intervalMs: 500 } };
    ({ consortium, gateways: { 示例银行: lender, 示例催收: agency, 示例法院: court } } = await startMembers([
      { name: "示例银行", roles: ROLE.LENDER, directory: { roles: ["lender"] }, config: (c) => c, options },
      { name: "示例催收", roles: ROLE.AGENCY, directory: { roles: ["agency"] }, config: (c) => c, options },
      { name: "示例法院", roles: ROLE.COURT, directory: { roles: ["court"] }, config: (c) => c, options },
    ]));
    tokens.lender = (await lender.tokens.create("lender", "张经理")).token;
    tokens.agency = (await agency.tokens.create("agency", "李专员")).token;
    tokens.court = (await court.tokens.create("court", "王法官")).token;
    expect((await apiClient(lender.url, tokens.lender).put("/v1/agencies/2", AGENCY_PROFILE)).status).to.equal(200);
  });
  after(async () => {
    await browser?.close();
    await Promise.all([lender?.close(), agency?.close(), court?.close()]);
    await consortium?.stop();
    if (Object.keys(timings).length) await writeFile(join(ARTIFACTS, "timings.json"), JSON.stringify(timings, null, 2));
  });

  it("renders the login page (its first paint recorded), refuses a wrong token with a clear message, and switches to English", async () => {
    const context = await newContext();
    const page = await context.newPage();
    await page.goto(`${lender.url}/`);
    await page.waitForSelector("#login-form");
    const paint = await page.evaluate(() => performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? performance.now());
    // Recorded for BENCHMARKS.md, not asserted: speed is measured in benchmarks, never in timed tests.
    timings.loginFirstContentfulPaintMs = Math.round(paint);
    await page.fill("#token", "clt_wrongwrongwrongwrongwrongwrong");
    await page.click("#login-form button[type=submit]");
    await page.waitForSelector("#login-status .note.error", WAIT);
    expect(await page.textContent("#login-status")).to.include("令牌无效");
    await page.click("#lang");
    expect(await page.textContent("#login-form h2")).to.equal("Log in to the console");
    // An API error is rendered from the catalog by its id and parameters, in the page's language: no prose is split.
    const rendered = await page.evaluate(async () => {
      const url = "/console/i18n.js";
      const i18n = (await import(url)) as { explain(error: unknown): string };
      const error = { message: "未找到机构 77 / not found: agency 77", messageId: "api.NOT_FOUND", params: { thingZh: "机构", thingEn: "agency", id: 77 } };
      return [i18n.explain(error), i18n.explain({ message: "中文 / English" })];
    });
    expect(rendered).to.deep.equal(["not found: agency 77", "English"]);
    await page.click("#lang");
    await shot(page, "01-login");
    await context.close();
  });

  it("lender: logs in through another member's URL, refuses a file that is not CSV, uploads a list, reads and filters the report, commits once", async () => {
    const context = await newContext();
    const page = await login(context, court, tokens.lender!, lender.url);
    timings.lenderConsoleMs = Math.round(await page.evaluate(() => performance.now()));
    await page.waitForSelector("#dropzone");
    await page.setInputFiles("#file-input", { name: "photo.png", mimeType: "image/png", buffer: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]) });
    await page.waitForSelector("#upload-status .note.error", WAIT);
    expect(await page.textContent("#upload-status")).to.include("无法读取这份案件清单");

    await page.setInputFiles("#file-input", { name: "list.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
    await page.waitForSelector("#report-totals", WAIT);
    await page.waitForSelector("#report-rows table");
    const totals = await page.textContent("#report-totals");
    expect(totals).to.match(/40/);
    await page.selectOption("#filter-status", "rejected");
    await page.waitForFunction(() => {
      const d = (globalThis as any).document; // functions, not strings: the console's CSP forbids eval
      return d.querySelectorAll("#report-rows tbody tr").length > 0 && [...d.querySelectorAll("#report-rows .badge")].every((b: any) => b.classList.contains("r-rejected"));
    });
    await page.selectOption("#filter-code", "ID_CHECK_DIGIT");
    await page.waitForFunction(() => (globalThis as any).document.querySelectorAll("#report-rows tbody tr").length === 1 && (globalThis as any).document.querySelector("#report-rows").textContent.includes("ID_CHECK_DIGIT"));
    await page.selectOption("#filter-code", "");
    await page.selectOption("#filter-status", "");
    await page.waitForFunction(() => (globalThis as any).document.querySelectorAll("#report-rows tbody tr").length >= 40);
    await shot(page, "02-report");
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#download-rejected")]);
    const rejected = await readFile(await download.path(), "utf8");
    expect(rejected).to.include("ID_CHECK_DIGIT").and.to.include("REF_CONFLICT");

    await page.click("#preview-allocation");
    await page.waitForSelector("#commit", WAIT);
    const allocationUrl = page.url();
    await shot(page, "03-allocation", true);
    // A second tab on the same allocation: its commit comes second and is told so (409), nothing is committed twice.
    const other = await context.newPage();
    await other.goto(`${lender.url}/#token=${tokens.lender}`);
    await other.waitForSelector("nav a[data-tab]", WAIT);
    await other.goto(allocationUrl);
    await other.waitForSelector("#commit", WAIT);
    await page.dblclick("#commit");
    await other.click("#commit");
    await other.waitForSelector("#commit-message .note.warn", WAIT);
    expect(await other.textContent("#commit-message")).to.include("已在提交中或已提交");
    await page.waitForSelector("#commit-progress .note.ok", { timeout: 90_000 });
    await shot(page, "04-committed");
    await context.close();
  });

  it("agency: sees its cases, accepts one, checks ownership by ID number with the on-chain proof, records a file and downloads its receipt", async () => {
    const context = await newContext();
    const page = await login(context, agency, tokens.agency!, agency.url);
    await page.waitForSelector(`tr[data-loanref="${firstRef}"]`, WAIT);
    await shot(page, "05-agency-cases");
    await page.check(`tr[data-loanref="${firstRef}"] input[type=checkbox]`);
    await page.click("#bulk-accept");
    await page.waitForSelector(`tr[data-loanref="${firstRef}"] .badge[data-status="Accepted"]`, WAIT);

    await page.click("nav a[data-tab=check]");
    await page.waitForSelector("#check-id");
    await page.fill("#check-id", firstId);
    await page.click("#check-submit");
    await page.waitForSelector("#check-result .answer", WAIT);
    expect(await page.getAttribute("#check-result .answer", "data-authorized")).to.equal("true");
    expect(await page.textContent("#check-result")).to.include(consortium.deployment.contracts.CaseRegistry.address);
    await shot(page, "06-ownership", true);
    await page.selectOption("#check-mode", "loanRef");
    await page.fill("#check-loanref", "BT-NOPE");
    await page.click("#check-submit");
    await page.waitForSelector("#check-result .answer[data-authorized=false]", WAIT);

    await page.click("nav a[data-tab=evidence]");
    await page.waitForSelector("#evidence-case");
    await page.selectOption("#evidence-kind", "call-recording");
    await page.setInputFiles("#evidence-file", { name: "call.txt", mimeType: "text/plain", buffer: evidenceBytes });
    await page.click("#evidence-submit");
    await page.waitForSelector("#receipt-download", { timeout: 60_000 });
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#receipt-download")]);
    receiptText = await readFile(await download.path(), "utf8");
    expect(JSON.parse(receiptText).status).to.equal("anchored");
    await context.close();
  });

  it("agency: prints the authorization letter with a QR code; the public page behind it says authorized, masked", async () => {
    const context = await newContext();
    const page = await login(context, agency, tokens.agency!, agency.url);
    const caseKey = (await apiClient(lender.url, tokens.lender).get(`/v1/cases?loanRef=${firstRef}`)).body.cases[0].caseKey as string;
    await page.goto(`${agency.url}/#case/${caseKey}`);
    await page.waitForSelector("#open-letter", WAIT);
    await page.click("#open-letter");
    await page.waitForSelector("#letter-qr", WAIT);
    qrUrl = (await page.getAttribute("#letter-qr", "data-url"))!;
    expect(qrUrl).to.match(new RegExp(`^${agency.url}/a/[A-Za-z0-9_-]{43}$`));
    expect(await page.textContent("#letter")).to.include("示例银行").and.to.include("示例催收").and.to.include(firstRef);
    await shot(page, "07-letter", true);
    await page.emulateMedia({ media: "print" });
    await page.pdf({ path: join(ARTIFACTS, "letter.pdf"), format: "A4" });

    const visitor = await (await newContext()).newPage();
    await visitor.goto(qrUrl);
    await visitor.waitForSelector("#public-answer", WAIT);
    expect(await visitor.getAttribute("#public-answer", "data-state")).to.equal("authorized");
    const text = (await visitor.textContent("#public-answer"))!;
    expect(text).to.include("示例催收").and.to.include("示例银行");
    expect(text).not.to.include(firstId);
    await shot(visitor, "08-public-authorized");
    // A tampered code: a clear "not valid", nothing else.
    const tampered = qrUrl.slice(0, -3) + (qrUrl.endsWith("AAA") ? "BBB" : "AAA");
    await visitor.goto(tampered);
    await visitor.waitForSelector("#public-answer", WAIT);
    expect(await visitor.getAttribute("#public-answer", "data-state")).to.equal("not-found");
    // Another member's case in the URL: the agency is told it is not found or not its own.
    await page.emulateMedia({ media: "screen" });
    await page.goto(`${agency.url}/#case/0x${"ab".repeat(32)}`);
    await page.waitForSelector(".view .note.error", WAIT);
    expect(await page.textContent(".view")).to.include("不属于本机构");
    await context.close();
  });

  it("lender recalls the case; the same QR code then says not authorized", async () => {
    const context = await newContext();
    const page = await login(context, lender, tokens.lender!, lender.url);
    await page.click("nav a[data-tab=cases]");
    await page.fill("#loanref", firstRef);
    await page.click("form.filters button[type=submit]");
    await page.waitForSelector("#recall", WAIT);
    await shot(page, "09-case", true);
    await page.click("#recall");
    await page.waitForSelector('.badge[data-status="Recalled"]', { timeout: 60_000 });

    const visitor = await (await newContext()).newPage();
    for (let i = 0; i < 40; i++) {
      await visitor.goto(qrUrl);
      await visitor.waitForSelector("#public-answer", WAIT);
      if ((await visitor.getAttribute("#public-answer", "data-state")) === "ended") break;
      await visitor.waitForTimeout(500);
    }
    expect(await visitor.getAttribute("#public-answer", "data-state")).to.equal("ended");
    await shot(visitor, "10-public-recalled");
    // Settle the recalled case with the amount the lender states and its terms: on chain, with the terms notarized.
    await page.reload();
    await page.waitForSelector("#settle-form", WAIT);
    await page.fill("#settle-amount", "12.3x");
    await page.click("#settle");
    expect(await page.textContent("#settle-problem")).to.not.equal("");
    await page.fill("#settle-amount", "123.4");
    await page.setInputFiles("#settle-terms", { name: "terms.txt", mimeType: "text/plain", buffer: Buffer.from("synthetic settlement terms") });
    await page.click("#settle");
    await page.waitForSelector('.badge[data-status="Settled"]', { timeout: 60_000 });
    const settled = (await lender.indexer.history(await page.textContent("dd.mono.small") ?? "")).find((e) => e.type === "CaseSettled");
    expect(settled).to.deep.include({ settledFen: "12340", termsHash: `0x${createHash("sha256").update("synthetic settlement terms").digest("hex")}` });
    await page.click("nav a[data-tab=portfolio]");
    await page.waitForSelector("#chart-aging svg", WAIT);
    await shot(page, "11-portfolio", true);
    // The agency scorecards panel: the lender's view of the agency that held its cases, and the chain-only view.
    await page.click("nav a[data-tab=agencies]");
    await page.waitForSelector("tr[data-agency] span[data-window='90']", WAIT);
    await page.waitForSelector("tr[data-consortium-agency]", WAIT);
    expect(await page.locator("tr[data-agency]").count()).to.be.greaterThan(0);
    expect(await page.textContent("#chart-scorecard-recovery")).to.contain("—"); // nothing 90 days old yet: no bars
    await context.close();
  });

  it("court: verifies the file with its receipt and records it; a tampered file fails; a receipt that is not JSON is refused", async () => {
    const context = await newContext();
    const page = await login(context, court, tokens.court!, court.url);
    await page.waitForSelector("#verify-file");
    const verify = async (file: Buffer, receipt: string) => {
      await page.setInputFiles("#verify-file", { name: "call.txt", mimeType: "text/plain", buffer: file });
      await page.setInputFiles("#verify-receipt", { name: "call.txt.receipt.json", mimeType: "application/json", buffer: Buffer.from(receipt) });
      await page.click("#verify-submit");
      await page.waitForSelector("#verify-result > *", WAIT);
    };
    await verify(evidenceBytes, receiptText);
    expect(await page.getAttribute("#verdict", "data-verdict")).to.equal("valid");
    await page.click("#record-verification");
    await page.waitForSelector("#record-result .note", { timeout: 60_000 });
    expect(await page.getAttribute("#record-result .note", "class")).to.include("ok");
    await shot(page, "12-court-valid", true);

    const tampered = Buffer.from(evidenceBytes);
    tampered[0] = tampered[0]! ^ 1;
    await verify(tampered, receiptText);
    expect(await page.getAttribute("#verdict", "data-verdict")).to.equal("invalid");
    await verify(evidenceBytes, "this is not json");
    expect(await page.textContent("#verify-result")).to.include("不是有效的 JSON");
    await context.close();
  });
});
