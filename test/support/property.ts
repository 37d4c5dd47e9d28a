import { randomInt } from "node:crypto";
import type { Parameters } from "fast-check";

/**
 * Settings of every fast-check property: one seed per test process, printed once, so that a failure can be replayed
 * with `FC_SEED=<seed> npm test -- <file>` (fast-check's own failure message adds the seed and the shrink path).
 * `FC_RUNS` multiplies the number of runs (e.g. FC_RUNS=10 for a long hunt; the defaults keep each file to seconds).
 */
const SEED = process.env.FC_SEED !== undefined && process.env.FC_SEED !== "" ? Number(process.env.FC_SEED) : randomInt(2 ** 31 - 1);
const FACTOR = process.env.FC_RUNS ? Number(process.env.FC_RUNS) : 1;
let announced = false;

export function propertyParameters<T = unknown>(numRuns: number): Parameters<T> {
  if (!Number.isSafeInteger(SEED)) throw new Error(`FC_SEED must be an integer, not ${process.env.FC_SEED}`);
  if (!announced) {
    announced = true;
    console.log(`      fast-check seed ${SEED} (replay: FC_SEED=${SEED})`);
  }
  return { seed: SEED, numRuns: Math.max(1, Math.round(numRuns * FACTOR)) };
}
