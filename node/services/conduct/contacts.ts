import { createHash, randomBytes } from "node:crypto";
import type { Clock } from "../../domain/clock.js";
import { type ConductPolicy, isHeldAt, type CaseStatusName } from "../../domain/consortium/index.js";
import { CONTACT_CHANNELS, type ContactChannel, isConnectedOutcome, isTextChannel, PERMIT_REFUSALS, type PermitRefusal, VIOLATION_KINDS, type ViolationKind } from "../../domain/conduct/contact.js";
import { CONTACT_AHEAD_MS, type ContactInput, isLiveChannel, isPermitId, overlaps, parseContactInput, parsePermitRequest, type PermitRequest } from "../../domain/conduct/input.js";
import { chinaDayOf } from "../../domain/fees/month.js";
import { allowedHours, chinaHourOf, type Permit, permitDigest, permitMismatch, permitRefusal, type SignedPermit, withinHours } from "../../domain/conduct/permit.js";
import type { EvidenceKind } from "../../domain/evidence/kinds.js";
import { msg } from "../../messages/message.js";
import type { ConductTally, TallyMark } from "../../store/conduct-tally.js";
import type { ContactEntry, ContactLog, StoredPermit } from "../../store/contact-log.js";
import type { PeerOutboxItem } from "../../store/peer-outbox.js";
import type { StoreBatch } from "../../store/store-batch.js";
import type { EvidenceService } from "../evidence.js";
import { KeyedSerial } from "../keyed-serial.js";
import { ServiceError } from "../service-error.js";
import type { PermitSigner } from "./permit-signer.js";
import type { ConductGuards } from "./guards.js";
import type { ConductFigures } from "../../domain/conduct/report.js";
import type { ConductStats } from "./stats.js";

/** The peer message kind of a tally increment (docs/design.md §25). */
export const TALLY_KIND = "conduct.tally";

/** What one agency tells another holder of the same debtor: a pseudonymous mark on the debtor's day. */
export interface TallyMarkBody {
  debtorKey: string;
  day: string;
  permitId: string;
  state: TallyMark["state"];
  expiresAt: number;
}

/** A case as the chain index has it (the fields the permit reads). */
export interface ContactCase {
  debtorKey: string;
  creditorId: number;
  agencyId: number;
  status: CaseStatusName;
  until: number;
}

export interface ContactServiceDeps {
  contacts: ContactLog;
  tally: ConductTally;
  batch: () => StoreBatch;
  caseOf: (caseKey: string) => Promise<ContactCase | undefined>;
  /** The agencies holding a case of this debtor at `nowSeconds` (from the chain index). */
  holdersOf: (debtorKey: string, nowSeconds: number) => Promise<number[]>;
  isActiveAgency: () => Promise<boolean>;
  /** False while the chain node does not answer: the index may miss a recall, so no permit is granted (503). */
  chainReachable?: () => boolean;
  /** The consortium's policy in force at an instant, and a lender's published hours (minutes, China time). */
  policyAt: (ms: number) => Promise<ConductPolicy>;
  lenderHours: (lenderId: number) => Promise<{ from: number; to: number } | undefined>;
  guards: ConductGuards;
  evidence: Pick<EvidenceService, "get" | "recordHash">;
  /** The member's registered key, for permits. */
  signer: PermitSigner;
  deliver: (to: number, kind: string, body: unknown, options: { id: string }) => Promise<PeerOutboxItem>;
  memberId: number;
  clock: Clock;
  /** How long a permit is good for (DEFAULTS.conductPermitTtlMs). */
  permitTtlMs: number;
  /** An increment to a holder undelivered this long makes our view of its tally stale (DEFAULTS.conductStalenessMs). */
  stalenessMs: number;
  /** Queued increments go out this often, one message per holder (DEFAULTS.conductFlushMs); 0: at once, awaited. */
  flushMs: number;
  log: (event: Record<string, unknown>) => void;
}

const REFUSAL_STATUS_MESSAGE = {
  CONTACT_NOT_HELD: "contact.NOT_HELD",
  CONTACT_QUIET_HOURS: "contact.QUIET_HOURS",
  CONTACT_DAILY_CAP: "contact.DAILY_CAP",
  CONTACT_TALLY_STALE: "contact.TALLY_STALE",
  CONTACT_OPEN_COMPLAINT: "contact.OPEN_COMPLAINT",
  CONTACT_PROMISE_PENDING: "contact.PROMISE_PENDING",
  CONTACT_TEXT_REFUSED: "contact.TEXT_REFUSED",
} as const satisfies Record<PermitRefusal, string>;

const EVIDENCE_KIND: Record<ContactChannel, EvidenceKind> = { call: "call-recording", sms: "sms", letter: "letter", visit: "visit", app: "other", email: "other" };

const inputError = (problem: string, field: string) => new ServiceError("VALIDATION_FAILED", msg(`contact.${problem}` as "contact.CASE_KEY_INVALID", { field }), { problem, field });
const bodyInvalid = () => new ServiceError("VALIDATION_FAILED", msg("contact.BODY_INVALID"), { problem: "BODY_INVALID" });

/**
 * Contacts with debtors (docs/design.md §25), at an agency's gateway: permits before a contact (the holding on chain,
 * the hours, the consortium-wide daily cap, the pauses, the text screening), the contact log that cites them, and the
 * tally per debtor per China day that the holders of one debtor's cases keep together by signed increments over the
 * peer channel (`conduct.tally`, durable outbox).
 */
export class ContactService implements ConductStats {
  /** Per other agency: our increments to it not yet answered (outbox id → written at). */
  readonly #undelivered = new Map<number, Map<string, number>>();
  readonly #serial = new KeyedSerial();
  #flushTimer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> | undefined;

  constructor(private readonly deps: ContactServiceDeps) {}

  /** Grants a signed permit for a contact now, or refuses with the code of the first rule it would break. */
  async requestPermit(raw: Record<string, unknown>): Promise<SignedPermit> {
    const { deps } = this;
    const request = parsePermitRequest(raw);
    if ("problem" in request) throw inputError(request.problem, request.field);
    if (deps.chainReachable && !deps.chainReachable()) throw new ServiceError("CHAIN_UNAVAILABLE", msg("ownership.CHAIN_UNCONFIRMED"), { retryAfterSeconds: 5 });
    const now = deps.clock();
    const record = await deps.caseOf(request.caseKey);
    const held = !!record && record.agencyId === deps.memberId && isHeldAt(record, Math.floor(now / 1000)) && (await deps.isActiveAgency());
    if (!record || !held) return this.#refuse("CONTACT_NOT_HELD", 0);
    if (request.text !== undefined && isTextChannel(request.channel)) {
      const screened = await deps.guards.screenText(request.text, request.channel);
      if (!screened.ok) return this.#refuse("CONTACT_TEXT_REFUSED", record.creditorId, { rule: screened.rule, category: screened.category, span: screened.span, lexiconVersion: screened.lexiconVersion });
    }
    // From the count to the write, one permit of a debtor at a time: two read together would both fit under the cap.
    return this.#serial.run(`debtor:${record.debtorKey}`, () => this.#grant(request, record, now));
  }

  async #grant(request: PermitRequest, record: ContactCase, now: number): Promise<SignedPermit> {
    const { deps } = this;
    const policy = await deps.policyAt(now);
    const day = chinaDayOf(now);
    const [lenderHours, complaint, promise, countToday, stale] = await Promise.all([
      deps.lenderHours(record.creditorId),
      deps.guards.openComplaint(request.caseKey),
      deps.contacts.promise(request.caseKey),
      deps.tally.count(day, record.debtorKey, now),
      this.#stale(record.debtorKey, now),
    ]);
    const refusal = permitRefusal({
      now,
      policy,
      ...(lenderHours ? { lenderHours } : {}),
      // Checked by requestPermit before the wait.
      held: true,
      countToday,
      stale,
      openComplaint: complaint.open,
      promisePending: !!promise && promise.dueDate >= day,
    });
    if (refusal) return this.#refuse(refusal, record.creditorId, refusal === "CONTACT_DAILY_CAP" ? { cap: policy.dailyCap } : undefined);
    const permit: Permit = {
      v: 1,
      permitId: randomBytes(16).toString("hex"),
      agency: deps.memberId,
      caseKey: request.caseKey,
      channel: request.channel,
      day,
      issuedAt: now,
      expiresAt: now + deps.permitTtlMs,
      ...(request.text !== undefined ? { textSha256: `0x${createHash("sha256").update(request.text, "utf8").digest("hex")}` } : {}),
    };
    const digest = permitDigest(permit);
    const signed: SignedPermit = deps.signer.sign(permit, digest);
    const batch = deps.batch();
    deps.contacts.putPermitIn(batch, { ...signed, creditorId: record.creditorId, debtorKey: record.debtorKey });
    deps.tally.putIn(batch, day, record.debtorKey, deps.memberId, permit.permitId, { state: "reserved", expiresAt: permit.expiresAt });
    await this.#queueFor(batch, { debtorKey: record.debtorKey, day, permitId: permit.permitId, state: "reserved", expiresAt: permit.expiresAt }, now);
    await batch.write();
    await this.#scheduleFlush();
    return signed;
  }

  /**
   * Logs a contact (201). Refused outright: a malformed entry, a case this agency did not hold at the contact's start,
   * a start in the future, a live contact overlapping another of the same collector. Recorded and flagged: a contact
   * without a valid permit (missing, unknown, expired, reused, for another case or channel), outside the hours, or
   * telling a third party about the debt.
   */
  async log(raw: Record<string, unknown>, by?: string): Promise<ContactEntry> {
    const now = this.deps.clock();
    const input = parseContactInput(raw, now);
    if ("problem" in input) throw inputError(input.problem, input.field);
    // One entry at a time: the overlap of a collector's calls and the use of a permit are read, then written.
    return this.#serial.run("contact-log", () => this.#log(input, raw, now, by));
  }

  async #log(input: ContactInput, raw: Record<string, unknown>, now: number, by?: string): Promise<ContactEntry> {
    const { deps } = this;
    const record = await deps.caseOf(input.caseKey);
    if (!record || record.agencyId !== deps.memberId || !isHeldAt(record, Math.floor(input.startedAt / 1000))) {
      throw new ServiceError("CONTACT_NOT_HELD", msg("contact.NOT_HELD"), { problem: "CONTACT_NOT_HELD" });
    }
    if (isLiveChannel(input.channel)) await this.#assertNoOverlap(input);

    const violations: ViolationKind[] = [];
    let permit: StoredPermit | undefined;
    if (input.permitId === undefined) violations.push("no_permit");
    else {
      permit = await deps.contacts.permit(input.permitId);
      if (!permit) violations.push("no_permit");
      else if (permit.usedBy) violations.push("permit_reused");
      else {
        const problem = permitMismatch(permit.permit as Permit, { agency: deps.memberId, caseKey: input.caseKey, channel: input.channel, startedAt: input.startedAt }, CONTACT_AHEAD_MS);
        if (problem) violations.push(problem);
      }
    }
    const policy = await deps.policyAt(input.startedAt);
    const lenderHours = await deps.lenderHours(record.creditorId);
    if (!withinHours(allowedHours(policy, lenderHours), input.startedAt)) violations.push("quiet_hours");
    if (input.party !== "debtor" && input.disclosedDebt) violations.push("third_party_disclosure");

    const evidence = await this.#evidence(input.caseKey, input.channel, raw, by);
    const entryId = randomBytes(16).toString("hex");
    const entry: ContactEntry = {
      entryId,
      caseKey: input.caseKey,
      creditorId: record.creditorId,
      channel: input.channel,
      party: input.party,
      startedAt: new Date(input.startedAt).toISOString(),
      durationSeconds: input.durationSeconds,
      outcome: input.outcome,
      ...(input.promise ? { promise: input.promise } : {}),
      collector: input.collector,
      ...(input.permitId ? { permitId: input.permitId } : {}),
      ...(evidence ? { evidence } : {}),
      violations,
      recordedAt: new Date(now).toISOString(),
      ...(by ? { by } : {}),
    };
    // The permit's reservation becomes the contact (connected) or is given back; a connected contact without a valid
    // permit still counts against the debtor's day, under the entry's own id.
    const validPermit = permit && violations.every((v) => v !== "no_permit" && v !== "permit_reused" && v !== "permit_mismatch" && v !== "permit_expired");
    const connected = isConnectedOutcome(input.outcome);
    const mark: TallyMarkBody | undefined = validPermit
      ? { debtorKey: record.debtorKey, day: permit!.permit.day, permitId: permit!.permit.permitId, state: connected ? "connected" : "released", expiresAt: permit!.permit.expiresAt }
      : connected
        ? { debtorKey: record.debtorKey, day: chinaDayOf(input.startedAt), permitId: entryId, state: "connected", expiresAt: input.startedAt }
        : undefined;
    const batch = deps.batch();
    deps.contacts.putEntryIn(batch, entry);
    if (validPermit) deps.contacts.putPermitIn(batch, { ...permit!, usedBy: entryId });
    if (mark) {
      deps.tally.putIn(batch, mark.day, mark.debtorKey, deps.memberId, mark.permitId, { state: mark.state, expiresAt: mark.expiresAt });
      await this.#queueFor(batch, mark, now);
    }
    await batch.write();
    if (violations.length) deps.log({ level: "warn", msg: "contact logged with violations", entryId, violations });
    if (mark) await this.#scheduleFlush();
    return entry;
  }

  async #assertNoOverlap(input: { collector: string; startedAt: number; durationSeconds: number }): Promise<void> {
    const dayMs = 86_400_000;
    for await (const id of this.deps.contacts.collectorEntries(input.collector, input.startedAt - dayMs, input.startedAt + input.durationSeconds * 1000 + 1)) {
      const other = await this.deps.contacts.entry(id);
      if (other && isLiveChannel(other.channel as ContactChannel) && overlaps(input, { startedAt: Date.parse(other.startedAt), durationSeconds: other.durationSeconds })) {
        throw new ServiceError("CONFLICT", msg("contact.OVERLAP", { entryId: other.entryId }), { problem: "OVERLAP", entryId: other.entryId });
      }
    }
  }

  /** The recording or text: a record of this member's evidence log already made, or a file's digest to record now. */
  async #evidence(caseKey: string, channel: ContactChannel, raw: Record<string, unknown>, by?: string): Promise<ContactEntry["evidence"]> {
    const invalid = () => new ServiceError("VALIDATION_FAILED", msg("contact.EVIDENCE_INVALID"), { problem: "EVIDENCE_INVALID", field: "evidence" });
    if (raw.evidenceId !== undefined) {
      const id = raw.evidenceId;
      if (typeof id !== "number" || !Number.isSafeInteger(id) || id < 0) throw invalid();
      const view = await this.deps.evidence.get(id).catch(() => undefined);
      if (!view || view.caseKey !== caseKey) throw invalid();
      return { id: view.id, leafHash: view.leafHash };
    }
    if (raw.evidence === undefined) return undefined;
    if (!raw.evidence || typeof raw.evidence !== "object" || Array.isArray(raw.evidence)) throw invalid();
    const view = await this.deps.evidence.recordHash({ ...(raw.evidence as Record<string, unknown>), caseKey, kind: EVIDENCE_KIND[channel] }, by);
    return { id: view.id, leafHash: view.leafHash };
  }

  async #refuse(code: PermitRefusal, creditorId: number, details?: Record<string, unknown>): Promise<never> {
    const now = this.deps.clock();
    await this.deps.contacts.putRefusal({ at: now, creditorId, code }, randomBytes(8).toString("hex"));
    const status = REFUSAL_STATUS_MESSAGE[code];
    throw new ServiceError(code, msg(status), { problem: code, ...details });
  }

  /** Whether an increment to another holder of the debtor has waited longer than the staleness. */
  async #stale(debtorKey: string, now: number): Promise<boolean> {
    const holders = await this.deps.holdersOf(debtorKey, Math.floor(now / 1000));
    for (const h of holders) {
      if (h === this.deps.memberId) continue;
      for (const at of this.#undelivered.get(h)?.values() ?? []) if (now - at > this.deps.stalenessMs) return true;
    }
    return false;
  }

  /** Queues the mark for every other current holder of the debtor, in the batch that writes it here. */
  async #queueFor(batch: StoreBatch, mark: TallyMarkBody, now: number): Promise<void> {
    const holders = new Set(await this.deps.holdersOf(mark.debtorKey, Math.floor(now / 1000)));
    holders.delete(this.deps.memberId);
    for (const to of holders) this.deps.tally.queueIn(batch, { to, mark, at: now });
  }

  async #scheduleFlush(): Promise<void> {
    if (this.deps.flushMs === 0) return this.flush();
    this.#flushTimer ??= setTimeout(() => {
      this.#flushTimer = undefined;
      void this.flush().catch((error: unknown) => this.deps.log({ level: "warn", msg: "conduct tally flush", error: String((error as Error)?.message ?? error).slice(0, 300) }));
    }, this.deps.flushMs);
    this.#flushTimer.unref?.();
  }

  /**
   * Hands the queued increments to the outbox: one `conduct.tally` message per holder with its marks, then takes them
   * off the queue (a crash in between sends them twice; the receiver takes a repeat as once). Runs at start for what
   * a stop left queued.
   */
  flush(): Promise<void> {
    return (this.#flushing ??= (async () => {
      try {
        for (;;) {
          const queued = await this.deps.tally.queued(5_000);
          if (queued.length === 0) return;
          const byHolder = new Map<number, { marks: TallyMarkBody[]; at: number }>();
          for (const [, q] of queued) {
            const group = byHolder.get(q.to) ?? { marks: [], at: q.at };
            group.marks.push(q.mark);
            byHolder.set(q.to, group);
          }
          for (const [to, group] of byHolder) {
            const id = `tally-${randomBytes(12).toString("hex")}`;
            const pending = this.#undelivered.get(to) ?? new Map<string, number>();
            pending.set(id, group.at);
            this.#undelivered.set(to, pending);
            await this.deps.deliver(to, TALLY_KIND, { marks: group.marks }, { id });
          }
          await this.deps.tally.dequeue(queued.map(([k]) => k));
        }
      } finally {
        this.#flushing = undefined;
      }
    })());
  }

  /** Stops the flush timer (the queue stays on disk for the next start). */
  stop(): void {
    if (this.#flushTimer) clearTimeout(this.#flushTimer);
    this.#flushTimer = undefined;
  }

  /** The outbox's hook: the holder answered (accepted or refused), so it is reachable and our word arrived. */
  delivered(item: PeerOutboxItem): Promise<void> {
    this.#undelivered.get(item.to)?.delete(item.id);
    return Promise.resolve();
  }

  /** Restores the increments still pending after a restart (their time is when the outbox wrote them). */
  restorePending(items: Iterable<PeerOutboxItem>): void {
    for (const item of items) {
      if (item.kind !== TALLY_KIND || item.state !== "pending") continue;
      const pending = this.#undelivered.get(item.to) ?? new Map<string, number>();
      pending.set(item.id, Date.parse(item.createdAt));
      this.#undelivered.set(item.to, pending);
    }
  }

  /**
   * `conduct.tally` from agency `from`, `{ marks: [...] }`: each mark kept when `from` holds a case of that debtor now
   * (the chain says so) and its day is today or yesterday (China time); otherwise the whole message is refused. A
   * connected mark is never taken back to a reservation, nor a released one to a reservation.
   */
  async receiveIncrement(from: number, raw: unknown, envelopeHash: string): Promise<{ kept: number }> {
    const { deps } = this;
    const marks = (raw as { marks?: unknown } | undefined)?.marks;
    if (!Array.isArray(marks) || marks.length === 0 || marks.length > 10_000) throw bodyInvalid();
    const now = deps.clock();
    const states: ReadonlySet<unknown> = new Set(["reserved", "connected", "released"]);
    const days = new Set([chinaDayOf(now), chinaDayOf(now - 86_400_000)]);
    const holders = new Map<string, boolean>();
    for (const m of marks) {
      const b = m as Partial<TallyMarkBody> | undefined;
      if (!b || typeof b !== "object" || typeof b.debtorKey !== "string" || !/^0x[0-9a-f]{64}$/.test(b.debtorKey) || typeof b.day !== "string" || !isPermitId(b.permitId) || !states.has(b.state) || typeof b.expiresAt !== "number" || !Number.isSafeInteger(b.expiresAt)) throw bodyInvalid();
      if (!days.has(b.day)) throw new ServiceError("VALIDATION_FAILED", msg("contact.DAY_INVALID"), { problem: "DAY_INVALID" });
      if (!holders.has(b.debtorKey)) holders.set(b.debtorKey, (await deps.holdersOf(b.debtorKey, Math.floor(now / 1000))).includes(from));
      if (!holders.get(b.debtorKey)) throw new ServiceError("FORBIDDEN", msg("contact.NOT_A_HOLDER"), { problem: "NOT_A_HOLDER" });
    }
    let kept = 0;
    for (const m of marks as TallyMarkBody[]) {
      const existing = await deps.tally.get(m.day, m.debtorKey, from, m.permitId);
      if (existing?.state === "connected" || (existing?.state === "released" && m.state === "reserved")) continue;
      await deps.tally.put(m.day, m.debtorKey, from, m.permitId, { state: m.state, expiresAt: m.expiresAt, envelopeHash });
      kept++;
    }
    return { kept };
  }

  /** This agency's contacts, newest first; of one case when `caseKey` is given. */
  async list(caseKey?: string): Promise<ContactEntry[]> {
    const out: ContactEntry[] = [];
    for await (const e of this.deps.contacts.entries()) if (!caseKey || e.caseKey === caseKey) out.push(e);
    return out.sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  }

  /** The promises to pay on record, by due date (the latest promise of each case). */
  async promises(): Promise<Array<{ caseKey: string; entryId: string; dueDate: string; amountFen: string; due: boolean }>> {
    const today = chinaDayOf(this.deps.clock());
    const latest = new Map<string, ContactEntry>();
    for await (const e of this.deps.contacts.entries()) {
      if (!e.promise) continue;
      const prev = latest.get(e.caseKey);
      if (!prev || prev.startedAt < e.startedAt) latest.set(e.caseKey, e);
    }
    return [...latest.values()]
      .map((e) => ({ caseKey: e.caseKey, entryId: e.entryId, dueDate: e.promise!.dueDate, amountFen: e.promise!.amountFen, due: e.promise!.dueDate < today }))
      .sort((a, b) => a.dueDate.localeCompare(b.dueDate));
  }

  /** {@link ConductStats}: this agency's figures per lender over [from, to); counts only. */
  async figures(range: { from: number; to: number }): Promise<ConductFigures[]> {
    const rows = new Map<number, ConductFigures>();
    const row = (lender: number) => {
      let r = rows.get(lender);
      if (!r) {
        r = {
          agency: this.deps.memberId,
          lender,
          from: range.from,
          to: range.to,
          contactsByChannel: Object.fromEntries(CONTACT_CHANNELS.map((c) => [c, 0])) as ConductFigures["contactsByChannel"],
          contactsByChinaHour: Array.from({ length: 24 }, () => 0),
          connected: 0,
          permitsRefused: Object.fromEntries(PERMIT_REFUSALS.map((c) => [c, 0])) as ConductFigures["permitsRefused"],
          violations: Object.fromEntries(VIOLATION_KINDS.map((v) => [v, 0])) as ConductFigures["violations"],
        };
        rows.set(lender, r);
      }
      return r;
    };
    for await (const e of this.deps.contacts.entries()) {
      const at = Date.parse(e.startedAt);
      if (at < range.from || at >= range.to) continue;
      const r = row(e.creditorId);
      r.contactsByChannel[e.channel as ContactChannel]++;
      r.contactsByChinaHour[chinaHourOf(at)]!++;
      if (isConnectedOutcome(e.outcome as never)) r.connected++;
      for (const v of e.violations) r.violations[v as ViolationKind]++;
    }
    for await (const m of this.deps.contacts.refusals(range.from, range.to)) row(m.creditorId).permitsRefused[m.code as PermitRefusal]++;
    return [...rows.values()].sort((a, b) => a.lender - b.lender);
  }
}
