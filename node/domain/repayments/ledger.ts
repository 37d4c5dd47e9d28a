import type { DecisionEntry, LedgerEntry, RepaymentEntry, WaiverEntry } from "./entries.js";

export type RepaymentState = "reported" | "confirmed" | "disputed" | "reversed";

export interface RepaymentView extends RepaymentEntry {
  state: RepaymentState;
  /** The latest decision on it, if any. */
  decision?: Pick<DecisionEntry, "id" | "decision" | "reason" | "recordedAt" | "evidence">;
  /** The confirmation that counts (a statement prices a repayment by it). */
  confirmedAt?: string;
  reversal?: { id: string; recordedAt: string; reason: string };
}

export interface WaiverView extends WaiverEntry {
  reversal?: { id: string; recordedAt: string; reason: string };
}

/** A case's ledger folded: what each entry amounts to now, and the outstanding. Amounts as bigint fen. */
export interface CaseLedger {
  initialFen: bigint;
  confirmedFen: bigint;
  waivedFen: bigint;
  /** initial − confirmed repayments − waivers, none of them reversed; never below zero. */
  outstandingFen: bigint;
  /** What confirmed repayments and waivers, not reversed, come to beyond the initial: money the creditor owes back. */
  overpaidFen: bigint;
  repayments: RepaymentView[];
  waivers: WaiverView[];
  /** Every entry, in the order written. */
  entries: LedgerEntry[];
}

/**
 * Folds a case's entries (in the order written) onto its outstanding at registration (docs/design.md §22). A
 * repayment counts once confirmed and until reversed; a waiver counts until reversed; a dispute takes nothing off.
 */
export function foldLedger(initialFen: bigint, entries: readonly LedgerEntry[]): CaseLedger {
  const repayments = new Map<string, RepaymentView>();
  const waivers = new Map<string, WaiverView>();
  for (const e of entries) {
    if (e.type === "repayment") repayments.set(e.id, { ...e, state: "reported" });
    else if (e.type === "waiver") waivers.set(e.id, { ...e });
    else if (e.type === "decision") {
      const r = repayments.get(e.repaymentId);
      if (!r || r.state === "reversed") continue;
      r.state = e.decision;
      r.decision = { id: e.id, decision: e.decision, recordedAt: e.recordedAt, evidence: e.evidence, ...(e.reason ? { reason: e.reason } : {}) };
      if (e.decision === "confirmed") r.confirmedAt = e.recordedAt;
    } else {
      const reversal = { id: e.id, recordedAt: e.recordedAt, reason: e.reason };
      const r = repayments.get(e.reverses);
      if (r && !r.reversal) {
        r.state = "reversed";
        r.reversal = reversal;
      }
      const w = waivers.get(e.reverses);
      if (w && !w.reversal) w.reversal = reversal;
    }
  }
  let confirmedFen = 0n;
  for (const r of repayments.values()) if (r.state === "confirmed") confirmedFen += BigInt(r.amountFen);
  let waivedFen = 0n;
  for (const w of waivers.values()) if (!w.reversal) waivedFen += BigInt(w.amountFen);
  const left = initialFen - confirmedFen - waivedFen;
  return { initialFen, confirmedFen, waivedFen, outstandingFen: left > 0n ? left : 0n, overpaidFen: left < 0n ? -left : 0n, repayments: [...repayments.values()], waivers: [...waivers.values()], entries: [...entries] };
}

export type LedgerProblem =
  | "ENTRY_NOT_FOUND"
  | "NOT_A_REPAYMENT"
  | "ALREADY_DECIDED"
  | "ALREADY_REVERSED"
  | "NOT_REVERSIBLE"
  | "EXCEEDS_OUTSTANDING"
  | "WAIVER_LIMIT";

/** Why `decision` cannot be taken on repayment `id` now, or undefined. A dispute may later be confirmed, not the reverse. */
export function decisionProblem(ledger: CaseLedger, id: string, decision: DecisionEntry["decision"]): LedgerProblem | undefined {
  const r = ledger.repayments.find((x) => x.id === id);
  if (!r) return ledger.entries.some((e) => e.id === id) ? "NOT_A_REPAYMENT" : "ENTRY_NOT_FOUND";
  if (r.state === "reversed") return "ALREADY_REVERSED";
  if (r.state === "confirmed" || r.state === decision) return "ALREADY_DECIDED";
  return undefined;
}

/** Why entry `id` cannot be reversed: only repayments and waivers are, each at most once. */
export function reversalProblem(ledger: CaseLedger, id: string): LedgerProblem | undefined {
  const entry = ledger.entries.find((e) => e.id === id);
  if (!entry) return "ENTRY_NOT_FOUND";
  if (entry.type !== "repayment" && entry.type !== "waiver") return "NOT_REVERSIBLE";
  const reversed = entry.type === "repayment" ? ledger.repayments.find((r) => r.id === id)?.reversal : ledger.waivers.find((w) => w.id === id)?.reversal;
  return reversed ? "ALREADY_REVERSED" : undefined;
}

/** A warning a repayment is recorded and confirmed with: the lender decides, and the warning says what it decides on. */
export type RepaymentWarning = "REPAYMENT_ABOVE_OUTSTANDING";

/**
 * Whether a repayment of `amountFen` is more than the case's outstanding now. Not a refusal (docs/design.md §22): a
 * debtor does pay too much, the money has arrived, and the ledger must say so; confirmed, it takes the outstanding to
 * zero and the rest shows as over-payment (`overpaidFen`).
 */
export function repaymentWarning(ledger: CaseLedger, amountFen: bigint): RepaymentWarning | undefined {
  return amountFen > ledger.outstandingFen ? "REPAYMENT_ABOVE_OUTSTANDING" : undefined;
}

/**
 * The most a case's waivers may total: `limitPercent` % of its outstanding at registration, rounded down to the fen
 * (docs/design.md §22).
 */
export function waiverLimitFen(initialFen: bigint, limitPercent: number): bigint {
  return (initialFen * BigInt(limitPercent)) / 100n;
}

/** Why a waiver of `amountFen` cannot be taken: beyond what is outstanding, or past the case's waiver limit. */
export function waiverProblem(ledger: CaseLedger, amountFen: bigint, limitPercent: number): LedgerProblem | undefined {
  if (amountFen > ledger.outstandingFen) return "EXCEEDS_OUTSTANDING";
  return ledger.waivedFen + amountFen > waiverLimitFen(ledger.initialFen, limitPercent) ? "WAIVER_LIMIT" : undefined;
}
