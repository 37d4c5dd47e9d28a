import { EMPTY_ROOT, type Hash, isHash, nodeHash } from "./hash.js";

/**
 * RFC 6962 / RFC 9162 Merkle tree heads and proofs over a list of leaf hashes, written as the RFC states
 * them (MTH, PATH, PROOF/SUBPROOF). This is the reference that the Solidity verifier and the gateway's
 * persistent log are tested against; it favours being obviously correct over being fast.
 */

/** The largest power of two smaller than n (n ≥ 2): where RFC 6962 splits a tree of n leaves. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function checkLeaves(leaves: readonly Hash[]): void {
  if (!Array.isArray(leaves)) throw new TypeError("leaves must be an array of 32-byte hashes");
  for (const leaf of leaves) if (!isHash(leaf)) throw new TypeError("every leaf must be a 32-byte hash");
}

function checkSize(size: number, max: number, what: string): void {
  if (!Number.isSafeInteger(size) || size < 0 || size > max) {
    throw new RangeError(`${what} ${size} is outside 0..${max}`);
  }
}

/** MTH(D[lo:hi]). */
function subtreeRoot(leaves: readonly Hash[], lo: number, hi: number): Hash {
  const n = hi - lo;
  if (n === 0) return EMPTY_ROOT;
  if (n === 1) return leaves[lo] as Hash;
  const k = splitPoint(n);
  return nodeHash(subtreeRoot(leaves, lo, lo + k), subtreeRoot(leaves, lo + k, hi));
}

/** The tree head of the first `size` leaves (all of them by default). */
export function rootOf(leaves: readonly Hash[], size: number = leaves.length): Hash {
  checkLeaves(leaves);
  checkSize(size, leaves.length, "tree size");
  return subtreeRoot(leaves, 0, size);
}

/** PATH(m, D[lo:hi]) of RFC 6962 §2.1.1, bottom-up. */
function path(leaves: readonly Hash[], m: number, lo: number, hi: number): Hash[] {
  const n = hi - lo;
  if (n <= 1) return [];
  const k = splitPoint(n);
  if (m < k) return [...path(leaves, m, lo, lo + k), subtreeRoot(leaves, lo + k, hi)];
  return [...path(leaves, m - k, lo + k, hi), subtreeRoot(leaves, lo, lo + k)];
}

/** The audit path of leaf `index` in the tree of the first `size` leaves. */
export function inclusionProof(leaves: readonly Hash[], index: number, size: number = leaves.length): Hash[] {
  checkLeaves(leaves);
  checkSize(size, leaves.length, "tree size");
  if (!Number.isSafeInteger(index) || index < 0 || index >= size) {
    throw new RangeError(`leaf index ${index} is outside 0..${size - 1}`);
  }
  return path(leaves, index, 0, size);
}

/** SUBPROOF(m, D[lo:hi], b) of RFC 6962 §2.1.2. */
function subproof(leaves: readonly Hash[], m: number, lo: number, hi: number, complete: boolean): Hash[] {
  const n = hi - lo;
  if (m === n) return complete ? [] : [subtreeRoot(leaves, lo, hi)];
  const k = splitPoint(n);
  if (m <= k) return [...subproof(leaves, m, lo, lo + k, complete), subtreeRoot(leaves, lo + k, hi)];
  return [...subproof(leaves, m - k, lo + k, hi, false), subtreeRoot(leaves, lo, lo + k)];
}

/**
 * The proof that the tree of the first `oldSize` leaves is a prefix of the tree of the first `newSize`.
 * Empty when oldSize is 0 or equals newSize.
 */
export function consistencyProof(leaves: readonly Hash[], oldSize: number, newSize: number = leaves.length): Hash[] {
  checkLeaves(leaves);
  checkSize(newSize, leaves.length, "new tree size");
  checkSize(oldSize, newSize, "old tree size");
  if (oldSize === 0 || oldSize === newSize) return [];
  return subproof(leaves, oldSize, 0, newSize, true);
}
