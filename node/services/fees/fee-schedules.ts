import { feeScheduleHash, feeScheduleToJson, type FeeSchedule } from "../../domain/fees/fee-schedule.js";
import { dayStart } from "../../domain/fees/month.js";
import { type FeeScheduleProblem, parseFeeSchedule } from "../../domain/fees/schedule-validation.js";
import type { AgreedSchedule } from "../../domain/fees/statement-input.js";
import type { Clock } from "../../domain/clock.js";
import { msg } from "../../messages/message.js";
import type { FeeScheduleStore, StoredFeeSchedule } from "../../store/fee-schedule-store.js";
import type { StatementStore } from "../../store/statement-store.js";
import type { PeerOutboxItem } from "../../store/peer-outbox.js";
import type { EvidenceService } from "../evidence.js";
import type { PeerChannel, PeerExchange } from "../peer/channel.js";
import type { PeerOutbox } from "../peer/outbox.js";
import type { SignedPeerEnvelope } from "../peer/envelope.js";
import { notFound, problemsInvalid, ServiceError } from "../service-error.js";
import { agreementRecord, answerBody, stored } from "./peer-agreement.js";

export interface FeeScheduleDeps {
  store: FeeScheduleStore;
  /** The pair's statements: a schedule never changes what a month already stated says. */
  statements: Pick<StatementStore, "list">;
  channel: Pick<PeerChannel, "send" | "handle">;
  /** Where fee-schedule.propose goes: a restart or the agency's gateway down delays it, never loses it. */
  outbox: Pick<PeerOutbox, "deliver" | "onAnswer" | "onDeadLetter">;
  evidence: Pick<EvidenceService, "recordSystem">;
  /** MemberRegistry: whether a member is active with that role now. */
  activeAs: (memberId: number, role: "lender" | "agency") => Promise<boolean>;
  memberId: number;
  clock: Clock;
}

const HASH = /^0x[0-9a-f]{64}$/;
const PROPOSE_KIND = "fee-schedule.propose";

/** 400 with every problem, each with its code, path and words. */
const invalid = (problems: readonly FeeScheduleProblem[]) => problemsInvalid(msg("fees.SCHEDULE_INVALID"), problems, (p) => msg(`feeSchedule.${p.code}`));

interface ProposeBody {
  schedule: unknown;
  hash: string;
}
interface AcceptBody {
  hash: string;
}

/**
 * Fee schedules agreed over the peer channel (docs/design.md §23). The lender proposes (`fee-schedule.propose`: the
 * schedule and its hash, signed by the lender); the agency's gateway keeps it as received; the agency's staff accept,
 * and its gateway sends `fee-schedule.accept` (the hash, signed by the agency). The lender's gateway takes it only for
 * a schedule it proposed to that very agency; its signed answer completes the agreement. Both gateways then hold both
 * signatures and notarize the agreement in their own evidence logs. Only agreed schedules price a statement.
 */
export class FeeScheduleService {
  constructor(private readonly deps: FeeScheduleDeps) {
    deps.channel.handle(PROPOSE_KIND, (from, body, request) => this.#received(from, body, request));
    deps.outbox.onAnswer(PROPOSE_KIND, (item, exchange) => this.#proposalAnswered(item, exchange));
    deps.outbox.onDeadLetter(PROPOSE_KIND, (item) => this.#proposalDead(item));
    deps.channel.handle("fee-schedule.accept", (from, body, request) => this.#accepted(from, body, request));
  }

  /** Lender: validates a schedule for one of its agencies, keeps it and sends it to the agency's gateway. */
  async propose(raw: unknown): Promise<StoredFeeSchedule> {
    const body = typeof raw === "object" && raw !== null ? { ...raw, creditorId: this.deps.memberId } : raw;
    const result = parseFeeSchedule(body);
    if (!result.ok) throw invalid(result.problems);
    const { schedule } = result;
    if (schedule.agencyId === this.deps.memberId) throw invalid([{ code: "MEMBER_ID", path: "$.agencyId" }]);
    await this.#assertRoles(schedule.creditorId, schedule.agencyId);
    await this.#assertNext(schedule);
    await this.#assertAfterStatements(schedule);
    const now = new Date(this.deps.clock()).toISOString();
    const hash = feeScheduleHash(schedule);
    if (await this.deps.store.get(hash)) throw new ServiceError("CONFLICT", msg("fees.SCHEDULE_EXISTS", { hash }));
    const record: StoredFeeSchedule = { hash, schedule: feeScheduleToJson(schedule), state: "proposed", createdAt: now, updatedAt: now };
    await this.deps.store.put(record);
    await this.deps.outbox.deliver(schedule.agencyId, PROPOSE_KIND, { schedule: record.schedule, hash } satisfies ProposeBody, { id: `fee-schedule:${hash}` });
    return record;
  }

  /** Lender: proposes a schedule the agency's gateway has not taken yet again (after a dead letter or a refusal). */
  async resend(hash: string): Promise<StoredFeeSchedule> {
    const record = await this.get(hash);
    if (record.schedule.creditorId !== this.deps.memberId || record.state !== "proposed" || record.proposal) return record;
    delete record.deliveryError;
    record.updatedAt = new Date(this.deps.clock()).toISOString();
    await this.deps.store.put(record);
    await this.deps.outbox.deliver(record.schedule.agencyId, PROPOSE_KIND, { schedule: record.schedule, hash } satisfies ProposeBody);
    return record;
  }

  /** Agency: accepts a schedule its gateway received; the lender's gateway must answer before it is agreed. */
  async accept(hash: string): Promise<StoredFeeSchedule> {
    const record = await this.deps.store.get(hash);
    if (!record || record.schedule.agencyId !== this.deps.memberId) throw notFound("feeSchedule", hash);
    if (record.state === "agreed") return record;
    if (record.state !== "received") throw new ServiceError("CONFLICT", msg("fees.SCHEDULE_NOT_PENDING", { state: record.state }));
    const exchange = await this.deps.channel.send(record.schedule.creditorId, "fee-schedule.accept", { hash } satisfies AcceptBody);
    answerBody(exchange);
    record.acceptance = stored(exchange.request);
    record.acceptanceAnswer = stored(exchange.answer);
    return this.#agree(record);
  }

  async list(filter: { creditorId?: number; agencyId?: number }): Promise<StoredFeeSchedule[]> {
    // Each member sees its own pairs only.
    const mine = await this.deps.store.list(filter);
    return mine.filter((r) => r.schedule.creditorId === this.deps.memberId || r.schedule.agencyId === this.deps.memberId);
  }

  async get(hash: string): Promise<StoredFeeSchedule> {
    const record = await this.deps.store.get(hash);
    if (!record || (record.schedule.creditorId !== this.deps.memberId && record.schedule.agencyId !== this.deps.memberId)) throw notFound("feeSchedule", hash);
    return record;
  }

  /** The schedules of a pair both members signed: what prices and checks its statements. */
  async agreed(creditorId: number, agencyId: number): Promise<AgreedSchedule[]> {
    const records = await this.deps.store.list({ creditorId, agencyId });
    return records.flatMap((r) => {
      if (r.state !== "agreed") return [];
      const parsed = parseFeeSchedule(r.schedule);
      return parsed.ok ? [{ schedule: parsed.schedule, hash: r.hash }] : [];
    });
  }

  /** Lender: the agency's gateway answered the proposal; its signed request is the lender's half of the agreement. */
  async #proposalAnswered(item: PeerOutboxItem, exchange: PeerExchange): Promise<void> {
    const record = await this.deps.store.get((item.body as Partial<ProposeBody>).hash ?? "");
    if (!record || record.schedule.creditorId !== this.deps.memberId || record.proposal) return;
    const refused = exchange.answer.envelope.refused;
    if (refused) record.deliveryError = refused.code;
    else {
      record.proposal = stored(exchange.request);
      delete record.deliveryError;
    }
    record.updatedAt = new Date(this.deps.clock()).toISOString();
    await this.deps.store.put(record);
  }

  async #proposalDead(item: PeerOutboxItem): Promise<void> {
    const record = await this.deps.store.get((item.body as Partial<ProposeBody>).hash ?? "");
    if (!record || record.proposal) return;
    record.deliveryError = "DEAD_LETTER";
    record.updatedAt = new Date(this.deps.clock()).toISOString();
    await this.deps.store.put(record);
  }

  /** A schedule is between an active lender and an active agency, as the chain says now. */
  async #assertRoles(creditorId: number, agencyId: number): Promise<void> {
    const [lender, agency] = await Promise.all([this.deps.activeAs(creditorId, "lender"), this.deps.activeAs(agencyId, "agency")]);
    if (!lender || !agency) throw new ServiceError("FORBIDDEN", msg("fees.NOT_LENDER_AND_AGENCY", { creditorId, agencyId }));
  }

  /** Versions go up, and so do the days they come into force: "until" is the next version's day (§23). */
  async #assertNext(schedule: FeeSchedule): Promise<void> {
    const existing = await this.deps.store.list({ creditorId: schedule.creditorId, agencyId: schedule.agencyId });
    for (const r of existing) {
      if (r.schedule.version >= schedule.version || (dayStart(r.schedule.effectiveFrom) ?? 0) >= (dayStart(schedule.effectiveFrom) ?? 0)) {
        throw new ServiceError("CONFLICT", msg("fees.SCHEDULE_NOT_NEXT", { version: r.schedule.version, from: r.schedule.effectiveFrom }));
      }
    }
  }

  /**
   * A new version may not come into force in or before a month the lender has issued a statement for: that statement
   * was priced by the version before, and a correction of it is a new statement under the schedule it named (§23).
   */
  async #assertAfterStatements(schedule: FeeSchedule): Promise<void> {
    const from = schedule.effectiveFrom.slice(0, 7);
    const stated = await this.deps.statements.list({ creditorId: schedule.creditorId, agencyId: schedule.agencyId });
    const latest = stated.reduce((max, s) => (s.month > max ? s.month : max), "");
    if (latest !== "" && from <= latest) throw new ServiceError("SCHEDULE_OVERLAPS_STATEMENT", msg("fees.SCHEDULE_OVERLAPS_STATEMENT", { from: schedule.effectiveFrom, month: latest }));
  }

  /** Agency side of fee-schedule.propose: from the creditor it names, to this agency, hash as claimed. */
  async #received(from: number, body: unknown, request: SignedPeerEnvelope): Promise<unknown> {
    const { schedule: raw, hash } = (typeof body === "object" && body !== null ? body : {}) as Partial<ProposeBody>;
    const result = parseFeeSchedule(raw);
    if (!result.ok) throw invalid(result.problems);
    const { schedule } = result;
    if (schedule.creditorId !== from || schedule.agencyId !== this.deps.memberId) throw new ServiceError("FORBIDDEN", msg("fees.NOT_PARTY"));
    if (feeScheduleHash(schedule) !== hash) throw new ServiceError("VALIDATION_FAILED", msg("fees.HASH_MISMATCH"));
    await this.#assertRoles(from, this.deps.memberId);
    // The agency's own check: a creditor that skips its gateway's cannot reprice a month the agency holds a statement of.
    await this.#assertAfterStatements(schedule);
    const had = await this.deps.store.get(hash);
    if (had) return { received: hash, state: had.state };
    const now = new Date(this.deps.clock()).toISOString();
    await this.deps.store.put({ hash, schedule: feeScheduleToJson(schedule), state: "received", proposal: stored(request), createdAt: now, updatedAt: now });
    return { received: hash, state: "received" };
  }

  /** Lender side of fee-schedule.accept: only for a schedule this lender proposed to the sending agency. */
  async #accepted(from: number, body: unknown, request: SignedPeerEnvelope): Promise<unknown> {
    const hash = (typeof body === "object" && body !== null ? (body as Partial<AcceptBody>).hash : undefined) ?? "";
    const record = HASH.test(hash) ? await this.deps.store.get(hash) : undefined;
    if (!record || record.schedule.creditorId !== this.deps.memberId || record.schedule.agencyId !== from || !record.proposal) {
      throw new ServiceError("NOT_FOUND", msg("fees.SCHEDULE_NOT_SENT", { hash: hash.slice(0, 66) }));
    }
    if (record.state === "agreed") return { agreed: hash };
    record.acceptance = stored(request);
    await this.#agree(record);
    return { agreed: hash };
  }

  async #agree(record: StoredFeeSchedule): Promise<StoredFeeSchedule> {
    const now = new Date(this.deps.clock()).toISOString();
    const { creditorId, agencyId, version } = record.schedule;
    const signed = [record.proposal, record.acceptance].filter((s) => s !== undefined);
    const [entry] = await this.deps.evidence.recordSystem([agreementRecord("fee-schedule", record.hash, { creditorId, agencyId }, signed, { version }, now)]);
    record.state = "agreed";
    record.evidenceId = entry?.index;
    record.updatedAt = now;
    await this.deps.store.put(record);
    return record;
  }
}
