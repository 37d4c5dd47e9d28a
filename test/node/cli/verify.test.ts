import { spawn } from "node:child_process";
import { open, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { fixture } from "../domain/evidence/receipt-fixtures.js";
import { CLI } from "../../support/cli.js";

const TWO_GIB = 2 * 1024 ** 3;

/** Peak resident memory (VmHWM, kB) of a running process, read from /proc while it runs. */
async function peakRssKb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8").catch(() => "");
  return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
}

/** `caseledger verify` as a real process, sampling its peak memory while it hashes. */
function verify(args: string[]): Promise<{ code: number; stdout: string; peakMB: number }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...CLI, "verify", ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let peak = 0;
    child.stdout.on("data", (c) => (stdout += c));
    child.stderr.resume();
    const sampler = setInterval(() => {
      void peakRssKb(child.pid!).then((kb) => (peak = Math.max(peak, kb)));
    }, 50);
    child.on("close", (code) => {
      clearInterval(sampler);
      resolve({ code: code ?? -1, stdout, peakMB: peak / 1024 });
    });
  });
}

describe("node/cli: caseledger verify", function () {
  this.timeout(120_000);
  let dir: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "caseledger-cli-verify-"));
    await writeFile(join(dir, "recording.receipt.json"), JSON.stringify(fixture().receipt));
    // A sparse 2 GiB file: no disk used, every byte still read and hashed.
    const big = await open(join(dir, "huge.mp3"), "w");
    await big.truncate(TWO_GIB);
    await big.close();
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("streams a 2 GiB file in bounded memory and names the failing step when it is not the recorded file", async () => {
    const result = await verify([join(dir, "huge.mp3"), join(dir, "recording.receipt.json"), "--json"]);
    expect(result.code).to.equal(1);
    const report = JSON.parse(result.stdout);
    expect(report.verdict).to.equal("invalid");
    const failed = report.steps.filter((s: { verdict: string }) => s.verdict === "failed");
    expect(failed.map((s: { step: string }) => s.step)).to.deep.equal(["file"]);
    expect(report.steps.find((s: { step: string }) => s.step === "inclusion").verdict).to.equal("passed");
    // The file is 2,048 MB; the process never holds more than a small fraction of it.
    expect(result.peakMB).to.be.greaterThan(0).and.lessThan(300);
  });
});
