import { randomBytes } from "node:crypto";
import { expect } from "chai";
import { PiiCipher } from "../../../node/store/pii-cipher.js";

describe("node/store/pii-cipher", () => {
  const key = randomBytes(32);
  const cipher = new PiiCipher(key);
  const SAMPLE = JSON.stringify({ name: "测试甲", idNumber: "110101199003077777", phone: "13800000000" });

  it("round-trips, and never stores the plaintext or repeats a ciphertext", () => {
    const a = cipher.seal(SAMPLE, "case/1");
    const b = cipher.seal(SAMPLE, "case/1");
    expect(cipher.open(a, "case/1")).to.equal(SAMPLE);
    expect(a).to.not.equal(b);
    expect(a).to.not.include("110101");
    expect(Buffer.from(a.split(".")[2]!, "base64url").toString("utf8")).to.not.include("测试");
  });

  it("refuses a value opened under another context, another key, or tampered with", () => {
    const sealed = cipher.seal(SAMPLE, "case/1");
    expect(() => cipher.open(sealed, "case/2")).to.throw();
    expect(() => new PiiCipher(randomBytes(32)).open(sealed, "case/1")).to.throw();
    const parts = sealed.split(".");
    const body = Buffer.from(parts[2]!, "base64url");
    body[0]! ^= 1;
    parts[2] = body.toString("base64url");
    expect(() => cipher.open(parts.join("."), "case/1")).to.throw();
    expect(() => cipher.open("plain text", "case/1")).to.throw(TypeError);
  });

  it("refuses a sealed value whose tag was cut short (a 4- or 12-byte tag is far easier to forge)", () => {
    const sealed = cipher.seal(SAMPLE, "case/1");
    const parts = sealed.split(".");
    const tag = Buffer.from(parts[3]!, "base64url");
    expect(tag).to.have.length(16);
    for (const bytes of [12, 4]) {
      const cut = [...parts.slice(0, 3), tag.subarray(0, bytes).toString("base64url")].join(".");
      expect(() => cipher.open(cut, "case/1")).to.throw();
    }
  });

  it("seals JSON values and insists on a 32-byte key", () => {
    const value = { name: "测试乙", amounts: [1, 2] };
    expect(cipher.openJson(cipher.sealJson(value, "x"), "x")).to.deep.equal(value);
    expect(() => new PiiCipher(randomBytes(16))).to.throw(TypeError);
  });
});
