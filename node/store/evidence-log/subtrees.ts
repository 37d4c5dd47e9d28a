/**
 * RFC 6962 trees over stored perfect subtrees. A log of n leaves stores, for every level L, the hash of each
 * complete ("perfect") subtree of 2^L leaves aligned at a multiple of 2^L — level 0 is the leaves themselves. Every
 * range that RFC 6962's MTH, PATH and SUBPROOF visit starts at a multiple of a power of two at least its length, so
 * its hash is a right fold of the perfect subtrees of its binary decomposition. These functions are pure: they say
 * which ranges a proof needs and which stored nodes a range is made of; the log reads the nodes.
 *
 * Plain arithmetic (no bit operators) so that sizes up to 2^53 work.
 */

/** A perfect subtree: 2^level leaves starting at leaf index × 2^level. */
export interface PerfectNode {
  level: number;
  index: number;
}

/** A half-open range of leaves [lo, hi). */
export interface LeafRange {
  lo: number;
  hi: number;
}

/** The largest power of two smaller than n (n ≥ 2). */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** The largest power of two not above n (n ≥ 1). */
function topPower(n: number): { size: number; level: number } {
  let size = 1;
  let level = 0;
  while (size * 2 <= n) {
    size *= 2;
    level++;
  }
  return { size, level };
}

/**
 * The perfect subtrees that make up the range [lo, hi), largest (leftmost) first. Their right fold with the node hash
 * — H(p1, H(p2, … H(pk-1, pk))) — is MTH(D[lo:hi]) for every range RFC 6962 uses.
 */
export function perfectParts(range: LeafRange): PerfectNode[] {
  const parts: PerfectNode[] = [];
  let lo = range.lo;
  let left = range.hi - range.lo;
  while (left > 0) {
    const { size, level } = topPower(left);
    if (lo % size !== 0) throw new RangeError(`range [${range.lo}, ${range.hi}) is not aligned as RFC 6962 ranges are`);
    parts.push({ level, index: lo / size });
    lo += size;
    left -= size;
  }
  return parts;
}

/** The ranges whose hashes form the audit path of leaf `index` in the tree of `size` leaves, bottom-up (PATH). */
export function inclusionRanges(index: number, size: number): LeafRange[] {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) {
    throw new RangeError(`leaf index ${index} is outside 0..${size - 1}`);
  }
  const out: LeafRange[] = [];
  let lo = 0;
  let hi = size;
  while (hi - lo > 1) {
    const k = splitPoint(hi - lo);
    if (index < lo + k) {
      out.push({ lo: lo + k, hi });
      hi = lo + k;
    } else {
      out.push({ lo, hi: lo + k });
      lo += k;
    }
  }
  return out.reverse();
}

/**
 * The ranges whose hashes form the consistency proof from `oldSize` to `newSize` (SUBPROOF of RFC 6962 §2.1.2), in
 * proof order. Empty when oldSize is 0 or equals newSize.
 */
export function consistencyRanges(oldSize: number, newSize: number): LeafRange[] {
  if (!Number.isSafeInteger(oldSize) || !Number.isSafeInteger(newSize) || oldSize < 0 || oldSize > newSize) {
    throw new RangeError(`cannot prove ${oldSize} consistent with ${newSize}`);
  }
  if (oldSize === 0 || oldSize === newSize) return [];
  // SUBPROOF(m, D[lo:hi], complete), unrolled: the recursion always continues into one half; the other half's hash
  // is appended after the inner part, so collect the outer ones and put them after.
  const outer: LeafRange[] = [];
  let m = oldSize;
  let lo = 0;
  let hi = newSize;
  let complete = true;
  for (;;) {
    const n = hi - lo;
    if (m === n) {
      const inner: LeafRange[] = complete ? [] : [{ lo, hi }];
      return [...inner, ...outer.reverse()];
    }
    const k = splitPoint(n);
    if (m <= k) {
      outer.push({ lo: lo + k, hi });
      hi = lo + k;
    } else {
      outer.push({ lo, hi: lo + k });
      m -= k;
      lo += k;
      complete = false;
    }
  }
}

/** The perfect nodes completed by appending leaf `index` (levels ≥ 1), bottom-up. */
export function nodesCompletedBy(index: number): PerfectNode[] {
  const out: PerfectNode[] = [];
  const count = index + 1;
  let size = 2;
  let level = 1;
  while (count % size === 0) {
    out.push({ level, index: count / size - 1 });
    size *= 2;
    level++;
  }
  return out;
}
