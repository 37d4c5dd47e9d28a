import { expect } from "chai";
import { cachedActiveAgency } from "../../../node/services/active-agency.js";

describe("node/services/active-agency", () => {
  it("asks the chain once per 10 s, one question at a time, and keeps the last answer when the chain is away", async () => {
    let now = 0;
    let asked = 0;
    let answer: boolean | Error = true;
    const isActive = cachedActiveAgency({
      clock: () => now,
      ask: async () => {
        asked += 1;
        if (answer instanceof Error) throw answer;
        return answer;
      },
    });
    expect(await Promise.all([isActive(), isActive(), isActive()])).to.deep.equal([true, true, true]);
    expect(asked, "concurrent checks share one question").to.equal(1);

    answer = false; // suspended on chain
    now = 10_000;
    expect(await isActive(), "still fresh").to.equal(true);
    now = 10_001;
    expect(await isActive(), "stale: asked again").to.equal(false);
    expect(asked).to.equal(2);

    answer = new Error("node away");
    now = 30_000;
    expect(await isActive(), "the last answer stands").to.equal(false);
  });

  it("answers not active when the chain was never reached", async () => {
    const isActive = cachedActiveAgency({ clock: () => 0, ask: () => Promise.reject(new Error("down")) });
    expect(await isActive()).to.equal(false);
  });
});
