import { parsePositiveFen } from "../repayments/input.js";
import { type ContactChannel, type ContactOutcome, type ContactParty, isContactChannel, isContactOutcome, isContactParty } from "./contact.js";

/**
 * A contact log entry and a permit request as an agency's systems send them (docs/design.md §25), checked field by
 * field: the first problem is named with its field. Nothing about the contacted party beyond what the case holds is
 * accepted (no names, numbers or addresses: the party is one of three words).
 */
export type ContactInputProblem =
  | "CASE_KEY_INVALID"
  | "CHANNEL_INVALID"
  | "PARTY_INVALID"
  | "STARTED_AT_INVALID"
  | "STARTED_AT_FUTURE"
  | "DURATION_INVALID"
  | "OUTCOME_INVALID"
  | "PROMISE_INVALID"
  | "COLLECTOR_INVALID"
  | "PERMIT_ID_INVALID"
  | "DISCLOSED_INVALID"
  | "TEXT_INVALID";

/** How far ahead of the gateway's clock a contact's start may be (the collector's device clock). */
export const CONTACT_AHEAD_MS = 2 * 60_000;
/** A contact lasts at most a day. */
const MAX_DURATION_SECONDS = 86_400;
/** The longest text a permit request may carry (a letter). */
export const MAX_TEXT_LENGTH = 20_000;

const CASE_KEY = /^0x[0-9a-fA-F]{64}$/;
/** The agency's own code for a collector (a work number, never a name). */
const COLLECTOR = /^[A-Za-z0-9._-]{1,64}$/;
const PERMIT_ID = /^[0-9a-f]{32}$/;
const DAY = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const INSTANT = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d{1,3})?)?(Z|[+-]\d\d:\d\d)$/;

export interface ContactInput {
  caseKey: string;
  channel: ContactChannel;
  party: ContactParty;
  startedAt: number;
  durationSeconds: number;
  outcome: ContactOutcome;
  /** With outcome promise_to_pay: the day it is due (China time) and the amount. */
  promise?: { dueDate: string; amountFen: string };
  collector: string;
  permitId?: string;
  /** The collector told a party other than the debtor about the debt. */
  disclosedDebt: boolean;
}

type Problem = { problem: ContactInputProblem; field: string };
const bad = (problem: ContactInputProblem, field: string): Problem => ({ problem, field });

export const isPermitId = (v: unknown): v is string => typeof v === "string" && PERMIT_ID.test(v);

export function parseCaseKeyField(v: unknown): string | undefined {
  return typeof v === "string" && CASE_KEY.test(v) ? v.toLowerCase() : undefined;
}

/** A permit asked for: the case, the channel and, for a text channel, the words to be sent. */
export interface PermitRequest {
  caseKey: string;
  channel: ContactChannel;
  text?: string;
}

/** A permit request: the case, the channel, and the text for a text channel. */
export function parsePermitRequest(raw: Record<string, unknown>): PermitRequest | Problem {
  const caseKey = parseCaseKeyField(raw.caseKey);
  if (!caseKey) return bad("CASE_KEY_INVALID", "caseKey");
  if (!isContactChannel(raw.channel)) return bad("CHANNEL_INVALID", "channel");
  if (raw.text !== undefined && (typeof raw.text !== "string" || raw.text.length === 0 || raw.text.length > MAX_TEXT_LENGTH)) return bad("TEXT_INVALID", "text");
  return { caseKey, channel: raw.channel, ...(typeof raw.text === "string" ? { text: raw.text } : {}) };
}

/** A contact to log, or its first problem. `now` bounds the start (no contact in the future beyond CONTACT_AHEAD_MS). */
export function parseContactInput(raw: Record<string, unknown>, now: number): ContactInput | Problem {
  const caseKey = parseCaseKeyField(raw.caseKey);
  if (!caseKey) return bad("CASE_KEY_INVALID", "caseKey");
  if (!isContactChannel(raw.channel)) return bad("CHANNEL_INVALID", "channel");
  if (!isContactParty(raw.party)) return bad("PARTY_INVALID", "party");
  if (typeof raw.startedAt !== "string" || !INSTANT.test(raw.startedAt) || !Number.isFinite(Date.parse(raw.startedAt))) return bad("STARTED_AT_INVALID", "startedAt");
  const startedAt = Date.parse(raw.startedAt);
  if (startedAt > now + CONTACT_AHEAD_MS) return bad("STARTED_AT_FUTURE", "startedAt");
  const duration = raw.durationSeconds ?? 0;
  if (typeof duration !== "number" || !Number.isSafeInteger(duration) || duration < 0 || duration > MAX_DURATION_SECONDS) return bad("DURATION_INVALID", "durationSeconds");
  if (!isContactOutcome(raw.outcome)) return bad("OUTCOME_INVALID", "outcome");
  let promise: ContactInput["promise"];
  if (raw.outcome === "promise_to_pay") {
    const p = raw.promise as Record<string, unknown> | undefined;
    if (!p || typeof p !== "object" || typeof p.dueDate !== "string" || !DAY.test(p.dueDate) || parsePositiveFen(p.amountFen) === undefined) return bad("PROMISE_INVALID", "promise");
    promise = { dueDate: p.dueDate, amountFen: p.amountFen as string };
  } else if (raw.promise !== undefined) return bad("PROMISE_INVALID", "promise");
  if (typeof raw.collector !== "string" || !COLLECTOR.test(raw.collector)) return bad("COLLECTOR_INVALID", "collector");
  if (raw.permitId !== undefined && !isPermitId(raw.permitId)) return bad("PERMIT_ID_INVALID", "permitId");
  if (raw.disclosedDebt !== undefined && typeof raw.disclosedDebt !== "boolean") return bad("DISCLOSED_INVALID", "disclosedDebt");
  return {
    caseKey,
    channel: raw.channel,
    party: raw.party,
    startedAt,
    durationSeconds: duration,
    outcome: raw.outcome,
    ...(promise ? { promise } : {}),
    collector: raw.collector,
    ...(typeof raw.permitId === "string" ? { permitId: raw.permitId } : {}),
    disclosedDebt: raw.disclosedDebt === true,
  };
}

/** Channels where one collector is busy for the contact's duration (a second call at the same time is impossible). */
export const isLiveChannel = (c: ContactChannel): boolean => c === "call" || c === "visit";

/** Whether two live contacts [start, start + duration) of one collector overlap. */
export const overlaps = (a: { startedAt: number; durationSeconds: number }, b: { startedAt: number; durationSeconds: number }): boolean =>
  a.startedAt < b.startedAt + b.durationSeconds * 1000 && b.startedAt < a.startedAt + a.durationSeconds * 1000;
