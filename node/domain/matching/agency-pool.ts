import { MatchingInputError } from "./input-error.js";
import { ANY_REGION, isProvinceCode } from "./regions.js";
import { recoveryUnits } from "./score.js";
import type { AgencyProfile, AgencyStats, AgencyTotal } from "./types.js";

const MAX_MEMBER_ID = 0xffff_ffff;

/** One agency of the lender's list during an allocation: its profile, flattened, and what is left of it. */
export interface AgencyState {
  readonly agencyId: number;
  readonly name: string;
  readonly minFen: bigint;
  /** undefined: no upper limit. */
  readonly maxFen: bigint | undefined;
  readonly minDays: number;
  /** Infinity: no upper limit. */
  readonly maxDays: number;
  /** Capacity after the lender's performance throttle (the declared one when not throttled). */
  readonly capacity: number;
  /** True when the throttle cut the capacity. */
  readonly throttled: boolean;
  /** recovery90d in units of 1 / SCORE_SCALE (NO_HISTORY_RECOVERY when there is none). */
  readonly recovery: number;
  /** recovery90d as given when it is a finite number, else null. */
  readonly recovery90d: number | null;
  /** capacity − active cases − cases taken in this allocation; ≤ 0 means full. */
  remaining: number;
  /** Cases and outstanding taken in this allocation. */
  cases: number;
  outstandingFen: bigint;
}

export function fitsOutstanding(agency: AgencyState, fen: bigint): boolean {
  return fen >= agency.minFen && (agency.maxFen === undefined || fen <= agency.maxFen);
}

export function fitsOverdue(agency: AgencyState, days: number): boolean {
  return days >= agency.minDays && days <= agency.maxDays;
}

/**
 * The lender's agencies, indexed once per allocation: by id, and per region the list of agencies serving it
 * (its own plus the "*" ones), each list in agencyId order so that nothing depends on the order of the input.
 */
export class AgencyPool {
  readonly #byId = new Map<number, AgencyState>();
  readonly #ordered: AgencyState[];
  readonly #byRegion = new Map<string, AgencyState[]>();
  readonly #anyRegion: AgencyState[] = [];

  constructor(profiles: readonly AgencyProfile[], stats: readonly AgencyStats[]) {
    const statsById = new Map<number, AgencyStats>();
    for (const s of stats) {
      if (statsById.has(s.agencyId)) throw new MatchingInputError("DUPLICATE_STATS", { agencyId: s.agencyId });
      statsById.set(s.agencyId, s);
    }
    const regionsOf = new Map<AgencyState, readonly string[]>();
    for (const profile of profiles) {
      checkProfile(profile);
      if (this.#byId.has(profile.agencyId)) throw new MatchingInputError("DUPLICATE_AGENCY", { agencyId: profile.agencyId });
      const stat = statsById.get(profile.agencyId);
      const active = stat?.activeCases ?? 0;
      if (!Number.isSafeInteger(active) || active < 0) {
        throw new MatchingInputError("INVALID_STATS", { agencyId: profile.agencyId, field: "activeCases" });
      }
      const given = stat?.recovery90d;
      const known = given !== undefined && Number.isFinite(given);
      const throttled = known && isThrottled(profile, given);
      const capacity = throttled ? Math.floor((profile.capacity * (profile.throttledCapacityPct as number)) / 100) : profile.capacity;
      const state: AgencyState = {
        agencyId: profile.agencyId,
        name: profile.name,
        minFen: profile.outstandingFen.min,
        maxFen: profile.outstandingFen.max,
        minDays: profile.overdueDays.min,
        maxDays: profile.overdueDays.max ?? Number.POSITIVE_INFINITY,
        capacity,
        throttled,
        recovery: recoveryUnits(given),
        recovery90d: known ? given : null,
        remaining: capacity - active,
        cases: 0,
        outstandingFen: 0n,
      };
      this.#byId.set(state.agencyId, state);
      regionsOf.set(state, profile.regions);
    }
    this.#ordered = [...this.#byId.values()].sort((a, b) => a.agencyId - b.agencyId);
    for (const agency of this.#ordered) {
      const regions = regionsOf.get(agency) ?? [];
      if (regions.includes(ANY_REGION)) {
        this.#anyRegion.push(agency);
        continue;
      }
      for (const region of new Set(regions)) {
        let list = this.#byRegion.get(region);
        if (list === undefined) this.#byRegion.set(region, (list = []));
        list.push(agency);
      }
    }
    // Merge the "*" agencies into every named region's list, keeping agencyId order.
    if (this.#anyRegion.length > 0) {
      for (const [region, list] of this.#byRegion) {
        this.#byRegion.set(region, [...list, ...this.#anyRegion].sort((a, b) => a.agencyId - b.agencyId));
      }
    }
  }

  get(agencyId: number): AgencyState | undefined {
    return this.#byId.get(agencyId);
  }

  /** The agencies serving a province, in agencyId order (shared: do not modify). */
  serving(provinceCode: string): readonly AgencyState[] {
    return this.#byRegion.get(provinceCode) ?? this.#anyRegion;
  }

  /** Gives a case to an agency: one less place, one more case. */
  take(agency: AgencyState, outstandingFen: bigint): void {
    agency.remaining -= 1;
    agency.cases += 1;
    agency.outstandingFen += outstandingFen;
  }

  /** One row per agency, by agencyId. */
  totals(): AgencyTotal[] {
    return this.#ordered.map((a) => ({
      agencyId: a.agencyId,
      name: a.name,
      cases: a.cases,
      outstandingFen: a.outstandingFen,
    }));
  }
}

/** Whether a known 90-day recovery (0..1) falls below the profile's throttle; compared in whole basis points. */
function isThrottled(profile: AgencyProfile, recovery90d: number): boolean {
  if (profile.throttleBelowRecoveryBp === undefined || profile.throttledCapacityPct === undefined) return false;
  return Math.round(recovery90d * 10_000) < profile.throttleBelowRecoveryBp;
}

/** Profiles come validated (validateAgencyProfile); this only guards against a caller that skipped it. */
function checkProfile(p: AgencyProfile): void {
  const bad = (field: string): never => {
    throw new MatchingInputError("INVALID_AGENCY", { agencyId: p.agencyId, field });
  };
  if (!Number.isSafeInteger(p.agencyId) || p.agencyId < 1 || p.agencyId > MAX_MEMBER_ID) bad("agencyId");
  if (!Number.isSafeInteger(p.capacity) || p.capacity < 0) bad("capacity");
  if (!Array.isArray(p.regions) || !p.regions.every((r) => r === ANY_REGION || isProvinceCode(r))) bad("regions");
  const fen = p.outstandingFen;
  if (typeof fen?.min !== "bigint" || (fen.max !== undefined && typeof fen.max !== "bigint")) bad("outstandingFen");
  if (fen.max !== undefined && fen.min > fen.max) bad("outstandingFen");
  const days = p.overdueDays;
  const badDays = (d: unknown): boolean => typeof d !== "number" || Number.isNaN(d);
  if (badDays(days?.min) || (days.max !== undefined && badDays(days.max))) bad("overdueDays");
  if (days.max !== undefined && days.min > days.max) bad("overdueDays");
}
