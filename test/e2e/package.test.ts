import { execFile, execFileSync } from "node:child_process";
import { accessSync, constants, existsSync, realpathSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { promisify } from "node:util";
import { expect } from "chai";
import { PROJECT_ROOT } from "../../node/paths.js";
import { FILE, fixture } from "../node/domain/evidence/receipt-fixtures.js";
import { syntheticId18 } from "../node/domain/identity/synthetic-ids.js";
import { ROLE, startConsortium } from "../support/consortium.js";
import { spawnGateway, writeProcessConfig } from "../support/gateway-process.js";

const exec = promisify(execFile);

/**
 * The Node 20 that a member's IT team has: CASELEDGER_NODE20 when set, otherwise the first `node` on PATH that is
 * Node 20 and not the Node running the tests (the suite runs under Node 22, whose directory run.mjs puts first).
 */
function findNode20(): string | undefined {
  const candidates = [process.env.CASELEDGER_NODE20, ...(process.env.PATH ?? "").split(delimiter).map((d) => d && join(d, "node"))];
  const self = realpathSync(process.execPath);
  for (const candidate of candidates) {
    if (!candidate) continue;
    try {
      accessSync(candidate, constants.X_OK);
      if (realpathSync(candidate) === self) continue;
      if (execFileSync(candidate, ["--version"], { encoding: "utf8" }).startsWith("v20.")) return candidate;
    } catch {
      // not there, or not runnable
    }
  }
  return undefined;
}

/** Runs a command to its end: exit code, stdout, stderr (a non-zero exit is a result, not an exception). */
async function run(file: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }) {
  try {
    const { stdout, stderr } = await exec(file, args, { ...options, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number | string; stdout?: string; stderr?: string };
    return { code: typeof err.code === "number" ? err.code : -1, stdout: err.stdout ?? "", stderr: err.stderr ?? "" };
  }
}

/**
 * What a member's IT team does with CaseLedger: `npm pack` in a checkout (which builds), the tarball installed into
 * an empty folder with the machine's Node 20 and npm, then the installed `caseledger` command and gateway run from
 * it, without tsx, Hardhat or the repository.
 */
describe("e2e: the npm package, installed and run on Node 20", function () {
  this.timeout(600_000);
  let node20: string | undefined;
  let dir: string;
  let app: string;
  let env: NodeJS.ProcessEnv;
  let tarball: string;

  before(async function () {
    node20 = findNode20();
    if (!node20) {
      console.log("    (skipped: no Node 20 found on PATH or in CASELEDGER_NODE20 / 未找到 Node 20，跳过)");
      this.skip();
    }
    dir = await mkdtemp(join(tmpdir(), "caseledger-package-"));
    app = join(dir, "app");
    // Node 20 first on PATH: npm, the packages' install scripts and the command's `#!/usr/bin/env node` all use it.
    env = { ...process.env, PATH: [dirname(node20), process.env.PATH ?? ""].join(delimiter) };
    const packed = await run("npm", ["pack", "--json", "--pack-destination", dir], { cwd: PROJECT_ROOT, env });
    expect(packed.code, packed.stderr).to.equal(0);
    // npm prints the prepack build's output before its JSON.
    const files = JSON.parse(packed.stdout.slice(packed.stdout.indexOf("\n[") + 1)) as Array<{ filename: string; files: Array<{ path: string }> }>;
    tarball = join(dir, files[0]!.filename);
    const paths = files[0]!.files.map((f) => f.path);
    expect(paths).to.include.members(["package.json", "dist/bin/caseledger.js", "dist/node/main.js", "dist/node/web/index.html"]);
    expect(paths).to.include("dist/artifacts/contracts/EvidenceRegistry.sol/EvidenceRegistry.json");
    expect(paths.filter((p) => /^(test|contracts|scripts|node)\/|\.ts$/.test(p) && !p.endsWith(".d.ts"))).to.deep.equal([]);

    await mkdir(app);
    await writeFile(join(app, "package.json"), JSON.stringify({ name: "member-it", private: true }));
    const installed = await run("npm", ["install", tarball, "--prefer-offline", "--no-audit", "--no-fund"], { cwd: app, env });
    expect(installed.code, installed.stderr).to.equal(0);
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const caseledger = (args: string[]) => run(join(app, "node_modules", ".bin", "caseledger"), args, { cwd: app, env });

  it("installs the runtime dependencies only: no tsx, Hardhat or TypeScript", () => {
    // The `node` that the installed command's `#!/usr/bin/env node` finds is Node 20.
    expect(execFileSync("node", ["--version"], { env, encoding: "utf8" })).to.match(/^v20\./);
    for (const devOnly of ["tsx", "hardhat", "typescript", "@foundry-rs/anvil"]) {
      expect(existsSync(join(app, "node_modules", devOnly)), devOnly).to.equal(false);
    }
    expect(existsSync(join(app, "node_modules", "ethers"))).to.equal(true);
  });

  it("runs `caseledger cases validate --json` on Node 20", async () => {
    const id = syntheticId18("19880808", "555", "320102");
    await writeFile(join(app, "pepper.json"), JSON.stringify({ version: 1, secret: "42".repeat(32) }), { mode: 0o600 });
    await writeFile(join(app, "list.csv"), `loan_ref,name,id_number,principal,outstanding,overdue_days\nL-1,测试甲,${id},1,1,1\n`);
    const { code, stdout, stderr } = await caseledger(["cases", "validate", "list.csv", "--pepper", "pepper.json", "--member", "1", "--json"]);
    expect(code, stderr).to.equal(0);
    const report = JSON.parse(stdout);
    expect(report.totals).to.deep.equal({ rows: 1, accepted: 1, duplicate: 0, rejected: 0, debtors: 1 });
    expect(stdout).to.not.include(id);
  });

  it("runs `caseledger verify` on Node 20: the recorded file passes offline, another file fails", async () => {
    await writeFile(join(app, "recording.receipt.json"), JSON.stringify(fixture().receipt));
    await writeFile(join(app, "recording.mp3"), FILE);
    await writeFile(join(app, "other.mp3"), "another recording");

    const offline = await caseledger(["verify", "recording.mp3", "recording.receipt.json", "--json"]);
    // 5: every offline step passed; the chain was not asked, so the verdict is incomplete.
    expect(offline.code, offline.stderr).to.equal(5);
    const report = JSON.parse(offline.stdout) as { verdict: string; steps: Array<{ step: string; verdict: string }> };
    expect(report.verdict).to.equal("incomplete");
    expect(report.steps.filter((s) => s.verdict === "failed")).to.deep.equal([]);

    const tampered = await caseledger(["verify", "other.mp3", "recording.receipt.json", "--json"]);
    expect(tampered.code).to.equal(1);
    expect(JSON.parse(tampered.stdout).verdict).to.equal("invalid");
  });

  it("runs a member's gateway on Node 20 against a chain: contract ABIs, web console and its vendor files from the package", async () => {
    const consortium = await startConsortium([{ name: "lender", roles: ROLE.LENDER }]);
    try {
      const { file } = await writeProcessConfig(consortium, { name: "lender" });
      const main = join(app, "node_modules", "caseledger", "dist", "node", "main.js");
      const gateway = await spawnGateway("lender", file, { command: [node20!, main], env: { PATH: env.PATH ?? "" } });
      try {
        // Started: it connected to the deployment with the ABIs of dist/artifacts.
        expect((await gateway.api.get("/v1/me")).body).to.include({ role: "admin" });
        for (const path of ["/", "/verify", "/console/console.js", "/console/vendor/chartist.js", "/console/vendor/qrcode.mjs"]) {
          const res = await fetch(`${gateway.url}${path}`);
          expect(res.status, path).to.equal(200);
          expect((await res.text()).length, path).to.be.greaterThan(100);
        }
      } finally {
        await gateway.stop();
      }
    } finally {
      await consortium.stop();
    }
  });

  it("loads the whole gateway on Node 20: without a config it prints its usage and exits 2", async () => {
    const main = join(app, "node_modules", "caseledger", "dist", "node", "main.js");
    const env20 = { ...env };
    delete env20.CASELEDGER_CONFIG;
    const { code, stderr } = await run(node20!, [main], { cwd: app, env: env20 });
    expect(code).to.equal(2);
    expect(stderr).to.include("usage");
    expect(await readFile(join(app, "node_modules", "caseledger", "package.json"), "utf8")).to.include('"caseledger"');
  });
});
