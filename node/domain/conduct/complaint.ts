import { parseMobile } from "../identity/phone.js";

/**
 * Complaints from the public page behind a letter's QR code (docs/design.md §26): what a debtor may say and how a
 * lender closes it. Pure: the checks of the form, the categories and the resolution codes.
 */

export const COMPLAINT_CATEGORIES = ["HARASSMENT", "THREAT_OR_INSULT", "FALSE_CLAIM", "THIRD_PARTY_CONTACT", "WRONG_PERSON", "OTHER"] as const;
export type ComplaintCategory = (typeof COMPLAINT_CATEGORIES)[number];

export const COMPLAINT_RESOLUTIONS = ["AGENCY_WARNED", "AGENCY_REPLACED", "DEBT_CORRECTED", "UNFOUNDED", "WITHDRAWN"] as const;
export type ComplaintResolution = (typeof COMPLAINT_RESOLUTIONS)[number];

export const isComplaintCategory = (v: unknown): v is ComplaintCategory => (COMPLAINT_CATEGORIES as readonly unknown[]).includes(v);
export const isComplaintResolution = (v: unknown): v is ComplaintResolution => (COMPLAINT_RESOLUTIONS as readonly unknown[]).includes(v);

/** The longest complaint text, in code points. */
export const MAX_COMPLAINT_TEXT = 2_000;
/** A letter takes complaints this many days after it was issued (a debtor keeps the paper); later it is expired. */
export const COMPLAINT_LETTER_DAYS = 365;

export type ComplaintFieldCode = "CATEGORY_UNKNOWN" | "TEXT_EMPTY" | "TEXT_TOO_LONG" | "CALLBACK_INVALID";

export interface ComplaintForm {
  category: ComplaintCategory;
  text: string;
  /** A mainland mobile number in its 11-digit form, or absent. */
  callback?: string;
}

/** Checks the public form's body: every problem with its field, never the text itself. */
export function parseComplaintForm(body: unknown): { ok: true; form: ComplaintForm } | { ok: false; errors: Array<{ field: string; code: ComplaintFieldCode }> } {
  const b = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
  const errors: Array<{ field: string; code: ComplaintFieldCode }> = [];
  if (!isComplaintCategory(b.category)) errors.push({ field: "category", code: "CATEGORY_UNKNOWN" });
  const text = typeof b.text === "string" ? b.text.trim() : "";
  if (text === "") errors.push({ field: "text", code: "TEXT_EMPTY" });
  else if ([...text].length > MAX_COMPLAINT_TEXT) errors.push({ field: "text", code: "TEXT_TOO_LONG" });
  let callback: string | undefined;
  if (b.callback !== undefined && b.callback !== null && b.callback !== "") {
    const phone = typeof b.callback === "string" ? parseMobile(b.callback) : undefined;
    if (!phone?.ok || phone.empty) errors.push({ field: "callback", code: "CALLBACK_INVALID" });
    else callback = phone.phone;
  }
  if (errors.length) return { ok: false, errors };
  return { ok: true, form: { category: b.category as ComplaintCategory, text, ...(callback ? { callback } : {}) } };
}

/** Whether a letter issued at `issuedAtMs` still takes complaints at `nowMs`. */
export function letterTakesComplaints(issuedAtMs: number, nowMs: number): boolean {
  return Number.isFinite(issuedAtMs) && nowMs - issuedAtMs <= COMPLAINT_LETTER_DAYS * 86_400_000;
}
