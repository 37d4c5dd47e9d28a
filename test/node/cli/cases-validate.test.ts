import { execFile } from "node:child_process";
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { expect } from "chai";
import { syntheticId18 } from "../domain/identity/synthetic-ids.js";
import { CLI } from "../../support/cli.js";

const run = promisify(execFile);

/** The `caseledger` command as a user runs it: a real process, its stdout, stderr and exit code. */
async function caseledger(args: string[], cwd: string, env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [...CLI, ...args], { cwd, env: { ...process.env, ...env } });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe("node/cli: caseledger cases validate", function () {
  this.timeout(60_000);
  let dir: string;
  const ID = syntheticId18("19880808", "555", "320102");

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "caseledger-cli-"));
    await writeFile(join(dir, "pepper.json"), JSON.stringify({ version: 1, secret: "42".repeat(32) }), { mode: 0o600 });
    await writeFile(join(dir, "open-pepper.json"), JSON.stringify({ version: 1, secret: "42".repeat(32) }));
    await chmod(join(dir, "open-pepper.json"), 0o644);
    await writeFile(
      join(dir, "list.csv"),
      `\ufeffloan_ref,name,id_number,phone,principal,outstanding,overdue_days\r\nL-1,测试甲,${ID},13800138000,100,100,3\r\nL-2,测试乙,${ID.slice(0, 17)}${ID.endsWith("1") ? "2" : "1"},,1,1,1\r\n`,
    );
    await writeFile(join(dir, "good.csv"), `loan_ref,name,id_number,principal,outstanding,overdue_days\nL-1,测试甲,${ID},1,1,1\n`);
    await writeFile(join(dir, "picture.csv"), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]));
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  const base = ["cases", "validate"];
  const secrets = ["--pepper", "pepper.json", "--member", "1"];

  it("prints the validation report as JSON with --json and exits 1 when rows are rejected", async () => {
    const { code, stdout } = await caseledger([...base, "list.csv", ...secrets, "--json"], dir);
    expect(code).to.equal(1);
    const report = JSON.parse(stdout);
    expect(report.file).to.equal("list.csv");
    expect(report.encoding).to.equal("utf-8-bom");
    expect(report.totals).to.deep.equal({ rows: 2, accepted: 1, duplicate: 0, rejected: 1, debtors: 1 });
    expect(report.rows[1]).to.include({ line: 3, loanRef: "L-2", status: "rejected" });
    expect(report.rows[1].errors[0]).to.include({ field: "id_number", code: "ID_CHECK_DIGIT" });
    expect(stdout).to.not.include(ID.slice(0, 17));
    expect(stdout).to.not.include("13800138000");
  });

  it("prints a readable summary without --json, and exits 0 when every row is accepted", async () => {
    const bad = await caseledger([...base, "list.csv", ...secrets], dir);
    expect(bad.stdout).to.match(/rejected 1/);
    expect(bad.stdout).to.match(/line 3 L-2: id_number ID_CHECK_DIGIT/);
    const good = await caseledger([...base, "good.csv", ...secrets], dir);
    expect(good.code).to.equal(0);
    expect(good.stdout).to.match(/accepted 1/);
  });

  it("words problems in the user's language with CASELEDGER_LANG, in both languages without it", async () => {
    const both = await caseledger([...base, "list.csv", ...secrets], dir);
    expect(both.stdout).to.include("id_number ID_CHECK_DIGIT: 身份证号校验位错误 / ID number check character is wrong");
    const en = await caseledger([...base, "list.csv", ...secrets], dir, { CASELEDGER_LANG: "en" });
    expect(en.stdout).to.include("id_number ID_CHECK_DIGIT: ID number check character is wrong\n");
    const zh = await caseledger([...base, "picture.csv", ...secrets], dir, { CASELEDGER_LANG: "zh" });
    expect(zh.stderr).to.include("FILE_NOT_CSV: 文件不是 CSV 文本");
    expect(zh.stderr).to.not.include("the file is not CSV text");
  });

  it("exits 3 for a file that is not CSV, 4 for a world-readable pepper, 2 for bad usage", async () => {
    const picture = await caseledger([...base, "picture.csv", ...secrets], dir);
    expect(picture.code).to.equal(3);
    expect(picture.stderr).to.match(/FILE_NOT_CSV/);
    const open = await caseledger([...base, "good.csv", "--pepper", "open-pepper.json", "--member", "1"], dir);
    expect(open.code).to.equal(4);
    expect(open.stderr).to.match(/chmod 600/);
    expect(open.stderr).to.not.include("42".repeat(32));
    expect((await caseledger([...base, "good.csv"], dir)).code).to.equal(2);
    expect((await caseledger(["cases", "nonsense"], dir)).code).to.equal(2);
    expect((await caseledger([...base, "missing.csv", ...secrets], dir)).code).to.equal(3);
  });
});
