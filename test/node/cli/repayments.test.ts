import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import type { Gateway } from "../../../node/gateway.js";
import { apiClient, eventually } from "../../support/api-client.js";
import { chinaDay } from "../../../node/domain/fees/month.js";
import { caseledger as run } from "../../support/cli.js";
import { ROLE, type TestConsortium } from "../../support/consortium.js";
import { assignCases, startMembers } from "../../support/member-gateways.js";
import { syntheticId18 } from "../domain/identity/synthetic-ids.js";

/** `caseledger` with the language the assertions read: English. */
const caseledger = (args: string[], env: Record<string, string>, input?: string) => run(args, { CASELEDGER_LANG: "en", ...env }, input);

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
    ({ consortium, gateways: { lender, agency } } = await startMembers([
      { name: "lender", roles: ROLE.LENDER, directory: { name: "示例银行", roles: ["lender"] } },
      { name: "agency", roles: ROLE.AGENCY, directory: { name: "示例催收", roles: ["agency"] } },
    ]));
    lenderEnv = { CASELEDGER_GATEWAY: lender.url, CASELEDGER_TOKEN: (await lender.tokens.create("lender", "cli")).token };
    agencyEnv = { CASELEDGER_GATEWAY: agency.url, CASELEDGER_TOKEN: (await agency.tokens.create("agency", "cli")).token };
    // The agency records the voucher as evidence, which its gateway allows once its chain index shows the case held.
    const rows = [`CR-1,命令测试,${syntheticId18("19830303", "412", "440305")},13900020001,1000,900,30`];
    [caseKey] = (await assignCases(apiClient(lender.url, lenderEnv.CASELEDGER_TOKEN), apiClient(agency.url, agencyEnv.CASELEDGER_TOKEN), "cli-repay.csv", rows)) as [string];
    dir = await mkdtemp(join(tmpdir(), "caseledger-cli-repay-"));
    await writeFile(join(dir, "voucher.png"), "synthetic voucher image");
    await writeFile(join(dir, "voucher-2.png"), "another synthetic voucher image");
  });
  after(async () => {
    await Promise.all([lender?.close(), agency?.close()]);
    await consortium?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("the agency reports with a voucher file, the lender confirms one and disputes another; both sides list what happened", async () => {
    const paidAt = new Date(Date.now() - 60_000).toISOString();
    const args = (amount: string, voucher = "voucher.png") => ["repayments", "report", "--case-key", caseKey, "--amount-fen", amount, "--paid-at", paidAt, "--channel", "agency-escrow", "--payer", "debtor", "--voucher", join(dir, voucher)];
    const first = await caseledger([...args("12345"), "--json"], agencyEnv);
    expect(first.code, first.stderr).to.equal(0);
    const report = JSON.parse(first.stdout) as { reportId: string; voucher: { evidenceId: number } };
    // One voucher file is one payment: another report showing it is refused by the creditor (VOUCHER_REUSED).
    const reused = await caseledger([...args("700"), "--json"], agencyEnv);
    expect(reused.code, reused.stderr).to.equal(0);
    const reusedId = (JSON.parse(reused.stdout) as { reportId: string }).reportId;
    const human = await caseledger(args("500", "voucher-2.png"), agencyEnv);
    expect(human.code, human.stderr).to.equal(0);
    expect(human.stdout).to.match(/reported [0-9a-f]{32}: 5\.00 元/);
    const secondId = /reported ([0-9a-f]{32})/.exec(human.stdout)![1]!;
    await eventually(async () => {
      const list = await caseledger(["repayments", "list", "--case-key", caseKey, "--json"], agencyEnv);
      const reports = (JSON.parse(list.stdout) as { reports: Array<{ state: string }> }).reports;
      return reports.length === 3 && reports.filter((r) => r.state === "reported").length === 2 && reports.some((r) => r.state === "refused") || undefined;
    }, 30_000, "both reported");
    const refusedLine = (await caseledger(["repayments", "list", "--case-key", caseKey], agencyEnv)).stdout.split("\n").find((l) => l.startsWith(reusedId));
    expect(refusedLine).to.match(/refused .* VOUCHER_REUSED/);
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

  it("the lender imports its bank's statement: a preview of matched and unmatched lines, then --confirm confirms the matched", async () => {
    const paidAt = new Date(Date.now() - 60_000).toISOString();
    await writeFile(join(dir, "voucher-3.png"), "a third synthetic voucher image");
    const sent = await caseledger(["repayments", "report", "--case-key", caseKey, "--amount-fen", "2000", "--paid-at", paidAt, "--channel", "agency-escrow", "--payer", "debtor", "--voucher", join(dir, "voucher-3.png"), "--json"], agencyEnv);
    const reportId = (JSON.parse(sent.stdout) as { reportId: string }).reportId;
    await eventually(async () => {
      const list = JSON.parse((await caseledger(["repayments", "list", "--json"], agencyEnv)).stdout) as { reports: Array<{ reportId: string; state: string }> };
      return list.reports.some((r) => r.reportId === reportId && r.state === "reported") || undefined;
    }, 30_000, "reported");
    const day = chinaDay(paidAt);
    // The bank's export carries the payer's name: it is never read into the answer.
    await writeFile(join(dir, "bank.csv"), `交易日期,付款人姓名,借据号,金额\n${day} 09:15:00,命令测试,CR-1,20.00\n${day},命令测试,CR-9,1.00\n${day},命令测试,CR-1,0\n`);
    const preview = await caseledger(["repayments", "import", join(dir, "bank.csv")], lenderEnv);
    expect(preview.code, preview.stderr).to.equal(1);
    expect(preview.stdout).to.include("reconciled 3 lines: 1 matched, 2 not");
    expect(preview.stdout).to.include(`row 2 CR-1 20.00 元 ${day} → ${reportId}`);
    expect(preview.stdout).to.include("row 3 loanRef: LOAN_REF_UNKNOWN");
    expect(preview.stdout).to.include("row 4 amount: AMOUNT_ZERO the amount must not be zero");
    expect(preview.stdout + preview.stderr).not.to.include("命令测试");
    const confirmed = await caseledger(["repayments", "import", join(dir, "bank.csv"), "--confirm", "--json"], lenderEnv);
    const out = JSON.parse(confirmed.stdout) as { preview: { ids: string[] }; results: Array<{ id: string; state?: string }> };
    expect(out.preview.ids).to.deep.equal([reportId]);
    expect(out.results).to.have.length(1);
    expect(out.results[0]).to.include({ id: reportId, state: "confirmed" });
    const again = JSON.parse((await caseledger(["repayments", "import", join(dir, "bank.csv"), "--json"], lenderEnv)).stdout) as { preview: { ids: string[]; unmatched: Array<{ row: number; code: string }> } };
    expect(again.preview.ids).to.deep.equal([]);
    expect(again.preview.unmatched[0]).to.deep.include({ row: 2, code: "AMOUNT_DIFFERS" });
  });
});
