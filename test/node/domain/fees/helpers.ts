import { feeScheduleHash, type FeeModel, type FeeSchedule, standardBuckets } from "../../../../node/domain/fees/fee-schedule.js";
import type { AgreedSchedule } from "../../../../node/domain/fees/statement-input.js";

export const CREDITOR_ID = 1;
export const AGENCY_ID = 3;

export function agreed(version: number, effectiveFrom: string, model: FeeModel): AgreedSchedule {
  const schedule: FeeSchedule = { creditorId: CREDITOR_ID, agencyId: AGENCY_ID, version, effectiveFrom, model };
  return { schedule, hash: feeScheduleHash(schedule) };
}

export const FULL_RISK: FeeModel = { kind: "full-risk", buckets: standardBuckets(1500, 2500, 3500) };

/** A synthetic case key: bytes32 hex from a number. */
export function caseKey(n: number): string {
  return `0x${n.toString(16).padStart(64, "0")}`;
}
