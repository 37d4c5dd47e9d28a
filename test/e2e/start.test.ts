import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
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
    child?.kill("SIGKILL");
    await rm(dataDir, { recursive: true, force: true });
  });

  /** Starts `npm start`'s script and resolves with its output once it says it is ready. */
  function start(): Promise<{ output: string; process: ChildProcess }> {
    return new Promise((resolve, reject) => {
      const proc = spawn(process.execPath, ["scripts/toolchain/run.mjs", "start", "--data-dir", dataDir, "--chain-port", "0"], {
        cwd: PROJECT_ROOT,
        stdio: ["ignore", "pipe", "pipe"],
      });
      child = proc;
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

  it("deploys on the first start, stops on Ctrl-C, and finds the same contracts on the second start", async () => {
    const first = await start();
    expect(first.output).to.match(/contracts deployed/);
    const deployed = addresses(first.output);
    expect(deployed).to.have.length(3);
    expect(await stop(first.process)).to.equal(0);
    expect((await stat(join(dataDir, "chain", "state.json"))).size).to.be.greaterThan(0);
    const record = JSON.parse(await readFile(join(dataDir, "deployment.json"), "utf8")) as { chainId: number };
    expect(record.chainId).to.equal(31337);

    const second = await start();
    expect(second.output).to.match(/contracts found and verified/);
    expect(addresses(second.output)).to.deep.equal(deployed);
    expect(await stop(second.process)).to.equal(0);
    child = undefined;
  });
});
