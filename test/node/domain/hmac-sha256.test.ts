import { createHmac } from "node:crypto";
import { expect } from "chai";
import fc from "fast-check";
import { HmacSha256 } from "../../../node/domain/hmac-sha256.js";

const reference = (key: Uint8Array, message: string) => createHmac("sha256", key).update(message, "utf8").digest("hex");
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

describe("node/domain/hmac-sha256", () => {
  it("gives the RFC 4231 test case 2 value", () => {
    const mac = new HmacSha256(Buffer.from("Jefe"));
    expect(hex(mac.digest("what do ya want for nothing?"))).to.equal("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  });

  it("agrees with node:crypto for any key up to 64 bytes and any message, across block boundaries and in UTF-8", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.array(fc.string({ unit: "binary", maxLength: 90 }), { maxLength: 4 }), (key, messages) => {
        const mac = new HmacSha256(key);
        for (const message of messages) expect(hex(mac.digest(message))).to.equal(reference(key, message));
      }),
      { numRuns: 400 },
    );
  });

  it("pads correctly at every message length around the 55/56/64-byte edges, ASCII and not", () => {
    const key = Uint8Array.from({ length: 32 }, (_, i) => i * 7);
    const mac = new HmacSha256(key);
    for (let n = 0; n < 200; n++) {
      for (const message of ["a".repeat(n), `${"b".repeat(n)}合`, "测".repeat(n)]) {
        expect(hex(mac.digest(message)), `${message.length} chars`).to.equal(reference(key, message));
      }
    }
  });

  it("refuses a key longer than a block", () => {
    expect(() => new HmacSha256(new Uint8Array(65))).to.throw(TypeError);
  });
});
