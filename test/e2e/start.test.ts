import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { PROJECT_ROOT } from "../../node/paths.js";

/**
 * `npm start` as a user runs it: a real process that starts anvil, deploys, prints the addresses, stops
 * cleanly on Ctrl-C (SIGINT), and finds the same contracts when started again.
 */
describe("e2e: npm start", function () {
  this.timeout(120_000);
  let dataDir: string;
  let child: ChildProcess | undefined;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "caseledger-start-"));
  });
  after(async () => {
    // The whole process group: run.mjs, the start script under it and its anvil (a failed test must leave nothing running).
    if (child?.pid && child.exitCode === null) {
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    await rm(dataDir, { recursive: true, force: true });
  });

  /** `npm start`'s script on this test's data directory, in its own process group (stopped as a whole). */
  function spawnStart(): ChildProcess & { stdout: NodeJS.ReadableStream; stderr: NodeJS.ReadableStream } {
    const proc = spawn(process.execPath, ["scripts/toolchain/run.mjs", "start", "--data-dir", dataDir, "--chain-port", "0"], {
      cwd: PROJECT_ROOT,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    child = proc;
    return proc;
  }

  /** Starts `npm start`'s script and resolves with its output once it says it is ready. */
  function start(): Promise<{ output: string; process: ChildProcess }> {
    return new Promise((resolve, reject) => {
      const proc = spawnStart();
      let output = "";
      const timer = setTimeout(() => reject(new Error(`not ready after 90 s:\n${output}`)), 90_000);
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes("Ctrl-C")) {
          clearTimeout(timer);
          resolve({ output, process: proc });
        }
      };
      proc.stdout.on("data", onData);
      proc.stderr.on("data", onData);
      proc.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`exited with ${code} before it was ready:\n${output}`));
      });
    });
  }

  function stop(proc: ChildProcess): Promise<number | null> {
    return new Promise((resolve) => {
      proc.removeAllListeners("exit");
      proc.once("exit", (code) => resolve(code));
      proc.kill("SIGINT");
    });
  }

  const addresses = (output: string) => [...output.matchAll(/(MemberRegistry|CaseRegistry|EvidenceRegistry)\s+(0x[0-9a-fA-F]{40})/g)].map((m) => `${m[1]}=${m[2]}`);

  /** The token table's rows: member id, gateway URL, token. */
  const tokenRows = (output: string) =>
    [...output.matchAll(/^\s+(\d)\s+.*?(http:\/\/127\.0\.0\.1:\d+)\s+(clt_[A-Za-z0-9_-]+)\s*$/gm)].map((m) => ({ id: Number(m[1]), url: m[2]!, token: m[3]! }));

  it("deploys, admits seven members with their gateways and tokens on the first start, stops on Ctrl-C, and reuses everything on the second start", async () => {
    const first = await start();
    expect(first.output).to.match(/contracts deployed/);
    const deployed = addresses(first.output);
    expect(deployed).to.have.length(3);
    expect(first.output.match(/member admitted/g)).to.have.length(7);
    const consoleUrl = /console:\s+(http:\/\/\S+)/.exec(first.output)?.[1];
    expect(consoleUrl).to.match(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const rows = tokenRows(first.output);
    expect(rows.map((r) => r.id)).to.deep.equal([1, 2, 3, 4, 5, 6, 7]);
    for (const name of ["示例银行", "示例消费金融", "示例催收", "示例律所", "示例法院", "示例监管", "示例调解"]) expect(first.output).to.include(name);

    // The console answers; each token logs in at its own gateway, as its member; the members are on chain.
    const page = await fetch(consoleUrl!);
    expect(page.status).to.equal(200);
    expect(await page.text()).to.include("/console/console.js");
    const roles = [];
    for (const row of rows) {
      const me = await fetch(`${row.url}/v1/me`, { headers: { authorization: `Bearer ${row.token}` } });
      expect(me.status).to.equal(200);
      roles.push(((await me.json()) as { role: string }).role);
    }
    expect(roles).to.deep.equal(["lender", "lender", "agency", "agency", "court", "supervisor", "mediator"]);
    const members = (await (await fetch(`${rows[0]!.url}/v1/members`, { headers: { authorization: `Bearer ${rows[0]!.token}` } })).json()) as {
      members: Array<{ id: number; verified: boolean; status: string }>;
    };
    expect(members.members.map((m) => [m.id, m.verified, m.status])).to.deep.equal([1, 2, 3, 4, 5, 6, 7].map((id) => [id, true, "Active"]));
    const agencies = (await (await fetch(`${rows[0]!.url}/v1/agencies`, { headers: { authorization: `Bearer ${rows[0]!.token}` } })).json()) as {
      agencies: Array<{ agencyId: number }>;
    };
    expect(agencies.agencies.map((a) => a.agencyId)).to.deep.equal([3, 4]);
    // Where the agencies' gateways answer, and the keys handovers are sealed to: the verified member directory.
    const directory = JSON.parse(await readFile(join(dataDir, "members.json"), "utf8")) as { members: Array<{ id: number; metadata: { gatewayUrl: string; encryptionKey: string } }> };
    expect(directory.members.filter((m) => m.id === 3 || m.id === 4).map((m) => m.metadata.gatewayUrl)).to.deep.equal([rows[2]!.url, rows[3]!.url]);
    expect(directory.members.every((m) => /^[0-9a-f]{64}$/.test(m.metadata.encryptionKey))).to.equal(true);
    for (const file of ["keys/signing.key", "keys/recovery.key", "keys/store.key", "keys/pepper.json", "keys/encryption.key", "tokens.json"]) {
      expect((await stat(join(dataDir, "members", "bank", file))).mode & 0o777, file).to.equal(0o600);
    }
    // The recovery key is the member's cold key: its gateway's config does not name it.
    expect(await readFile(join(dataDir, "members", "bank", "member.json"), "utf8")).not.to.include("recovery");
    // The court computes no keys and is given no pepper (its gateway answered /v1/me above without one).
    expect(await stat(join(dataDir, "members", "court", "keys", "pepper.json")).then(() => "present", () => "absent")).to.equal("absent");
    // Nor is the supervisor (design §26).
    expect(await stat(join(dataDir, "members", "regulator", "keys", "pepper.json")).then(() => "present", () => "absent")).to.equal("absent");
    // Nor is the mediator (design §28).
    expect(await stat(join(dataDir, "members", "mediation", "keys", "pepper.json")).then(() => "present", () => "absent")).to.equal("absent");

    expect(await stop(first.process)).to.equal(0);
    expect((await stat(join(dataDir, "chain", "state.json"))).size).to.be.greaterThan(0);
    const record = JSON.parse(await readFile(join(dataDir, "deployment.json"), "utf8")) as { chainId: number };
    expect(record.chainId).to.equal(31337);
    // Everything stopped: the gateways no longer answer.
    expect(await fetch(consoleUrl!).then(() => "up", () => "down")).to.equal("down");

    const second = await start();
    expect(second.output).to.match(/contracts found and verified/);
    expect(second.output).not.to.match(/member admitted/);
    expect(addresses(second.output)).to.deep.equal(deployed);
    // Same tokens; the same ports when they are free (another consortium running here may have taken them).
    const rows2 = tokenRows(second.output);
    expect(rows2.map((r) => r.token)).to.deep.equal(rows.map((r) => r.token));
    const again = await fetch(`${rows2[2]!.url}/v1/me`, { headers: { authorization: `Bearer ${rows2[2]!.token}` } });
    expect(((await again.json()) as { memberName: string }).memberName).to.equal("示例催收");
    expect(await stop(second.process)).to.equal(0);
    child = undefined;
  });

  it("stops with a bilingual message, and deploys nothing, on a data directory whose contracts are an older build", async () => {
    // The data directory of the test above, its record pointing at code that is not this build's CaseRegistry (as
    // after the case key layout changed): stand-in for contracts of an older build.
    const file = join(dataDir, "deployment.json");
    const record = JSON.parse(await readFile(file, "utf8")) as { contracts: Record<string, { address: string }> };
    [record.contracts.CaseRegistry!.address, record.contracts.EvidenceRegistry!.address] = [
      record.contracts.EvidenceRegistry!.address,
      record.contracts.CaseRegistry!.address,
    ];
    await writeFile(file, JSON.stringify(record));
    const proc = spawnStart();
    let output = "";
    proc.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    proc.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => proc.once("exit", resolve));
    expect(code).to.equal(1);
    expect(output).to.include(`数据目录 ${dataDir} 由旧版合约创建`);
    expect(output).to.include("remove it, or give another with --data-dir, and run npm start again");
    expect(output).not.to.match(/contracts deployed|Ctrl-C/);
    child = undefined;
  });
});
