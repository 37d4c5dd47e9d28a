import type { AgencyProfile } from "../domain/matching/index.js";

/**
 * An agency profile as stored (bigints as decimal strings). Records of older versions may hold a `gatewayUrl`: it is
 * not read — handovers go where the chain-verified member directory says.
 */
export interface StoredAgency {
  agencyId: number;
  name: string;
  regions: string[];
  outstandingFen: { min: string; max?: string };
  overdueDays: { min: number; max?: number };
  capacity: number;
  /** The lender's performance throttle (docs/design.md §24); absent = off. */
  throttleBelowRecoveryBp?: number;
  throttledCapacityPct?: number;
  updatedAt: string;
}

/** `updatedAt` is the caller's clock reading (milliseconds since the epoch). */
export function toStored(profile: AgencyProfile, updatedAtMs: number): StoredAgency {
  return {
    agencyId: profile.agencyId,
    name: profile.name,
    regions: [...profile.regions],
    outstandingFen: {
      min: profile.outstandingFen.min.toString(),
      ...(profile.outstandingFen.max === undefined ? {} : { max: profile.outstandingFen.max.toString() }),
    },
    overdueDays: { ...profile.overdueDays },
    capacity: profile.capacity,
    ...(profile.throttleBelowRecoveryBp !== undefined && { throttleBelowRecoveryBp: profile.throttleBelowRecoveryBp, throttledCapacityPct: profile.throttledCapacityPct }),
    updatedAt: new Date(updatedAtMs).toISOString(),
  };
}

export function toProfile(stored: StoredAgency): AgencyProfile {
  return {
    agencyId: stored.agencyId,
    name: stored.name,
    regions: stored.regions,
    outstandingFen: {
      min: BigInt(stored.outstandingFen.min),
      ...(stored.outstandingFen.max === undefined ? {} : { max: BigInt(stored.outstandingFen.max) }),
    },
    overdueDays: stored.overdueDays,
    capacity: stored.capacity,
    ...(stored.throttleBelowRecoveryBp !== undefined && { throttleBelowRecoveryBp: stored.throttleBelowRecoveryBp, throttledCapacityPct: stored.throttledCapacityPct }),
  };
}

