/**
 * The one rounding rule of fees, docs/design.md §23: a commission is amount × bp / 10000 rounded half up to a whole
 * fen, once, on each line; totals are sums of rounded lines and are never rounded again.
 */

const BP_SCALE = 10_000n;
const HALF = BP_SCALE / 2n;

/** round-half-up(amountFen × bp / 10000) for amountFen ≥ 0 and bp 0…10000; integer arithmetic only. */
export function commissionFen(amountFen: bigint, bp: number): bigint {
  if (amountFen < 0n) throw new RangeError("commissionFen takes a non-negative amount");
  return (amountFen * BigInt(bp) + HALF) / BP_SCALE;
}
