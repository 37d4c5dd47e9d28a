import { spawn, spawnSync } from "node:child_process";
import { expect } from "chai";
import { isoTime } from "../../../node/log/iso-time.js";
import { createJsonLog } from "../../../node/log/json-log.js";
import { PROJECT_ROOT } from "../../../node/paths.js";

const LOGGING_SCRIPT = (count: number) => `import { createJsonLog } from "./node/log/json-log.ts";
  const log = createJsonLog();
  for (let i = 0; i < ${count}; i++) log({ msg: "request", i });
  process.exit(0);`;

function exitRightAfterLogging(count: number) {
  return spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", LOGGING_SCRIPT(count)], { cwd: PROJECT_ROOT, encoding: "utf8" });
}

describe("node/log: JSON lines, batched", () => {
  it("writes the events of one event-loop turn in one write, each a JSON line with its time", async () => {
    const writes: string[] = [];
    const log = createJsonLog({ write: (text) => writes.push(text) });
    log({ level: "info", msg: "request", status: 200 });
    log({ level: "info", msg: "request", status: 404 });
    expect(writes).to.deep.equal([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).to.have.length(1);
    const lines = (writes[0] as string).split("\n");
    expect(lines.pop()).to.equal("");
    const events = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(events.map((e) => e.status)).to.deep.equal([200, 404]);
    for (const e of events) expect(Date.parse(e.time as string)).to.be.closeTo(Date.now(), 5_000);
  });

  it("writes at once when the buffer is full", () => {
    const writes: string[] = [];
    const log = createJsonLog({ write: (text) => writes.push(text), maxBuffered: 100 });
    log({ msg: "x".repeat(120) });
    expect(writes).to.have.length(1);
  });

  it("loses no line when the process exits right after logging", () => {
    const run = exitRightAfterLogging(5000);
    expect(run.status, run.stderr).to.equal(0);
    const lines = run.stdout.trim().split("\n").map((line) => JSON.parse(line) as { i: number });
    expect(lines.map((l) => l.i)).to.deep.equal(Array.from({ length: 5000 }, (_, i) => i));
  });

  it("loses no line at exit when the reader of the pipe is slow (the pipe full when the process exits)", async () => {
    // The reader waits before reading, so the child fills the pipe and exits while lines are still to go:
    // the case where a queued write used to be dropped.
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", LOGGING_SCRIPT(20_000)], { cwd: PROJECT_ROOT });
    child.stdout.pause();
    await new Promise((resolve) => setTimeout(resolve, 300));
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (out += chunk));
    child.stdout.resume();
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(code).to.equal(0);
    const lines = out.trim().split("\n");
    expect(lines).to.have.length(20_000);
    expect((JSON.parse(lines.at(-1) as string) as { i: number }).i).to.equal(19_999);
  });

  it("formats times as toISOString does", () => {
    for (const ms of [0, 1, 1_800_000_000_123, 1_800_000_000_123, 1_800_000_000_124, Date.now()]) {
      expect(isoTime(ms)).to.equal(new Date(ms).toISOString());
    }
  });
});
