import { expect } from "chai";
import { JsonRpcProvider } from "ethers";
import type { Browser, Page } from "playwright-core";
import { monthOf } from "../../node/domain/fees/month.js";
import { startGateway, type Gateway } from "../../node/gateway.js";
import type { HandoverDelivery } from "../../node/store/handover-deliveries.js";
import { syntheticId18 } from "../node/domain/identity/synthetic-ids.js";
import { apiClient, eventually } from "../support/api-client.js";
import { launchBrowser, signIn, WAIT } from "../support/browser.js";
import { ROLE, startConsortium, type TestConsortium } from "../support/consortium.js";
import { publishDirectory } from "../support/directory.js";
import { CASE_LIST_HEADER, fastPeer } from "../support/member-gateways.js";

const DAY_MS = 86_400_000;
const row = (i: number) => `ML-${i},回路测试${i},${syntheticId18("19850505", String(600 + i), "440305")},1390004${String(i).padStart(4, "0")},1000,900,30`;
const profile = (name: string) => ({ name, regions: ["*"], outstandingFen: { min: 0 }, overdueDays: { min: 0 }, capacity: 10 });
/** A datetime-local value in China Standard Time (the pages run in Asia/Shanghai). */
const chinaMinute = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 16);

/**
 * The whole money loop in real browsers against a lender's and two agencies' gateways on anvil (the issue's "done
 * when"): the agency holding a case reports a repayment with a voucher, the lender confirms it, proposes a fee schedule
 * that the agency accepts, issues the month's statement that the agency accepts, and both evidence logs hold it; 91
 * days on (anvil's clock and the lender's moved together) the recovering agency's scorecard shows the recovery and the
 * next allocation preview sends the new case to it ahead of the agency that recovered nothing, saying why.
 */
describe("e2e: the money loop in the consoles — repayment, schedule, statement, scorecard, next allocation", function () {
  this.timeout(300_000);
  let consortium: TestConsortium;
  let lender: Gateway;
  const agencies = new Map<number, Gateway>();
  let browser: Browser;
  let skewMs = 0;
  const tokens = new Map<number, string>();
  let caseKey = "";
  let recovering = 0;
  let idle = 0;

  async function login(at: Gateway, token: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "zh-CN", timezoneId: "Asia/Shanghai" });
    return signIn(await context.newPage(), at.url, token);
  }

  before(async () => {
    browser = await launchBrowser();
    consortium = await startConsortium([
      { name: "示例银行", roles: ROLE.LENDER },
      { name: "示例催收甲", roles: ROLE.AGENCY },
      { name: "示例催收乙", roles: ROLE.AGENCY },
    ]);
    lender = await startGateway(fastPeer(consortium.member("示例银行").config), { log: () => {}, clock: () => Date.now() + skewMs });
    for (const name of ["示例催收甲", "示例催收乙"]) agencies.set(consortium.member(name).id, await startGateway(fastPeer(consortium.member(name).config), { log: () => {} }));
    const [a, b] = [...agencies.keys()] as [number, number];
    await publishDirectory(consortium, {
      示例银行: { name: "示例银行", roles: ["lender"], gatewayUrl: lender.url },
      示例催收甲: { name: "示例催收甲", roles: ["agency"], gatewayUrl: agencies.get(a)!.url },
      示例催收乙: { name: "示例催收乙", roles: ["agency"], gatewayUrl: agencies.get(b)!.url },
    });
    tokens.set(consortium.member("示例银行").id, (await lender.tokens.create("admin", "管理员")).token);
    for (const [id, gateway] of agencies) tokens.set(id, (await gateway.tokens.create("agency", "李专员")).token);
    const L = apiClient(lender.url, tokens.get(consortium.member("示例银行").id));
    expect((await L.put(`/v1/agencies/${a}`, profile("示例催收甲"))).status).to.equal(200);
    expect((await L.put(`/v1/agencies/${b}`, profile("示例催收乙"))).status).to.equal(200);
    // Two cases, two agencies serving every region with the same capacity: one case each.
    const upload = await L.upload("loop.csv", [CASE_LIST_HEADER, row(1), row(2)].join("\n"));
    const preview = await L.post(`/v1/case-lists/${upload.body.id}/allocation`);
    const decisions = preview.body.decisions as Array<{ caseKey: string; agencyId: number }>;
    expect(new Set(decisions.map((d) => d.agencyId))).to.deep.equal(new Set([a, b]));
    expect((await L.post(`/v1/allocations/${preview.body.id}/commit`, { mandateDays: 200 })).status).to.equal(202);
    await eventually(async () => {
      const handovers = ((await L.get(`/v1/allocations/${preview.body.id}`)).body.handovers ?? []) as HandoverDelivery[];
      return (handovers.length === 2 && handovers.every((h) => h.state === "delivered")) || undefined;
    }, 60_000, "the handovers");
    ({ caseKey, agencyId: recovering } = decisions[0]!);
    idle = recovering === a ? b : a;
    await eventually(async () => (await apiClient(agencies.get(recovering)!.url, tokens.get(recovering)).get(`/v1/cases/${caseKey}`)).status === 200 || undefined, 30_000, "the agency's index");
  });
  after(async () => {
    await browser?.close();
    await Promise.all([lender?.close(), ...[...agencies.values()].map((g) => g.close())]);
    await consortium?.stop();
  });

  it("report → confirm → schedule agreed → statement accepted and notarized on both sides → scorecard → the next preview", async () => {
    const lenderId = consortium.member("示例银行").id;
    const agency = agencies.get(recovering)!;
    const L = apiClient(lender.url, tokens.get(lenderId));
    const A = apiClient(agency.url, tokens.get(recovering));

    // 1. The agency reports 720 yuan of the 900 outstanding, with a voucher, from its case page. Paid after the
    // assignment (the form takes minutes): the next minute, once it has begun.
    const paidAt = Math.ceil((Date.now() + 1) / 60_000) * 60_000;
    await new Promise((resolve) => setTimeout(resolve, paidAt - Date.now() + 500));
    const agencyPage = await login(agency, tokens.get(recovering)!);
    await agencyPage.goto(`${agency.url}/#case/${caseKey}`);
    await agencyPage.waitForSelector("#repayment-form", WAIT);
    await agencyPage.fill("#repayment-amount", "720.00");
    await agencyPage.fill("#repayment-paid-at", chinaMinute(paidAt));
    await agencyPage.setInputFiles("#repayment-voucher", { name: "voucher.png", mimeType: "image/png", buffer: Buffer.from("synthetic voucher, money loop") });
    await agencyPage.click("#repayment-send");
    await agencyPage.waitForSelector("#repayment-message .note.ok", WAIT);
    const reportId = await agencyPage.getAttribute("tr[data-report]", "data-report");

    // 2. The lender confirms it from the case's ledger; the outstanding drops to 180 yuan.
    const lenderPage = await login(lender, tokens.get(lenderId)!);
    await eventually(async () => {
      await lenderPage.goto(`${lender.url}/#case/${caseKey}`);
      return (await lenderPage.waitForSelector(`tr[data-repayment="${reportId}"] [data-state="reported"]`, { timeout: 3_000 }).catch(() => null)) ?? undefined;
    }, 30_000, "the report at the lender");
    await lenderPage.click(`tr[data-repayment="${reportId}"] button[data-action=confirm]`);
    await lenderPage.waitForSelector(`tr[data-repayment="${reportId}"] [data-state="confirmed"]`, WAIT);
    expect(await lenderPage.textContent("#repayment-outstanding")).to.include("180.00");

    // 3. The lender proposes a full-risk schedule (15% for 0–90 days overdue); the agency accepts it.
    await lenderPage.goto(`${lender.url}/#schedules`);
    await lenderPage.waitForSelector("#fee-agency", WAIT);
    await lenderPage.fill("#fee-agency", String(recovering));
    await lenderPage.fill("#fee-effective", "2020-01-01");
    await lenderPage.selectOption("#fee-kind", "full-risk");
    await lenderPage.click("#propose");
    await lenderPage.waitForSelector("[data-schedule] [data-state=proposed]", WAIT);
    await eventually(async () => ((await A.get("/v1/fee-schedules")).body.schedules[0] ? true : undefined), 20_000, "the proposal delivered");
    await agencyPage.goto(`${agency.url}/#schedules`);
    await agencyPage.click("[data-accept]", WAIT);
    await agencyPage.waitForSelector("[data-schedule] [data-state=agreed]", WAIT);

    // 4. The lender issues the month's statement: 15% of 720 yuan = 108 yuan; the agency opens it and accepts.
    await lenderPage.goto(`${lender.url}/#statements`);
    await lenderPage.waitForSelector("#stmt-agency", WAIT);
    await lenderPage.fill("#stmt-agency", String(recovering));
    await lenderPage.fill("#stmt-month", monthOf(paidAt));
    await lenderPage.click("#issue");
    await lenderPage.waitForSelector("#statement-hash", WAIT);
    const hash = (await lenderPage.textContent("#statement-hash"))!;
    expect((await L.get(`/v1/statements/${hash}`)).body.doc.totals).to.deep.include({ repaidFen: "72000", feeFen: "10800" });
    await eventually(async () => ((await L.get(`/v1/statements/${hash}`)).body.deliveredAt ? true : undefined), 20_000, "the statement delivered");
    await agencyPage.goto(`${agency.url}/#statement/${hash}`);
    await agencyPage.click("#stmt-accept", WAIT);
    await agencyPage.waitForSelector("[data-state=accepted]", WAIT);
    await lenderPage.reload();
    await lenderPage.waitForSelector("[data-state=accepted]", WAIT);

    // 5. Both members' evidence logs hold the accepted statement.
    for (const [client, who] of [[L, "lender"], [A, "agency"]] as const) {
      const evidenceId = await eventually(async () => (await client.get(`/v1/statements/${hash}`)).body.evidenceId as number | undefined, 20_000, `the ${who}'s record`);
      const record = await client.get(`/v1/evidence/${evidenceId}`);
      expect(record.status, who).to.equal(200);
      expect(JSON.stringify(record.body), who).to.contain(hash);
    }

    // 6. 91 days on: anvil's clock and the lender's move together (the staff token has expired by then).
    skewMs = 91 * DAY_MS;
    const provider = new JsonRpcProvider(consortium.anvil.rpcUrl, undefined, { staticNetwork: true });
    await provider.send("evm_increaseTime", [91 * 86_400]);
    await provider.send("evm_mine", []);
    provider.destroy();
    const later = (await lender.tokens.create("admin", "管理员，91 天后")).token;
    const laterPage = await login(lender, later);
    await laterPage.click("nav a[data-tab=agencies]");
    await laterPage.waitForSelector(`tr[data-agency="${recovering}"] span[data-window='90']`, WAIT);
    expect(await laterPage.textContent(`tr[data-agency="${recovering}"] span[data-window='90']`)).to.contain("80");
    expect(await laterPage.textContent(`tr[data-agency="${idle}"] span[data-window='90']`)).to.contain("0");

    // The lender's portfolio counts the confirmed 720 yuan of the 1,800 assigned: 40.0%.
    await laterPage.click("nav a[data-tab=portfolio]");
    await laterPage.waitForSelector("#portfolio-recovered", WAIT);
    expect(await laterPage.textContent("#portfolio-recovered")).to.contain("720.00").and.to.contain("40.0%");

    // 7. The next case goes to the agency that recovered, ahead of the one that did not, and the reason says so.
    const L2 = apiClient(lender.url, later);
    const next = await L2.upload("loop-next.csv", [CASE_LIST_HEADER, row(3)].join("\n"));
    await laterPage.goto(`${lender.url}/#list/${next.body.id}`);
    await laterPage.click("#preview-allocation", WAIT);
    await laterPage.waitForURL(/#allocation\//, WAIT);
    await laterPage.waitForSelector("#commit", WAIT);
    const text = (await laterPage.textContent("main"))!;
    expect(text).to.contain("示例催收" + (recovering === consortium.member("示例催收甲").id ? "甲" : "乙"));
    expect(text).to.contain("90 天回收率 80%");
    const allocation = await L2.get(`/v1/allocations/${laterPage.url().split("#allocation/")[1]}`);
    expect(allocation.body.decisions[0]).to.deep.include({ agencyId: recovering });
    expect(allocation.body.decisions[0].reason.details).to.deep.include({ recovery90d: 0.8 });
  });
});
