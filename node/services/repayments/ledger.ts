import { createHash, randomBytes } from "node:crypto";
import type { ChainCaseState } from "./chain-case.js";
import type { Clock } from "../../domain/clock.js";
import { isHeldFromCreditor } from "../../domain/consortium/index.js";
import { DECISION_FORMAT, type DecisionDocument, decisionJson } from "../../domain/repayments/decision-document.js";
import { type Actor, type DecisionEntry, type DisputeReason, isEntryId, type LedgerEntry, type RepaymentEntry, type ReversalReason, type WaiverReason } from "../../domain/repayments/entries.js";
import { isDisputeReason, isReversalReason, isWaiverReason, parseCaseKey, parsePositiveFen, parseRepaymentInput } from "../../domain/repayments/input.js";
import { type CaseLedger, decisionProblem, foldLedger, type RepaymentView, type RepaymentWarning, repaymentWarning, reversalProblem, waiverLimitFen, waiverProblem } from "../../domain/repayments/ledger.js";
import type { CaseRepository } from "../../store/case-repository.js";
import type { LogEntry, RecordDraft } from "../../store/evidence-log/evidence-log.js";
import type { RepaymentLedgerStore } from "../../store/repayment-ledger.js";
import type { SignedPeerEnvelope } from "../peer/envelope.js";
import { notFound, ServiceError } from "../service-error.js";
import { msg } from "../../messages/message.js";
import { bodyInvalid, inputError, ledgerError, notCreditor, notHolder, voucherReused } from "./errors.js";
import { DECISION_KIND, type DecisionNotice, DECISIONS_PER_MESSAGE, type ReportAnswer } from "./messages.js";

export interface RepaymentLedgerDeps {
  ledger: RepaymentLedgerStore;
  cases: Pick<CaseRepository, "get" | "getMany">;
  /** Read for every report: the case's creditor, holder, status and mandate now. */
  casesOf: (caseKeys: string[]) => Promise<ChainCaseState[]>;
  /** Appends to this member's evidence log (the decisions are notarized there). */
  notarize: (drafts: RecordDraft[]) => Promise<LogEntry[]>;
  /** Sends a message that must arrive to another member (the peer outbox). */
  deliver: (to: number, kind: string, body: unknown) => Promise<unknown>;
  memberId: number;
  clock: Clock;
  /** A case's waivers total at most this % of its outstanding at registration (DEFAULTS.waiverLimitPercent). */
  waiverLimitPercent: number;
}

/** The ledger as the API shows it: fen as decimal strings. */
export interface LedgerView {
  caseKey: string;
  initialFen: string;
  confirmedFen: string;
  waivedFen: string;
  outstandingFen: string;
  /** Confirmed repayments and waivers beyond the debt: the creditor's to return (§22). */
  overpaidFen: string;
  waiverLimitFen: string;
  /** Each with `warning` while it is open and more than the outstanding now (confirming it is the lender's call). */
  repayments: Array<RepaymentView & { warning?: RepaymentWarning }>;
  waivers: Array<CaseLedger["waivers"][number]>;
  entries: LedgerEntry[];
}

/** The read side statements are made from (the shapes of node/domain/fees/statement-input.ts). */
export interface ConfirmedRepayment {
  entryId: string;
  caseKey: string;
  agencyId: number;
  amountFen: bigint;
  paidAt: string;
  confirmedAt: string;
}
export interface RepaymentReversal {
  entryId: string;
  reversedAt: string;
  reversed: ConfirmedRepayment;
}
export interface OpenRepayment {
  entryId: string;
  caseKey: string;
  agencyId: number;
  amountFen: bigint;
  paidAt: string;
  state: "reported" | "disputed";
}

type Decided = { id: string; state: "confirmed" | "disputed"; evidenceLeafHash: string; warning?: RepaymentWarning };
export type DecisionResult = Decided | { id: string; error: { code: string; problem: string } };
type Outcome = Decided | { id: string; refused: ServiceError };

/** Ids in one bulk decision: the design target is 20,000 lines a second; a request stays under the 1 MB JSON limit. */
export const MAX_BULK_DECISIONS = 20_000;

const ID_BYTES = 16;
const newId = () => randomBytes(ID_BYTES).toString("hex");
/** `n` new ids from one call for random bytes (a bulk decision needs 20,000 of them). */
const newIds = (n: number) => {
  const hex = randomBytes(ID_BYTES * n).toString("hex");
  return Array.from({ length: n }, (_, i) => hex.slice(i * ID_BYTES * 2, (i + 1) * ID_BYTES * 2));
};
const STAND_IN_ID = "0".repeat(32);
const isSha256 = (value: unknown): value is string => typeof value === "string" && /^[0-9a-f]{64}$/.test(value);
/** Decisions notarized and written together (a multiple of DECISIONS_PER_MESSAGE, so that the agencies' messages are full). */
export const DECISIONS_PER_WRITE = 4_000;

/**
 * The repayment ledger at a case's creditor (docs/design.md §22): repayments reported by the agency holding the case
 * (over the peer channel) or recorded by the creditor, the creditor's decisions on them (each notarized in its
 * evidence log and sent back to the agency), waivers within the case's limit, and reversals. Append-only; every
 * write runs after the one before it, so that its checks read what the last write left.
 */
export class RepaymentLedger {
  #queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: RepaymentLedgerDeps) {}

  #exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(work, work);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  #now(): string {
    return new Date(this.deps.clock()).toISOString();
  }

  /** The case as this creditor registered it: its outstanding at registration, or 403 when this member is not its creditor. */
  async #initialFen(caseKey: string): Promise<bigint> {
    const stored = await this.deps.cases.get(caseKey);
    if (!stored) throw notFound("case", caseKey);
    if (stored.creditorId !== this.deps.memberId) throw notCreditor();
    return BigInt(stored.outstandingFen);
  }

  async #fold(caseKey: string): Promise<CaseLedger> {
    return foldLedger(await this.#initialFen(caseKey), await this.deps.ledger.ofCase(caseKey));
  }

  /** A case's entries in the order written (read API: statements, scorecards, the court bundle). */
  entriesOf(caseKey: string): Promise<LedgerEntry[]> {
    return this.deps.ledger.ofCase(caseKey.toLowerCase());
  }

  /** The case's outstanding now, in fen (what a settlement starts from). */
  async outstandingOf(caseKey: string): Promise<bigint> {
    return (await this.#fold(caseKey.toLowerCase())).outstandingFen;
  }

  /** Confirmed, not reversed repayments of a case, in fen: the settled amount to state when the lender settles it. */
  async confirmedOf(caseKey: string): Promise<bigint> {
    return (await this.#fold(caseKey.toLowerCase())).confirmedFen;
  }

  /**
   * What each case was repaid, for a settlement (`POST /v1/cases/actions` with action `settle` takes
   * `settlements: [{ caseKey, settledFen }]`, design.md): its confirmed, not reversed repayments as a decimal string of
   * fen, in the order asked. Waivers are not money received and are left out. 404/403 as `view` for a case that is
   * not this creditor's.
   */
  async settlementsOf(caseKeys: readonly string[]): Promise<Array<{ caseKey: string; settledFen: string }>> {
    return Promise.all(caseKeys.map(async (raw) => {
      const caseKey = parseCaseKey(raw);
      if (!caseKey) throw inputError("CASE_KEY_INVALID");
      return { caseKey, settledFen: String((await this.#fold(caseKey)).confirmedFen) };
    }));
  }

  async view(rawCaseKey: string): Promise<LedgerView> {
    const caseKey = parseCaseKey(rawCaseKey);
    if (!caseKey) throw inputError("CASE_KEY_INVALID");
    const l = await this.#fold(caseKey);
    return {
      caseKey,
      initialFen: String(l.initialFen),
      confirmedFen: String(l.confirmedFen),
      waivedFen: String(l.waivedFen),
      outstandingFen: String(l.outstandingFen),
      overpaidFen: String(l.overpaidFen),
      waiverLimitFen: String(waiverLimitFen(l.initialFen, this.deps.waiverLimitPercent)),
      repayments: l.repayments.map((r) => {
        const warning = r.state === "reported" || r.state === "disputed" ? repaymentWarning(l, BigInt(r.amountFen)) : undefined;
        return warning ? { ...r, warning } : r;
      }),
      waivers: l.waivers,
      entries: l.entries,
    };
  }

  /**
   * What statements are made from, for the pair (this creditor, `agencyId`): repayments reported by that agency and
   * confirmed in [from, to) (ISO instants), reversals of its confirmed repayments made in [from, to), and its repayments
   * open now (reported or disputed) paid before `to`. Empty for another creditor: the ledger is the creditor's.
   */
  async confirmedBetween(creditorId: number, agencyId: number, from: string, to: string): Promise<{ confirmed: ConfirmedRepayment[]; reversals: RepaymentReversal[]; open: OpenRepayment[] }> {
    const out = { confirmed: [] as ConfirmedRepayment[], reversals: [] as RepaymentReversal[], open: [] as OpenRepayment[] };
    if (creditorId !== this.deps.memberId) return out;
    const byCase = new Map<string, LedgerEntry[]>();
    for await (const e of this.deps.ledger.all()) {
      const list = byCase.get(e.caseKey);
      if (list) list.push(e);
      else byCase.set(e.caseKey, [e]);
    }
    const within = (at: string) => at >= from && at < to;
    for (const entries of byCase.values()) {
      // The initial outstanding does not change what was confirmed or reversed when.
      const ledger = foldLedger(0n, entries);
      for (const r of ledger.repayments) {
        if (r.agencyId !== agencyId) continue;
        const confirmedAt = r.confirmedAt;
        const base = { entryId: r.id, caseKey: r.caseKey, agencyId, amountFen: BigInt(r.amountFen), paidAt: r.paidAt };
        if (confirmedAt !== undefined && within(confirmedAt)) out.confirmed.push({ ...base, confirmedAt });
        if (confirmedAt !== undefined && r.reversal && within(r.reversal.recordedAt)) out.reversals.push({ entryId: r.reversal.id, reversedAt: r.reversal.recordedAt, reversed: { ...base, confirmedAt } });
        if ((r.state === "reported" || r.state === "disputed") && r.paidAt < to) out.open.push({ ...base, state: r.state });
      }
    }
    return out;
  }

  /**
   * `repayment.report` from agency `from` (the peer channel has checked its signature): taken only when the chain shows
   * the case held now by that agency for this creditor — not "at paidAt": the agency names paidAt itself, and a past
   * mandate would let it claim a payment made while the next agency held the case. A repeat of the same report
   * (the outbox retries) is answered as it stands; its id on another repayment is refused.
   */
  async receiveReport(from: number, raw: unknown, request: SignedPeerEnvelope): Promise<ReportAnswer> {
    if (!raw || typeof raw !== "object" || Array.isArray(raw)) throw bodyInvalid();
    const body = raw as Record<string, unknown>;
    const input = parseRepaymentInput(body, this.deps.clock());
    if ("problem" in input) throw inputError(input.problem);
    if (!isEntryId(body.reportId)) throw bodyInvalid();
    const voucher = body.voucher as { leafHash?: unknown; contentSha256?: unknown } | undefined;
    if (typeof voucher?.leafHash !== "string" || !/^0x[0-9a-f]{64}$/.test(voucher.leafHash) || !isSha256(voucher.contentSha256)) throw new ServiceError("VALIDATION_FAILED", msg("repayment.VOUCHER_REQUIRED"), { problem: "VOUCHER_REQUIRED" });
    const contentSha256 = voucher.contentSha256;
    const reportId = body.reportId;
    const [state] = await this.deps.casesOf([input.caseKey]);
    if (!state || Number(state.creditorId) !== this.deps.memberId) throw notCreditor();
    if (!isHeldFromCreditor(state, this.deps.memberId, from, Math.floor(this.deps.clock() / 1000))) throw notHolder();
    return this.#exclusive(async () => {
      const ledger = await this.#fold(input.caseKey);
      const existing = await this.deps.ledger.get(reportId);
      if (existing) {
        const same = existing.type === "repayment" && existing.caseKey === input.caseKey && existing.reportedBy === from && existing.amountFen === String(input.amountFen);
        if (!same) throw new ServiceError("CONFLICT", msg("repayment.REPORT_CONFLICT"), { problem: "REPORT_CONFLICT" });
        const view = ledger.repayments.find((r) => r.id === reportId)!;
        return { entryId: reportId, state: view.state, outstandingFen: String(ledger.outstandingFen) };
      }
      await this.#voucherFree(contentSha256);
      const warning = repaymentWarning(ledger, input.amountFen);
      const entry: RepaymentEntry = {
        type: "repayment",
        id: reportId,
        caseKey: input.caseKey,
        recordedAt: this.#now(),
        amountFen: String(input.amountFen),
        paidAt: input.paidAt,
        channel: input.channel,
        payer: input.payer,
        reportedBy: from,
        agencyId: from,
        voucher: { leafHash: voucher.leafHash as string, contentSha256 },
        report: { hash: request.hash, signature: request.signature },
      };
      await this.deps.ledger.append([entry]);
      return { entryId: reportId, state: "reported", outstandingFen: String(ledger.outstandingFen), ...(warning ? { warning } : {}) };
    });
  }

  /** The creditor records a repayment to its own account itself: a repayment and its confirmation, notarized. */
  async record(raw: Record<string, unknown>, by: Actor): Promise<{ entry: RepaymentEntry; decision: DecisionEntry; outstandingFen: string; overpaidFen: string; warning?: RepaymentWarning }> {
    const input = parseRepaymentInput(raw, this.deps.clock());
    if ("problem" in input) throw inputError(input.problem);
    const leafHash = raw.voucherLeafHash;
    if (leafHash !== undefined && (typeof leafHash !== "string" || !/^0x[0-9a-f]{64}$/.test(leafHash))) throw new ServiceError("VALIDATION_FAILED", msg("repayment.VOUCHER_INVALID"), { problem: "VOUCHER_INVALID" });
    return this.#exclusive(async () => {
      const ledger = await this.#fold(input.caseKey);
      const warning = repaymentWarning(ledger, input.amountFen);
      const entry: RepaymentEntry = {
        type: "repayment",
        id: newId(),
        caseKey: input.caseKey,
        recordedAt: this.#now(),
        amountFen: String(input.amountFen),
        paidAt: input.paidAt,
        channel: input.channel,
        payer: input.payer,
        reportedBy: this.deps.memberId,
        agencyId: null,
        voucher: typeof leafHash === "string" ? { leafHash } : null,
      };
      const [decision] = await this.#decisions([{ repayment: entry, decision: "confirmed" }], by);
      await this.deps.ledger.append([entry, decision!]);
      const after = foldLedger(ledger.initialFen, [...ledger.entries, entry, decision!]);
      return { entry, decision: decision!, outstandingFen: String(after.outstandingFen), overpaidFen: String(after.overpaidFen), ...(warning ? { warning } : {}) };
    });
  }

  /**
   * Confirms or disputes repayments, many at once: each is checked against its case's ledger (in the order given, so
   * two confirmations on one case both count against its outstanding); the ones that pass are notarized in one
   * append to the evidence log, written in one ledger batch, and sent to their agencies; the rest say why not.
   */
  async decide(rawIds: unknown, decision: "confirmed" | "disputed", rawReason: unknown, by: Actor): Promise<DecisionResult[]> {
    const outcomes = await this.#decide(rawIds, decision, rawReason, by);
    const problemOf = (error: ServiceError) => {
      const problem = (error.details as { problem?: unknown } | undefined)?.problem;
      return typeof problem === "string" ? problem : error.code;
    };
    return outcomes.map((o) => ("refused" in o ? { id: o.id, error: { code: o.refused.code, problem: problemOf(o.refused) } } : o));
  }

  /** One decision: its result, or its refusal thrown. */
  async decideOne(id: string, decision: "confirmed" | "disputed", rawReason: unknown, by: Actor): Promise<Decided> {
    if (!isEntryId(id)) throw ledgerError("ENTRY_NOT_FOUND", { id });
    const [outcome] = await this.#decide([id], decision, rawReason, by);
    if (!outcome || "refused" in outcome) throw outcome?.refused ?? ledgerError("ENTRY_NOT_FOUND", { id });
    return outcome;
  }

  /** Whether this member is the case's creditor (it registered the case). */
  async isCreditorOf(caseKey: string): Promise<boolean> {
    return (await this.deps.cases.get(caseKey.toLowerCase()))?.creditorId === this.deps.memberId;
  }

  /**
   * Refuses a voucher whose content another repayment of this creditor already shows (VOUCHER_REUSED): one bank slip
   * is one payment, whoever reports it and on whichever case. A repayment reversed since frees its voucher (it was
   * entered in error; the money's real report may show the same slip).
   */
  async #voucherFree(contentSha256: string): Promise<void> {
    for (const id of await this.deps.ledger.voucherUsers(contentSha256)) {
      const entry = await this.deps.ledger.get(id);
      if (!entry) continue;
      const folded = foldLedger(0n, await this.deps.ledger.ofCase(entry.caseKey));
      if (folded.repayments.find((r) => r.id === id)?.state !== "reversed") throw voucherReused(id);
    }
  }

  async #decide(rawIds: unknown, decision: "confirmed" | "disputed", rawReason: unknown, by: Actor): Promise<Outcome[]> {
    if (!Array.isArray(rawIds) || rawIds.length === 0 || rawIds.length > MAX_BULK_DECISIONS || !rawIds.every(isEntryId)) {
      throw new ServiceError("VALIDATION_FAILED", msg("repayment.IDS_INVALID", { max: MAX_BULK_DECISIONS }), { problem: "IDS_INVALID" });
    }
    const ids = [...new Set(rawIds)];
    let reason: DisputeReason | undefined;
    if (decision === "disputed") {
      if (!isDisputeReason(rawReason)) throw inputError("REASON_INVALID");
      reason = rawReason;
    }
    return this.#exclusive(async () => {
      // The entries and every case's ledger in three reads: one case after another, a bulk of 20,000 cases waits on
      // 20,000 reads in turn.
      const { entries, ofCase: entriesOf } = await this.deps.ledger.withCases(ids);
      const ledgers = new Map<string, CaseLedger>();
      const results = new Map<string, Outcome>();
      const accepted: Array<{ repayment: RepaymentEntry; decision: "confirmed" | "disputed"; reason?: DisputeReason }> = [];
      const warnings = new Map<string, RepaymentWarning>();
      const caseKeys = [...entriesOf.keys()];
      const stored = await this.deps.cases.getMany(caseKeys);
      const initial = new Map(caseKeys.map((k, i) => [k, stored[i]]));
      // Decisions taken earlier in this request, per case: a case is folded again only when a later id names it.
      const decidedHere = new Map<string, DecisionEntry[]>();
      for (const [i, id] of ids.entries()) {
        const entry = entries[i];
        const fail = (problem: Parameters<typeof ledgerError>[0], about: Parameters<typeof ledgerError>[1] = {}) => {
          results.set(id, { id, refused: ledgerError(problem, { id, ...about }) });
        };
        if (!entry) {
          fail("ENTRY_NOT_FOUND");
          continue;
        }
        const s = initial.get(entry.caseKey);
        if (!s || s.creditorId !== this.deps.memberId) {
          results.set(id, { id, refused: notCreditor() });
          continue;
        }
        let ledger = ledgers.get(entry.caseKey);
        if (!ledger) {
          const earlier = decidedHere.get(entry.caseKey);
          const written = entriesOf.get(entry.caseKey) ?? [];
          ledger = foldLedger(BigInt(s.outstandingFen), earlier ? [...written, ...earlier] : written);
          ledgers.set(entry.caseKey, ledger);
        }
        const problem = decisionProblem(ledger, id, decision);
        if (problem) {
          const r = ledger.repayments.find((x) => x.id === id);
          fail(problem, { state: r?.state, amountFen: r ? BigInt(r.amountFen) : undefined, outstandingFen: ledger.outstandingFen });
          continue;
        }
        const repayment = entry as RepaymentEntry;
        const warning = decision === "confirmed" ? repaymentWarning(ledger, BigInt(repayment.amountFen)) : undefined;
        if (warning) warnings.set(id, warning);
        accepted.push({ repayment, decision, ...(reason ? { reason } : {}) });
        // Later ids of the same case see this decision (a stand-in id and leaf hash: only the state matters to the checks).
        const standIn: DecisionEntry = { type: "decision", id: STAND_IN_ID, caseKey: entry.caseKey, recordedAt: "", repaymentId: id, decision, by, evidence: { leafHash: "" } };
        const earlier = decidedHere.get(entry.caseKey);
        if (earlier) earlier.push(standIn);
        else decidedHere.set(entry.caseKey, [standIn]);
        ledgers.delete(entry.caseKey);
      }
      for (const d of await this.#take(accepted, by)) {
        const warning = warnings.get(d.repaymentId);
        results.set(d.repaymentId, { id: d.repaymentId, state: d.decision, evidenceLeafHash: d.evidence.leafHash, ...(warning ? { warning } : {}) });
      }
      return ids.map((id) => results.get(id)!);
    });
  }

  /**
   * Notarizes, writes and tells the agencies the accepted decisions, in parts of DECISIONS_PER_WRITE: every part is
   * queued in the evidence log at once, and each is written to the ledger and told to its agencies as soon as it is
   * notarized, while the log writes the next (the ledger's write and the log's synced one overlap). A part is written
   * only after the parts before it; when one fails, the parts written before it stand, are told, and the request fails.
   */
  async #take(accepted: ReadonlyArray<{ repayment: RepaymentEntry; decision: "confirmed" | "disputed"; reason?: DisputeReason }>, by: Actor): Promise<DecisionEntry[]> {
    const parts: Array<typeof accepted> = [];
    for (let i = 0; i < accepted.length; i += DECISIONS_PER_WRITE) parts.push(accepted.slice(i, i + DECISIONS_PER_WRITE));
    const notarized = parts.map((part) => this.#decisions(part, by));
    // A part's notarization that is no longer awaited (an earlier one failed) must not be an unhandled rejection.
    for (const pending of notarized) pending.catch(() => undefined);
    const decisions: DecisionEntry[] = [];
    let written: Promise<void> = Promise.resolve();
    let failure: { error: unknown } | undefined;
    for (const [p, pending] of notarized.entries()) {
      let made: DecisionEntry[];
      try {
        made = await pending;
      } catch (error) {
        failure = { error };
        break;
      }
      const part = parts[p]!;
      written = written.then(async () => {
        await this.deps.ledger.append(made);
        decisions.push(...made);
        await this.#tellAgencies(part.map((a, i) => ({ repayment: a.repayment, notice: { reportId: a.repayment.id, caseKey: a.repayment.caseKey, state: a.decision, ...(a.reason ? { reason: a.reason } : {}), at: made[i]!.recordedAt, evidenceLeafHash: made[i]!.evidence.leafHash } })));
      });
      written.catch(() => undefined);
    }
    await written;
    if (failure) throw failure.error;
    return decisions;
  }

  /** Reverses a repayment or a waiver (at most once); an agency's reversed repayment is told to the agency. */
  async reverse(id: string, rawReason: unknown, by: Actor): Promise<{ reversal: LedgerEntry; outstandingFen: string }> {
    if (!isEntryId(id)) throw ledgerError("ENTRY_NOT_FOUND", { id });
    if (!isReversalReason(rawReason)) throw inputError("REASON_INVALID");
    const reason: ReversalReason = rawReason;
    return this.#exclusive(async () => {
      const target = await this.deps.ledger.get(id);
      if (!target) throw ledgerError("ENTRY_NOT_FOUND", { id });
      const ledger = await this.#fold(target.caseKey);
      const problem = reversalProblem(ledger, id);
      if (problem) throw ledgerError(problem, { id });
      const reversal: LedgerEntry = { type: "reversal", id: newId(), caseKey: target.caseKey, recordedAt: this.#now(), reverses: id, reason, by };
      await this.deps.ledger.append([reversal]);
      const after = foldLedger(ledger.initialFen, [...ledger.entries, reversal]);
      if (target.type === "repayment" && target.agencyId !== null) {
        await this.#tellAgencies([{ repayment: target, notice: { reportId: id, caseKey: target.caseKey, state: "reversed", reason, at: reversal.recordedAt } }]);
      }
      return { reversal, outstandingFen: String(after.outstandingFen) };
    });
  }

  /** A waiver (减免) approved by a staff token: refused beyond the outstanding or the case's waiver limit. */
  async waive(rawCaseKey: string, raw: Record<string, unknown>, by: Actor): Promise<{ waiver: LedgerEntry; outstandingFen: string }> {
    const caseKey = parseCaseKey(rawCaseKey);
    if (!caseKey) throw inputError("CASE_KEY_INVALID");
    const amountFen = parsePositiveFen(raw.amountFen);
    if (amountFen === undefined) throw inputError("AMOUNT_INVALID");
    if (!isWaiverReason(raw.reason)) throw inputError("REASON_INVALID");
    const reason: WaiverReason = raw.reason;
    return this.#exclusive(async () => {
      const ledger = await this.#fold(caseKey);
      const percent = this.deps.waiverLimitPercent;
      const problem = waiverProblem(ledger, amountFen, percent);
      if (problem) throw ledgerError(problem, { amountFen, outstandingFen: ledger.outstandingFen, limitFen: waiverLimitFen(ledger.initialFen, percent), waivedFen: ledger.waivedFen, percent });
      const waiver: LedgerEntry = { type: "waiver", id: newId(), caseKey, recordedAt: this.#now(), amountFen: String(amountFen), reason, approvedBy: by };
      await this.deps.ledger.append([waiver]);
      return { waiver, outstandingFen: String(ledger.outstandingFen - amountFen) };
    });
  }

  /** Decision entries for `items`, each notarized in the evidence log (kind `repayment`, its canonical JSON inline). */
  async #decisions(items: ReadonlyArray<{ repayment: RepaymentEntry; decision: "confirmed" | "disputed"; reason?: DisputeReason }>, by: Actor): Promise<DecisionEntry[]> {
    if (items.length === 0) return [];
    const at = this.#now();
    const docs = items.map((item): DecisionDocument => ({
      format: DECISION_FORMAT,
      creditorId: this.deps.memberId,
      caseKey: item.repayment.caseKey,
      repaymentId: item.repayment.id,
      amountFen: item.repayment.amountFen,
      paidAt: item.repayment.paidAt,
      reportedBy: item.repayment.reportedBy,
      decision: item.decision,
      ...(item.reason ? { reason: item.reason } : {}),
      decidedAt: at,
      by: by.tokenId,
    }));
    const drafts: RecordDraft[] = docs.map((doc) => {
      const text = decisionJson(doc);
      return { caseKey: doc.caseKey, kind: "repayment", contentSha256: createHash("sha256").update(text, "utf8").digest("hex"), contentSize: Buffer.byteLength(text, "utf8"), mediaType: "application/json", capturedAt: at, kept: false, source: "system", by: by.tokenId, inline: text };
    });
    const logged = await this.deps.notarize(drafts);
    const ids = newIds(items.length);
    return items.map((item, i) => ({
      type: "decision",
      id: ids[i]!,
      caseKey: item.repayment.caseKey,
      recordedAt: at,
      repaymentId: item.repayment.id,
      decision: item.decision,
      ...(item.reason ? { reason: item.reason } : {}),
      by,
      evidence: { leafHash: logged[i]!.leafHash },
    }));
  }

  /** Sends the notices to the agencies that reported the repayments, in messages of at most DECISIONS_PER_MESSAGE. */
  async #tellAgencies(items: ReadonlyArray<{ repayment: RepaymentEntry; notice: DecisionNotice }>): Promise<void> {
    const byAgency = new Map<number, DecisionNotice[]>();
    for (const { repayment, notice } of items) {
      if (repayment.agencyId === null) continue;
      const list = byAgency.get(repayment.agencyId) ?? [];
      list.push(notice);
      byAgency.set(repayment.agencyId, list);
    }
    for (const [agencyId, notices] of byAgency) {
      for (let i = 0; i < notices.length; i += DECISIONS_PER_MESSAGE) {
        await this.deps.deliver(agencyId, DECISION_KIND, { decisions: notices.slice(i, i + DECISIONS_PER_MESSAGE) });
      }
    }
  }
}
