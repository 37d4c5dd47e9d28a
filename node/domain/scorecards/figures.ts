/** Integer helpers of the scorecards: rates in basis points and medians of whole seconds. */

export const BP = 10_000;

/** numerator ÷ denominator in basis points, floored; null for an empty denominator. */
export function rateBp(numerator: bigint | number, denominator: bigint | number): number | null {
  const d = BigInt(denominator);
  if (d <= 0n) return null;
  return Number((BigInt(numerator) * BigInt(BP)) / d);
}

/** The median of whole numbers: the middle one, or the floor of the mean of the two middle ones; null when empty. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : Math.floor((sorted[mid - 1]! + sorted[mid]!) / 2);
}
