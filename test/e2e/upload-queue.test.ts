import { expect } from "chai";
import type { Browser } from "playwright-core";
import { launchBrowser, WAIT } from "../support/browser.js";
import { startGateway, type Gateway } from "../../node/gateway.js";
import { ROLE, startConsortium, type TestConsortium } from "../support/consortium.js";
import { publishDirectory } from "../support/directory.js";
import { syntheticId18 } from "../node/domain/identity/synthetic-ids.js";
import { DEFAULTS } from "../../node/config.js";

const ID = syntheticId18("19880808", "246", "110105");
const HEADER = "合同编号,姓名,身份证号,手机号,本金,欠款余额,逾期天数\n";

/** The console's upload page in a real browser while the gateway's one ingest slot is taken: it shows its place. */
describe("e2e: the upload page says where a waiting upload stands in the gateway's queue", function () {
  this.timeout(180_000);
  let consortium: TestConsortium;
  let lender: Gateway;
  let browser: Browser;
  let clerk: string;
  let other: string;

  before(async function () {
    browser = await launchBrowser();
    consortium = await startConsortium([{ name: "示例银行", roles: ROLE.LENDER }]);
    lender = await startGateway({ ...consortium.member("示例银行").config, ingest: { ...DEFAULTS.ingest, maxConcurrent: 1, maxQueued: 1 } }, { log: () => {} });
    await publishDirectory(consortium, { 示例银行: { name: "示例银行", roles: ["lender"], gatewayUrl: lender.url } });
    clerk = (await lender.tokens.create("lender", "张经理")).token;
    other = (await lender.tokens.create("lender", "另一位")).token;
  });
  after(async () => {
    await browser?.close();
    await lender?.close();
    await consortium?.stop();
  });

  it("shows 'queued, position 1' until the running upload is done, then the list's report", async () => {
    // Another clerk's upload holds the only slot: its body ends when the test says.
    let controller!: ReadableStreamDefaultController<Uint8Array>;
    const body = new ReadableStream<Uint8Array>({ start: (c) => void (controller = c) });
    controller.enqueue(new TextEncoder().encode(HEADER));
    const running = fetch(`${lender.url}/v1/case-lists?name=held.csv`, { method: "POST", body, duplex: "half", headers: { authorization: `Bearer ${other}`, "content-type": "text/csv" } });
    // Awaited below; should the test fail first, the gateway's close must not become an unhandled rejection.
    running.catch(() => undefined);

    const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: "zh-CN" });
    const page = await context.newPage();
    await page.goto(`${lender.url}/`);
    await page.fill("#token", clerk);
    await page.click("#login-form button[type=submit]");
    await page.waitForSelector("#dropzone", WAIT);
    await page.setInputFiles("#file-input", { name: "list.csv", mimeType: "text/csv", buffer: Buffer.from(`${HEADER}B-1,测试甲,${ID},,100,100,1\n`) });
    await page.waitForSelector("#upload-queue:has-text('排队等待处理，第 1 位')", WAIT);

    controller.enqueue(new TextEncoder().encode(`H-1,测试乙,${ID},,1,1,1\n`));
    controller.close();
    expect((await running).status).to.equal(201);
    await page.waitForSelector("#report-totals", WAIT);
    await context.close();
  });
});
