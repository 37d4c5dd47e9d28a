import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { startGateway, type Gateway } from "../../../node/gateway.js";
import type { HandoverDelivery } from "../../../node/store/handover-deliveries.js";
import { apiClient, eventually } from "../../support/api-client.js";
import { CLI } from "../../support/cli.js";
import { ROLE, startConsortium, type TestConsortium } from "../../support/consortium.js";
import { publishDirectory } from "../../support/directory.js";
import { syntheticId18 } from "../domain/identity/synthetic-ids.js";

function caseledger(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...CLI, ...args], { env: { ...process.env, CASELEDGER_LANG: "en", ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => (stdout += c));
    child.stderr.on("data", (c) => (stderr += c));
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end();
  });
}

describe("node/cli: caseledger repayments report / list / confirm / dispute (against real gateways)", function () {
  this.timeout(180_000);
  let consortium: TestConsortium;
  let lender: Gateway;
  let agency: Gateway;
  let dir: string;
  let lenderEnv: Record<string, string>;
  let agencyEnv: Record<string, string>;
  let caseKey: string;

  before(async () => {
    consortium = await startConsortium([
      { name: "lender", roles: ROLE.LENDER },
      { name: "agency", roles: ROLE.AGENCY },
    ]);
    const fast = (name: string) => ({ ...consortium.member(name).config, timeouts: { ...consortium.member(name).config.timeouts, peerRetryMs: 100 } });
    lender = await startGateway(fast("lender"), { log: () => {} });
    agency = await startGateway(fast("agency"), { log: () => {} });
    await publishDirectory(consortium, {
      lender: { name: "示例银行", roles: ["lender"], gatewayUrl: lender.url },
      agency: { name: "示例催收", roles: ["agency"], gatewayUrl: agency.url },
    });
    lenderEnv = { CASELEDGER_GATEWAY: lender.url, CASELEDGER_TOKEN: (await lender.tokens.create("lender", "cli")).token };
    agencyEnv = { CASELEDGER_GATEWAY: agency.url, CASELEDGER_TOKEN: (await agency.tokens.create("agency", "cli")).token };
    const L = apiClient(lender.url, lenderEnv.CASELEDGER_TOKEN);
    expect((await L.put("/v1/agencies/2", { name: "示例催收", regions: ["*"], outstandingFen: { min: 0 }, overdueDays: { min: 0 }, capacity: 100 })).status).to.equal(200);
    const upload = await L.upload("cli-repay.csv", `合同编号,姓名,身份证号,手机号,本金,欠款余额,逾期天数\nCR-1,命令测试,${syntheticId18("19830303", "412", "440305")},13900020001,1000,900,30\n`);
    const preview = await L.post(`/v1/case-lists/${upload.body.id}/allocation`);
    await L.post(`/v1/allocations/${preview.body.id}/commit`, { mandateDays: 30 });
    await eventually(async () => ((await L.get(`/v1/allocations/${preview.body.id}`)).body.handovers?.[0] as HandoverDelivery | undefined)?.state === "delivered" || undefined, 60_000, "the handover");
    caseKey = preview.body.decisions[0].caseKey;
    dir = await mkdtemp(join(tmpdir(), "caseledger-cli-repay-"));
    await writeFile(join(dir, "voucher.png"), "synthetic voucher image");
  });
  after(async () => {
    await Promise.all([lender?.close(), agency?.close()]);
    await consortium?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("the agency reports with a voucher file, the lender confirms one and disputes another; both sides list what happened", async () => {
    const paidAt = new Date(Date.now() - 60_000).toISOString();
    const args = (amount: string) => ["repayments", "report", "--case-key", caseKey, "--amount-fen", amount, "--paid-at", paidAt, "--channel", "agency-escrow", "--payer", "debtor", "--voucher", join(dir, "voucher.png")];
    const first = await caseledger([...args("12345"), "--json"], agencyEnv);
    expect(first.code, first.stderr).to.equal(0);
    const report = JSON.parse(first.stdout) as { reportId: string; voucher: { evidenceId: number } };
    const human = await caseledger(args("500"), agencyEnv);
    expect(human.code, human.stderr).to.equal(0);
    expect(human.stdout).to.match(/reported [0-9a-f]{32}: 5\.00 元/);
    const secondId = /reported ([0-9a-f]{32})/.exec(human.stdout)![1]!;
    await eventually(async () => {
      const list = await caseledger(["repayments", "list", "--case-key", caseKey, "--json"], agencyEnv);
      const reports = (JSON.parse(list.stdout) as { reports: Array<{ state: string }> }).reports;
      return reports.length === 2 && reports.every((r) => r.state === "reported") || undefined;
    }, 30_000, "both reported");
    const confirm = await caseledger(["repayments", "confirm", report.reportId], lenderEnv);
    expect(confirm.code, confirm.stderr).to.equal(0);
    expect(confirm.stdout).to.include("confirmed 1 of 1");
    const dispute = await caseledger(["repayments", "dispute", secondId, "--reason", "AMOUNT_MISMATCH"], lenderEnv);
    expect(dispute.code, dispute.stderr).to.equal(0);
    expect(dispute.stdout).to.include("the amount does not match");
    const ledger = await caseledger(["repayments", "list", "--ledger", "--case-key", caseKey], lenderEnv);
    expect(ledger.stdout).to.include("outstanding 776.55 元");
    expect(ledger.stdout).to.match(/confirmed\s+123\.45 元/);
    expect(ledger.stdout).to.include("the amount does not match");
    const again = await caseledger(["repayments", "confirm", report.reportId, "00".repeat(16)], lenderEnv);
    expect(again.code).to.equal(1);
    expect(again.stdout).to.include("confirmed 0 of 2");
    await eventually(async () => {
      const list = await caseledger(["repayments", "list"], agencyEnv);
      return /confirmed\s+123\.45/.test(list.stdout) && /disputed\s+5\.00 元.*the amount does not match/.test(list.stdout) ? true : undefined;
    }, 30_000, "the agency's view of the decisions");
    const usage = await caseledger(["repayments", "dispute", secondId], lenderEnv);
    expect(usage.code).to.equal(2);
  });
});
