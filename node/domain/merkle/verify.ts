import { MAX_PROOF_LENGTH } from "../consortium/limits.js";
import { equalHashes, type Hash, isHash, nodeHash } from "./hash.js";

export { MAX_PROOF_LENGTH };

/**
 * Proof verification, RFC 9162 §2.1.3.2 and §2.1.4.2: the same algorithm as contracts/libraries/MerkleLog.sol,
 * so that a receipt verified here and on chain gets the same answer. Never throws on bad input: anything
 * malformed is simply not a valid proof.
 */

function isCount(n: unknown): n is number {
  return typeof n === "number" && Number.isSafeInteger(n) && n >= 0;
}

function isProof(proof: unknown): proof is Hash[] {
  if (!Array.isArray(proof) || proof.length > MAX_PROOF_LENGTH) return false;
  // An index loop, not every(): every() skips the holes of a sparse array.
  for (let i = 0; i < proof.length; i++) if (!isHash(proof[i])) return false;
  return true;
}

/** Whether `proof` places `leaf` at `index` of the tree of `size` leaves with head `root`. */
export function verifyInclusion(leaf: Hash, index: number, size: number, proof: readonly Hash[], root: Hash): boolean {
  if (!isHash(leaf) || !isHash(root) || !isCount(index) || !isCount(size) || !isProof(proof)) return false;
  if (index >= size) return false;
  // BigInt: tree sizes in receipts can exceed 2^32, where JavaScript's bit operators stop working.
  let fn = BigInt(index);
  let sn = BigInt(size - 1);
  let r = leaf;
  for (const p of proof) {
    if (sn === 0n) return false;
    if ((fn & 1n) === 1n || fn === sn) {
      r = nodeHash(p, r);
      while ((fn & 1n) === 0n && fn !== 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      r = nodeHash(r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n && equalHashes(r, root);
}

/**
 * Whether `proof` shows that the tree of `oldSize` leaves with head `oldRoot` is a prefix of the tree of
 * `newSize` leaves with head `newRoot`. As on chain, `oldSize` 0 is rejected: it is not a checkpoint.
 */
export function verifyConsistency(
  oldSize: number,
  newSize: number,
  oldRoot: Hash,
  newRoot: Hash,
  proof: readonly Hash[],
): boolean {
  if (!isHash(oldRoot) || !isHash(newRoot) || !isCount(oldSize) || !isCount(newSize) || !isProof(proof)) return false;
  if (oldSize === 0 || oldSize > newSize) return false;
  if (oldSize === newSize) return proof.length === 0 && equalHashes(oldRoot, newRoot);
  if (proof.length === 0) return false;

  let fn = BigInt(oldSize - 1);
  let sn = BigInt(newSize - 1);
  const oldIsComplete = (BigInt(oldSize) & (BigInt(oldSize) - 1n)) === 0n;
  const path = oldIsComplete ? [oldRoot, ...proof] : [...proof];
  let fr = path[0] as Hash;
  let sr = fr;
  while ((fn & 1n) === 1n) {
    fn >>= 1n;
    sn >>= 1n;
  }
  for (const c of path.slice(1)) {
    if (sn === 0n) return false;
    if ((fn & 1n) === 1n || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while ((fn & 1n) === 0n && fn !== 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n && equalHashes(fr, oldRoot) && equalHashes(sr, newRoot);
}
