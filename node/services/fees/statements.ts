import { canonicalJson } from "../../domain/canonical-json.js";
import type { Clock } from "../../domain/clock.js";
import { monthBounds } from "../../domain/fees/month.js";
import { checkStatement } from "../../domain/fees/statement-check.js";
import { statementCsv } from "../../domain/fees/statement-csv.js";
import { isStatementDocument, statementDocument, statementHash, type StatementDocument } from "../../domain/fees/statement-document.js";
import { computeStatement } from "../../domain/fees/statement.js";
import { msg } from "../../messages/message.js";
import type { DisputedLine, StatementStore, StatementSummary, StoredStatement } from "../../store/statement-store.js";
import type { EvidenceService } from "../evidence.js";
import type { PeerChannel } from "../peer/channel.js";
import type { SignedPeerEnvelope } from "../peer/envelope.js";
import { notFound, ServiceError } from "../service-error.js";
import { renderStatementPdf } from "../statement-pdf.js";
import type { FeeScheduleService } from "./fee-schedules.js";
import { agreementRecord, answerBody, stored } from "./peer-agreement.js";
import type { StatementAssignmentSource, StatementEntrySource } from "./statement-sources.js";

export interface StatementDeps {
  store: StatementStore;
  schedules: Pick<FeeScheduleService, "agreed">;
  entries: StatementEntrySource;
  assignments: StatementAssignmentSource;
  channel: Pick<PeerChannel, "send" | "handle">;
  evidence: Pick<EvidenceService, "recordSystem">;
  /** MemberRegistry: whether a member is active with that role now. */
  activeAs: (memberId: number, role: "lender" | "agency") => Promise<boolean>;
  /** A member's name from the chain-verified directory (for the PDF). */
  nameOf: (memberId: number) => Promise<string>;
  memberId: number;
  clock: Clock;
}

const HASH = /^0x[0-9a-f]{64}$/;
/** A statement travels whole in one caseledger-peer/1 message, under the channel's body limit (1 MB) with room. */
const MAX_PEER_STATEMENT_BYTES = 900_000;
const MAX_DISPUTED_LINES = 10_000;
const MAX_REASON = 500;

interface IssueBody {
  document: StatementDocument;
  hash: string;
}
interface DecisionBody {
  hash: string;
  lines?: DisputedLine[];
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Monthly statements between a creditor and an agency (docs/design.md §23). The creditor computes and issues one
 * (stored for good, its hash its id) and sends it, signed, as `statement.issue`; the agency's gateway checks the
 * arithmetic against the schedules both signed before it keeps it; the agency accepts (`statement.accept`) or disputes
 * lines (`statement.dispute`), signed; the creditor's gateway takes a decision only from the statement's agency and
 * answers it signed. An accepted statement is notarized in both members' evidence logs.
 */
export class StatementService {
  constructor(private readonly deps: StatementDeps) {
    deps.channel.handle("statement.issue", (from, body, request) => this.#received(from, body, request));
    deps.channel.handle("statement.accept", (from, body, request) => this.#decided(from, body, request, "accepted"));
    deps.channel.handle("statement.dispute", (from, body, request) => this.#decided(from, body, request, "disputed"));
  }

  /** Creditor: computes the statement of (this creditor, agency, month), stores it and sends it to the agency. */
  async issue(raw: unknown): Promise<StatementSummary> {
    const { agencyId, month } = isRecord(raw) ? raw : {};
    const bounds = typeof month === "string" ? monthBounds(month) : undefined;
    if (typeof agencyId !== "number" || !Number.isSafeInteger(agencyId) || agencyId <= 0 || agencyId === this.deps.memberId || !bounds || typeof month !== "string") {
      throw new ServiceError("VALIDATION_FAILED", msg("fees.STATEMENT_REQUEST"));
    }
    const now = this.deps.clock();
    if (bounds.start > now) throw new ServiceError("VALIDATION_FAILED", msg("fees.MONTH_IN_FUTURE", { month }));
    const creditorId = this.deps.memberId;
    await this.#assertRoles(creditorId, agencyId);
    const schedules = await this.deps.schedules.agreed(creditorId, agencyId);
    if (schedules.length === 0) throw new ServiceError("CONFLICT", msg("fees.NO_AGREED_SCHEDULE", { agencyId }));
    const [entries, assignments, earlier] = await Promise.all([
      this.deps.entries.entries(creditorId, agencyId, bounds.start, bounds.end),
      this.deps.assignments.assignments(creditorId, agencyId),
      this.deps.store.list({ creditorId, agencyId, month }),
    ]);
    const statement = computeStatement({ creditorId, agencyId, month, schedules, assignments }, entries);
    const at = new Date(now).toISOString();
    const doc = statementDocument(statement, { issuedAt: at, ...(earlier[0] ? { supersedes: earlier[0].hash } : {}) });
    const hash = statementHash(doc);
    const record: StoredStatement = { hash, doc, state: "issued", createdAt: at, updatedAt: at };
    await this.deps.store.put(record);
    await this.#send(record);
    return summary(record);
  }

  /** Creditor: sends an issued statement the agency's gateway has not answered yet, again. */
  async resend(hash: string): Promise<StatementSummary> {
    const record = await this.#mine(hash);
    if (record.doc.creditorId !== this.deps.memberId || record.issueAnswer) return summary(record);
    await this.#send(record);
    return summary(record);
  }

  /** Agency: accepts a statement its gateway received; the creditor's gateway must answer, then both notarize it. */
  accept(hash: string): Promise<StatementSummary> {
    return this.#decide(hash, "accepted", []);
  }

  /** Agency: disputes lines of a statement, each with a reason (a code or short text, never personal data). */
  dispute(hash: string, raw: unknown): Promise<StatementSummary> {
    const lines = isRecord(raw) && Array.isArray(raw.lines) ? raw.lines : [];
    const parsed = lines.flatMap((l: unknown) => (isRecord(l) && typeof l.lineId === "string" && typeof l.reason === "string" && l.reason.length <= MAX_REASON ? [{ lineId: l.lineId, reason: l.reason }] : []));
    if (parsed.length === 0 || parsed.length !== lines.length || parsed.length > MAX_DISPUTED_LINES) throw new ServiceError("VALIDATION_FAILED", msg("fees.DISPUTE_LINES"));
    return this.#decide(hash, "disputed", parsed);
  }

  async list(filter: { creditorId?: number; agencyId?: number; month?: string }): Promise<StatementSummary[]> {
    const all = await this.deps.store.list(filter);
    return all.filter((s) => s.creditorId === this.deps.memberId || s.agencyId === this.deps.memberId);
  }

  async get(hash: string): Promise<StoredStatement> {
    return this.#mine(hash);
  }

  async csv(hash: string): Promise<{ name: string; chunks: Iterable<string> }> {
    const record = await this.#mine(hash);
    return { name: fileName(record.doc, "csv"), chunks: statementCsv(record.doc) };
  }

  async pdf(hash: string): Promise<{ name: string; bytes: Buffer }> {
    const record = await this.#mine(hash);
    const [creditorName, agencyName] = await Promise.all([this.deps.nameOf(record.doc.creditorId), this.deps.nameOf(record.doc.agencyId)]);
    const receipts = record.evidenceId === undefined ? [] : [`member #${this.deps.memberId}: evidence ${record.evidenceId}`];
    const bytes = await renderStatementPdf({ doc: record.doc, hash, creditorName, agencyName, state: record.state, receipts });
    return { name: fileName(record.doc, "pdf"), bytes };
  }

  async #assertRoles(creditorId: number, agencyId: number): Promise<void> {
    const [lender, agency] = await Promise.all([this.deps.activeAs(creditorId, "lender"), this.deps.activeAs(agencyId, "agency")]);
    if (!lender || !agency) throw new ServiceError("FORBIDDEN", msg("fees.NOT_LENDER_AND_AGENCY", { creditorId, agencyId }));
  }

  async #mine(hash: string): Promise<StoredStatement> {
    const record = HASH.test(hash) ? await this.deps.store.get(hash) : undefined;
    if (!record || (record.doc.creditorId !== this.deps.memberId && record.doc.agencyId !== this.deps.memberId)) throw notFound("statement", hash);
    return record;
  }

  async #send(record: StoredStatement): Promise<void> {
    const body: IssueBody = { document: record.doc, hash: record.hash };
    if (canonicalJson(body).length > MAX_PEER_STATEMENT_BYTES) record.deliveryError = "PAYLOAD_TOO_LARGE";
    else {
      try {
        const exchange = await this.deps.channel.send(record.doc.agencyId, "statement.issue", body);
        answerBody(exchange);
        record.issue = stored(exchange.request);
        record.issueAnswer = stored(exchange.answer);
        delete record.deliveryError;
      } catch (error) {
        record.deliveryError = error instanceof ServiceError ? error.code : "INTERNAL";
      }
    }
    record.updatedAt = new Date(this.deps.clock()).toISOString();
    await this.deps.store.put(record);
  }

  async #decide(hash: string, state: "accepted" | "disputed", lines: DisputedLine[]): Promise<StatementSummary> {
    const record = await this.#mine(hash);
    if (record.doc.agencyId !== this.deps.memberId) throw new ServiceError("FORBIDDEN", msg("fees.NOT_PARTY"));
    if (record.state === state && state === "accepted") return summary(record);
    if (record.state !== "received") throw new ServiceError("CONFLICT", msg("fees.STATEMENT_DECIDED", { state: record.state }));
    const known = new Set(record.doc.lines.map((l) => l.lineId));
    const unknown = lines.find((l) => !known.has(l.lineId));
    if (unknown) throw new ServiceError("VALIDATION_FAILED", msg("fees.DISPUTE_LINES"), { lineId: unknown.lineId });
    const kind = state === "accepted" ? "statement.accept" : "statement.dispute";
    const exchange = await this.deps.channel.send(record.doc.creditorId, kind, { hash, ...(lines.length ? { lines } : {}) } satisfies DecisionBody);
    answerBody(exchange);
    record.decision = stored(exchange.request);
    record.decisionAnswer = stored(exchange.answer);
    return summary(await this.#settle(record, state, lines));
  }

  /** Agency side of statement.issue: from the statement's creditor, to this agency, hash as claimed, arithmetic right. */
  async #received(from: number, body: unknown, request: SignedPeerEnvelope): Promise<unknown> {
    const { document, hash } = isRecord(body) ? body : {};
    if (!isStatementDocument(document)) throw new ServiceError("VALIDATION_FAILED", msg("fees.STATEMENT_FORMAT"));
    if (document.creditorId !== from || document.agencyId !== this.deps.memberId) throw new ServiceError("FORBIDDEN", msg("fees.NOT_PARTY"));
    if (statementHash(document) !== hash) throw new ServiceError("VALIDATION_FAILED", msg("fees.HASH_MISMATCH"));
    await this.#assertRoles(from, this.deps.memberId);
    const had = await this.deps.store.get(hash);
    if (had) return { received: hash, state: had.state };
    const problems = checkStatement(document, { creditorId: from, agencyId: this.deps.memberId }, await this.deps.schedules.agreed(from, this.deps.memberId));
    if (problems.length > 0) throw new ServiceError("VALIDATION_FAILED", msg("fees.STATEMENT_WRONG", { problems: problems.length }), { problems: problems.slice(0, 100) });
    const now = new Date(this.deps.clock()).toISOString();
    await this.deps.store.put({ hash, doc: document, state: "received", issue: stored(request), createdAt: now, updatedAt: now });
    return { received: hash, state: "received" };
  }

  /** Creditor side of statement.accept / statement.dispute: only from the statement's agency, once. */
  async #decided(from: number, body: unknown, request: SignedPeerEnvelope, state: "accepted" | "disputed"): Promise<unknown> {
    const { hash, lines } = isRecord(body) ? body : {};
    const record = typeof hash === "string" && HASH.test(hash) ? await this.deps.store.get(hash) : undefined;
    if (!record || record.doc.creditorId !== this.deps.memberId || record.doc.agencyId !== from) {
      throw new ServiceError("NOT_FOUND", msg("fees.STATEMENT_NOT_SENT"));
    }
    if (record.state === state) return { [state]: hash };
    if (record.state !== "issued") throw new ServiceError("CONFLICT", msg("fees.STATEMENT_DECIDED", { state: record.state }));
    const known = new Set(record.doc.lines.map((l) => l.lineId));
    const disputes = Array.isArray(lines)
      ? lines.flatMap((l: unknown) => (isRecord(l) && typeof l.lineId === "string" && known.has(l.lineId) && typeof l.reason === "string" ? [{ lineId: l.lineId, reason: l.reason.slice(0, MAX_REASON) }] : []))
      : [];
    if (state === "disputed" && disputes.length === 0) throw new ServiceError("VALIDATION_FAILED", msg("fees.DISPUTE_LINES"));
    record.decision = stored(request);
    await this.#settle(record, state, disputes);
    return { [state]: hash };
  }

  /** Both sides: the decision kept, and an accepted statement notarized with both members' signatures. */
  async #settle(record: StoredStatement, state: "accepted" | "disputed", disputes: DisputedLine[]): Promise<StoredStatement> {
    const now = new Date(this.deps.clock()).toISOString();
    record.state = state;
    if (state === "disputed") record.disputes = disputes;
    if (state === "accepted") {
      const { creditorId, agencyId, month } = record.doc;
      const signed = [record.issue, record.decision].filter((s) => s !== undefined);
      const [entry] = await this.deps.evidence.recordSystem([agreementRecord("statement", record.hash, { creditorId, agencyId }, signed, { month }, now)]);
      record.evidenceId = entry?.index;
    }
    record.updatedAt = now;
    await this.deps.store.put(record);
    return record;
  }
}

function summary(record: StoredStatement): StatementSummary {
  const { doc, issue: _i, issueAnswer: _a, decision: _d, decisionAnswer: _da, ...rest } = record;
  return { ...rest, creditorId: doc.creditorId, agencyId: doc.agencyId, month: doc.month, supersedes: doc.supersedes, totals: doc.totals };
}

function fileName(doc: StatementDocument, ext: string): string {
  return `statement-${doc.creditorId}-${doc.agencyId}-${doc.month}.${ext}`;
}
