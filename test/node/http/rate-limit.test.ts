import { expect } from "chai";
import { RateLimiter } from "../../../node/http/rate-limit.js";

describe("node/http/rate-limit", () => {
  it("peeks without taking, and says how long until the next token", () => {
    let now = 0;
    const limiter = new RateLimiter({ burst: 2, perSecond: 0.2, clock: () => now });
    expect(limiter.blocked("a")).to.equal(false);
    expect(limiter.size).to.equal(0); // a peek keeps no bucket
    expect([limiter.take("a"), limiter.take("a"), limiter.take("a")]).to.deep.equal([true, true, false]);
    expect(limiter.blocked("a")).to.equal(true);
    expect(limiter.retryAfterSeconds("a")).to.equal(5);
    now = 3_000;
    expect(limiter.retryAfterSeconds("a")).to.equal(2);
    now = 5_000;
    expect(limiter.blocked("a")).to.equal(false);
    expect(limiter.blocked("b")).to.equal(false);
    expect(limiter.retryAfterSeconds("b")).to.equal(1);
  });
});
