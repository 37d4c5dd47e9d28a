import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import type { Gateway } from "../../../node/gateway.js";
import { apiClient } from "../../support/api-client.js";
import { caseledger as run } from "../../support/cli.js";
import { ROLE, type TestConsortium } from "../../support/consortium.js";
import { assignCases, startMembers } from "../../support/member-gateways.js";
import { syntheticId18 } from "../domain/identity/synthetic-ids.js";

/** The gateways' clock shows 10:00 China time today (the permit rules read the hour), whatever the real hour. */
function tenOClockOffset(): number {
  const now = Date.now();
  const chinaMinute = Math.floor(((now + 8 * 3_600_000) % 86_400_000) / 60_000);
  let delta = 10 * 60 - chinaMinute;
  if (delta > 720) delta -= 1440;
  if (delta < -720) delta += 1440;
  return delta * 60_000;
}

/** `caseledger` with the language the assertions read: English. */
const caseledger = (args: string[], env: Record<string, string>, input?: string) => run(args, { CASELEDGER_LANG: "en", ...env }, input);

describe("node/cli: caseledger contacts permit / log / list / promises / figures (against real gateways)", function () {
  this.timeout(180_000);
  let consortium: TestConsortium;
  let lender: Gateway;
  let agency: Gateway;
  let dir: string;
  let env: Record<string, string>;
  let caseKey: string;
  const offset = tenOClockOffset();
  const clock = () => Date.now() + offset;

  before(async () => {
    ({ consortium, gateways: { lender, agency } } = await startMembers([
      { name: "lender", roles: ROLE.LENDER, directory: { name: "示例银行", roles: ["lender"] }, config: (c) => c, options: { clock } },
      { name: "agency", roles: ROLE.AGENCY, directory: { name: "示例催收", roles: ["agency"] }, config: (c) => c, options: { clock } },
    ]));
    const L = apiClient(lender.url, (await lender.tokens.create("lender", "cli")).token);
    env = { CASELEDGER_GATEWAY: agency.url, CASELEDGER_TOKEN: (await agency.tokens.create("agency", "cli")).token };
    [caseKey] = (await assignCases(L, apiClient(agency.url, env.CASELEDGER_TOKEN), "cli-contacts.csv", [`CC-1,命令测试,${syntheticId18("19840404", "613", "440305")},13900030001,1000,900,30`])) as [string];
    dir = await mkdtemp(join(tmpdir(), "caseledger-cli-contacts-"));
    await writeFile(join(dir, "call.mp3"), "synthetic recording bytes");
  });
  after(async () => {
    await Promise.all([lender?.close(), agency?.close()]);
    await consortium?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("asks for a permit, logs the call with its recording and a promise, and lists the log and the promises", async () => {
    const permit = await caseledger(["contacts", "permit", "--case-key", caseKey, "--channel", "call", "--json"], env);
    expect(permit.code, permit.stderr).to.equal(0);
    const permitId = (JSON.parse(permit.stdout) as { permit: { permitId: string } }).permit.permitId;
    const startedAt = new Date(clock()).toISOString();
    const log = await caseledger(["contacts", "log", "--case-key", caseKey, "--channel", "call", "--party", "debtor", "--started-at", startedAt, "--duration", "90", "--outcome", "promise_to_pay", "--promise-due", "2099-01-31", "--promise-fen", "50000", "--collector", "W-17", "--permit", permitId, "--recording", join(dir, "call.mp3")], env);
    expect(log.code, log.stderr).to.equal(0);
    expect(log.stdout).to.match(/logged [0-9a-f]{32}: call promise_to_pay/);
    expect(log.stdout).to.match(/evidence \d+ 0x[0-9a-f]{64}/);
    const list = await caseledger(["contacts", "list", "--case-key", caseKey], env);
    expect(list.stdout).to.include("promise_to_pay").and.include("W-17");
    const promises = await caseledger(["contacts", "promises", "--json"], env);
    expect((JSON.parse(promises.stdout) as { promises: unknown[] }).promises).to.deep.equal([{ caseKey, entryId: (JSON.parse((await caseledger(["contacts", "list", "--json"], env)).stdout) as { contacts: Array<{ entryId: string }> }).contacts[0]!.entryId, dueDate: "2099-01-31", amountFen: "50000", due: false }]);
    // The promise pauses contact on the case (by policy); the refusal's code reaches the user, with exit code 3.
    const paused = await caseledger(["contacts", "permit", "--case-key", caseKey, "--channel", "sms"], env);
    expect(paused.code).to.equal(3);
    expect(paused.stderr).to.include("CONTACT_PROMISE_PENDING");
  });

  it("logs a contact without a permit as a violation (exit 1), and gives the figures", async () => {
    const startedAt = new Date(clock() - 30 * 60_000).toISOString();
    const log = await caseledger(["contacts", "log", "--case-key", caseKey, "--channel", "sms", "--party", "debtor", "--started-at", startedAt, "--outcome", "no_answer", "--collector", "W-18"], env);
    expect(log.code).to.equal(1);
    expect(log.stdout).to.include("violations: no_permit");
    const from = new Date(clock() - 86_400_000).toISOString();
    const to = new Date(clock() + 86_400_000).toISOString();
    const figures = await caseledger(["contacts", "figures", "--from", from, "--to", to], env);
    expect(figures.code, figures.stderr).to.equal(0);
    expect(figures.stdout).to.include("agency #2 for lender #1: connected 1").and.include("no_permit 1").and.include("CONTACT_PROMISE_PENDING 1");
    const refused = await caseledger(["contacts", "permit", "--case-key", `0x${"12".repeat(32)}`, "--channel", "call"], env);
    expect(refused.stderr).to.include("CONTACT_NOT_HELD");
  });
});
