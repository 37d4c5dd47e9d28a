import { canonicalBytes, canonicalDigest } from "../canonical-json.js";
import { dayStart } from "../fees/month.js";
import { FEN_LIMIT } from "../money.js";

/**
 * A mediation agreement (调解协议) as structured data, `caseledger-mediation-agreement/1` (docs/design.md §28). Pure:
 * its fields, their validation with a code and a JSON path per problem, its canonical bytes and hash. What the
 * lender's and the mediator's members sign is the hash; no personal data is in it — the debtor is named by role only
 * and the case by its pseudonymous key, so the signed form can be notarized, shared with the mediator and filed.
 */
export const AGREEMENT_FORMAT = "caseledger-mediation-agreement/1";

/** What a waiver (减免) gives up: interest, penalty interest (罚息), fees, part of the principal. */
export const WAIVED_ITEMS = ["interest", "penalty", "fees", "principal"] as const;
export type WaivedItem = (typeof WAIVED_ITEMS)[number];

/** The debtor's part in the case: the borrower, or a guarantor who answers for the debt. */
export const DEBTOR_ROLES = ["borrower", "guarantor"] as const;
export type DebtorRole = (typeof DEBTOR_ROLES)[number];

/** How the debtor accepted: a signed paper scanned, a recorded call, in person before the mediator (a record of it). */
export const ACCEPTANCE_METHODS = ["signed-paper", "recorded-call", "in-person"] as const;
export type AcceptanceMethod = (typeof ACCEPTANCE_METHODS)[number];

/** At most 120 instalments (ten years monthly); grace at most 90 days; the place at most 40 characters. */
export const MAX_INSTALMENTS = 120;
export const MAX_GRACE_DAYS = 90;
export const MAX_PLACE_CHARS = 40;

export interface Instalment {
  /** The China day (UTC+8) it falls due, "YYYY-MM-DD". */
  due: string;
  /** Whole fen, decimal string, > 0. */
  amountFen: string;
}

export interface MediationAgreement {
  format: typeof AGREEMENT_FORMAT;
  /** The case's pseudonymous key (0x + 64 hex), as on chain. */
  caseKey: string;
  /** The lender (creditor of record) and the mediation body, by member id (MemberRegistry). */
  creditorId: number;
  mediatorId: number;
  /** The agency holding the case when the agreement was made, or null. */
  agencyId: number | null;
  /** The debtor by role only: the name and ID number stay in the lender's encrypted case record. */
  debtorRole: DebtorRole;
  /** What the debtor agrees to pay in all, whole fen; Σ instalments. */
  amountFen: string;
  /** What the creditor gives up, whole fen, and which items; `voidOnDefault`: the waiver falls away on default. */
  waiver: { amountFen: string; items: WaivedItem[]; voidOnDefault: boolean };
  /** In due order, strictly later each, none before `date`. */
  instalments: Instalment[];
  /** Days after an instalment's due day before an unpaid instalment is a default. */
  graceDays: number;
  /** Where and on which China day it was made. No digits runs (an ID or a phone) in `place`. */
  place: string;
  date: string;
}

export type AgreementProblemCode =
  | "SHAPE"
  | "UNKNOWN_FIELD"
  | "FORMAT"
  | "CASE_KEY"
  | "MEMBER_ID"
  | "SAME_MEMBER"
  | "DEBTOR_ROLE"
  | "AMOUNT"
  | "WAIVER_AMOUNT"
  | "WAIVER_ITEMS"
  | "INSTALMENTS_EMPTY"
  | "INSTALMENTS_TOO_MANY"
  | "DUE_DAY"
  | "DUE_ORDER"
  | "INSTALMENT_AMOUNT"
  | "INSTALMENTS_SUM"
  | "GRACE_DAYS"
  | "PLACE"
  | "DATE";

export interface AgreementProblem {
  readonly code: AgreementProblemCode;
  readonly path: string;
}

export type AgreementResult = { readonly ok: true; readonly agreement: MediationAgreement } | { readonly ok: false; readonly problems: readonly AgreementProblem[] };

const CASE_KEY = /^0x[0-9a-f]{64}$/;
const FEN = /^(?:0|[1-9]\d{0,17})$/;
const FIELDS = new Set(["format", "caseKey", "creditorId", "mediatorId", "agencyId", "debtorRole", "amountFen", "waiver", "instalments", "graceDays", "place", "date"]);

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isMemberId = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v) && v >= 1 && v <= 0xffffffff;
const fenOf = (v: unknown): bigint | undefined => (typeof v === "string" && FEN.test(v) && BigInt(v) <= FEN_LIMIT ? BigInt(v) : undefined);
const isDay = (v: unknown): v is string => typeof v === "string" && dayStart(v) !== undefined;

/**
 * Reads an agreement from untrusted JSON (an API body, a peer's message), every problem with its code (catalog section
 * `mediationAgreement`) and JSON path. Σ instalments must equal the amount; due days strictly increase, none before
 * the agreement's date.
 */
export function parseAgreement(raw: unknown): AgreementResult {
  if (!isRecord(raw)) return { ok: false, problems: [{ code: "SHAPE", path: "$" }] };
  const problems: AgreementProblem[] = [];
  const add = (code: AgreementProblemCode, path: string) => problems.push({ code, path });
  for (const key of Object.keys(raw)) if (!FIELDS.has(key)) add("UNKNOWN_FIELD", `$.${key}`);
  const r = raw;
  if (r.format !== AGREEMENT_FORMAT) add("FORMAT", "$.format");
  if (typeof r.caseKey !== "string" || !CASE_KEY.test(r.caseKey)) add("CASE_KEY", "$.caseKey");
  if (!isMemberId(r.creditorId)) add("MEMBER_ID", "$.creditorId");
  if (!isMemberId(r.mediatorId)) add("MEMBER_ID", "$.mediatorId");
  else if (r.mediatorId === r.creditorId) add("SAME_MEMBER", "$.mediatorId");
  if (r.agencyId !== null && !isMemberId(r.agencyId)) add("MEMBER_ID", "$.agencyId");
  if (!(DEBTOR_ROLES as readonly unknown[]).includes(r.debtorRole)) add("DEBTOR_ROLE", "$.debtorRole");
  const amount = fenOf(r.amountFen);
  if (amount === undefined || amount === 0n) add("AMOUNT", "$.amountFen");

  const w = r.waiver;
  if (!isRecord(w)) add("SHAPE", "$.waiver");
  else {
    const waived = fenOf(w.amountFen);
    if (waived === undefined) add("WAIVER_AMOUNT", "$.waiver.amountFen");
    const items = w.items;
    const itemsOk =
      Array.isArray(items) && items.every((i) => (WAIVED_ITEMS as readonly unknown[]).includes(i)) && new Set(items).size === items.length && (waived === 0n) === (items.length === 0);
    if (!itemsOk) add("WAIVER_ITEMS", "$.waiver.items");
    if (typeof w.voidOnDefault !== "boolean") add("SHAPE", "$.waiver.voidOnDefault");
    for (const key of Object.keys(w)) if (!["amountFen", "items", "voidOnDefault"].includes(key)) add("UNKNOWN_FIELD", `$.waiver.${key}`);
  }

  if (!isDay(r.date)) add("DATE", "$.date");
  const list = r.instalments;
  if (!Array.isArray(list) || list.length === 0) add("INSTALMENTS_EMPTY", "$.instalments");
  else if (list.length > MAX_INSTALMENTS) add("INSTALMENTS_TOO_MANY", "$.instalments");
  else {
    let sum = 0n;
    let sumKnown = true;
    let previous = isDay(r.date) ? r.date : undefined;
    list.forEach((item: unknown, i) => {
      const path = `$.instalments[${i}]`;
      if (!isRecord(item) || Object.keys(item).some((k) => k !== "due" && k !== "amountFen")) {
        add("SHAPE", path);
        sumKnown = false;
        return;
      }
      if (!isDay(item.due)) add("DUE_DAY", `${path}.due`);
      else {
        // Strictly later than the one before; the first on or after the agreement's date.
        if (previous !== undefined && (i === 0 ? item.due < previous : item.due <= previous)) add("DUE_ORDER", `${path}.due`);
        previous = item.due;
      }
      const fen = fenOf(item.amountFen);
      if (fen === undefined || fen === 0n) {
        add("INSTALMENT_AMOUNT", `${path}.amountFen`);
        sumKnown = false;
      } else sum += fen;
    });
    if (sumKnown && amount !== undefined && amount > 0n && sum !== amount) add("INSTALMENTS_SUM", "$.instalments");
  }
  if (typeof r.graceDays !== "number" || !Number.isSafeInteger(r.graceDays) || r.graceDays < 0 || r.graceDays > MAX_GRACE_DAYS) add("GRACE_DAYS", "$.graceDays");
  const placeChars = typeof r.place === "string" ? [...r.place.trim()].length : 0;
  if (typeof r.place !== "string" || placeChars === 0 || placeChars > MAX_PLACE_CHARS || /\d{6}/.test(r.place) || /\p{Cc}/u.test(r.place)) add("PLACE", "$.place");
  if (problems.length > 0) return { ok: false, problems };
  const waiver = r.waiver as MediationAgreement["waiver"];
  return {
    ok: true,
    agreement: {
      format: AGREEMENT_FORMAT,
      caseKey: r.caseKey as string,
      creditorId: r.creditorId as number,
      mediatorId: r.mediatorId as number,
      agencyId: r.agencyId as number | null,
      debtorRole: r.debtorRole as DebtorRole,
      amountFen: r.amountFen as string,
      waiver: { amountFen: waiver.amountFen, items: [...waiver.items], voidOnDefault: waiver.voidOnDefault },
      instalments: (r.instalments as Instalment[]).map((i) => ({ due: i.due, amountFen: i.amountFen })),
      graceDays: r.graceDays as number,
      place: (r.place as string).trim(),
      date: r.date as string,
    },
  };
}

/** The canonical JSON bytes (RFC 8785) of an agreement that passed {@link parseAgreement}: what is hashed. */
export function agreementBytes(agreement: MediationAgreement): Uint8Array {
  return canonicalBytes(agreement);
}

/** "0x" + SHA-256 of the canonical bytes: the agreement's id, and what both members sign (EIP-191 over the 32 bytes). */
export function agreementHash(agreement: MediationAgreement): string {
  return canonicalDigest(agreement);
}
