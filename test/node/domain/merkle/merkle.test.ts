import { createHash } from "node:crypto";
import { expect } from "chai";
import {
  consistencyProof,
  EMPTY_ROOT,
  equalHashes,
  fromHex,
  type Hash,
  HASH_SIZE,
  inclusionProof,
  isHash,
  leafHash,
  MAX_PROOF_LENGTH,
  nodeHash,
  rootOf,
  splitPoint,
  toBytes32,
  toHex,
  verifyConsistency,
  verifyInclusion,
} from "../../../../node/domain/merkle/index.js";
import {
  CT_CONSISTENCY,
  CT_EMPTY_ROOT,
  CT_INCLUSION,
  CT_LEAVES,
  CT_ROOTS,
  flip,
  flipAt,
  prng,
  randomBytes,
  swapAt,
  UniformTree,
} from "../../../support/merkle-vectors.js";

// ---------------------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------------------

/** `count` leaf hashes of random records (of random length 0..40) drawn from `seed`. */
function randomLeaves(seed: number, count: number): Hash[] {
  const rng = prng(seed);
  return Array.from({ length: count }, () => leafHash(randomBytes(rng, Math.floor(rng() * 41))));
}

const hex = (h: Hash): string => toHex(h);
const hexes = (hs: readonly Hash[]): string[] => hs.map(hex);


const MAX_N = 64;

/**
 * The values 0..max to try as a wrong index or size: all of them for trees of up to 32 leaves, and for larger
 * trees (to keep the run short) the ends of the range and the neighbours, halves, doubles and siblings of `around`.
 */
function candidates(n: number, max: number, around: readonly number[]): number[] {
  if (n <= 32) return Array.from({ length: max + 1 }, (_, v) => v);
  const set = new Set([0, 1, 2, max - 1, max]);
  for (const a of around) for (const v of [a - 2, a - 1, a, a + 1, a + 2, a * 2, a >> 1, a ^ 1]) set.add(v);
  return [...set].filter((v) => v >= 0 && v <= max).sort((a, b) => a - b);
}

/** Failed cases of a property, labelled lazily (the loops run hundreds of thousands of checks). */
class Failures {
  private readonly list: string[] = [];
  check(ok: boolean, label: () => string): void {
    if (!ok) this.list.push(label());
  }
  assertNone(): void {
    expect(this.list, `${this.list.length} failed:\n${this.list.slice(0, 20).join("\n")}`).to.deep.equal([]);
  }
}

// ---------------------------------------------------------------------------------------------------------

describe("merkle (RFC 6962 reference)", () => {
  describe("hashes", () => {
    it("EMPTY_ROOT is SHA-256 of the empty string", () => {
      expect(hex(EMPTY_ROOT)).to.equal(CT_EMPTY_ROOT);
      expect(EMPTY_ROOT.length).to.equal(HASH_SIZE);
    });

    it("leafHash is SHA-256(0x00 ‖ data) and nodeHash is SHA-256(0x01 ‖ left ‖ right)", () => {
      const rng = prng(1);
      for (let i = 0; i < 20; i++) {
        const data = randomBytes(rng, i * 7);
        const expected = createHash("sha256").update(Uint8Array.of(0)).update(data).digest();
        expect(hex(leafHash(data))).to.equal(expected.toString("hex"));
        const l = randomBytes(rng, 32);
        const r = randomBytes(rng, 32);
        const expectedNode = createHash("sha256").update(Uint8Array.of(1)).update(l).update(r).digest();
        expect(hex(nodeHash(l, r))).to.equal(expectedNode.toString("hex"));
      }
      // Domain separation: a leaf of 64 bytes never hashes like the node over those bytes.
      const l = randomBytes(rng, 32);
      const r = randomBytes(rng, 32);
      const concat = new Uint8Array([...l, ...r]);
      expect(equalHashes(leafHash(concat), nodeHash(l, r))).to.equal(false);
      // Order matters.
      expect(equalHashes(nodeHash(l, r), nodeHash(r, l))).to.equal(false);
    });

    it("isHash accepts exactly 32-byte Uint8Arrays (Buffers included)", () => {
      expect(isHash(new Uint8Array(32))).to.equal(true);
      expect(isHash(Buffer.alloc(32))).to.equal(true);
      expect(isHash(new Uint8Array(31))).to.equal(false);
      expect(isHash(new Uint8Array(33))).to.equal(false);
      expect(isHash(Array.from({ length: 32 }, () => 0))).to.equal(false);
      expect(isHash(`0x${"00".repeat(32)}`)).to.equal(false);
      expect(isHash(null)).to.equal(false);
      expect(isHash(undefined)).to.equal(false);
    });

    it("equalHashes compares contents and lengths", () => {
      const a = randomBytes(prng(2), 32);
      expect(equalHashes(a, Uint8Array.from(a))).to.equal(true);
      for (let at = 0; at < 32; at++) expect(equalHashes(a, flip(a, at, 0x80))).to.equal(false);
      expect(equalHashes(a, a.subarray(0, 31))).to.equal(false);
      expect(equalHashes(new Uint8Array(0), new Uint8Array(0))).to.equal(true);
    });

    it("hex helpers round trip and reject malformed hex with a TypeError", () => {
      const a = randomBytes(prng(3), 32);
      expect(toHex(fromHex(toHex(a)))).to.equal(toHex(a));
      expect(toBytes32(a)).to.equal(`0x${toHex(a)}`);
      expect(toHex(fromHex(toBytes32(a)))).to.equal(toHex(a));
      expect(toHex(fromHex(`0X${toHex(a).toUpperCase()}`))).to.equal(toHex(a));
      expect(fromHex("").length).to.equal(0);
      expect(fromHex("0x").length).to.equal(0);
      // A view into a larger buffer encodes only its own bytes.
      const big = Uint8Array.from({ length: 10 }, (_, i) => i);
      expect(toHex(big.subarray(3, 5))).to.equal("0304");
      expect(() => fromHex("abc")).to.throw(TypeError);
      expect(() => fromHex("0xzz")).to.throw(TypeError);
      expect(() => fromHex("0x 0")).to.throw(TypeError);
    });

    it("splitPoint is the largest power of two below n", () => {
      const expected: [number, number][] = [
        [2, 1],
        [3, 2],
        [4, 2],
        [5, 4],
        [8, 4],
        [9, 8],
        [64, 32],
        [65, 64],
        [2 ** 33 + 1, 2 ** 33],
      ];
      for (const [n, k] of expected) expect(splitPoint(n), `n=${n}`).to.equal(k);
    });
  });

  describe("Certificate Transparency vectors", () => {
    const leaves = CT_LEAVES.map((h) => leafHash(fromHex(h)));

    it("roots of sizes 0..8", () => {
      expect(hex(rootOf([]))).to.equal(CT_EMPTY_ROOT);
      expect(hex(rootOf(leaves, 0))).to.equal(CT_EMPTY_ROOT);
      for (let n = 1; n <= 8; n++) expect(hex(rootOf(leaves, n)), `size ${n}`).to.equal(CT_ROOTS[n - 1]);
      expect(hex(rootOf(leaves))).to.equal(CT_ROOTS[7]);
      // The root of one leaf is its leaf hash.
      expect(hex(leaves[0] as Hash)).to.equal(CT_ROOTS[0]);
    });

    it("inclusion proofs", () => {
      for (const v of CT_INCLUSION) {
        const proof = inclusionProof(leaves, v.index, v.size);
        expect(hexes(proof), `leaf ${v.index} of ${v.size}`).to.deep.equal(v.proof);
        const root = fromHex(CT_ROOTS[v.size - 1] as string);
        expect(verifyInclusion(leaves[v.index] as Hash, v.index, v.size, v.proof.map(fromHex), root)).to.equal(true);
      }
      // A tree of one leaf: the empty proof.
      expect(inclusionProof(leaves, 0, 1)).to.deep.equal([]);
      expect(verifyInclusion(leaves[0] as Hash, 0, 1, [], fromHex(CT_ROOTS[0] as string))).to.equal(true);
    });

    it("consistency proofs", () => {
      for (const v of CT_CONSISTENCY) {
        const proof = consistencyProof(leaves, v.oldSize, v.newSize);
        expect(hexes(proof), `${v.oldSize} → ${v.newSize}`).to.deep.equal(v.proof);
        const oldRoot = fromHex(CT_ROOTS[v.oldSize - 1] as string);
        const newRoot = fromHex(CT_ROOTS[v.newSize - 1] as string);
        expect(verifyConsistency(v.oldSize, v.newSize, oldRoot, newRoot, v.proof.map(fromHex))).to.equal(true);
      }
      // Equal sizes and an empty old tree: the empty proof.
      for (let n = 1; n <= 8; n++) {
        expect(consistencyProof(leaves, n, n)).to.deep.equal([]);
        expect(consistencyProof(leaves, 0, n)).to.deep.equal([]);
        const root = fromHex(CT_ROOTS[n - 1] as string);
        expect(verifyConsistency(n, n, root, root, [])).to.equal(true);
      }
    });
  });

  describe(`properties of every tree up to ${MAX_N} leaves`, () => {
    // One leaf set for all sizes: the tree of n leaves is the first n of them (one more for "wrong size").
    const leaves = randomLeaves(0x6962, MAX_N + 1);
    const roots = Array.from({ length: MAX_N + 2 }, (_, n) => rootOf(leaves, n));
    const r = (n: number) => roots[n] as Hash;
    const stranger = leafHash(new TextEncoder().encode("not in the log"));
    const extra = randomLeaves(12, 1)[0] as Hash;
    // Proofs are generated once (the reference favours clarity over speed) and shared by the properties.
    const memo = new Map<string, Hash[]>();
    const cached = (k: string, make: () => Hash[]) => memo.get(k) ?? memo.set(k, make()).get(k)!;
    const incl = (i: number, n: number) => cached(`i${i}/${n}`, () => inclusionProof(leaves, i, n));
    const cons = (m: number, n: number) => cached(`c${m}/${n}`, () => consistencyProof(leaves, m, n));

    it("rootOf agrees with the recursive definition MTH(D[0:n]) = H(MTH(D[0:k]) ‖ MTH(D[k:n]))", () => {
      for (let n = 2; n <= MAX_N; n++) {
        const k = splitPoint(n);
        const right = rootOf(leaves.slice(k, n));
        expect(hex(r(n)), `n=${n}`).to.equal(hex(nodeHash(r(k), right)));
      }
    });

    it("every inclusion proof verifies, and is at most ceil(log2 n) hashes", () => {
      const f = new Failures();
      for (let n = 1; n <= MAX_N; n++) {
        for (let i = 0; i < n; i++) {
          const proof = incl(i, n);
          f.check(proof.length <= Math.ceil(Math.log2(n)), () => `leaf ${i}/${n}: ${proof.length} hashes`);
          f.check(verifyInclusion(leaves[i] as Hash, i, n, proof, r(n)), () => `leaf ${i}/${n} rejected`);
        }
      }
      f.assertNone();
    });

    it("rejects inclusion proofs with a flipped byte, in the proof, the leaf or the root", () => {
      const rng = prng(11);
      const f = new Failures();
      for (let n = 1; n <= MAX_N; n++) {
        for (let i = 0; i < n; i++) {
          const leaf = leaves[i] as Hash;
          const proof = incl(i, n);
          const no = (ok: boolean, what: string) => f.check(!ok, () => `leaf ${i}/${n}: ${what} accepted`);
          for (let e = 0; e < proof.length; e++) {
            for (const at of [0, 31, Math.floor(rng() * 32)]) {
              no(verifyInclusion(leaf, i, n, flipAt(proof, e, at), r(n)), `element ${e} byte ${at} flipped`);
            }
          }
          no(verifyInclusion(flip(leaf, 17), i, n, proof, r(n)), "leaf flipped");
          no(verifyInclusion(stranger, i, n, proof, r(n)), "a leaf not in the log");
          no(verifyInclusion(leaf, i, n, proof, flip(r(n), 5)), "root flipped");
        }
      }
      f.assertNone();
    });

    it("rejects inclusion proofs at a wrong index", () => {
      const f = new Failures();
      for (let n = 1; n <= MAX_N; n++) {
        for (let i = 0; i < n; i++) {
          const proof = incl(i, n);
          for (const j of candidates(n, n + 1, [i, n - 1 - i, n])) {
            if (j === i) continue;
            f.check(!verifyInclusion(leaves[i] as Hash, j, n, proof, r(n)), () => `leaf ${i}/${n} accepted at ${j}`);
          }
          // The proof of the leaf that does sit at j does not carry leaf i either.
          if (n > 1) {
            const j = (i + 1) % n;
            const ok = verifyInclusion(leaves[i] as Hash, j, n, incl(j, n), r(n));
            f.check(!ok, () => `leaf ${i}/${n} accepted with the proof of ${j}`);
          }
        }
      }
      f.assertNone();
    });

    it("rejects inclusion proofs at a wrong tree size (with that size's root, or a size ≤ index)", () => {
      const f = new Failures();
      for (let n = 1; n <= MAX_N; n++) {
        for (let i = 0; i < n; i++) {
          const leaf = leaves[i] as Hash;
          const proof = incl(i, n);
          for (const s of candidates(n, MAX_N + 1, [n, i])) {
            if (s === n) continue;
            f.check(!verifyInclusion(leaf, i, s, proof, r(s)), () => `leaf ${i}/${n} accepted in size ${s}`);
          }
          // Sizes that cannot hold the index are rejected whatever the root.
          for (let s = 0; s <= i; s++) {
            f.check(!verifyInclusion(leaf, i, s, proof, r(n)), () => `leaf ${i}/${n} accepted in size ${s} ≤ index`);
          }
        }
      }
      f.assertNone();
    });

    it("rejects truncated, extended and swapped inclusion proofs", () => {
      const f = new Failures();
      for (let n = 1; n <= MAX_N; n++) {
        for (let i = 0; i < n; i++) {
          const leaf = leaves[i] as Hash;
          const proof = incl(i, n);
          const no = (p: Hash[], what: string) =>
            f.check(!verifyInclusion(leaf, i, n, p, r(n)), () => `leaf ${i}/${n}: ${what}`);
          if (proof.length > 0) {
            no(proof.slice(0, -1), "truncated");
            no(proof.slice(1), "first element dropped");
          }
          no([...proof, extra], "extended");
          no([extra, ...proof], "prepended");
          no([...proof, r(n)], "root appended");
          for (let e = 0; e + 1 < proof.length; e++) no(swapAt(proof, e), `elements ${e}, ${e + 1} swapped`);
        }
      }
      f.assertNone();
    });

    it("every consistency proof verifies, and is at most ceil(log2 n) + 1 hashes", () => {
      const f = new Failures();
      for (let n = 1; n <= MAX_N; n++) {
        for (let m = 1; m <= n; m++) {
          const proof = cons(m, n);
          f.check(proof.length <= Math.ceil(Math.log2(n)) + 1, () => `${m}→${n}: ${proof.length} hashes`);
          f.check(m !== n || proof.length === 0, () => `${m}→${n}: not empty`);
          f.check(verifyConsistency(m, n, r(m), r(n), proof), () => `${m}→${n} rejected`);
        }
      }
      f.assertNone();
    });

    it("rejects consistency proofs with a flipped byte, in the proof or either root", () => {
      const rng = prng(13);
      const f = new Failures();
      for (let n = 1; n <= MAX_N; n++) {
        for (let m = 1; m <= n; m++) {
          const proof = cons(m, n);
          const no = (ok: boolean, what: string) => f.check(!ok, () => `${m}→${n}: ${what} accepted`);
          for (let e = 0; e < proof.length; e++) {
            for (const at of [0, 31, Math.floor(rng() * 32)]) {
              no(verifyConsistency(m, n, r(m), r(n), flipAt(proof, e, at)), `element ${e} byte ${at} flipped`);
            }
          }
          no(verifyConsistency(m, n, flip(r(m), 9), r(n), proof), "old root flipped");
          no(verifyConsistency(m, n, r(m), flip(r(n), 9), proof), "new root flipped");
        }
      }
      f.assertNone();
    });

    it("rejects consistency proofs at a wrong old or new size (with that size's root)", () => {
      const f = new Failures();
      for (let n = 1; n <= MAX_N; n++) {
        for (let m = 1; m <= n; m++) {
          const proof = cons(m, n);
          for (const s of candidates(n, MAX_N + 1, [m, n])) {
            if (s !== m) f.check(!verifyConsistency(s, n, r(s), r(n), proof), () => `${m}→${n} accepted as ${s}→${n}`);
            if (s !== n) f.check(!verifyConsistency(m, s, r(m), r(s), proof), () => `${m}→${n} accepted as ${m}→${s}`);
          }
          // Backwards: from the new tree to the old one.
          if (m < n) f.check(!verifyConsistency(n, m, r(n), r(m), proof), () => `${m}→${n} accepted backwards`);
        }
      }
      f.assertNone();
    });

    it("rejects truncated, extended and swapped consistency proofs", () => {
      const f = new Failures();
      for (let n = 1; n <= MAX_N; n++) {
        for (let m = 1; m <= n; m++) {
          const proof = cons(m, n);
          const no = (p: Hash[], what: string) =>
            f.check(!verifyConsistency(m, n, r(m), r(n), p), () => `${m}→${n}: ${what} accepted`);
          if (proof.length > 0) {
            no(proof.slice(0, -1), "truncated");
            no(proof.slice(1), "first element dropped");
          }
          no([...proof, extra], "extended");
          no([extra, ...proof], "prepended");
          // The implicit first element of a complete old tree, given explicitly, is one element too many.
          no([r(m), ...proof], "old root prepended");
          for (let e = 0; e + 1 < proof.length; e++) {
            if (!equalHashes(proof[e] as Hash, proof[e + 1] as Hash))
              no(swapAt(proof, e), `elements ${e}, ${e + 1} swapped`);
          }
        }
      }
      f.assertNone();
    });

    it("rejects a rewritten log: one earlier leaf changed, then appended to", () => {
      const f = new Failures();
      for (let n = 2; n <= MAX_N; n += 3) {
        for (let m = 1; m < n; m++) {
          const forged = [...leaves];
          const victim = (m * 7 + n) % m;
          forged[victim] = flip(leaves[victim] as Hash, 3);
          const forgedRoot = rootOf(forged, n);
          // The forger's own consistency proof, and the honest one, checked against the honest old head.
          const own = verifyConsistency(m, n, r(m), forgedRoot, consistencyProof(forged, m, n));
          f.check(!own, () => `${m}→${n}, leaf ${victim} rewritten: forged proof accepted`);
          const honest = verifyConsistency(m, n, r(m), forgedRoot, cons(m, n));
          f.check(!honest, () => `${m}→${n}, leaf ${victim} rewritten: honest proof accepted`);
        }
      }
      f.assertNone();
    });

    it("proves inclusion in a later tree of a leaf included in an earlier one (append-only)", () => {
      const f = new Failures();
      for (let n = 1; n <= MAX_N; n += 7) {
        for (let m = 1; m <= n; m += 2) {
          f.check(verifyConsistency(m, n, r(m), r(n), cons(m, n)), () => `${m}→${n}`);
          for (let i = 0; i < m; i++) {
            f.check(verifyInclusion(leaves[i] as Hash, i, n, incl(i, n), r(n)), () => `leaf ${i} in ${n}`);
          }
        }
      }
      f.assertNone();
    });
  });

  describe("RFC 9162 caveat: tree sizes are bound only through the roots", () => {
    // Not a defect (the algorithms are RFC 9162's, and MerkleLog.sol agrees): a consistency proof binds the old
    // size but not the new one, and an inclusion proof does not bind the size, unless the root given is the
    // root of that size. A verifier must take (size, root) from one trusted checkpoint.
    const leaves = CT_LEAVES.map((h) => leafHash(fromHex(h)));
    const root = (n: number) => fromHex(CT_ROOTS[n - 1] as string);

    it("accepts proofs under another size when given the root of the proof's own size", () => {
      expect(verifyConsistency(2, 4, root(2), root(3), consistencyProof(leaves, 2, 3))).to.equal(true);
      expect(verifyConsistency(2, 4, root(2), root(4), consistencyProof(leaves, 2, 3))).to.equal(false);
      expect(verifyInclusion(leaves[0] as Hash, 0, 4, inclusionProof(leaves, 0, 3), root(3))).to.equal(true);
      expect(verifyInclusion(leaves[0] as Hash, 0, 4, inclusionProof(leaves, 0, 3), root(4))).to.equal(false);
      // Leaf 2 of the 3-tree also reads as leaf 1 of a "2-tree" whose other leaf is the node over leaves 0, 1.
      expect(verifyInclusion(leaves[2] as Hash, 1, 2, inclusionProof(leaves, 2, 3), root(3))).to.equal(true);
    });

    it("never accepts a consistency proof under another old size, even with the original roots", () => {
      const many = randomLeaves(0x9162, 33);
      const roots = Array.from({ length: 34 }, (_, n) => rootOf(many, n));
      for (let n = 1; n <= 32; n++) {
        for (let m = 1; m <= n; m++) {
          const proof = consistencyProof(many, m, n);
          for (let s = 0; s <= 33; s++) {
            if (s === m) continue;
            expect(
              verifyConsistency(s, n, roots[m] as Hash, roots[n] as Hash, proof),
              `${m}→${n} as ${s}→${n}`,
            ).to.equal(false);
          }
        }
      }
    });
  });

  describe("malformed inputs", () => {
    const leaves = randomLeaves(21, 8);
    const root = rootOf(leaves);
    const leaf = leaves[2] as Hash;
    const proof = inclusionProof(leaves, 2);
    const oldRoot = rootOf(leaves, 3);
    const cProof = consistencyProof(leaves, 3);
    const short = new Uint8Array(31);
    const long = new Uint8Array(33);
    // Everything below is deliberately mistyped.
    const bad = <T>(v: unknown): T => v as T;

    it("the valid baseline verifies", () => {
      expect(verifyInclusion(leaf, 2, 8, proof, root)).to.equal(true);
      expect(verifyConsistency(3, 8, oldRoot, root, cProof)).to.equal(true);
    });

    it("verifyInclusion returns false on hashes that are not 32 bytes", () => {
      expect(verifyInclusion(leaf.subarray(0, 31), 2, 8, proof, root)).to.equal(false);
      expect(verifyInclusion(short, 2, 8, proof, root)).to.equal(false);
      expect(verifyInclusion(leaf, 2, 8, proof, root.subarray(0, 31))).to.equal(false);
      expect(verifyInclusion(leaf, 2, 8, proof, long)).to.equal(false);
      expect(verifyInclusion(leaf, 2, 8, [proof[0] as Hash, short, proof[2] as Hash], root)).to.equal(false);
      expect(verifyInclusion(leaf, 2, 8, [(proof[0] as Hash).subarray(0, 31), ...proof.slice(1)], root)).to.equal(
        false,
      );
      expect(verifyInclusion(bad(toHex(leaf)), 2, 8, proof, root)).to.equal(false);
      expect(verifyInclusion(leaf, 2, 8, bad(proof.map(toBytes32)), root)).to.equal(false);
      expect(verifyInclusion(leaf, 2, 8, bad([...proof.slice(0, 2), null]), root)).to.equal(false);
    });

    it("verifyInclusion returns false on sizes and indices that are not non-negative safe integers", () => {
      for (const v of [
        -1,
        2.5,
        Number.NaN,
        Infinity,
        -Infinity,
        2 ** 53,
        bad<number>("2"),
        bad<number>(2n),
        bad<number>(null),
      ]) {
        expect(verifyInclusion(leaf, v, 8, proof, root), `index ${String(v)}`).to.equal(false);
        expect(verifyInclusion(leaf, 2, v, proof, root), `size ${String(v)}`).to.equal(false);
      }
      expect(verifyInclusion(leaf, 2, 0, [], root)).to.equal(false);
      expect(verifyInclusion(leaf, 8, 8, proof, root)).to.equal(false);
    });

    it("verifyInclusion returns false on proofs that are not arrays, or longer than MAX_PROOF_LENGTH", () => {
      for (const p of [
        undefined,
        null,
        "proof",
        3,
        { length: 3, 0: proof[0], 1: proof[1], 2: proof[2] },
        new Set(proof),
      ]) {
        expect(verifyInclusion(leaf, 2, 8, bad(p), root)).to.equal(false);
      }
      expect(MAX_PROOF_LENGTH).to.equal(64);
      const tooLong = Array.from({ length: MAX_PROOF_LENGTH + 1 }, () => leaf);
      expect(verifyInclusion(leaf, 2, 8, tooLong, root)).to.equal(false);
    });

    it("verifyConsistency returns false on malformed hashes, sizes and proofs", () => {
      expect(verifyConsistency(3, 8, oldRoot.subarray(0, 31), root, cProof)).to.equal(false);
      expect(verifyConsistency(3, 8, oldRoot, long, cProof)).to.equal(false);
      expect(verifyConsistency(3, 8, oldRoot, root, [short, ...cProof.slice(1)])).to.equal(false);
      expect(verifyConsistency(3, 8, bad(toBytes32(oldRoot)), root, cProof)).to.equal(false);
      expect(verifyConsistency(3, 8, oldRoot, root, bad(cProof.map(toBytes32)))).to.equal(false);
      for (const v of [
        -1,
        2.5,
        Number.NaN,
        Infinity,
        2 ** 53,
        bad<number>("3"),
        bad<number>(3n),
        bad<number>(undefined),
      ]) {
        expect(verifyConsistency(v, 8, oldRoot, root, cProof), `old size ${String(v)}`).to.equal(false);
        expect(verifyConsistency(3, v, oldRoot, root, cProof), `new size ${String(v)}`).to.equal(false);
      }
      for (const p of [undefined, null, "proof", 1, { length: cProof.length }, new Set(cProof)]) {
        expect(verifyConsistency(3, 8, oldRoot, root, bad(p))).to.equal(false);
      }
      const tooLong = Array.from({ length: MAX_PROOF_LENGTH + 1 }, () => root);
      expect(verifyConsistency(3, 8, oldRoot, root, tooLong)).to.equal(false);
    });

    it("verifyConsistency rejects the empty old tree, equal sizes with a proof or different roots, and a missing proof", () => {
      expect(verifyConsistency(0, 8, EMPTY_ROOT, root, [])).to.equal(false);
      expect(verifyConsistency(0, 8, EMPTY_ROOT, root, cProof)).to.equal(false);
      expect(verifyConsistency(0, 0, EMPTY_ROOT, EMPTY_ROOT, [])).to.equal(false);
      expect(verifyConsistency(8, 8, root, root, [])).to.equal(true);
      expect(verifyConsistency(8, 8, root, root, [root])).to.equal(false);
      expect(verifyConsistency(8, 8, root, oldRoot, [])).to.equal(false);
      expect(verifyConsistency(3, 8, oldRoot, root, [])).to.equal(false);
      expect(verifyConsistency(4, 8, rootOf(leaves, 4), root, [])).to.equal(false);
    });

    // every() would skip the holes of a sparse array; the verifiers must check every index.
    it("verifiers return false (never throw) on sparse proof arrays", () => {
      expect(verifyInclusion(leaf, 2, 8, new Array<Hash>(3), root)).to.equal(false);
      expect(verifyInclusion(leaf, 0, 2, new Array<Hash>(1), rootOf(leaves, 2))).to.equal(false);
      const holey = [...proof];
      // eslint-disable-next-line @typescript-eslint/no-array-delete -- the hole is the point of this case
      delete holey[1];
      expect(verifyInclusion(leaf, 2, 8, holey, root)).to.equal(false);
      expect(verifyConsistency(3, 8, oldRoot, root, new Array<Hash>(cProof.length))).to.equal(false);
      expect(verifyConsistency(2, 4, rootOf(leaves, 2), rootOf(leaves, 4), new Array<Hash>(1))).to.equal(false);
    });

    it("generators throw a TypeError on leaves that are not an array of 32-byte hashes", () => {
      for (const l of [undefined, null, "leaves", 8, { length: 8 }, new Set(leaves)]) {
        expect(() => rootOf(bad(l)), String(l)).to.throw(TypeError);
        expect(() => inclusionProof(bad(l), 0, 1), String(l)).to.throw(TypeError);
        expect(() => consistencyProof(bad(l), 1, 1), String(l)).to.throw(TypeError);
      }
      const withShort = [...leaves.slice(0, 3), short, ...leaves.slice(4)];
      const withHex = bad<Hash[]>([...leaves.slice(0, 3), toBytes32(leaves[3] as Hash), ...leaves.slice(4)]);
      const sparse = new Array<Hash>(4);
      for (const l of [withShort, withHex, sparse, [long]]) {
        expect(() => rootOf(l)).to.throw(TypeError);
        expect(() => inclusionProof(l, 0)).to.throw(TypeError);
        expect(() => consistencyProof(l, 1)).to.throw(TypeError);
      }
    });

    it("generators throw a RangeError on sizes and indices out of range or not safe integers", () => {
      for (const v of [-1, 2.5, Number.NaN, Infinity, 9, 2 ** 53, bad<number>("2"), bad<number>(2n)]) {
        expect(() => rootOf(leaves, v), `size ${String(v)}`).to.throw(RangeError);
        expect(() => inclusionProof(leaves, v, 8), `index ${String(v)}`).to.throw(RangeError);
        expect(() => inclusionProof(leaves, 0, v), `size ${String(v)}`).to.throw(RangeError);
        expect(() => consistencyProof(leaves, v, 8), `old size ${String(v)}`).to.throw(RangeError);
        expect(() => consistencyProof(leaves, 1, v), `new size ${String(v)}`).to.throw(RangeError);
      }
      expect(() => inclusionProof(leaves, 8, 8)).to.throw(RangeError);
      expect(() => inclusionProof(leaves, 0, 0)).to.throw(RangeError);
      expect(() => inclusionProof([], 0)).to.throw(RangeError);
      expect(() => consistencyProof(leaves, 5, 4)).to.throw(RangeError);
    });
  });

  describe("large tree sizes", () => {
    const leaf = leafHash(new TextEncoder().encode("uniform"));
    const tree = new UniformTree(leaf);

    it("the uniform-tree helper agrees with the reference on small trees", () => {
      const leaves = Array.from({ length: 40 }, () => leaf);
      for (let n = 1; n <= 40; n++) {
        expect(hex(tree.root(BigInt(n)))).to.equal(hex(rootOf(leaves, n)));
        for (let i = 0; i < n; i++) {
          expect(hexes(tree.inclusion(BigInt(i), BigInt(n)))).to.deep.equal(hexes(inclusionProof(leaves, i, n)));
        }
        for (let m = 0; m <= n; m++) {
          expect(hexes(tree.consistency(BigInt(m), BigInt(n)))).to.deep.equal(hexes(consistencyProof(leaves, m, n)));
        }
      }
    });

    it("verifies proofs in trees past 2^32 leaves (BigInt arithmetic)", () => {
      const sizes = [
        2 ** 32,
        2 ** 32 + 1,
        2 ** 33,
        2 ** 33 + 7,
        3 * 2 ** 40 + 12345,
        2 ** 52 + 3,
        Number.MAX_SAFE_INTEGER,
      ];
      for (const n of sizes) {
        const N = BigInt(n);
        const root = tree.root(N);
        for (const i of [0, 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 1, n - 2, n - 1]) {
          if (i >= n) continue;
          const proof = tree.inclusion(BigInt(i), N);
          expect(verifyInclusion(leaf, i, n, proof, root), `leaf ${i} of ${n}`).to.equal(true);
          // The last leaf of a tree that is not a power of two sits on a path of another shape: wrong index or
          // size changes the path and the proof no longer reaches the root.
          expect(
            verifyInclusion(leaf, i, n + 1, proof, tree.root(N + 1n)),
            `leaf ${i} of ${n} as of ${n + 1}`,
          ).to.equal(false);
          expect(verifyInclusion(leaf, i, n, proof.slice(0, -1), root)).to.equal(false);
          expect(verifyInclusion(leaf, i, n, [...proof, leaf], root)).to.equal(false);
          expect(verifyInclusion(leaf, i, n, proof, flip(root))).to.equal(false);
        }
        for (const m of [1, 3, 2 ** 31 + 1, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 3, n - 1, n]) {
          if (m > n) continue;
          const proof = tree.consistency(BigInt(m), N);
          const oldRoot = tree.root(BigInt(m));
          expect(verifyConsistency(m, n, oldRoot, root, proof), `${m} → ${n}`).to.equal(true);
          if (proof.length > 0) {
            expect(verifyConsistency(m, n, oldRoot, root, proof.slice(0, -1))).to.equal(false);
            expect(verifyConsistency(m, n, oldRoot, root, flipAt(proof, 0, 4))).to.equal(false);
          }
          expect(verifyConsistency(m, n, oldRoot, flip(root), proof)).to.equal(false);
        }
      }
    });

    it("rejects wrong proofs at huge indices without breaking (index 2^33)", () => {
      const wrong = randomLeaves(31, 40);
      const root = tree.root(2n ** 34n);
      for (const len of [0, 1, 33, 34, 35, 40]) {
        const proof = wrong.slice(0, len);
        expect(verifyInclusion(leaf, 2 ** 33, 2 ** 34, proof, root), `len ${len}`).to.equal(false);
        expect(verifyInclusion(leaf, 2 ** 33, 2 ** 33 + 1, proof, root), `len ${len}`).to.equal(false);
        expect(verifyInclusion(leaf, 2 ** 33, 2 ** 33, proof, root), `len ${len}`).to.equal(false);
        expect(verifyConsistency(2 ** 33, 2 ** 34, tree.root(2n ** 33n), root, proof), `len ${len}`).to.equal(false);
        expect(verifyConsistency(2 ** 33 + 1, 2 ** 34, tree.root(2n ** 33n + 1n), root, proof)).to.equal(false);
      }
      // The valid proof for comparison.
      expect(verifyInclusion(leaf, 2 ** 33, 2 ** 34, tree.inclusion(2n ** 33n, 2n ** 34n), root)).to.equal(true);
      // With 32-bit operators 2^33 would be 0 and 2^34 - 1 would be -1: a proof of leaf 0 in a one-leaf tree
      // (the empty proof) must not pass for leaf 2^33.
      expect(verifyInclusion(leaf, 2 ** 33, 2 ** 33 + 1, [], leaf)).to.equal(false);
      expect(verifyInclusion(leaf, 2 ** 32, 2 ** 32 + 1, [], leaf)).to.equal(false);
    });
  });
});
