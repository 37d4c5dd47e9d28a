import { expect } from "chai";
import { decodeRlp, encodeRlp, getAddress, Wallet, zeroPadValue } from "ethers";
import { decodeQbftExtraData, encodeQbftExtraData, genesisExtraData } from "../../../scripts/network/qbft-extra-data.js";

const addr = (n: number) => zeroPadValue(`0x${n.toString(16).padStart(2, "0")}`, 20);
/** A 65-byte seal r ‖ s ‖ v with small r and s, as Besu's test builds them. */
const seal = (r: number, s: number, v: number) => `${zeroPadValue(`0x${r.toString(16).padStart(2, "0")}`, 32)}${zeroPadValue(`0x${s.toString(16).padStart(2, "0")}`, 32).slice(2)}${v.toString(16).padStart(2, "0")}`;

describe("scripts/network/qbft-extra-data", () => {
  it("encodes Besu's known QbftExtraDataCodecTest vector byte for byte (vote, round and seals included)", () => {
    // From Besu's QbftExtraDataCodecTest: vanity 0x01..0x20, validators 1 and 2, an add vote for 1, round 0xFEDCBA,
    // seals (1, 10, 0) and (10, 1, 0).
    const raw =
      "0xf8f0a00102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20ea940000000000000000" +
      "000000000000000000000001940000000000000000000000000000000000000002d7940000000000000000" +
      "00000000000000000000000181ff83fedcbaf886b841000000000000000000000000000000000000000000" +
      "0000000000000000000001000000000000000000000000000000000000000000000000000000000000000a" +
      "00b841000000000000000000000000000000000000000000000000000000000000000a0000000000000000" +
      "00000000000000000000000000000000000000000000000100";
    const data = {
      vanity: `0x${Array.from({ length: 32 }, (_, i) => (i + 1).toString(16).padStart(2, "0")).join("")}`,
      validators: [addr(1), addr(2)],
      vote: { recipient: addr(1), add: true },
      round: 0xfedcba,
      seals: [seal(1, 10, 0), seal(10, 1, 0)],
    };
    expect(encodeQbftExtraData(data)).to.equal(raw);
    const decoded = decodeQbftExtraData(raw);
    expect(decoded.validators).to.deep.equal(data.validators.map((a) => getAddress(a)));
    expect(decoded).to.deep.include({ round: 0xfedcba, vote: { recipient: getAddress(addr(1)), add: true } });
    expect(decoded.seals).to.deep.equal(data.seals);
  });

  it("writes the genesis form: zero vanity, the validators, no vote, round 0, no seals (…c0 80 c0)", () => {
    const validators = Array.from({ length: 4 }, () => Wallet.createRandom().address);
    const extra = genesisExtraData(validators);
    expect(extra.startsWith(`0xf87aa0${"00".repeat(32)}f854`)).to.equal(true); // Besu's docs show the same prefix for 4 validators
    expect(extra.endsWith("c080c0")).to.equal(true);
    const items = decodeRlp(extra) as unknown[];
    expect(items).to.deep.equal([`0x${"00".repeat(32)}`, validators.map((v) => v.toLowerCase()), [], "0x", []]);
    expect(decodeQbftExtraData(extra)).to.deep.equal({ vanity: `0x${"00".repeat(32)}`, validators, round: 0, seals: [] });
  });

  it("encodes a drop vote as an empty byte string and decodes it back", () => {
    const extra = encodeQbftExtraData({ vanity: `0x${"00".repeat(32)}`, validators: [], vote: { recipient: addr(7), add: false }, round: 3, seals: [] });
    expect(decodeRlp(extra)).to.deep.equal([`0x${"00".repeat(32)}`, [], [addr(7), "0x"], "0x03", []]);
    expect(decodeQbftExtraData(extra).vote).to.deep.equal({ recipient: getAddress(addr(7)), add: false });
  });

  it("refuses IBFT 2.0's shape and other malformed extraData", () => {
    const vanity = `0x${"00".repeat(32)}`;
    // IBFT 2.0: the absent vote is an empty string and the round a fixed 4 bytes.
    expect(() => decodeQbftExtraData(encodeRlp([vanity, [addr(1)], "0x", "0x00000000", []]))).to.throw(/vote must be a list/);
    expect(() => decodeQbftExtraData(encodeRlp([vanity, [addr(1)], [], "0x00000000", []]))).to.throw(/minimal scalar/);
    expect(() => decodeQbftExtraData(encodeRlp([vanity, [addr(1)], [], "0x"]))).to.throw(/five items/);
    expect(() => decodeQbftExtraData(encodeRlp(["0x00", [addr(1)], [], "0x", []]))).to.throw(/vanity/);
    expect(() => decodeQbftExtraData(encodeRlp([vanity, ["0x1234"], [], "0x", []]))).to.throw(/20-byte address/);
    expect(() => decodeQbftExtraData(encodeRlp([vanity, [], [addr(1), "0x02"], "0x", []]))).to.throw(/unknown vote type/);
    expect(() => decodeQbftExtraData(encodeRlp([vanity, [], [], "0x", ["0x00"]]))).to.throw(/65-byte/);
    expect(() => encodeQbftExtraData({ vanity: "0x00", validators: [], round: 0, seals: [] })).to.throw(/vanity/);
  });
});
