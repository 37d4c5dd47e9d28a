import { FEN_LIMIT } from "../money.js";
import { DISPUTE_REASONS, PAYERS, type Payer, REPAYMENT_CHANNELS, type RepaymentChannel, REVERSAL_REASONS, WAIVER_REASONS } from "./entries.js";

/** A field of a repayment, waiver or decision that is not what it must be (catalog section `repayment`). */
export type InputProblem = "AMOUNT_INVALID" | "PAID_AT_INVALID" | "CHANNEL_INVALID" | "PAYER_INVALID" | "REASON_INVALID" | "CASE_KEY_INVALID";

/** How far ahead of the gateway's clock a payment time may be (the payer's clock, a bank's time zone slip). */
const PAID_AT_AHEAD_MS = 5 * 60_000;
/** No repayment of a loan this system handles was made before this. */
const EARLIEST_PAID_AT = Date.parse("2000-01-01T00:00:00Z");

/**
 * Whole fen as JSON carries them: a decimal string of digits without sign, point or leading zero, 1 … FEN_LIMIT − 1
 * (docs/design.md §22). A JSON number is refused: a float would pass for money.
 */
export function parsePositiveFen(value: unknown): bigint | undefined {
  if (typeof value !== "string" || !/^[1-9][0-9]{0,15}$/.test(value)) return undefined;
  const fen = BigInt(value);
  return fen < FEN_LIMIT ? fen : undefined;
}

export function parseCaseKey(value: unknown): string | undefined {
  return typeof value === "string" && /^0x[0-9a-fA-F]{64}$/.test(value) ? value.toLowerCase() : undefined;
}

/** An ISO 8601 date-time with a zone, from 2000 to a few minutes past `now`; returned normalized (UTC, ms). */
export function parsePaidAt(value: unknown, now: number): string | undefined {
  if (typeof value !== "string" || !/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d{1,3})?)?(Z|[+-]\d\d:\d\d)$/.test(value)) return undefined;
  const at = Date.parse(value);
  return Number.isFinite(at) && at >= EARLIEST_PAID_AT && at <= now + PAID_AT_AHEAD_MS ? new Date(at).toISOString() : undefined;
}

const oneOf =
  <T extends string>(list: readonly T[]) =>
  (value: unknown): value is T =>
    typeof value === "string" && (list as readonly string[]).includes(value);

export const isChannel: (value: unknown) => value is RepaymentChannel = oneOf(REPAYMENT_CHANNELS);
export const isPayer: (value: unknown) => value is Payer = oneOf(PAYERS);
export const isDisputeReason = oneOf(DISPUTE_REASONS);
export const isReversalReason = oneOf(REVERSAL_REASONS);
export const isWaiverReason = oneOf(WAIVER_REASONS);

export interface RepaymentInput {
  caseKey: string;
  amountFen: bigint;
  paidAt: string;
  channel: RepaymentChannel;
  payer: Payer;
}

/** A repayment's fields as a report or a creditor's own record gives them, or the first problem. */
export function parseRepaymentInput(raw: Record<string, unknown>, now: number): RepaymentInput | { problem: InputProblem } {
  const caseKey = parseCaseKey(raw.caseKey);
  if (!caseKey) return { problem: "CASE_KEY_INVALID" };
  const amountFen = parsePositiveFen(raw.amountFen);
  if (amountFen === undefined) return { problem: "AMOUNT_INVALID" };
  const paidAt = parsePaidAt(raw.paidAt, now);
  if (!paidAt) return { problem: "PAID_AT_INVALID" };
  if (!isChannel(raw.channel)) return { problem: "CHANNEL_INVALID" };
  if (!isPayer(raw.payer)) return { problem: "PAYER_INVALID" };
  return { caseKey, amountFen, paidAt, channel: raw.channel, payer: raw.payer };
}
