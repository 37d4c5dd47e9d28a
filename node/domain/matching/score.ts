import { hash } from "node:crypto";

/**
 * The ranking of docs/design.md §13 rule 3: score = 0.6 × recovery over the last 90 days (0.5 without history)
 * + 0.4 × remaining capacity share (remaining / capacity), higher is better; equal scores are decided by
 * SHA-256(caseKey ‖ agencyId), lowest wins.
 *
 * Scores are compared as integers of millionths (SCORE_SCALE), so that two scores that are equal on paper
 * are equal here too, whatever the floating-point rounding of the two sums; the message rounds to 2 decimals.
 */

/** The weights, in tenths (0.6 and 0.4), so that the recovery term stays an exact integer. */
const RECOVERY_TENTHS = 6;
const CAPACITY_TENTHS = 4;
/** The recovery an agency without a 90-day history is credited with. */
export const NO_HISTORY_RECOVERY = 0.5;
/** Scores are kept as integers in units of 1 / SCORE_SCALE. */
export const SCORE_SCALE = 1_000_000;

/**
 * recovery90d as an integer of millionths, clamped to 0..1; undefined, NaN or ±Infinity (no history) give
 * NO_HISTORY_RECOVERY.
 */
export function recoveryUnits(recovery90d: number | undefined): number {
  if (recovery90d === undefined || !Number.isFinite(recovery90d)) return Math.round(NO_HISTORY_RECOVERY * SCORE_SCALE);
  return Math.round(Math.min(1, Math.max(0, recovery90d)) * SCORE_SCALE);
}

/** The score in units of 1 / SCORE_SCALE. `remaining` ≥ 1 and `capacity` ≥ remaining. */
export function scoreUnits(recovery: number, remaining: number, capacity: number): number {
  return Math.round((RECOVERY_TENTHS * recovery + (CAPACITY_TENTHS * SCORE_SCALE * remaining) / capacity) / 10);
}

/** "0.82": a score rounded half up to 2 decimals, as messages show it. */
export function formatScore(units: number): string {
  return (Math.round(units / (SCORE_SCALE / 100)) / 100).toFixed(2);
}

/**
 * The tie-break digest SHA-256(caseKey ‖ agencyId): a caseKey that is a bytes32 (`0x` + 64 hex, either case)
 * counts as its 32 bytes, any other string as its UTF-8 bytes; agencyId as 4 bytes big-endian (uint32).
 * For a bytes32 caseKey this is Solidity's `sha256(abi.encodePacked(caseKey, agencyId))`, so anyone can
 * recompute it.
 */
export function tieBreakDigest(caseKey: string, agencyId: number): Buffer {
  return new TieBreak(caseKey).digest(agencyId);
}

const BYTES32 = /^0[xX][0-9a-fA-F]{64}$/;

/** tieBreakDigest for one case and many agencies, reusing one input buffer. */
export class TieBreak {
  readonly #input: Buffer;
  readonly #idAt: number;

  constructor(caseKey: string) {
    if (BYTES32.test(caseKey)) {
      this.#input = Buffer.allocUnsafe(36);
      this.#input.write(caseKey.slice(2), 0, 32, "hex");
      this.#idAt = 32;
    } else {
      const bytes = Buffer.from(caseKey, "utf8");
      this.#input = Buffer.allocUnsafe(bytes.length + 4);
      bytes.copy(this.#input);
      this.#idAt = bytes.length;
    }
  }

  digest(agencyId: number): Buffer {
    this.#input.writeUInt32BE(agencyId >>> 0, this.#idAt);
    return hash("sha256", this.#input, "buffer");
  }
}
