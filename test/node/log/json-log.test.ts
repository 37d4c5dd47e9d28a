import { spawnSync } from "node:child_process";
import { expect } from "chai";
import { isoTime } from "../../../node/log/iso-time.js";
import { createJsonLog } from "../../../node/log/json-log.js";
import { PROJECT_ROOT } from "../../../node/paths.js";

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
    const script = `import { createJsonLog } from "./node/log/json-log.ts";
      const log = createJsonLog();
      for (let i = 0; i < 5000; i++) log({ msg: "request", i });
      process.exit(0);`;
    const run = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { cwd: PROJECT_ROOT, encoding: "utf8" });
    expect(run.status, run.stderr).to.equal(0);
    const lines = run.stdout.trim().split("\n").map((line) => JSON.parse(line) as { i: number });
    expect(lines.map((l) => l.i)).to.deep.equal(Array.from({ length: 5000 }, (_, i) => i));
  });

  it("formats times as toISOString does", () => {
    for (const ms of [0, 1, 1_800_000_000_123, 1_800_000_000_123, 1_800_000_000_124, Date.now()]) {
      expect(isoTime(ms)).to.equal(new Date(ms).toISOString());
    }
  });
});
