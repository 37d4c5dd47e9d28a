import { expect } from "chai";
import {
  fromHex,
  type Hash,
  InclusionVerifier,
  inclusionProof,
  leafHash,
  rootOf,
  toBytes32,
  verifyInclusion,
} from "../../../../node/domain/merkle/index.js";
import { flip, flipAt, prng, randomBytes, swapAt, UniformTree } from "../../../support/merkle-vectors.js";

/** One inclusion claim as a receipt holds it: the proof and root in 0x-hex. */
interface Claim {
  leaf: Hash;
  index: number;
  size: number;
  proof: string[];
  root: string;
  label: string;
}

const asHex = (proof: readonly Hash[]) => proof.map(toBytes32);

/** What verifyInclusion says of a claim; a proof element that is not 32 bytes of hex is not a proof. */
function reference(c: Claim): boolean {
  try {
    return verifyInclusion(c.leaf, c.index, c.size, c.proof.map(fromHex), fromHex(c.root));
  } catch {
    return false;
  }
}

/** Every genuine claim of trees of 1..maxN leaves, and for each a dozen tampered ones (same checkpoint, shared paths). */
function claims(seed: number, maxN: number): Claim[] {
  const rng = prng(seed);
  const out: Claim[] = [];
  for (let n = 1; n <= maxN; n++) {
    const leaves = Array.from({ length: n }, () => leafHash(randomBytes(rng, 1 + Math.floor(rng() * 30))));
    const root = rootOf(leaves, n);
    for (let i = 0; i < n; i++) {
      const proof = inclusionProof(leaves, i, n);
      const leaf = leaves[i] as Hash;
      const base = { leaf, index: i, size: n, root: toBytes32(root) };
      out.push({ ...base, proof: asHex(proof), label: `leaf ${i} of ${n}` });
      for (let k = 0; k < proof.length; k++) {
        out.push({ ...base, proof: asHex(flipAt(proof, k, 31)), label: `leaf ${i} of ${n}, element ${k} flipped` });
        if (k + 1 < proof.length) out.push({ ...base, proof: asHex(swapAt(proof, k)), label: `leaf ${i} of ${n}, ${k} swapped` });
      }
      if (proof.length > 0) out.push({ ...base, proof: asHex(proof.slice(0, -1)), label: `leaf ${i} of ${n}, last dropped` });
      out.push({ ...base, proof: [...asHex(proof), toBytes32(leaf)], label: `leaf ${i} of ${n}, one too many` });
      out.push({ ...base, leaf: flip(leaf), proof: asHex(proof), label: `leaf ${i} of ${n}, another leaf` });
      out.push({ ...base, index: (i + 1) % n, proof: asHex(proof), label: `leaf ${i} of ${n} as ${(i + 1) % n}` });
      out.push({ ...base, size: n + 1, proof: asHex(proof), label: `leaf ${i} of ${n} as of ${n + 1}` });
      out.push({ ...base, root: toBytes32(flip(root)), proof: asHex(proof), label: `leaf ${i} of ${n}, another root` });
      out.push({ ...base, root: base.root.toUpperCase().replace("0X", "0x"), proof: asHex(proof), label: `leaf ${i} of ${n}, root in capitals` });
      if (proof.length > 0) {
        const bad = asHex(proof);
        bad[bad.length - 1] = `0x${"zz".repeat(32)}`;
        out.push({ ...base, proof: bad, label: `leaf ${i} of ${n}, last element not hex` });
        const short = asHex(proof);
        short[0] = (short[0] as string).slice(0, 64);
        out.push({ ...base, proof: short, label: `leaf ${i} of ${n}, first element short` });
        out.push({ ...base, proof: asHex(proof).map((p) => p.toUpperCase().replace("0X", "0x")), label: `leaf ${i} of ${n}, proof in capitals` });
      }
    }
  }
  return out;
}

describe("merkle InclusionVerifier (one per verification run, each node climbed once)", () => {
  it("answers every claim as verifyInclusion does, genuine and tampered ones mixed, in either order", () => {
    const all = claims(7, 40);
    for (const order of [all, [...all].reverse()]) {
      const verifier = new InclusionVerifier();
      const wrong = order.filter((c) => verifier.verify(c.leaf, c.index, c.size, c.proof, c.root) !== reference(c)).map((c) => c.label);
      expect(wrong, wrong.slice(0, 10).join("\n")).to.deep.equal([]);
    }
    // The property is not empty: both answers occur.
    expect(all.filter(reference).length).to.be.greaterThan(800);
    expect(all.filter((c) => !reference(c)).length).to.be.greaterThan(5000);
  });

  it("a proof whose path joins a verified one still fails when the rest of it differs", () => {
    const leaves = Array.from({ length: 8 }, (_, i) => leafHash(Uint8Array.of(i)));
    const root = toBytes32(rootOf(leaves, 8));
    const verifier = new InclusionVerifier();
    const proof0 = asHex(inclusionProof(leaves, 0, 8));
    const proof1 = asHex(inclusionProof(leaves, 1, 8));
    expect(verifier.verify(leaves[0] as Hash, 0, 8, proof0, root)).to.equal(true);
    // Leaf 1 reaches the node leaf 0 passed after one step; a forged upper path must not borrow leaf 0's answer.
    expect(verifier.verify(leaves[1] as Hash, 1, 8, [proof1[0] as string, proof1[2] as string, proof1[1] as string], root)).to.equal(false);
    expect(verifier.verify(leaves[1] as Hash, 1, 8, [proof1[0] as string, proof1[1] as string], root)).to.equal(false);
    expect(verifier.verify(leaves[1] as Hash, 1, 8, proof1, root)).to.equal(true);
  });

  it("agrees with verifyInclusion in trees past 2^32 leaves (plain numbers, exact)", () => {
    const leaf = leafHash(new TextEncoder().encode("uniform"));
    const tree = new UniformTree(leaf);
    const verifier = new InclusionVerifier();
    for (const n of [2 ** 32, 2 ** 32 + 1, 2 ** 33 + 7, 3 * 2 ** 40 + 12345, 2 ** 52 + 3, Number.MAX_SAFE_INTEGER]) {
      const N = BigInt(n);
      const root = tree.root(N);
      for (const i of [0, 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, n - 2, n - 1]) {
        if (i >= n) continue;
        const proof = tree.inclusion(BigInt(i), N);
        for (const [p, size, r] of [
          [proof, n, root],
          [proof, n + 1, tree.root(N + 1n)],
          [proof.slice(0, -1), n, root],
          [proof, n, flip(root)],
        ] as const) {
          const claim = { leaf, index: i, size, proof: asHex(p), root: toBytes32(r), label: "" };
          expect(verifier.verify(leaf, i, size, claim.proof, claim.root), `leaf ${i} of ${n} (as ${size})`).to.equal(reference(claim));
        }
        expect(verifier.verify(leaf, i, n, asHex(proof), toBytes32(root))).to.equal(true);
      }
    }
  });

  it("refuses malformed input without throwing", () => {
    const verifier = new InclusionVerifier();
    const leaf = leafHash(Uint8Array.of(1));
    const root = toBytes32(leaf);
    expect(verifier.verify(leaf, 0, 1, [], root)).to.equal(true);
    for (const [l, i, s, p, r] of [
      [leaf.slice(1), 0, 1, [], root],
      [leaf, -1, 1, [], root],
      [leaf, 0.5, 1, [], root],
      [leaf, 1, 1, [], root],
      [leaf, 0, 1, [], "0x12"],
      [leaf, 0, 1, [7], root],
      [leaf, 0, 1, "not a list", root],
      [leaf, 0, 2, Array.from({ length: 65 }, () => root), root],
    ] as const) {
      expect(verifier.verify(l as Hash, i, s, p as unknown as string[], r)).to.equal(false);
    }
  });
});
