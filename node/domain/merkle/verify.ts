import { MAX_PROOF_LENGTH } from "../consortium/limits.js";
import { equalHashes, type Hash, HASH_SIZE, isHash, nodeHash, toHex } from "./hash.js";

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

/** What {@link InclusionVerifier} remembers of a state it passed: the rest of that proof, and that proof's answer. */
interface Passed {
  proof: readonly string[];
  at: number;
  result: boolean;
}

/**
 * Checks many inclusion proofs, each with exactly {@link verifyInclusion}'s answer, computing each node once. The
 * proofs of one checkpoint share most of their paths (a bundle's 100 receipts of a checkpoint climb the same tree):
 * when a proof's climb reaches a state an earlier proof passed — same checkpoint, same position, same running hash
 * — and the rest of its path is the same hex, it has that earlier proof's answer, because the answer is a function of
 * exactly these. Anything else is climbed hash by hash. Proof elements are 0x-hex (as a receipt holds them); one that
 * is not 32 bytes of hex fails the proof, as verifyInclusion fails it. Holds what it saw: one per verification run.
 */
export class InclusionVerifier {
  /** Per checkpoint (size and root), the states passed: `k:fn:sn:hash` after k proof elements. */
  private readonly passed = new Map<string, Map<string, Passed>>();

  /** Whether `proof` places `leaf` at `index` of the tree of `size` leaves with head `root` (0x-hex). */
  verify(leaf: Hash, index: number, size: number, proof: readonly string[], root: string): boolean {
    if (!isHash(leaf) || !isCount(index) || !isCount(size) || !Array.isArray(proof) || proof.length > MAX_PROOF_LENGTH) return false;
    for (let i = 0; i < proof.length; i++) if (typeof proof[i] !== "string" || (proof[i] as string).length !== 66) return false;
    if (typeof root !== "string" || root.length !== 66 || index >= size) return false;
    const checkpoint = `${size}:${root.toLowerCase()}`;
    let passed = this.passed.get(checkpoint);
    if (!passed) this.passed.set(checkpoint, (passed = new Map<string, Passed>()));
    // Plain numbers: index and size are safe integers, and halving by division stays exact where bit operators stop.
    let fn = index;
    let sn = size - 1;
    let r = leaf;
    // The state before proof element k, from k = 1 (a leaf's own state is met again only by a copy of the receipt).
    const visited: Array<{ state: string; at: number }> = [];
    let result: boolean | undefined;
    for (let k = 0; k <= proof.length; k++) {
      if (k > 0) {
        const state = `${k}:${fn}:${sn}:${toHex(r)}`;
        const before = passed.get(state);
        if (before && sameRest(proof, k, before.proof, before.at)) {
          result = before.result;
          break;
        }
        visited.push({ state, at: k });
      }
      if (k === proof.length) break;
      if (sn === 0) {
        result = false;
        break;
      }
      const p = hash32(proof[k] as string);
      if (!p) {
        result = false;
        break;
      }
      if (fn % 2 === 1 || fn === sn) {
        r = nodeHash(p, r);
        while (fn % 2 === 0 && fn !== 0) {
          fn /= 2;
          sn = Math.floor(sn / 2);
        }
      } else {
        r = nodeHash(r, p);
      }
      fn = Math.floor(fn / 2);
      sn = Math.floor(sn / 2);
    }
    if (result === undefined) {
      const rootHash = hash32(root);
      result = rootHash !== undefined && sn === 0 && equalHashes(r, rootHash);
    }
    // From each state passed, the rest of this proof gives `result`.
    for (const v of visited) passed.set(v.state, { proof, at: v.at, result });
    return result;
  }
}

/** Whether `a` from `i` and `b` from `j` are the same hex strings, element by element. */
function sameRest(a: readonly string[], i: number, b: readonly string[], j: number): boolean {
  if (a.length - i !== b.length - j) return false;
  for (; i < a.length; i++, j++) if (a[i] !== b[j]) return false;
  return true;
}

/** The 32 bytes of 0x-hex (66 characters, as verify checked), or undefined for anything else. */
function hash32(hex: string): Hash | undefined {
  if (hex.charCodeAt(0) !== 0x30 || (hex.charCodeAt(1) | 0x20) !== 0x78) return undefined;
  // Node's hex decoding stops at the first pair that is not hex: 32 bytes from 64 characters means all of them were.
  const bytes = Buffer.from(hex.slice(2), "hex");
  return bytes.length === HASH_SIZE && hex.length === 2 + 2 * HASH_SIZE ? bytes : undefined;
}
