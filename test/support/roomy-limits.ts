import type { RateLimits } from "../../node/config.js";

/** Every rate limit set far above what a test sends: tests that walk many routes must not meet a 429. */
export function roomyLimits(limits: RateLimits): RateLimits {
  return Object.fromEntries(Object.keys(limits).map((name) => [name, 100_000])) as unknown as RateLimits;
}
