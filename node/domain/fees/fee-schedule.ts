import { hash } from "node:crypto";
import { canonicalJson } from "../canonical-json.js";

/**
 * A fee schedule between one lender (creditor) and one agency, per docs/design.md §23: a version, the day it comes
 * into force (a calendar day in China Standard Time; it stays in force until the next version's day) and one of the
 * three risk models. Money is bigint fen here and decimal strings of fen on the wire (FeeScheduleJson).
 */

/** A commission rate for the cases whose overdue days at assignment are fromDays…toDays (inclusive; null: no end). */
export interface CommissionBucket {
  readonly fromDays: number;
  readonly toDays: number | null;
  /** Basis points of each repaid amount: 0…10000. */
  readonly bp: number;
}

export type FeeModel =
  | { readonly kind: "full-risk"; readonly buckets: readonly CommissionBucket[] }
  | { readonly kind: "half-risk"; readonly caseFeeFen: bigint; readonly buckets: readonly CommissionBucket[] }
  | { readonly kind: "no-risk"; readonly fixedFeeFen: bigint; readonly per: "case" | "month" };

export type FeeModelKind = FeeModel["kind"];

export interface FeeSchedule {
  readonly creditorId: number;
  readonly agencyId: number;
  readonly version: number;
  /** YYYY-MM-DD, China Standard Time. */
  readonly effectiveFrom: string;
  readonly model: FeeModel;
}

/** The schedule as JSON: fen as decimal strings. The format tag makes the hash of a schedule unlike any other hash. */
export interface FeeScheduleJson {
  readonly format: typeof FEE_SCHEDULE_FORMAT;
  readonly creditorId: number;
  readonly agencyId: number;
  readonly version: number;
  readonly effectiveFrom: string;
  readonly model:
    | { readonly kind: "full-risk"; readonly buckets: readonly CommissionBucket[] }
    | { readonly kind: "half-risk"; readonly caseFeeFen: string; readonly buckets: readonly CommissionBucket[] }
    | { readonly kind: "no-risk"; readonly fixedFeeFen: string; readonly per: "case" | "month" };
}

export const FEE_SCHEDULE_FORMAT = "caseledger-fee-schedule/1";

/** The usual buckets: M1–M3 (up to 90 days overdue), M4–M6 (91–180), M7+ (181 and more). */
export function standardBuckets(bpM1to3: number, bpM4to6: number, bpM7plus: number): CommissionBucket[] {
  return [
    { fromDays: 0, toDays: 90, bp: bpM1to3 },
    { fromDays: 91, toDays: 180, bp: bpM4to6 },
    { fromDays: 181, toDays: null, bp: bpM7plus },
  ];
}

export function feeScheduleToJson(schedule: FeeSchedule): FeeScheduleJson {
  const { model } = schedule;
  const buckets = (list: readonly CommissionBucket[]) => list.map(({ fromDays, toDays, bp }) => ({ fromDays, toDays, bp }));
  return {
    format: FEE_SCHEDULE_FORMAT,
    creditorId: schedule.creditorId,
    agencyId: schedule.agencyId,
    version: schedule.version,
    effectiveFrom: schedule.effectiveFrom,
    model:
      model.kind === "full-risk"
        ? { kind: model.kind, buckets: buckets(model.buckets) }
        : model.kind === "half-risk"
          ? { kind: model.kind, caseFeeFen: model.caseFeeFen.toString(), buckets: buckets(model.buckets) }
          : { kind: model.kind, fixedFeeFen: model.fixedFeeFen.toString(), per: model.per },
  };
}

/** "0x" + SHA-256 of the schedule's canonical JSON (RFC 8785): what both members sign and notarize. */
export function feeScheduleHash(schedule: FeeSchedule): string {
  return `0x${hash("sha256", canonicalJson(feeScheduleToJson(schedule)), "hex")}`;
}

/** The commission rate for a case overdue `overdueDays` at assignment; 0 under no-risk (it pays no commission). */
export function commissionBp(model: FeeModel, overdueDays: number): number {
  if (model.kind === "no-risk") return 0;
  for (const bucket of model.buckets) {
    if (overdueDays >= bucket.fromDays && (bucket.toDays === null || overdueDays <= bucket.toDays)) return bucket.bp;
  }
  // A validated schedule covers every day from 0 (docs/design.md §23); an unvalidated one pays nothing outside it.
  return 0;
}

/** The bucket label a statement shows: "0-90", "181+". */
export function bucketLabel(model: FeeModel, overdueDays: number): string {
  if (model.kind === "no-risk") return "";
  const bucket = model.buckets.find((b) => overdueDays >= b.fromDays && (b.toDays === null || overdueDays <= b.toDays));
  if (!bucket) return "";
  return bucket.toDays === null ? `${bucket.fromDays}+` : `${bucket.fromDays}-${bucket.toDays}`;
}
