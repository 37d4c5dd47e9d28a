import { randomBytes } from "node:crypto";
import type { ChainCaseState } from "./chain-case.js";
import type { Clock } from "../../domain/clock.js";
import { isHeldFromCreditor } from "../../domain/consortium/index.js";
import { isEntryId } from "../../domain/repayments/entries.js";
import { parseCaseKey, parseRepaymentInput } from "../../domain/repayments/input.js";
import { msg } from "../../messages/message.js";
import type { PeerOutboxItem } from "../../store/peer-outbox.js";
import type { RepaymentReport, RepaymentReports, ReportState } from "../../store/repayment-reports.js";
import type { EvidenceService, EvidenceView } from "../evidence.js";
import type { PeerExchange } from "../peer/channel.js";
import { ServiceError } from "../service-error.js";
import { bodyInvalid, inputError, notHolder } from "./errors.js";
import { type DecisionBody, REPORT_KIND, type ReportAnswer, type ReportBody } from "./messages.js";

export interface RepaymentReporterDeps {
  reports: RepaymentReports;
  evidence: Pick<EvidenceService, "get" | "recordHash">;
  /** Read before a report goes out: the case's creditor and holder now. */
  casesOf: (caseKeys: string[]) => Promise<ChainCaseState[]>;
  deliver: (to: number, kind: string, body: unknown, options: { id: string }) => Promise<PeerOutboxItem>;
  memberId: number;
  clock: Clock;
}

const DECISION_STATES: ReadonlySet<string> = new Set(["confirmed", "disputed", "reversed"]);

/**
 * The agency's side of repayments (docs/design.md §22): it records the voucher in its own evidence log (kind
 * `repayment`), keeps its copy of the report, and delivers `repayment.report` to the case's creditor through the
 * outbox; the creditor's signed answer and later decisions (`repayment.decision`) move the report's state.
 */
export class RepaymentReporter {
  constructor(private readonly deps: RepaymentReporterDeps) {}

  /**
   * Reports a repayment on a case this member holds now (the chain says so; the creditor checks it again). The voucher
   * is a record of kind `repayment` already in this member's log (`voucherEvidenceId`), or a file's digest to record
   * now (`voucher: { contentSha256, contentSize, mediaType }`).
   */
  async report(raw: Record<string, unknown>, by?: string): Promise<RepaymentReport> {
    const input = parseRepaymentInput(raw, this.deps.clock());
    if ("problem" in input) throw inputError(input.problem);
    const [state] = await this.deps.casesOf([input.caseKey]);
    const creditorId = Number(state?.creditorId ?? 0n);
    if (!state || creditorId === 0 || !isHeldFromCreditor(state, creditorId, this.deps.memberId, Math.floor(this.deps.clock() / 1000))) throw notHolder();
    const voucher = await this.#voucher(input.caseKey, raw, by);
    const reportId = randomBytes(16).toString("hex");
    const at = new Date(this.deps.clock()).toISOString();
    const report: RepaymentReport = {
      reportId,
      caseKey: input.caseKey,
      creditorId,
      amountFen: String(input.amountFen),
      paidAt: input.paidAt,
      channel: input.channel,
      payer: input.payer,
      voucher: { evidenceId: voucher.id, leafHash: voucher.leafHash },
      reportedAt: at,
      ...(by ? { by } : {}),
      outboxId: reportId,
      state: "sending",
      history: [{ state: "sending", at }],
    };
    // Written before the message: the answer's hook finds the report whenever it comes.
    await this.deps.reports.put(report);
    const body: ReportBody = { reportId, caseKey: report.caseKey, amountFen: report.amountFen, paidAt: report.paidAt, channel: report.channel, payer: report.payer, voucher: { leafHash: voucher.leafHash, contentSha256: voucher.contentSha256 } };
    await this.deps.deliver(creditorId, REPORT_KIND, body, { id: reportId });
    return report;
  }

  async #voucher(caseKey: string, raw: Record<string, unknown>, by?: string): Promise<EvidenceView> {
    const invalid = () => new ServiceError("VALIDATION_FAILED", msg("repayment.VOUCHER_INVALID"), { problem: "VOUCHER_INVALID" });
    if (raw.voucherEvidenceId !== undefined) {
      const id = raw.voucherEvidenceId;
      if (typeof id !== "number" || !Number.isSafeInteger(id) || id < 0) throw invalid();
      const view = await this.deps.evidence.get(id).catch(() => undefined);
      if (!view || view.kind !== "repayment" || view.caseKey !== caseKey) throw invalid();
      return view;
    }
    const file = raw.voucher as Record<string, unknown> | undefined;
    if (!file || typeof file !== "object") throw new ServiceError("VALIDATION_FAILED", msg("repayment.VOUCHER_REQUIRED"), { problem: "VOUCHER_REQUIRED" });
    return this.deps.evidence.recordHash({ ...file, caseKey, kind: "repayment" }, by);
  }

  /** The creditor's answer to a report (the outbox's hook): reported (or as the ledger has it), or refused. */
  async answered(item: PeerOutboxItem, exchange: PeerExchange): Promise<void> {
    const report = await this.deps.reports.get(item.id);
    if (!report) return;
    const answer = exchange.answer.envelope;
    const at = new Date(this.deps.clock()).toISOString();
    if (answer.refused) {
      if (report.state === "refused") return;
      await this.deps.reports.put({ ...report, state: "refused", refused: answer.refused, history: [...report.history, { state: "refused", at, reason: answer.refused.code, envelopeHash: exchange.answer.hash }] });
      return;
    }
    const state = (answer.body as Partial<ReportAnswer> | undefined)?.state;
    const next: ReportState = state === "confirmed" || state === "disputed" || state === "reversed" ? state : "reported";
    if (report.state !== "sending") return;
    await this.deps.reports.put({ ...report, state: next, history: [...report.history, { state: next, at, envelopeHash: exchange.answer.hash }] });
  }

  /** A dead-lettered report (the creditor's gateway never answered): shown as such. */
  async deadLettered(reportId: string): Promise<void> {
    const report = await this.deps.reports.get(reportId);
    if (!report || report.state !== "sending") return;
    await this.deps.reports.put({ ...report, state: "dead-letter", history: [...report.history, { state: "dead-letter", at: new Date(this.deps.clock()).toISOString() }] });
  }

  /**
   * `repayment.decision` from creditor `from`: each notice moves a report this member sent to that creditor; a notice
   * about any other report (another creditor's, an id never sent) is ignored and counted.
   */
  async receiveDecisions(from: number, raw: unknown, envelopeHash: string): Promise<{ applied: number; ignored: number }> {
    const decisions = (raw as Partial<DecisionBody> | undefined)?.decisions;
    if (!Array.isArray(decisions)) throw bodyInvalid();
    let applied = 0;
    let ignored = 0;
    for (const d of decisions) {
      const notice = d as Partial<DecisionBody["decisions"][number]>;
      const report = isEntryId(notice.reportId) ? await this.deps.reports.get(notice.reportId) : undefined;
      if (!report || report.creditorId !== from || typeof notice.state !== "string" || !DECISION_STATES.has(notice.state) || typeof notice.at !== "string") {
        ignored++;
        continue;
      }
      const state = notice.state as ReportState;
      // A repeat of the same notice (the creditor's outbox retried) changes nothing.
      if (report.history.some((h) => h.state === state && h.at === notice.at)) {
        applied++;
        continue;
      }
      const entry = { state, at: notice.at, envelopeHash, ...(typeof notice.reason === "string" ? { reason: notice.reason } : {}), ...(typeof notice.evidenceLeafHash === "string" ? { evidenceLeafHash: notice.evidenceLeafHash } : {}) };
      await this.deps.reports.put({ ...report, state, history: [...report.history, entry] });
      applied++;
    }
    return { applied, ignored };
  }

  /** This member's reports, newest first; of one case when `caseKey` is given. */
  async list(rawCaseKey?: unknown): Promise<RepaymentReport[]> {
    let caseKey: string | undefined;
    if (rawCaseKey !== undefined) {
      caseKey = parseCaseKey(rawCaseKey);
      if (!caseKey) throw inputError("CASE_KEY_INVALID");
    }
    const out: RepaymentReport[] = [];
    for await (const r of this.deps.reports.all()) if (!caseKey || r.caseKey === caseKey) out.push(r);
    return out.sort((a, b) => b.reportedAt.localeCompare(a.reportedAt));
  }
}
