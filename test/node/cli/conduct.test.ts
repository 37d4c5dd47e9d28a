import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { CLI } from "../../support/cli.js";

/** `caseledger conduct screen` as a user runs it: a real process, a file or stdin, exit codes 0 / 1 / 2. */
function caseledger(args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [...CLI, ...args], (error, stdout, stderr) => resolve({ code: error ? Number((error as { code?: number }).code) : 0, stdout, stderr }));
    child.stdin!.end(input ?? "");
  });
}

describe("node/cli: caseledger conduct screen (design §26)", function () {
  this.timeout(60_000);
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "caseledger-conduct-"));
    await writeFile(join(dir, "polite.txt"), "您好，您的借款已逾期，请联系我们协商还款。");
    await writeFile(join(dir, "threat.txt"), "\ufeff再不还钱就让你 坐\u200b牢");
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  it("passes a polite text (exit 0) and refuses a padded forbidden term with rule and span (exit 1)", async () => {
    const ok = await caseledger(["conduct", "screen", join(dir, "polite.txt")]);
    expect(ok.code).to.equal(0);
    expect(ok.stdout).to.include("passes").and.include("2026.1");
    const refused = await caseledger(["conduct", "screen", join(dir, "threat.txt")]);
    expect(refused.code).to.equal(1);
    expect(refused.stdout).to.include("LEGAL-01").and.include("[8, 11)");
    expect(refused.stdout).to.not.include("坐");
  });

  it("reads stdin and answers JSON", async () => {
    const r = await caseledger(["conduct", "screen", "-", "--json"], "你这个老赖");
    expect(r.code).to.equal(1);
    expect(JSON.parse(r.stdout)).to.deep.include({ ok: false, rule: "INSULT-01", category: "INSULT", span: [3, 5] });
    expect((await caseledger(["conduct", "screen"])).code).to.equal(2);
  });
});
