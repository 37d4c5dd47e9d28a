import type { Clock } from "../../domain/clock.js";
import { monthBounds } from "../../domain/fees/month.js";
import { checkStatement } from "../../domain/fees/statement-check.js";
import { statementCsv } from "../../domain/fees/statement-csv.js";
import { isStatementDocument, statementDocumentOf, statementHash, type StatementDocument } from "../../domain/fees/statement-document.js";
import { announcementFits, joinStatement, partDigest, splitStatement, statementHeader, type AnnouncedPart, type StatementHeader } from "../../domain/fees/statement-parts.js";
import { computeStatementBody, type StatementBody, type StatementScope } from "../../domain/fees/statement.js";
import { msg } from "../../messages/message.js";
import type { PeerOutboxItem } from "../../store/peer-outbox.js";
import type { StatementPartStore } from "../../store/statement-parts.js";
import type { DisputedLine, StatementStore, StatementSummary, StoredStatement } from "../../store/statement-store.js";
import { pad } from "../../store/table.js";
import type { EvidenceService } from "../evidence.js";
import type { PeerChannel, PeerExchange } from "../peer/channel.js";
import type { PeerOutbox } from "../peer/outbox.js";
import type { SignedPeerEnvelope } from "../peer/envelope.js";
import { notFound, ServiceError } from "../service-error.js";
import { renderStatementPdf } from "../statement-pdf.js";
import type { FeeScheduleService } from "./fee-schedules.js";
import { agreementRecord, answerBody, stored } from "./peer-agreement.js";
import type { StatementAssignmentSource, StatementEntrySource } from "./statement-sources.js";
import { KeyedSerial } from "../keyed-serial.js";

export interface StatementDeps {
  store: StatementStore;
  schedules: Pick<FeeScheduleService, "agreed">;
  entries: StatementEntrySource;
  assignments: StatementAssignmentSource;
  channel: Pick<PeerChannel, "send" | "handle">;
  /** Where statement.issue and statement.part go: they arrive after a restart or a peer outage, never lost. */
  outbox: Pick<PeerOutbox, "deliver" | "onAnswer" | "onDeadLetter">;
  /** Agency side: statements whose parts are still arriving. */
  parts: StatementPartStore;
  evidence: Pick<EvidenceService, "recordSystem">;
  /** MemberRegistry: whether a member is active with that role now. */
  activeAs: (memberId: number, role: "lender" | "agency") => Promise<boolean>;
  /** A member's name from the chain-verified directory (for the PDF). */
  nameOf: (memberId: number) => Promise<string>;
  memberId: number;
  clock: Clock;
}

const HASH = /^0x[0-9a-f]{64}$/;
const ISSUE_KIND = "statement.issue";
const PART_KIND = "statement.part";
const MAX_DISPUTED_LINES = 10_000;
const MAX_REASON = 500;

/** statement.issue: the document without its lines, and the parts that will carry them. */
interface IssueBody {
  header: StatementHeader;
  hash: string;
  parts: AnnouncedPart[];
}
/** The agency's answer to statement.issue and statement.part. */
interface IssueAnswer {
  received: string;
  state: StoredStatement["state"] | "receiving";
  missing?: number[];
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
    deps.channel.handle(ISSUE_KIND, (from, body, request) => this.#announced(from, body, request));
    deps.channel.handle(PART_KIND, (from, body) => this.#serial.run(hashOf(body), () => this.#part(from, body)));
    deps.outbox.onAnswer(ISSUE_KIND, (item, exchange) => this.#serial.run(hashOf(item.body), () => this.#issueAnswered(item, exchange)));
    deps.outbox.onAnswer(PART_KIND, (item, exchange) => this.#serial.run(hashOf(item.body), () => this.#partAnswered(exchange)));
    deps.outbox.onDeadLetter(ISSUE_KIND, (item) => this.#serial.run(hashOf(item.body), () => this.#undelivered(item)));
    deps.outbox.onDeadLetter(PART_KIND, (item) => this.#serial.run(hashOf(item.body), () => this.#undelivered(item)));
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
    const [statement, earlier] = await Promise.all([this.#compute({ creditorId, agencyId, month, schedules }, bounds), this.deps.store.list({ creditorId, agencyId, month })]);
    const at = new Date(now).toISOString();
    const doc = statementDocumentOf(statement, { issuedAt: at, ...(earlier[0] ? { supersedes: earlier[0].hash } : {}) });
    const hash = statementHash(doc);
    const record: StoredStatement = { hash, doc, state: "issued", createdAt: at, updatedAt: at };
    await this.deps.store.put(record);
    await this.#announce(record, `statement:${hash}`);
    return summary(record);
  }

  /**
   * The month's entries read and priced in a call of their own: once it returns, nothing holds the entries, so the
   * stored and sent document's lines are not kept beside every input object they came from (an async function's
   * variables live until it ends).
   */
  async #compute(scope: Omit<StatementScope, "assignments">, bounds: { start: number; end: number }): Promise<StatementBody> {
    const entries = await this.deps.entries.entries(scope.creditorId, scope.agencyId, bounds.start, bounds.end);
    const caseKeys = new Set<string>();
    for (const e of entries.confirmed) caseKeys.add(e.caseKey);
    for (const e of entries.reversals) caseKeys.add(e.reversed.caseKey);
    for (const e of entries.open) caseKeys.add(e.caseKey);
    const assignments = await this.deps.assignments.assignments(scope.creditorId, scope.agencyId, { fromMs: bounds.start, caseKeys });
    return computeStatementBody({ ...scope, assignments }, entries);
  }

  /**
   * Creditor: announces an issued statement the agency's gateway does not hold whole yet, again (after a dead letter
   * or a refusal); the agency answers with the parts it still misses and only those are sent.
   */
  async resend(hash: string): Promise<StatementSummary> {
    const record = await this.#mine(hash);
    if (record.doc.creditorId !== this.deps.memberId || record.deliveredAt !== undefined || record.state !== "issued") return summary(record);
    delete record.deliveryError;
    await this.deps.store.put(record);
    await this.#announce(record);
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

  /** Creditor: the header through the outbox; its parts follow once the agency's gateway has taken the header. */
  async #announce(record: StoredStatement, id?: string): Promise<void> {
    const parts = splitStatement(record.doc).map((p) => p.announced);
    const body: IssueBody = { header: statementHeader(record.doc), hash: record.hash, parts };
    await this.deps.outbox.deliver(record.doc.agencyId, ISSUE_KIND, body, id === undefined ? {} : { id });
  }

  /** Creditor: the agency's gateway answered the header; the parts it misses go out, each under an id of its own. */
  async #issueAnswered(item: PeerOutboxItem, exchange: PeerExchange): Promise<void> {
    const record = await this.deps.store.get(hashOf(item.body));
    if (!record || record.doc.creditorId !== this.deps.memberId) return;
    const refused = exchange.answer.envelope.refused;
    if (refused) record.deliveryError = refused.code;
    else {
      record.issue = stored(exchange.request);
      record.issueAnswer = stored(exchange.answer);
      const answer = exchange.answer.envelope.body as Partial<IssueAnswer>;
      if (answer.state === "receiving") {
        const missing = new Set(answer.missing ?? []);
        const parts = splitStatement(record.doc);
        for (let index = 0; index < parts.length; index++) {
          if (!missing.has(index)) continue;
          const { lines, apart } = parts[index]!.part;
          await this.deps.outbox.deliver(record.doc.agencyId, PART_KIND, { hash: record.hash, index, lines, apart }, { id: `${item.id}:part:${pad(index, 4)}` });
        }
      } else record.deliveredAt = new Date(this.deps.clock()).toISOString();
    }
    record.updatedAt = new Date(this.deps.clock()).toISOString();
    await this.deps.store.put(record);
  }

  /** Creditor: a part answered; the one that completes the statement says so. A repeat's refusal changes nothing. */
  async #partAnswered(exchange: PeerExchange): Promise<void> {
    const record = await this.deps.store.get(hashOf(exchange.request.envelope.body));
    if (!record || record.doc.creditorId !== this.deps.memberId || record.deliveredAt !== undefined) return;
    const refused = exchange.answer.envelope.refused;
    if (refused && (refused.message === "fees.PART_DUPLICATE" || refused.message === "fees.PART_COMPLETE")) return;
    if (refused) record.deliveryError = refused.code;
    else if ((exchange.answer.envelope.body as Partial<IssueAnswer>).state === "received") record.deliveredAt = new Date(this.deps.clock()).toISOString();
    else return;
    record.updatedAt = new Date(this.deps.clock()).toISOString();
    await this.deps.store.put(record);
  }

  async #undelivered(item: PeerOutboxItem): Promise<void> {
    const record = await this.deps.store.get(hashOf(item.body));
    if (!record || record.deliveredAt !== undefined) return;
    record.deliveryError = "DEAD_LETTER";
    record.updatedAt = new Date(this.deps.clock()).toISOString();
    await this.deps.store.put(record);
  }

  /** One statement's messages and answers one at a time: its parts arrive and are answered in parallel. */
  readonly #serial = new KeyedSerial();

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

  /**
   * Agency side of statement.issue: from the statement's creditor, to this agency, parts that add up to its counts.
   * Kept as incoming with the creditor's signed header; the answer names the parts still missing.
   */
  async #announced(from: number, body: unknown, request: SignedPeerEnvelope): Promise<IssueAnswer> {
    const { header, hash, parts } = isRecord(body) ? body : {};
    const shape = isRecord(header) ? { ...header, lines: [], apart: [] } : undefined;
    if (!isStatementDocument(shape) || typeof hash !== "string" || !HASH.test(hash)) throw new ServiceError("VALIDATION_FAILED", msg("fees.STATEMENT_FORMAT"));
    if (shape.creditorId !== from || shape.agencyId !== this.deps.memberId) throw new ServiceError("FORBIDDEN", msg("fees.NOT_PARTY"));
    const announced = Array.isArray(parts) ? parts.filter(isAnnouncedPart) : [];
    if (!Array.isArray(parts) || announced.length !== parts.length || !announcementFits(statementHeader(shape), announced)) {
      throw new ServiceError("VALIDATION_FAILED", msg("fees.PARTS_ANNOUNCED"));
    }
    await this.#assertRoles(from, this.deps.memberId);
    // Before any part is kept: the schedules it names are ones both signed (a member without one buffers nothing here).
    const agreed = await this.deps.schedules.agreed(from, this.deps.memberId);
    const early = checkStatement(shape, { creditorId: from, agencyId: this.deps.memberId }, agreed).filter((p) => p.code === "SCHEDULE_UNKNOWN" || p.code === "PAIR");
    if (agreed.length === 0 || early.length > 0) {
      throw new ServiceError("VALIDATION_FAILED", msg("fees.STATEMENT_WRONG", { problems: Math.max(early.length, 1) }), { problems: early.length ? early : [{ code: "SCHEDULE_UNKNOWN", lineId: "" }] });
    }
    return this.#serial.run(hash, async () => {
      const had = await this.deps.store.get(hash);
      if (had) return { received: hash, state: had.state };
      const incoming = await this.deps.parts.incoming(hash);
      // A statement refused once stays refused: announcing it again does not reopen it.
      if (incoming?.refused) throw new ServiceError("CONFLICT", msg("fees.PART_COMPLETE"));
      if (incoming) return { received: hash, state: "receiving", missing: missingOf(incoming.parts.length, incoming.received) };
      const now = new Date(this.deps.clock()).toISOString();
      await this.deps.parts.putIncoming({ hash, header: statementHeader(shape), parts: announced.map(({ lines, apart, sha256 }) => ({ lines, apart, sha256 })), issue: stored(request), received: [], createdAt: now, updatedAt: now });
      return { received: hash, state: "receiving", missing: missingOf(announced.length, []) };
    });
  }

  /**
   * Agency side of statement.part: a part of a statement its creditor announced and this gateway does not hold whole,
   * not seen before, whose lines hash to the announcement. With the last part the whole document must hash to the
   * statement hash and its arithmetic hold (checkStatement) before it is kept as received.
   */
  async #part(from: number, body: unknown): Promise<IssueAnswer> {
    const { hash, index, lines, apart } = isRecord(body) ? body : {};
    if (typeof hash !== "string" || !HASH.test(hash)) throw new ServiceError("NOT_FOUND", msg("fees.PART_UNKNOWN"));
    const incoming = await this.deps.parts.incoming(hash);
    if (!incoming || incoming.header.creditorId !== from) throw new ServiceError("NOT_FOUND", msg("fees.PART_UNKNOWN"));
    if (incoming.refused || (await this.deps.store.get(hash))) throw new ServiceError("CONFLICT", msg("fees.PART_COMPLETE"));
    const i = typeof index === "number" && Number.isSafeInteger(index) && index >= 0 ? index : -1;
    const announced = incoming.parts[i];
    if (announced === undefined) throw new ServiceError("VALIDATION_FAILED", msg("fees.PART_INDEX", { index: String(index).slice(0, 12) }));
    if (incoming.received.includes(i)) throw new ServiceError("CONFLICT", msg("fees.PART_DUPLICATE", { index: i }));
    const part = { lines: Array.isArray(lines) ? lines : [], apart: Array.isArray(apart) ? apart : [] };
    if (part.lines.length !== announced.lines || part.apart.length !== announced.apart || partDigest(part) !== announced.sha256) {
      throw new ServiceError("VALIDATION_FAILED", msg("fees.PART_HASH", { index: i }));
    }
    await this.deps.parts.putPart(hash, i, part);
    incoming.received.push(i);
    incoming.updatedAt = new Date(this.deps.clock()).toISOString();
    if (incoming.received.length < incoming.parts.length) {
      await this.deps.parts.putIncoming(incoming);
      return { received: hash, state: "receiving", missing: missingOf(incoming.parts.length, incoming.received) };
    }
    const document: unknown = joinStatement(incoming.header, await this.deps.parts.parts(hash));
    const refuse = async (error: ServiceError, problems: number) => {
      incoming.refused = { code: error.code, problems };
      await this.deps.parts.putIncoming(incoming);
      return error;
    };
    if (!isStatementDocument(document)) throw await refuse(new ServiceError("VALIDATION_FAILED", msg("fees.STATEMENT_FORMAT")), 0);
    if (statementHash(document) !== hash) throw await refuse(new ServiceError("VALIDATION_FAILED", msg("fees.HASH_MISMATCH")), 0);
    const problems = checkStatement(document, { creditorId: from, agencyId: this.deps.memberId }, await this.deps.schedules.agreed(from, this.deps.memberId));
    if (problems.length > 0) {
      throw await refuse(new ServiceError("VALIDATION_FAILED", msg("fees.STATEMENT_WRONG", { problems: problems.length }), { problems: problems.slice(0, 100) }), problems.length);
    }
    const now = new Date(this.deps.clock()).toISOString();
    await this.deps.store.put({ hash, doc: document, state: "received", issue: incoming.issue, createdAt: incoming.createdAt, updatedAt: now });
    await this.deps.parts.putIncoming(incoming);
    await this.deps.parts.clearParts(hash);
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

function hashOf(body: unknown): string {
  return isRecord(body) && typeof body.hash === "string" ? body.hash : "";
}

function isAnnouncedPart(p: unknown): p is AnnouncedPart {
  return isRecord(p) && typeof p.lines === "number" && typeof p.apart === "number" && typeof p.sha256 === "string";
}

function missingOf(count: number, received: readonly number[]): number[] {
  const have = new Set(received);
  return Array.from({ length: count }, (_, i) => i).filter((i) => !have.has(i));
}

function summary(record: StoredStatement): StatementSummary {
  const { doc, issue: _i, issueAnswer: _a, decision: _d, decisionAnswer: _da, ...rest } = record;
  return { ...rest, creditorId: doc.creditorId, agencyId: doc.agencyId, month: doc.month, supersedes: doc.supersedes, totals: doc.totals };
}

function fileName(doc: StatementDocument, ext: string): string {
  return `statement-${doc.creditorId}-${doc.agencyId}-${doc.month}.${ext}`;
}
