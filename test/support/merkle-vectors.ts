import { EMPTY_ROOT, type Hash, nodeHash } from "../../node/domain/merkle/index.js";

/** Test data and helpers shared by the TypeScript and the Solidity Merkle tests. */

// ---------------------------------------------------------------------------------------------------------
// Certificate Transparency test vectors (RFC 6962 reference implementation, merkle_tree_test.cc)
// ---------------------------------------------------------------------------------------------------------

export const CT_LEAVES = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"];

export const CT_ROOTS = [
  "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
  "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
  "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
  "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
  "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
  "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
  "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
  "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
];

export const CT_EMPTY_ROOT = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

export const CT_INCLUSION: { index: number; size: number; proof: string[] }[] = [
  {
    index: 0,
    size: 8,
    proof: [
      "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ],
  },
  {
    index: 5,
    size: 8,
    proof: [
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ],
  },
];

export const CT_CONSISTENCY: { oldSize: number; newSize: number; proof: string[] }[] = [
  {
    oldSize: 2,
    newSize: 8,
    proof: [
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ],
  },
  {
    oldSize: 6,
    newSize: 8,
    proof: [
      "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ],
  },
  {
    oldSize: 2,
    newSize: 5,
    proof: [
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
    ],
  },
];

/** mulberry32: a small seeded PRNG, so that every failure reproduces from its seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomBytes(rng: () => number, length: number): Uint8Array {
  return Uint8Array.from({ length }, () => Math.floor(rng() * 256));
}

/** A copy of `hash` with byte `at` xor-ed with `mask` (never 0). */
export function flip(hash: Hash, at = 0, mask = 0x01): Hash {
  const copy = Uint8Array.from(hash);
  copy[at] = (copy[at] as number) ^ mask;
  return copy;
}

/** A copy of `proof` with element `i` changed in byte `at`. */
export function flipAt(proof: readonly Hash[], i: number, at: number): Hash[] {
  return proof.map((h, j) => (j === i ? flip(h, at) : h));
}

/** A copy of `proof` with elements `i` and `i + 1` swapped. */
export function swapAt(proof: readonly Hash[], i: number): Hash[] {
  const copy = [...proof];
  [copy[i], copy[i + 1]] = [copy[i + 1] as Hash, copy[i] as Hash];
  return copy;
}

/**
 * Tree heads and proofs of a log of `size` identical leaves `leaf`, for sizes far past what a leaf array can
 * hold (2^33, 2^53, 2^64…). The subtree root of such a tree depends only on its size, so the RFC 6962
 * recursions (MTH, PATH, SUBPROOF) run in O(log n) with a memo. Checked against {rootOf}, {inclusionProof}
 * and {consistencyProof} for small sizes below.
 */
export class UniformTree {
  private readonly memo = new Map<bigint, Hash>();
  constructor(readonly leaf: Hash) {}

  private static split(n: bigint): bigint {
    let k = 1n;
    while (k * 2n < n) k *= 2n;
    return k;
  }

  root(n: bigint): Hash {
    if (n === 0n) return EMPTY_ROOT;
    if (n === 1n) return this.leaf;
    const cached = this.memo.get(n);
    if (cached) return cached;
    const k = UniformTree.split(n);
    const r = nodeHash(this.root(k), this.root(n - k));
    this.memo.set(n, r);
    return r;
  }

  inclusion(m: bigint, n: bigint): Hash[] {
    if (n <= 1n) return [];
    const k = UniformTree.split(n);
    if (m < k) return [...this.inclusion(m, k), this.root(n - k)];
    return [...this.inclusion(m - k, n - k), this.root(k)];
  }

  consistency(m: bigint, n: bigint): Hash[] {
    if (m === 0n || m === n) return [];
    return this.subproof(m, n, true);
  }

  private subproof(m: bigint, n: bigint, complete: boolean): Hash[] {
    if (m === n) return complete ? [] : [this.root(n)];
    const k = UniformTree.split(n);
    if (m <= k) return [...this.subproof(m, k, complete), this.root(n - k)];
    return [...this.subproof(m - k, n - k, false), this.root(k)];
  }
}
