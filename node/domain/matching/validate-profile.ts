import { CATALOG } from "../../messages/catalog.js";
import { bilingual, msg } from "../../messages/message.js";
import { FIELD_ERRORS, type FieldIssue } from "../errors.js";
import { normalizeName } from "../identity/name.js";
import { nfkc } from "../identity/normalize-text.js";
import { FEN_LIMIT } from "../money.js";
import { ANY_REGION, isProvinceCode } from "./regions.js";
import type { AgencyProfile } from "./types.js";

/**
 * Agency profiles as they arrive over HTTP (JSON, or a form): every problem of every field, with a stable code
 * and a "中文 / English" message, in a fixed field order (never the order of the input's keys).
 *
 *   agencyId        integer 1…4294967295 (a MemberRegistry id)
 *   name            1–100 characters after NFKC, trim and collapsing inner white space
 *   regions         non-empty array of "*" or 2-digit province codes "11"…"82" (NFKC, trimmed); duplicates
 *                   dropped, sorted; "*" anywhere makes it ["*"]
 *   outstandingFen  { min, max? }: whole fen ≥ 0, < 10^15, as a bigint, a safe-integer number or a string of
 *                   digits; max null/absent = no upper limit; min ≤ max
 *   overdueDays     { min, max? }: whole days ≥ 0 as a number or a string of digits; same rules
 *   capacity        integer ≥ 0 (0 = takes no new case)
 *   throttleBelowRecoveryBp, throttledCapacityPct   optional, both or neither: integers 1…10000 and 0…100 — the
 *                   lender's performance throttle (docs/design.md §24)
 * Unknown fields are ignored.
 */

export const PROFILE_ERRORS = {
  FIELD_MISSING: FIELD_ERRORS.FIELD_MISSING,
  FIELD_TOO_LONG: FIELD_ERRORS.FIELD_TOO_LONG,
  INTEGER_INVALID: FIELD_ERRORS.INTEGER_INVALID,
  AMOUNT_TOO_LARGE: FIELD_ERRORS.AMOUNT_TOO_LARGE,
  ...CATALOG.profile,
} as const;

export type ProfileErrorCode = keyof typeof PROFILE_ERRORS;
/** A code of the profile's own (its words in the catalog's `profile` section), not one shared with case-list rows. */
const isProfileOnly = (code: ProfileErrorCode): code is keyof typeof CATALOG.profile => Object.hasOwn(CATALOG.profile, code);
export type ProfileIssue = FieldIssue<ProfileErrorCode>;
export type ProfileValidation = { ok: true; profile: AgencyProfile } | { ok: false; errors: ProfileIssue[] };

const MAX_MEMBER_ID = 0xffff_ffff;
const DIGITS = /^[0-9]+$/;

export function validateAgencyProfile(raw: unknown): ProfileValidation {
  const errors: ProfileIssue[] = [];
  const fail = (field: string, code: ProfileErrorCode): undefined => {
    errors.push({ field, code, message: bilingual(isProfileOnly(code) ? msg(`profile.${code}`) : msg(`field.${code}`)) });
    return undefined;
  };
  if (!isRecord(raw)) {
    fail("*", "NOT_AN_OBJECT");
    return { ok: false, errors };
  }

  const agencyId = readInteger(raw.agencyId, "agencyId", fail, "AGENCY_ID_INVALID");
  if (agencyId !== undefined && (agencyId < 1 || agencyId > MAX_MEMBER_ID)) fail("agencyId", "AGENCY_ID_INVALID");

  let name: string | undefined;
  if (isAbsent(raw.name)) fail("name", "FIELD_MISSING");
  else if (typeof raw.name !== "string") fail("name", "FIELD_TYPE");
  else {
    const result = normalizeName(raw.name);
    if (result.ok) name = result.name;
    else fail("name", result.code);
  }

  const regions = readRegions(raw.regions, fail);
  const outstandingFen = readRange(raw.outstandingFen, "outstandingFen", readFen, fail);
  const overdueDays = readRange(raw.overdueDays, "overdueDays", readDays, fail);
  const capacity = readInteger(raw.capacity, "capacity", fail, "INTEGER_INVALID");
  const throttle = readThrottle(raw, fail);

  if (
    errors.length > 0 ||
    agencyId === undefined ||
    name === undefined ||
    regions === undefined ||
    outstandingFen === undefined ||
    overdueDays === undefined ||
    capacity === undefined
  ) {
    return { ok: false, errors };
  }
  const profile: AgencyProfile = {
    agencyId,
    name,
    regions,
    outstandingFen: withoutMissingMax(outstandingFen),
    overdueDays: withoutMissingMax(overdueDays),
    capacity,
    ...throttle,
  };
  return { ok: true, profile };
}

/** `{ min }` when there is no max, so that the profile has no `max: undefined` key. */
function withoutMissingMax<T>(range: { min: T; max: T | undefined }): { min: T; max?: T } {
  return range.max === undefined ? { min: range.min } : { min: range.min, max: range.max };
}

type Fail = (field: string, code: ProfileErrorCode) => undefined;

/** The optional performance throttle: both fields or neither (absent, null or empty), each in its range. */
function readThrottle(raw: Record<string, unknown>, fail: Fail): { throttleBelowRecoveryBp?: number; throttledCapacityPct?: number } {
  const below = raw.throttleBelowRecoveryBp;
  const pct = raw.throttledCapacityPct;
  if (isAbsent(below) && isAbsent(pct)) return {};
  if (isAbsent(below) || isAbsent(pct)) {
    fail(isAbsent(below) ? "throttleBelowRecoveryBp" : "throttledCapacityPct", "THROTTLE_INCOMPLETE");
    return {};
  }
  const bp = readInteger(below, "throttleBelowRecoveryBp", fail, "THROTTLE_RANGE");
  const share = readInteger(pct, "throttledCapacityPct", fail, "THROTTLE_RANGE");
  if (bp === undefined || share === undefined) return {};
  if (bp < 1 || bp > 10_000) return fail("throttleBelowRecoveryBp", "THROTTLE_RANGE") ?? {};
  if (share > 100) return fail("throttledCapacityPct", "THROTTLE_RANGE") ?? {};
  return { throttleBelowRecoveryBp: bp, throttledCapacityPct: share };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isAbsent(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === "string" && nfkc(value).trim() === "");
}

/** A whole number ≥ 0 (safe integer) from a number, a bigint or a string of digits. */
function readInteger(value: unknown, field: string, fail: Fail, invalid: ProfileErrorCode): number | undefined {
  if (isAbsent(value)) return fail(field, "FIELD_MISSING");
  let n: number;
  if (typeof value === "number") n = value;
  else if (typeof value === "bigint") n = value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= 0n ? Number(value) : Number.NaN;
  else if (typeof value === "string") {
    const s = nfkc(value).trim();
    n = DIGITS.test(s) ? Number(s) : Number.NaN;
  } else return fail(field, "FIELD_TYPE");
  if (!Number.isSafeInteger(n) || n < 0) return fail(field, invalid);
  return n;
}

function readDays(value: unknown, field: string, fail: Fail): number | undefined {
  return readInteger(value, field, fail, "INTEGER_INVALID");
}

/** Whole fen ≥ 0 and < FEN_LIMIT from a bigint, a number (a safe integer) or a string of digits. */
function readFen(value: unknown, field: string, fail: Fail): bigint | undefined {
  if (isAbsent(value)) return fail(field, "FIELD_MISSING");
  let fen: bigint;
  if (typeof value === "bigint") fen = value;
  else if (typeof value === "number") {
    if (!Number.isInteger(value)) return fail(field, "FEN_INVALID");
    if (!Number.isSafeInteger(value)) return fail(field, value < 0 ? "FEN_INVALID" : "AMOUNT_TOO_LARGE");
    fen = BigInt(value);
  } else if (typeof value === "string") {
    const s = nfkc(value).trim();
    if (!DIGITS.test(s)) return fail(field, "FEN_INVALID");
    fen = BigInt(s);
  } else return fail(field, "FIELD_TYPE");
  if (fen < 0n) return fail(field, "FEN_INVALID");
  if (fen >= FEN_LIMIT) return fail(field, "AMOUNT_TOO_LARGE");
  return fen;
}

function readRange<T extends bigint | number>(
  value: unknown,
  field: string,
  read: (value: unknown, field: string, fail: Fail) => T | undefined,
  fail: Fail,
): { min: T; max: T | undefined } | undefined {
  if (value === undefined || value === null) return fail(field, "FIELD_MISSING");
  if (!isRecord(value)) return fail(field, "FIELD_TYPE");
  const min = read(value.min, `${field}.min`, fail);
  const max = value.max === undefined || value.max === null ? undefined : read(value.max, `${field}.max`, fail);
  const maxBad = value.max !== undefined && value.max !== null && max === undefined;
  if (min === undefined || maxBad) return undefined;
  if (max !== undefined && min > max) return fail(field, "RANGE_INVERTED");
  return { min, max };
}

function readRegions(value: unknown, fail: Fail): string[] | undefined {
  if (value === undefined || value === null) return fail("regions", "FIELD_MISSING");
  if (!Array.isArray(value)) return fail("regions", "FIELD_TYPE");
  if (value.length === 0) return fail("regions", "REGIONS_EMPTY");
  const codes = new Set<string>();
  let ok = true;
  value.forEach((item: unknown, i) => {
    const field = `regions[${i}]`;
    if (typeof item !== "string") {
      fail(field, "FIELD_TYPE");
      ok = false;
      return;
    }
    const code = nfkc(item).trim();
    if (code !== ANY_REGION && !isProvinceCode(code)) {
      fail(field, "REGION_INVALID");
      ok = false;
      return;
    }
    codes.add(code);
  });
  if (!ok) return undefined;
  if (codes.has(ANY_REGION)) return [ANY_REGION];
  return [...codes].sort();
}
