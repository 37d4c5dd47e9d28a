import { expect } from "chai";
import { ethers, loadFixture } from "../fixtures.js";
import {
  consistencyProof,
  EMPTY_ROOT,
  fromHex,
  type Hash,
  inclusionProof,
  leafHash,
  nodeHash,
  rootOf,
  toBytes32,
  verifyConsistency,
  verifyInclusion,
} from "../../../node/domain/merkle/index.js";
import {
  CT_CONSISTENCY as CT_CONSISTENCY_HEX,
  CT_INCLUSION as CT_INCLUSION_HEX,
  CT_LEAVES,
  CT_ROOTS as CT_ROOTS_HEX,
  flip,
  flipAt,
  prng,
  randomBytes,
  UniformTree,
} from "../../support/merkle-vectors.js";

/**
 * The Solidity verifier (contracts/libraries/MerkleLog.sol, through MerkleLogHarness) against the TypeScript
 * RFC 6962 reference (node/domain/merkle): both must give the same answer on every proof, valid or not.
 */

// Certificate Transparency test vectors, as bytes32 for the contract.
const CT_ROOTS = CT_ROOTS_HEX.map((h) => `0x${h}`);
/** The CT root of the tree of `n` leaves, as bytes32. */
const ctRoot = (n: number): string => CT_ROOTS[n - 1] as string;
const CT_INCLUSION = CT_INCLUSION_HEX.map((v) => ({ ...v, proof: v.proof.map((h) => `0x${h}`) }));
const CT_CONSISTENCY = CT_CONSISTENCY_HEX.map((v) => ({ ...v, proof: v.proof.map((h) => `0x${h}`) }));

// ---------------------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------------------

/** `count` leaf hashes of random records (of random length 0..40). */
function randomLeaves(rng: () => number, count: number): Hash[] {
  return Array.from({ length: count }, () => leafHash(randomBytes(rng, Math.floor(rng() * 41))));
}

const b32 = (h: Hash): string => toBytes32(h);
const b32s = (hs: readonly Hash[]): string[] => hs.map(b32);


async function deployHarness() {
  const harness = await ethers.deployContract("MerkleLogHarness");
  return { harness, address: await harness.getAddress() };
}

type Harness = Awaited<ReturnType<typeof deployHarness>>["harness"];

/** One verification to run on chain and in TypeScript. `expected` unset: only "both agree" is checked. */
interface Check {
  label: string;
  data: string;
  ts: boolean;
  expected?: boolean;
}

/**
 * ABI encoding of the two verifier calls, by hand: ethers' encoder costs more than the eth_call itself at
 * these volumes. Checked against ethers below. Both take four static words then the bytes32[] at 0xa0.
 */
const word = (v: number | bigint): string => BigInt(v).toString(16).padStart(64, "0");
const raw = (h: Hash): string => Buffer.from(h.buffer, h.byteOffset, h.byteLength).toString("hex");
const proofTail = (proof: readonly Hash[]): string => word(0xa0) + word(proof.length) + proof.map(raw).join("");

function encodeInclusion(
  selector: string,
  index: number,
  size: number,
  leaf: Hash,
  proof: readonly Hash[],
  root: Hash,
): string {
  return (
    selector +
    word(index) +
    word(size) +
    raw(leaf) +
    word(0xa0) +
    raw(root) +
    word(proof.length) +
    proof.map(raw).join("")
  );
}

function encodeConsistency(
  selector: string,
  oldSize: number,
  newSize: number,
  oldRoot: Hash,
  newRoot: Hash,
  proof: readonly Hash[],
): string {
  return selector + word(oldSize) + word(newSize) + raw(oldRoot) + raw(newRoot) + proofTail(proof);
}

/** Builds checks of both verifiers from the same arguments. */
class Checks {
  readonly list: Check[] = [];
  private readonly inclusionSelector: string;
  private readonly consistencySelector: string;

  constructor(harness: Harness) {
    this.inclusionSelector = harness.interface.getFunction("verifyInclusion").selector;
    this.consistencySelector = harness.interface.getFunction("verifyConsistency").selector;
  }

  inclusion(
    label: string,
    index: number,
    size: number,
    leaf: Hash,
    proof: readonly Hash[],
    root: Hash,
    expected?: boolean,
  ) {
    const data = encodeInclusion(this.inclusionSelector, index, size, leaf, proof, root);
    const check: Check = { label, data, ts: verifyInclusion(leaf, index, size, proof, root) };
    if (expected !== undefined) check.expected = expected;
    this.list.push(check);
  }

  consistency(
    label: string,
    oldSize: number,
    newSize: number,
    oldRoot: Hash,
    newRoot: Hash,
    proof: readonly Hash[],
    expected?: boolean,
  ) {
    const data = encodeConsistency(this.consistencySelector, oldSize, newSize, oldRoot, newRoot, proof);
    const check: Check = { label, data, ts: verifyConsistency(oldSize, newSize, oldRoot, newRoot, proof) };
    if (expected !== undefined) check.expected = expected;
    this.list.push(check);
  }
}

const CHUNK = 256;

/**
 * Runs every check as an eth_call, CHUNK at a time concurrently, and fails with the first disagreements:
 * chain ≠ TypeScript, or either ≠ the expected answer.
 */
async function run(to: string, checks: readonly Check[]): Promise<void> {
  const failures: string[] = [];
  for (let i = 0; i < checks.length; i += CHUNK) {
    const chunk = checks.slice(i, i + CHUNK);
    const results = await Promise.all(
      chunk.map((c) => ethers.provider.send("eth_call", [{ to, data: c.data }, "latest"]) as Promise<string>),
    );
    chunk.forEach((c, j) => {
      const chain = BigInt(results[j] as string) === 1n;
      if (chain !== c.ts) failures.push(`${c.label}: chain ${chain}, TypeScript ${c.ts}`);
      else if (c.expected !== undefined && chain !== c.expected)
        failures.push(`${c.label}: both ${chain}, expected ${c.expected}`);
    });
  }
  expect(
    failures,
    `${failures.length} of ${checks.length} checks failed:\n${failures.slice(0, 20).join("\n")}`,
  ).to.deep.equal([]);
}

const MAX_N = 64;

// ---------------------------------------------------------------------------------------------------------

describe("MerkleLog (Solidity) against the TypeScript reference", () => {
  it("the hand-written call encoding matches ethers'", async () => {
    const { harness } = await loadFixture(deployHarness);
    const rng = prng(99);
    const hashes = randomLeaves(rng, 8);
    const h = (i: number) => hashes[i] as Hash;
    const iface = harness.interface;
    for (const proof of [[], hashes.slice(0, 1), hashes.slice(2, 8)]) {
      for (const [a, b] of [
        [0, 0],
        [3, 64],
        [2 ** 33, 2 ** 40 + 1],
        [Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
      ] as [number, number][]) {
        expect(encodeInclusion(iface.getFunction("verifyInclusion").selector, a, b, h(0), proof, h(1))).to.equal(
          iface.encodeFunctionData("verifyInclusion", [a, b, b32(h(0)), b32s(proof), b32(h(1))]),
        );
        expect(encodeConsistency(iface.getFunction("verifyConsistency").selector, a, b, h(0), h(1), proof)).to.equal(
          iface.encodeFunctionData("verifyConsistency", [a, b, b32(h(0)), b32(h(1)), b32s(proof)]),
        );
      }
    }
  });

  describe("hashes", () => {
    it("leafHash agrees with the reference on records of every interesting length", async () => {
      const { harness } = await loadFixture(deployHarness);
      const rng = prng(1);
      const lengths = [0, 1, 2, 31, 32, 33, 55, 56, 63, 64, 65, 100, 1000, 4096];
      const records = lengths.map((n) => randomBytes(rng, n));
      const onChain = await Promise.all(
        records.map((r) => harness.getFunction("leafHash").staticCall(r)),
      );
      records.forEach((r, i) => expect(onChain[i], `length ${r.length}`).to.equal(b32(leafHash(r))));
      // The CT leaves; the empty record hashes to the root of the one-leaf tree.
      for (const [i, h] of CT_LEAVES.entries()) {
        expect(await harness.getFunction("leafHash").staticCall(`0x${h}`)).to.equal(
          b32(leafHash(fromHex(h))),
          `CT leaf ${i}`,
        );
      }
      expect(await harness.getFunction("leafHash").staticCall("0x")).to.equal(ctRoot(1));
    });

    it("nodeHash agrees with the reference, and is ordered", async () => {
      const { harness } = await loadFixture(deployHarness);
      const rng = prng(2);
      for (let i = 0; i < 16; i++) {
        const l = randomBytes(rng, 32);
        const r = randomBytes(rng, 32);
        const [lr, rl] = await Promise.all([
          harness.getFunction("nodeHash").staticCall(b32(l), b32(r)),
          harness.getFunction("nodeHash").staticCall(b32(r), b32(l)),
        ]);
        expect(lr).to.equal(b32(nodeHash(l, r)));
        expect(rl).to.equal(b32(nodeHash(r, l)));
        expect(lr).to.not.equal(rl);
      }
      const zero = new Uint8Array(32);
      expect(await harness.getFunction("nodeHash").staticCall(ethers.ZeroHash, ethers.ZeroHash)).to.equal(
        b32(nodeHash(zero, zero)),
      );
      // The CT root of two leaves is the node over their leaf hashes.
      const [l0, l1] = await Promise.all(
        [CT_LEAVES[0], CT_LEAVES[1]].map(
          (h) => harness.getFunction("leafHash").staticCall(`0x${h}`),
        ),
      );
      expect(await harness.getFunction("nodeHash").staticCall(l0 as string, l1 as string)).to.equal(ctRoot(2));
    });
  });

  describe("Certificate Transparency vectors", () => {
    const leaves = CT_LEAVES.map((h) => leafHash(fromHex(h)));

    it("verifies the CT inclusion and consistency proofs, and rejects them altered", async () => {
      const { harness } = await loadFixture(deployHarness);
      for (const v of CT_INCLUSION) {
        const leaf = b32(leaves[v.index] as Hash);
        const root = ctRoot(v.size);
        expect(await harness.getFunction("verifyInclusion").staticCall(v.index, v.size, leaf, v.proof, root)).to.equal(
          true,
        );
        expect(b32s(inclusionProof(leaves, v.index, v.size))).to.deep.equal(v.proof);
        const altered = [...v.proof];
        altered[1] = ctRoot(1);
        expect(await harness.getFunction("verifyInclusion").staticCall(v.index, v.size, leaf, altered, root)).to.equal(
          false,
        );
        expect(
          await harness.getFunction("verifyInclusion").staticCall(v.index ^ 1, v.size, leaf, v.proof, root),
        ).to.equal(false);
      }
      for (const v of CT_CONSISTENCY) {
        const oldRoot = ctRoot(v.oldSize);
        const newRoot = ctRoot(v.newSize);
        const verify = harness.getFunction("verifyConsistency");
        expect(await verify.staticCall(v.oldSize, v.newSize, oldRoot, newRoot, v.proof)).to.equal(true);
        expect(b32s(consistencyProof(leaves, v.oldSize, v.newSize))).to.deep.equal(v.proof);
        expect(await verify.staticCall(v.oldSize, v.newSize, newRoot, oldRoot, v.proof)).to.equal(false);
        expect(await verify.staticCall(v.oldSize, v.newSize, oldRoot, newRoot, v.proof.slice(1))).to.equal(false);
        expect(await verify.staticCall(v.oldSize, v.newSize, oldRoot, newRoot, [...v.proof].reverse())).to.equal(false);
      }
    });

    it("verifies every inclusion and consistency proof of the CT trees of sizes 1..8 against the CT roots", async () => {
      const { harness, address } = await loadFixture(deployHarness);
      const checks = new Checks(harness);
      for (let n = 1; n <= 8; n++) {
        const root = fromHex(ctRoot(n));
        for (let i = 0; i < n; i++) {
          checks.inclusion(`CT leaf ${i}/${n}`, i, n, leaves[i] as Hash, inclusionProof(leaves, i, n), root, true);
        }
        for (let m = 1; m <= n; m++) {
          const oldRoot = fromHex(ctRoot(m));
          checks.consistency(`CT ${m}→${n}`, m, n, oldRoot, root, consistencyProof(leaves, m, n), true);
        }
      }
      await run(address, checks.list);
    });

    it("handles the degenerate cases: index ≥ size, size 0, old size 0, equal sizes", async () => {
      const { harness } = await loadFixture(deployHarness);
      const inc = harness.getFunction("verifyInclusion");
      const con = harness.getFunction("verifyConsistency");
      const root1 = ctRoot(1);
      const root8 = ctRoot(8);
      const leaf0 = b32(leaves[0] as Hash);
      expect(await inc.staticCall(0, 1, leaf0, [], root1)).to.equal(true);
      expect(await inc.staticCall(1, 1, leaf0, [], root1)).to.equal(false);
      expect(await inc.staticCall(0, 0, leaf0, [], root1)).to.equal(false);
      expect(await inc.staticCall(0, 0, ethers.ZeroHash, [], ethers.ZeroHash)).to.equal(false);
      expect(await inc.staticCall(8, 8, leaf0, CT_INCLUSION[0]!.proof, root8)).to.equal(false);
      // A one-leaf tree takes the empty proof; anything more is rejected.
      expect(await inc.staticCall(0, 1, leaf0, [root1], root1)).to.equal(false);
      // Old size 0 is not a checkpoint, even with the empty root.
      expect(await con.staticCall(0, 8, b32(EMPTY_ROOT), root8, [])).to.equal(false);
      expect(await con.staticCall(0, 0, b32(EMPTY_ROOT), b32(EMPTY_ROOT), [])).to.equal(false);
      // Equal sizes: empty proof and equal roots.
      expect(await con.staticCall(8, 8, root8, root8, [])).to.equal(true);
      expect(await con.staticCall(8, 8, root8, root8, [root8])).to.equal(false);
      expect(await con.staticCall(8, 8, root8, ctRoot(7), [])).to.equal(false);
      // Shrinking, and growing without a proof.
      expect(await con.staticCall(8, 2, root8, ctRoot(2), CT_CONSISTENCY[0]!.proof)).to.equal(false);
      expect(await con.staticCall(2, 8, ctRoot(2), root8, [])).to.equal(false);
      expect(await con.staticCall(4, 8, ctRoot(4), root8, [])).to.equal(false);
    });
  });

  describe("proof length bound and huge tree sizes", () => {
    const leaf = leafHash(new TextEncoder().encode("uniform"));
    const tree = new UniformTree(leaf);

    it("the uniform-tree helper agrees with the reference on small trees", () => {
      const leaves = Array.from({ length: 33 }, () => leaf);
      for (let n = 1; n <= 33; n++) {
        expect(b32(tree.root(BigInt(n)))).to.equal(b32(rootOf(leaves, n)));
        for (let i = 0; i < n; i++) {
          expect(b32s(tree.inclusion(BigInt(i), BigInt(n)))).to.deep.equal(b32s(inclusionProof(leaves, i, n)));
        }
        for (let m = 0; m <= n; m++) {
          expect(b32s(tree.consistency(BigInt(m), BigInt(n)))).to.deep.equal(b32s(consistencyProof(leaves, m, n)));
        }
      }
    });

    it("MAX_PROOF_LENGTH is 64: a valid 64-hash proof verifies, a valid 65-hash proof is rejected", async () => {
      const { harness } = await loadFixture(deployHarness);
      const inc = harness.getFunction("verifyInclusion");
      const con = harness.getFunction("verifyConsistency");
      // Inclusion: a tree of 2^64 leaves needs 64 hashes, one of 2^65 needs 65.
      for (const index of [0n, 12345n, 2n ** 63n, 2n ** 64n - 1n]) {
        const proof = tree.inclusion(index, 2n ** 64n);
        expect(proof.length).to.equal(64);
        expect(await inc.staticCall(index, 2n ** 64n, b32(leaf), b32s(proof), b32(tree.root(2n ** 64n)))).to.equal(
          true,
        );
        expect(
          await inc.staticCall(index, 2n ** 64n, b32(leaf), b32s(flipAt(proof, 63, 0)), b32(tree.root(2n ** 64n))),
        ).to.equal(false);
      }
      for (const index of [0n, 2n ** 65n - 1n]) {
        const proof = tree.inclusion(index, 2n ** 65n);
        expect(proof.length).to.equal(65);
        expect(await inc.staticCall(index, 2n ** 65n, b32(leaf), b32s(proof), b32(tree.root(2n ** 65n)))).to.equal(
          false,
        );
      }
      // Consistency: 3 → 2^63 takes 64 hashes, 3 → 2^64 takes 65.
      const c64 = tree.consistency(3n, 2n ** 63n);
      expect(c64.length).to.equal(64);
      expect(await con.staticCall(3n, 2n ** 63n, b32(tree.root(3n)), b32(tree.root(2n ** 63n)), b32s(c64))).to.equal(
        true,
      );
      expect(verifyConsistency(3, 2 ** 63, tree.root(3n), tree.root(2n ** 63n), c64)).to.equal(false); // not a safe integer
      const c65 = tree.consistency(3n, 2n ** 64n);
      expect(c65.length).to.equal(65);
      expect(await con.staticCall(3n, 2n ** 64n, b32(tree.root(3n)), b32(tree.root(2n ** 64n)), b32s(c65))).to.equal(
        false,
      );
      // 65 arbitrary hashes for a small tree: rejected on both sides.
      const junk = Array.from({ length: 65 }, () => leaf);
      expect(await inc.staticCall(0, 8, b32(leaf), b32s(junk), ctRoot(8))).to.equal(false);
      expect(verifyInclusion(leaf, 0, 8, junk, fromHex(ctRoot(8)))).to.equal(false);
      expect(await con.staticCall(3, 8, ctRoot(3), ctRoot(8), b32s(junk))).to.equal(false);
      expect(verifyConsistency(3, 8, fromHex(ctRoot(3)), fromHex(ctRoot(8)), junk)).to.equal(false);
    });

    it("agrees with the reference on trees past 2^32 and 2^53 leaves, and never reverts on huge sizes", async () => {
      const { harness, address } = await loadFixture(deployHarness);
      const checks = new Checks(harness);
      for (const n of [2 ** 32, 2 ** 32 + 1, 2 ** 33 + 7, 3 * 2 ** 40 + 12345, Number.MAX_SAFE_INTEGER]) {
        const N = BigInt(n);
        const root = tree.root(N);
        for (const i of [0, 1, 2 ** 32 - 1, 2 ** 32, n - 2, n - 1]) {
          if (i >= n) continue;
          const proof = tree.inclusion(BigInt(i), N);
          checks.inclusion(`leaf ${i}/${n}`, i, n, leaf, proof, root, true);
          checks.inclusion(`leaf ${i}/${n} truncated`, i, n, leaf, proof.slice(0, -1), root, false);
          checks.inclusion(`leaf ${i}/${n} flipped`, i, n, leaf, flipAt(proof, 0, 7), root, false);
        }
        for (const m of [1, 3, 2 ** 32 - 1, 2 ** 32, n - 1]) {
          const proof = tree.consistency(BigInt(m), N);
          checks.consistency(`${m}→${n}`, m, n, tree.root(BigInt(m)), root, proof, true);
          checks.consistency(`${m}→${n} extended`, m, n, tree.root(BigInt(m)), root, [...proof, leaf], false);
        }
      }
      await run(address, checks.list);
      // Past the TypeScript verifier's safe integers, the chain alone: 2^63 + 5 leaves.
      const inc = harness.getFunction("verifyInclusion");
      const N = 2n ** 63n + 5n;
      for (const i of [0n, 2n ** 63n - 1n, 2n ** 63n, N - 1n]) {
        expect(await inc.staticCall(i, N, b32(leaf), b32s(tree.inclusion(i, N)), b32(tree.root(N)))).to.equal(true);
      }
      // uint256 extremes: plain false, no overflow revert.
      const max = ethers.MaxUint256;
      const con = harness.getFunction("verifyConsistency");
      expect(await inc.staticCall(max - 1n, max, b32(leaf), [b32(leaf)], b32(leaf))).to.equal(false);
      expect(await inc.staticCall(max, max, b32(leaf), [], b32(leaf))).to.equal(false);
      expect(await inc.staticCall(0, max, b32(leaf), [], b32(leaf))).to.equal(false);
      expect(await con.staticCall(1, max, b32(leaf), b32(leaf), [b32(leaf)])).to.equal(false);
      expect(await con.staticCall(max, max, b32(leaf), b32(leaf), [])).to.equal(true);
      expect(await con.staticCall(max - 1n, max, b32(leaf), b32(leaf), [b32(leaf)])).to.equal(false);
      expect(await con.staticCall(max, 1, b32(leaf), b32(leaf), [])).to.equal(false);
    });
  });

  describe("RFC 9162 caveat: tree sizes are bound only through the roots", () => {
    // Not a defect of either verifier (both follow RFC 9162 §2.1.3.2 / §2.1.4.2 and agree): a proof binds the
    // old size of a consistency proof, but not the new size nor the size of an inclusion proof, when the root
    // is not the root of that size. Callers must take (size, root) from the same trusted checkpoint.
    const leaves = CT_LEAVES.map((h) => leafHash(fromHex(h)));
    const root = (n: number) => fromHex(ctRoot(n));

    it("accepts the proof 2 → 3 as 2 → 4 with the root of 3, and rejects it with the root of 4", async () => {
      const { harness, address } = await loadFixture(deployHarness);
      const checks = new Checks(harness);
      const p23 = consistencyProof(leaves, 2, 3);
      checks.consistency("2→3 as 2→4, root of 3", 2, 4, root(2), root(3), p23, true);
      checks.consistency("2→3 as 2→4, root of 4", 2, 4, root(2), root(4), p23, false);
      // Leaf 0 of the 3-tree, claimed in a 4-tree with the 3-tree's root.
      const p03 = inclusionProof(leaves, 0, 3);
      checks.inclusion("leaf 0/3 as 0/4, root of 3", 0, 4, leaves[0] as Hash, p03, root(3), true);
      checks.inclusion("leaf 0/3 as 0/4, root of 4", 0, 4, leaves[0] as Hash, p03, root(4), false);
      // Leaf 2 of the 3-tree is also "leaf 1 of a 2-tree" whose other leaf is the node over leaves 0 and 1.
      const p23i = inclusionProof(leaves, 2, 3);
      checks.inclusion("leaf 2/3 as 1/2, root of 3", 1, 2, leaves[2] as Hash, p23i, root(3), true);
      await run(address, checks.list);
    });
  });

  describe(`every proof of every tree up to ${MAX_N} leaves, random leaves (seeded)`, () => {
    for (let n = 1; n <= MAX_N; n++) {
      it(`consistency m → ${n} for every 1 ≤ m ≤ ${n}`, async () => {
        const { harness, address } = await loadFixture(deployHarness);
        const rng = prng(0xc0de0000 + n);
        const leaves = randomLeaves(rng, n + 1);
        const roots = Array.from({ length: n + 2 }, (_, s) => rootOf(leaves, s));
        const extra = randomLeaves(rng, 1)[0] as Hash;
        const r = (s: number) => roots[s] as Hash;
        const checks = new Checks(harness);
        for (let m = 1; m <= n; m++) {
          const proof = consistencyProof(leaves, m, n);
          const tag = `seed ${n}: ${m}→${n}`;
          const c = (what: string, o: number, s: number, or: Hash, nr: Hash, p: readonly Hash[], expected?: boolean) =>
            checks.consistency(`${tag} ${what}`, o, s, or, nr, p, expected);
          c("valid", m, n, r(m), r(n), proof, true);
          for (let e = 0; e < proof.length; e++) {
            const at = Math.floor(rng() * 32);
            c(`element ${e} byte ${at} flipped`, m, n, r(m), r(n), flipAt(proof, e, at), false);
          }
          c("old root flipped", m, n, flip(r(m), Math.floor(rng() * 32)), r(n), proof, false);
          c("new root flipped", m, n, r(m), flip(r(n), Math.floor(rng() * 32)), proof, false);
          for (const o of [m - 1, m + 1]) {
            c(`old size ${o}, its root`, o, n, r(o), r(n), proof, false);
            c(`old size ${o}, root of ${m}`, o, n, r(m), r(n), proof, false);
          }
          for (const s of [n - 1, n + 1]) {
            c(`new size ${s}, its root`, m, s, r(m), r(s), proof, false);
            // With the root of n, the new size is not bound (see the RFC 9162 caveat): both must agree.
            c(`new size ${s}, root of ${n}`, m, s, r(m), r(n), proof);
          }
          if (proof.length > 0) {
            c("last element dropped", m, n, r(m), r(n), proof.slice(0, -1), false);
            c("first element dropped", m, n, r(m), r(n), proof.slice(1), false);
          }
          c("extended", m, n, r(m), r(n), [...proof, extra], false);
          c("prepended", m, n, r(m), r(n), [extra, ...proof], false);
        }
        await run(address, checks.list);
      });

      it(`inclusion of every leaf of ${n}`, async () => {
        const { harness, address } = await loadFixture(deployHarness);
        const rng = prng(0x1ec0000 + n);
        const leaves = randomLeaves(rng, n + 1);
        const roots = Array.from({ length: n + 2 }, (_, s) => rootOf(leaves, s));
        const extra = randomLeaves(rng, 1)[0] as Hash;
        const r = (s: number) => roots[s] as Hash;
        const checks = new Checks(harness);
        for (let i = 0; i < n; i++) {
          const leaf = leaves[i] as Hash;
          const proof = inclusionProof(leaves, i, n);
          const tag = `seed ${n}: leaf ${i}/${n}`;
          const c = (
            what: string,
            idx: number,
            s: number,
            l: Hash,
            p: readonly Hash[],
            root: Hash,
            expected?: boolean,
          ) => checks.inclusion(`${tag} ${what}`, idx, s, l, p, root, expected);
          c("valid", i, n, leaf, proof, r(n), true);
          for (let e = 0; e < proof.length; e++) {
            const at = Math.floor(rng() * 32);
            c(`element ${e} byte ${at} flipped`, i, n, leaf, flipAt(proof, e, at), r(n), false);
          }
          c("leaf flipped", i, n, flip(leaf, Math.floor(rng() * 32)), proof, r(n), false);
          c("root flipped", i, n, leaf, proof, flip(r(n), Math.floor(rng() * 32)), false);
          c("another leaf", i, n, leaves[n] as Hash, proof, r(n), false);
          for (const j of [i - 1, i + 1, i ^ 1, n]) {
            if (j !== i && j >= 0) c(`at index ${j}`, j, n, leaf, proof, r(n), false);
          }
          for (const s of [n - 1, n + 1]) {
            c(`size ${s}, its root`, i, s, leaf, proof, r(s), false);
            // With the root of n, the size is not bound (see the RFC 9162 caveat): both must agree.
            c(`size ${s}, root of ${n}`, i, s, leaf, proof, r(n));
          }
          if (proof.length > 0) {
            c("last element dropped", i, n, leaf, proof.slice(0, -1), r(n), false);
            c("first element dropped", i, n, leaf, proof.slice(1), r(n), false);
          }
          c("extended", i, n, leaf, [...proof, extra], r(n), false);
          c("prepended", i, n, leaf, [extra, ...proof], r(n), false);
        }
        await run(address, checks.list);
      });
    }
  });
});
