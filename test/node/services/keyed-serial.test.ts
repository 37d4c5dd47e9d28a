import { expect } from "chai";
import { KeyedSerial } from "../../../node/services/keyed-serial.js";

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe("node/services/keyed-serial", () => {
  it("runs the work of one key one at a time, in the order asked, and of other keys meanwhile", async () => {
    const serial = new KeyedSerial();
    const events: string[] = [];
    const work = (name: string) => async () => {
      events.push(`${name} start`);
      await tick();
      await tick();
      events.push(`${name} end`);
      return name;
    };
    const results = await Promise.all([serial.run("a", work("a1")), serial.run("a", work("a2")), serial.run("b", work("b1"))]);
    expect(results).to.deep.equal(["a1", "a2", "b1"]);
    expect(events.indexOf("a2 start")).to.be.greaterThan(events.indexOf("a1 end"));
    expect(events.indexOf("b1 start"), "b does not wait for a").to.be.lessThan(events.indexOf("a1 end"));
  });

  it("goes on after a work that throws, and hands the error to its own caller only", async () => {
    const serial = new KeyedSerial();
    const failed = serial.run("k", () => Promise.reject(new Error("first fails")));
    const next = serial.run("k", () => Promise.resolve("second runs"));
    expect(await failed.then(() => "resolved", (e: Error) => e.message)).to.equal("first fails");
    expect(await next).to.equal("second runs");
  });

  it("keeps a read-then-write counter exact under concurrent callers", async () => {
    const serial = new KeyedSerial();
    let stored = 0;
    const increment = () =>
      serial.run("counter", async () => {
        const read = stored;
        await tick();
        stored = read + 1;
      });
    await Promise.all(Array.from({ length: 50 }, increment));
    expect(stored).to.equal(50);
  });
});
