import { expect } from "chai";
import { outageOf } from "../../../node/services/outage.js";

describe("node/services/outage: which dependency an error comes from", () => {
  it("names the chain node for a refused connection, the disk for ENOSPC, the store for LevelDB's codes", () => {
    expect(outageOf(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:8545"), { code: "ECONNREFUSED" }))).to.equal("chain");
    expect(outageOf(Object.assign(new Error("write"), { code: "ENOSPC" }))).to.equal("storageFull");
    expect(outageOf(Object.assign(new Error("io"), { code: "LEVEL_IO_ERROR", cause: { code: "ENOSPC" } }))).to.equal("storageFull");
    expect(outageOf(Object.assign(new Error("closed"), { code: "LEVEL_DATABASE_NOT_OPEN" }))).to.equal("store");
  });

  it("says nothing of an error that is the request's own", () => {
    expect(outageOf(new TypeError("bad input"))).to.equal(undefined);
    expect(outageOf("not even an error")).to.equal(undefined);
  });
});
