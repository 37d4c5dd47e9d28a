import { FEN_LIMIT } from "../money.js";
import type { CommissionBucket, FeeModel, FeeSchedule } from "./fee-schedule.js";
import { dayStart } from "./month.js";

/**
 * Reads a fee schedule from untrusted JSON (an API body, a peer's message), per docs/design.md §23. Every problem is
 * reported, each with a stable code (catalog section `feeSchedule`) and the JSON path it was found at.
 */

export type FeeScheduleProblemCode =
  | "SHAPE"
  | "MEMBER_ID"
  | "VERSION"
  | "EFFECTIVE_FROM"
  | "MODEL_KIND"
  | "BUCKETS_EMPTY"
  | "BUCKET_GAP"
  | "BUCKET_OVERLAP"
  | "BUCKET_OPEN_END"
  | "BUCKET_DAYS"
  | "BP_RANGE"
  | "FEE_NEGATIVE"
  | "FEE_NOT_FEN"
  | "PER";

export interface FeeScheduleProblem {
  readonly code: FeeScheduleProblemCode;
  readonly path: string;
}

export type FeeScheduleResult =
  | { readonly ok: true; readonly schedule: FeeSchedule }
  | { readonly ok: false; readonly problems: readonly FeeScheduleProblem[] };

/** At most this many buckets: more is not a schedule anyone negotiates, and it bounds the work per line. */
const MAX_BUCKETS = 32;
const MAX_DAYS = 100_000;
const FEN = /^(?:0|[1-9]\d*)$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isWhole(value: unknown, min: number, max: number): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= min && value <= max;
}

export function parseFeeSchedule(raw: unknown): FeeScheduleResult {
  const problems: FeeScheduleProblem[] = [];
  const add = (code: FeeScheduleProblemCode, path: string) => problems.push({ code, path });
  if (!isRecord(raw)) return { ok: false, problems: [{ code: "SHAPE", path: "$" }] };
  const { creditorId, agencyId, version, effectiveFrom, model } = raw;
  if (!isWhole(creditorId, 1, 0xffffffff)) add("MEMBER_ID", "$.creditorId");
  if (!isWhole(agencyId, 1, 0xffffffff)) add("MEMBER_ID", "$.agencyId");
  if (!isWhole(version, 1, 1_000_000)) add("VERSION", "$.version");
  if (typeof effectiveFrom !== "string" || dayStart(effectiveFrom) === undefined) add("EFFECTIVE_FROM", "$.effectiveFrom");
  const parsedModel = parseModel(model, add);
  if (problems.length > 0 || parsedModel === undefined) return { ok: false, problems };
  return {
    ok: true,
    schedule: {
      creditorId: creditorId as number,
      agencyId: agencyId as number,
      version: version as number,
      effectiveFrom: effectiveFrom as string,
      model: parsedModel,
    },
  };
}

type Add = (code: FeeScheduleProblemCode, path: string) => void;

function parseModel(model: unknown, add: Add): FeeModel | undefined {
  if (!isRecord(model)) {
    add("SHAPE", "$.model");
    return undefined;
  }
  switch (model.kind) {
    case "full-risk": {
      const buckets = parseBuckets(model.buckets, add);
      return buckets && { kind: "full-risk", buckets };
    }
    case "half-risk": {
      const caseFeeFen = parseFen(model.caseFeeFen, "$.model.caseFeeFen", add);
      const buckets = parseBuckets(model.buckets, add);
      return buckets && caseFeeFen !== undefined ? { kind: "half-risk", caseFeeFen, buckets } : undefined;
    }
    case "no-risk": {
      const fixedFeeFen = parseFen(model.fixedFeeFen, "$.model.fixedFeeFen", add);
      const per = model.per;
      if (per !== "case" && per !== "month") {
        add("PER", "$.model.per");
        return undefined;
      }
      return fixedFeeFen === undefined ? undefined : { kind: "no-risk", fixedFeeFen, per };
    }
    default:
      add("MODEL_KIND", "$.model.kind");
      return undefined;
  }
}

/** Fen on the wire: a decimal string of digits (docs/design.md §23); a leading "-" is called negative. */
function parseFen(value: unknown, path: string, add: Add): bigint | undefined {
  if (typeof value === "string" && value.startsWith("-") && FEN.test(value.slice(1))) {
    add("FEE_NEGATIVE", path);
    return undefined;
  }
  if (typeof value !== "string" || !FEN.test(value) || value.length > 16 || BigInt(value) >= FEN_LIMIT) {
    add("FEE_NOT_FEN", path);
    return undefined;
  }
  return BigInt(value);
}

/**
 * Buckets in order of fromDays: the first starts at 0, each next one starts the day after the previous one ends,
 * the last has no end — so every overdue day falls in exactly one.
 */
function parseBuckets(raw: unknown, add: Add): CommissionBucket[] | undefined {
  if (!Array.isArray(raw) || raw.length > MAX_BUCKETS) {
    add("SHAPE", "$.model.buckets");
    return undefined;
  }
  if (raw.length === 0) {
    add("BUCKETS_EMPTY", "$.model.buckets");
    return undefined;
  }
  const buckets: Array<CommissionBucket & { index: number }> = [];
  let bad = false;
  raw.forEach((item: unknown, i) => {
    const path = `$.model.buckets[${i}]`;
    if (!isRecord(item)) {
      add("SHAPE", path);
      bad = true;
      return;
    }
    const { fromDays, toDays, bp } = item;
    if (!isWhole(fromDays, 0, MAX_DAYS) || !(toDays === null || isWhole(toDays, fromDays, MAX_DAYS))) {
      add("BUCKET_DAYS", path);
      bad = true;
    }
    if (!isWhole(bp, 0, 10_000)) {
      add("BP_RANGE", `${path}.bp`);
      bad = true;
    }
    if (!bad) buckets.push({ fromDays: fromDays as number, toDays: toDays as number | null, bp: bp as number, index: i });
  });
  if (bad) return undefined;
  buckets.sort((a, b) => a.fromDays - b.fromDays);
  let next = 0; // the first day not yet covered
  buckets.forEach((bucket, i) => {
    const path = `$.model.buckets[${bucket.index}]`;
    if (next === Infinity || bucket.fromDays < next) add("BUCKET_OVERLAP", path);
    else if (bucket.fromDays > next) add("BUCKET_GAP", path);
    next = bucket.toDays === null ? Infinity : Math.max(next, bucket.toDays + 1);
    if (i === buckets.length - 1 && bucket.toDays !== null) add("BUCKET_OPEN_END", path);
  });
  return buckets.map(({ fromDays, toDays, bp }) => ({ fromDays, toDays, bp }));
}
