import { type Hash128, hash128 } from "./compact-map.js";
import { type FieldErrorCode, type FieldIssue, type FieldWarningCode, fieldError, fieldWarning } from "../errors.js";
import { parseIdNumber } from "../identity/id-number.js";
import { codePointLength, nfkc } from "../identity/normalize-text.js";
import { normalizeName } from "../identity/name.js";
import { parseMobile } from "../identity/phone.js";
import { parseAmountToFen, parseNonNegativeInteger } from "../money.js";
import { CASE_FIELDS } from "../csv/header.js";
import type { TextOnlyField } from "../csv/read-case-list.js";

export const LOAN_REF_MAX_LENGTH = 64;
export const OPTIONAL_TEXT_MAX_LENGTH = 200;

/** A row that passed every check: canonical values, ready to pseudonymize and store (it holds PII). */
export interface ValidCase {
  loanRef: string;
  name: string;
  idNumber: string;
  phone: string;
  principalFen: bigint;
  outstandingFen: bigint;
  overdueDays: number;
  /** Province code from the region column when given (2 digits), else from the ID number. */
  provinceCode: string;
  region: string;
  product: string;
  /** Unknown columns, kept as given (trimmed). */
  extra: Record<string, string>;
}

export type RowValidation =
  | { ok: true; value: ValidCase; warnings: FieldIssue<FieldWarningCode>[] }
  | { ok: false; loanRef: string; errors: FieldIssue[]; warnings: FieldIssue<FieldWarningCode>[] };

const KNOWN = new Set<string>(CASE_FIELDS);
const ID_NOT_TEXT = { ok: false, code: "ID_NUMBER_NOT_TEXT" } as const;

/**
 * Validates one row (canonical field → raw cell text) per docs/design.md §9. Every field is checked,
 * so that a row's report lists all its problems at once, not only the first. `notText` names the columns whose
 * workbook cell was a number: their text is not the value the lender typed, so it is not judged, only refused.
 */
export function validateRow(values: Readonly<Record<string, string>>, today?: Date, notText?: readonly TextOnlyField[]): RowValidation {
  const errors: FieldIssue[] = [];
  const warnings: FieldIssue<FieldWarningCode>[] = [];
  const fail = (field: string, code: FieldErrorCode) => errors.push(fieldError(field, code));

  const loanRef = nfkc(values.loan_ref ?? "").trim();
  if (notText?.includes("loan_ref")) fail("loan_ref", "LOAN_REF_NOT_TEXT");
  else if (loanRef === "") fail("loan_ref", "FIELD_MISSING");
  else if (codePointLength(loanRef) > LOAN_REF_MAX_LENGTH) fail("loan_ref", "FIELD_TOO_LONG");

  const name = normalizeName(values.name ?? "");
  if (!name.ok) fail("name", name.code);

  const id = notText?.includes("id_number") ? ID_NOT_TEXT : parseIdNumber(values.id_number ?? "", today);
  if (!id.ok) fail("id_number", id.code);
  else if (id.upgraded) warnings.push(fieldWarning("id_number", "ID_UPGRADED"));

  const phone = parseMobile(values.phone ?? "");
  if (!phone.ok) fail("phone", phone.code);
  else if (phone.empty) warnings.push(fieldWarning("phone", "PHONE_EMPTY"));

  const principal = parseAmountToFen(values.principal ?? "");
  if (!principal.ok) fail("principal", principal.code);
  const outstanding = parseAmountToFen(values.outstanding ?? "");
  if (!outstanding.ok) fail("outstanding", outstanding.code);
  const overdue = parseNonNegativeInteger(values.overdue_days ?? "");
  if (!overdue.ok) fail("overdue_days", overdue.code);

  const region = nfkc(values.region ?? "").trim();
  const product = nfkc(values.product ?? "").trim();
  if (codePointLength(region) > OPTIONAL_TEXT_MAX_LENGTH) fail("region", "FIELD_TOO_LONG");
  if (codePointLength(product) > OPTIONAL_TEXT_MAX_LENGTH) fail("product", "FIELD_TOO_LONG");

  const extra: Record<string, string> = {};
  for (const key of Object.keys(values)) {
    if (KNOWN.has(key)) continue;
    const value = (values[key] ?? "").trim();
    if (codePointLength(value) > OPTIONAL_TEXT_MAX_LENGTH) fail(key, "FIELD_TOO_LONG");
    extra[key] = value;
  }

  if (errors.length > 0 || !name.ok || !id.ok || !phone.ok || !principal.ok || !outstanding.ok || !overdue.ok) {
    return { ok: false, loanRef, errors, warnings };
  }
  const regionCode = /^\d{2}/.exec(region)?.[0];
  return {
    ok: true,
    warnings,
    value: {
      loanRef,
      name: name.name,
      idNumber: id.id18,
      phone: phone.phone,
      principalFen: principal.fen,
      outstandingFen: outstanding.fen,
      overdueDays: overdue.value,
      provinceCode: regionCode ?? id.provinceCode,
      region,
      product,
      extra,
    },
  };
}

/**
 * A digest of a case's canonical content: two rows with the same loan_ref are the same row (duplicate) when
 * their fingerprints match, a conflict otherwise. A fast 128-bit hash of the content: an accidental match is
 * out of reach.
 */
export function fingerprint(value: ValidCase): string {
  let content = `${value.loanRef}\u0000${value.name}\u0000${value.idNumber}\u0000${value.phone}\u0000${value.principalFen}\u0000${value.outstandingFen}\u0000${value.overdueDays}\u0000${value.region}\u0000${value.product}`;
  const keys = Object.keys(value.extra);
  if (keys.length > 0) {
    keys.sort();
    for (const k of keys) content += `\u0000${k}\u0001${value.extra[k]}`;
  }
  return hash128(content);
}

/**
 * {@link fingerprint} as words, fed straight into `hasher` (no concatenated string): hashWords[0..3] afterwards
 * hold the words whose base-36 form fingerprint() returns.
 */
export function fingerprintInto(value: ValidCase, hasher: Hash128): void {
  hasher.reset();
  hasher.add(value.loanRef);
  hasher.addCode(0);
  hasher.add(value.name);
  hasher.addCode(0);
  hasher.add(value.idNumber);
  hasher.addCode(0);
  hasher.add(value.phone);
  hasher.addCode(0);
  hasher.add(value.principalFen.toString());
  hasher.addCode(0);
  hasher.add(value.outstandingFen.toString());
  hasher.addCode(0);
  hasher.add(String(value.overdueDays));
  hasher.addCode(0);
  hasher.add(value.region);
  hasher.addCode(0);
  hasher.add(value.product);
  const keys = Object.keys(value.extra);
  if (keys.length > 0) {
    keys.sort();
    for (const k of keys) {
      hasher.addCode(0);
      hasher.add(k);
      hasher.addCode(1);
      hasher.add(value.extra[k] as string);
    }
  }
  hasher.finish();
}
