// The heap bound a member's gateway runs with (`npm run gateway`): the benchmarks run the gateway's code under the same
// bound, so that what they measure (peak memory above all) is what a member's gateway meets.
export const GATEWAY_HEAP = "--max-old-space-size=256";
