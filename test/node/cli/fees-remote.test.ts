import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { monthOf } from "../../../node/domain/fees/month.js";
import type { Gateway } from "../../../node/gateway.js";
import { eventually } from "../../support/api-client.js";
import { ROLE, type TestConsortium } from "../../support/consortium.js";
import { startMembers } from "../../support/member-gateways.js";
import { caseledger as run } from "../../support/cli.js";

/** `caseledger` with the language the assertions read: both (the default). */
const caseledger = (args: string[], env: Record<string, string>, input?: string) => run(args, { CASELEDGER_LANG: "", ...env }, input);

describe("node/cli: caseledger fee-schedules and statements (against real gateways)", function () {
  this.timeout(180_000);
  let consortium: TestConsortium;
  let lender: Gateway;
  let agency: Gateway;
  let dir: string;
  let adminEnv: Record<string, string>;
  let lenderEnv: Record<string, string>;
  let agencyEnv: Record<string, string>;
  const month = monthOf(Date.now());

  before(async () => {
    ({ consortium, gateways: { lender, agency } } = await startMembers([
      { name: "lender", roles: ROLE.LENDER, directory: { name: "示例银行", roles: ["lender"] }, config: (c) => c },
      { name: "agency", roles: ROLE.AGENCY, directory: { name: "示例催收", roles: ["agency"] }, config: (c) => c },
    ]));
    adminEnv = { CASELEDGER_GATEWAY: lender.url, CASELEDGER_TOKEN: (await lender.tokens.create("admin", "cli")).token };
    lenderEnv = { CASELEDGER_GATEWAY: lender.url, CASELEDGER_TOKEN: (await lender.tokens.create("lender", "cli")).token };
    agencyEnv = { CASELEDGER_GATEWAY: agency.url, CASELEDGER_TOKEN: (await agency.tokens.create("agency", "cli")).token };
    dir = await mkdtemp(join(tmpdir(), "caseledger-cli-fees-"));
  });
  after(async () => {
    await Promise.all([lender?.close(), agency?.close()]);
    await consortium?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("proposes, lists and accepts a schedule, issues, accepts and exports a statement", async () => {
    const schedule = { agencyId: 2, version: 1, effectiveFrom: "2020-01-01", model: { kind: "no-risk", fixedFeeFen: "120000", per: "month" } };
    const proposed = await caseledger(["fee-schedules", "propose", "-", "--json"], adminEnv, JSON.stringify(schedule));
    expect(proposed.code, proposed.stderr).to.equal(0);
    const { hash } = JSON.parse(proposed.stdout) as { hash: string };
    const bad = await caseledger(["fee-schedules", "propose", "-"], adminEnv, JSON.stringify({ ...schedule, version: 2, effectiveFrom: "2021-01-01", model: { kind: "no-risk", fixedFeeFen: "-1", per: "month" } }));
    expect([bad.code, bad.stderr]).to.satisfy(([code, err]: [number, string]) => code === 3 && err.includes("FEE_NEGATIVE"));

    // Proposals and statements go through the outbox: each is awaited until the other gateway has answered it.
    await eventually(async () => ((await lender.feeSchedules.get(hash)).proposal ? true : undefined), 20_000, "the proposal answered");
    const listed = await caseledger(["fee-schedules", "list", "--creditor", "1"], agencyEnv);
    expect(listed.stdout).to.include(`${hash}  creditor 1 → agency 2  v1 from 2020-01-01  no-risk  received`);
    const accepted = await caseledger(["fee-schedules", "accept", hash], agencyEnv);
    expect([accepted.code, accepted.stdout.includes("agreed")]).to.deep.equal([0, true]);

    const issued = await caseledger(["statements", "issue", "--agency", "2", "--month", month, "--json"], lenderEnv);
    expect(issued.code, issued.stderr).to.equal(0);
    const statement = JSON.parse(issued.stdout) as { hash: string; totals: { feeFen: string } };
    expect(statement.totals.feeFen).to.equal("120000");
    await eventually(async () => ((await lender.statements.get(statement.hash)).deliveredAt ? true : undefined), 20_000, "the statement delivered");
    const shown = await caseledger(["statements", "list"], agencyEnv);
    expect(shown.stdout).to.include(`${statement.hash}  ${month}  creditor 1 → agency 2  received  1 lines, repaid 0.00, fees 1200.00 元; 0 apart`);
    const refused = await caseledger(["statements", "dispute", statement.hash, "--line", "nope", "--reason", "x"], agencyEnv);
    expect([refused.code, refused.stderr.includes("VALIDATION_FAILED")]).to.deep.equal([3, true]);
    expect((await caseledger(["statements", "accept", statement.hash], agencyEnv)).stdout).to.include("accepted");

    const out = join(dir, "s.csv");
    const exported = await caseledger(["statements", "export", statement.hash, "--format", "csv", "--out", out], lenderEnv);
    expect(exported.code, exported.stderr).to.equal(0);
    expect((await readFile(out, "utf8")).includes("month-fee")).to.equal(true);
    const pdf = join(dir, "s.pdf");
    expect((await caseledger(["statements", "export", statement.hash, "--format", "pdf", "--out", pdf], agencyEnv)).code).to.equal(0);
    expect((await readFile(pdf)).subarray(0, 5).toString()).to.equal("%PDF-");
    expect((await caseledger(["statements", "export", statement.hash, "--format", "xls"], agencyEnv)).code).to.equal(2);
  });
});
