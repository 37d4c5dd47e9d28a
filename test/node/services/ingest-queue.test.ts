import { expect } from "chai";
import { IngestQueue } from "../../../node/services/ingest-queue.js";
import { rejected } from "./refusal.js";

/** A task that finishes when the test says so, recording when it started. */
function gate(started: string[], name: string) {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, task: async () => (started.push(name), await opened, name) };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe("node/services/ingest-queue", () => {
  it("runs at most maxConcurrent at once and starts the waiting in arrival order", async () => {
    const queue = new IngestQueue({ maxConcurrent: 2, maxQueued: 3 });
    const started: string[] = [];
    const gates = ["a", "b", "c", "d", "e"].map((name) => gate(started, name));
    const runs = gates.map((g, i) => queue.run({ owner: i % 2 ? "t2" : "t1", ref: `ref-${i}`, file: `${i}.csv` }, g.task));
    await tick();
    expect(started).to.deep.equal(["a", "b"]);
    expect(queue.view("t1")).to.deep.equal({
      running: 2,
      queued: 3,
      maxConcurrent: 2,
      maxQueued: 3,
      uploads: [
        { ref: "ref-0", file: "0.csv", state: "running", position: 0 },
        { ref: "ref-2", file: "2.csv", state: "queued", position: 1 },
        { ref: "ref-4", file: "4.csv", state: "queued", position: 3 },
      ],
    });
    const refused = await rejected(queue.run({ owner: "t1", ref: "ref-x", file: "x.csv" }, async () => "x"));
    expect(refused.code).to.equal("RATE_LIMITED");
    gates[1]!.open();
    await tick();
    expect(started).to.deep.equal(["a", "b", "c"]);
    expect(queue.view("t1").uploads.find((u) => u.ref === "ref-4")?.position).to.equal(2);
    for (const g of gates) g.open();
    expect(await Promise.all(runs)).to.deep.equal(["a", "b", "c", "d", "e"]);
    expect(started).to.deep.equal(["a", "b", "c", "d", "e"]);
    expect(queue.view("t1")).to.include({ running: 0, queued: 0 });
  });

  it("frees the slot of a task that fails, and removes a cancelled waiter before it starts", async () => {
    const queue = new IngestQueue({ maxConcurrent: 1, maxQueued: 2 });
    const started: string[] = [];
    const a = gate(started, "a");
    const first = queue.run({ owner: "t", ref: "a", file: "a" }, async () => {
      await a.task();
      throw new Error("bad file");
    });
    const gone = new AbortController();
    const cancelled = queue.run({ owner: "t", ref: "b", file: "b" }, gate(started, "b").task, gone.signal);
    const c = gate(started, "c");
    const third = queue.run({ owner: "t", ref: "c", file: "c" }, c.task);
    await tick();
    gone.abort();
    expect((await rejected(cancelled)).code).to.equal("BAD_REQUEST");
    expect(queue.view("t").uploads.map((u) => [u.ref, u.position])).to.deep.equal([
      ["a", 0],
      ["c", 1],
    ]);
    a.open();
    await first.catch(() => undefined);
    c.open();
    expect(await third).to.equal("c");
    expect(started).to.deep.equal(["a", "c"]);
  });
});
