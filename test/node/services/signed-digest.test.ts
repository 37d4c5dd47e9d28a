import { randomBytes } from "node:crypto";
import { expect } from "chai";
import { Signature, verifyMessage, Wallet } from "ethers";
import { digestSigner, signDigest, signedBy } from "../../../node/services/signed-digest.js";

const digestOf = () => `0x${randomBytes(32).toString("hex")}`;
const bytesOf = (digest: string) => Buffer.from(digest.slice(2), "hex");

/** What ethers alone answers: the address, or undefined where verifyMessage throws. */
function ethersSigner(digest: string, signature: string): string | undefined {
  try {
    return verifyMessage(bytesOf(digest), signature);
  } catch {
    return undefined;
  }
}

describe("services: signed digests (EIP-191, libsecp256k1)", () => {
  const wallets = Array.from({ length: 12 }, () => Wallet.createRandom());

  it("signs byte for byte as ethers does (RFC 6979, low s), and a signer without a key in this process still signs through its own signMessage", async () => {
    for (const wallet of wallets) {
      for (let i = 0; i < 4; i++) {
        const digest = digestOf();
        const ours = await signDigest(digest, wallet);
        expect(ours).to.equal(await wallet.signMessage(bytesOf(digest)));
        const remote = { signMessage: (m: Uint8Array) => wallet.signMessage(m) };
        expect(await signDigest(digest, remote)).to.equal(ours);
      }
    }
  });

  it("recovers the address ethers recovers, in every form ethers reads (65 bytes with v 27/28 or 0/1, EIP-2098's 64)", async () => {
    for (const wallet of wallets) {
      const digest = digestOf();
      const signature = await wallet.signMessage(bytesOf(digest));
      const sig = Signature.from(signature);
      const v01 = `${signature.slice(0, 130)}0${sig.yParity}`;
      for (const form of [signature, v01, sig.compactSerialized]) {
        expect(digestSigner(digest, form)).to.equal(wallet.address);
        expect(digestSigner(digest, form)).to.equal(ethersSigner(digest, form));
      }
      expect(signedBy(digest, signature, wallet.address.toLowerCase())).to.equal(true);
      expect(signedBy(digest, signature, wallets[(wallets.indexOf(wallet) + 1) % wallets.length]!.address)).to.equal(false);
      expect(signedBy(digestOf(), signature, wallet.address)).to.equal(false);
    }
  });

  it("answers undefined wherever ethers refuses, and never throws: bad lengths, high s, r or s out of range, not hex, not a string", async () => {
    const wallet = wallets[0]!;
    const digest = digestOf();
    const signature = await wallet.signMessage(bytesOf(digest));
    const sig = Signature.from(signature);
    const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
    const highS = `0x${sig.r.slice(2)}${(n - BigInt(sig.s)).toString(16).padStart(64, "0")}${sig.v === 27 ? "1c" : "1b"}`;
    const bad = [
      "",
      "0x",
      signature.slice(0, 100),
      `${signature}00`,
      highS,
      `0x${"ff".repeat(64)}1b`,
      `0x${"00".repeat(64)}1b`,
      `0x${"zz".repeat(65)}`,
      `${signature.slice(0, 130)}05`,
    ];
    for (const form of bad) {
      expect(digestSigner(digest, form), form).to.equal(ethersSigner(digest, form));
    }
    expect(digestSigner(digest, highS)).to.equal(undefined);
    for (const value of [undefined, null, 42, {}, ["0x"]]) expect(digestSigner(digest, value)).to.equal(undefined);
  });
});
