import { createHash } from "node:crypto";
import type { Clock } from "../../domain/clock.js";
import { canonicalJson } from "../../domain/canonical-json.js";
import { monthBounds } from "../../domain/fees/month.js";
import { msg } from "../../messages/message.js";
import type { LogEntry, RecordDraft } from "../../store/evidence-log/evidence-log.js";
import type { StoredConductReport, SupervisionReports } from "../../store/complaint-store.js";
import type { PeerExchange } from "../peer/channel.js";
import { envelopeProblem, isSignedBy, type SignedPeerEnvelope } from "../peer/envelope.js";
import { notFound, ServiceError } from "../service-error.js";
import type { ComplaintService } from "./complaints.js";
import type { ConductStats } from "./stats.js";
import { REPORT_FORMAT, reportHash, type ComplaintFigures, type ConductReport, type MemberStatement, type StatsAnswer } from "../../domain/conduct/report.js";

/** A supervisor asks a member for its conduct figures of a range; answered signed, to SUPERVISOR members only. */
export const CONDUCT_STATS_KIND = "conduct.stats";
/** A lender asks an agency for the figures of its own cases only (its compliance tab); answered signed to that lender. */
export const LENDER_FIGURES_KIND = "conduct.lender-figures";
/** The longest range one request asks for: a report is monthly; a quarter is the most a member answers at once. */
const MAX_RANGE_MS = 92 * 86_400_000;

export interface SupervisionDeps {
  /** Whether `member` holds the SUPERVISOR role on chain and is Active now. */
  isSupervisor: (member: number) => Promise<boolean>;
  /** Whether `member` is an Active LENDER on chain now. */
  isLender: (member: number) => Promise<boolean>;
  /** The agencies this lender works with (its agency list). */
  agencies: () => Promise<number[]>;
  stats: ConductStats;
  complaints: ComplaintService;
  send: <B>(to: number, kind: string, body: unknown) => Promise<PeerExchange<B>>;
  /** The members to ask: every Active member but this one (the chain-verified directory). */
  members: () => Promise<number[]>;
  notarize: (drafts: RecordDraft[]) => Promise<LogEntry[]>;
  reports: SupervisionReports;
  /** The member's current signer on chain (for checking a stored report), or undefined. */
  signerOf: (member: number) => Promise<string | undefined>;
  memberId: number;
  clock: Clock;
}

/**
 * Supervision (docs/design.md §26): a supervisor's gateway asks every member for its conduct figures of a month over
 * the peer channel; each member answers only a member the chain shows as an Active SUPERVISOR, and signs its answer.
 * The report keeps every signed answer whole, so that it says which member stated which figure; its hash is notarized
 * in the supervisor's evidence log. No personal data travels: counts per (agency, lender) pair only.
 */
export class SupervisionService {
  constructor(private readonly deps: SupervisionDeps) {}

  /** Member side (`conduct.stats`): the figures of [from, to), to a supervisor only. */
  async answer(from: number, raw: unknown): Promise<StatsAnswer> {
    if (!(await this.deps.isSupervisor(from))) throw new ServiceError("FORBIDDEN", msg("supervision.NOT_SUPERVISOR", { member: from }));
    const range = rangeOf(raw);
    return { member: this.deps.memberId, ...range, figures: await this.deps.stats.figures(range), complaints: await this.#complaints(range) };
  }

  /** Agency side (`conduct.lender-figures`): the figures of [from, to) about the asking lender's cases only. */
  async answerLender(from: number, raw: unknown): Promise<{ agency: number; from: number; to: number; figures: StatsAnswer["figures"] }> {
    if (!(await this.deps.isLender(from))) throw new ServiceError("FORBIDDEN", msg("supervision.NOT_LENDER", { member: from }));
    const range = rangeOf(raw);
    const figures = (await this.deps.stats.figures(range)).filter((f) => f.lender === from);
    return { agency: this.deps.memberId, ...range, figures };
  }

  /**
   * Lender side: each of its agencies' figures about its cases for a month, each from the agency's signed answer
   * (its hash kept), or why there is none.
   */
  async agencyFigures(month: string): Promise<Array<{ agency: number; answerHash?: string; problem?: string; figures: StatsAnswer["figures"] }>> {
    const bounds = monthBounds(month);
    if (!bounds) throw new ServiceError("VALIDATION_FAILED", msg("supervision.MONTH_INVALID"));
    const agencies = [...new Set(await this.deps.agencies())].filter((a) => a !== this.deps.memberId).sort((a, b) => a - b);
    return Promise.all(
      agencies.map(async (agency) => {
        try {
          const exchange = await this.deps.send<{ agency: number; figures: StatsAnswer["figures"] }>(agency, LENDER_FIGURES_KIND, { from: bounds.start, to: bounds.end });
          const { refused, body } = exchange.answer.envelope;
          if (refused || body?.agency !== agency) return { agency, problem: refused?.code ?? "ANSWER_MISMATCH", figures: [] };
          // Only figures about this lender count, whatever the agency sent.
          return { agency, answerHash: exchange.answer.hash, figures: body.figures.filter((f) => f.lender === this.deps.memberId && f.agency === agency) };
        } catch (error) {
          return { agency, problem: error instanceof ServiceError ? error.code : "UNREACHABLE", figures: [] };
        }
      }),
    );
  }

  /** Supervisor side: asks every member, builds the month's report, notarizes its hash, keeps it. */
  async build(month: string): Promise<{ hash: string; evidence: { id: number; leafHash: string }; report: ConductReport }> {
    const bounds = monthBounds(month);
    if (!bounds) throw new ServiceError("VALIDATION_FAILED", msg("supervision.MONTH_INVALID"));
    if (!(await this.deps.isSupervisor(this.deps.memberId))) throw new ServiceError("FORBIDDEN", msg("supervision.NOT_SUPERVISOR", { member: this.deps.memberId }));
    const members = (await this.deps.members()).filter((m) => m !== this.deps.memberId).sort((a, b) => a - b);
    const statements = await Promise.all(
      members.map(async (member): Promise<MemberStatement> => {
        try {
          const exchange = await this.deps.send<StatsAnswer>(member, CONDUCT_STATS_KIND, { from: bounds.start, to: bounds.end });
          const { refused, body } = exchange.answer.envelope;
          if (refused) return { member, problem: refused.code };
          if (body?.member !== member || body.from !== bounds.start || body.to !== bounds.end) return { member, problem: "ANSWER_MISMATCH" };
          return { member, answer: exchange.answer };
        } catch (error) {
          return { member, problem: error instanceof ServiceError ? error.code : "UNREACHABLE" };
        }
      }),
    );
    const report: ConductReport = { format: REPORT_FORMAT, supervisor: this.deps.memberId, month, from: bounds.start, to: bounds.end, generatedAt: new Date(this.deps.clock()).toISOString(), statements };
    const hash = reportHash(report);
    const text = canonicalJson(report);
    const bytes = Buffer.from(text, "utf8");
    const [entry] = await this.deps.notarize([
      { caseKey: hash, kind: "other", contentSha256: createHash("sha256").update(bytes).digest("hex"), contentSize: bytes.length, mediaType: "application/json", capturedAt: report.generatedAt, kept: false, source: "system" },
    ]);
    const evidence = { id: entry!.index, leafHash: entry!.leafHash };
    await this.deps.reports.put({ hash, month, evidence, report } satisfies StoredConductReport);
    return { hash, evidence, report };
  }

  async get(hash: string): Promise<StoredConductReport> {
    const stored = /^0x[0-9a-f]{64}$/.test(hash) ? await this.deps.reports.get(hash) : undefined;
    if (!stored) throw notFound("conductReport", hash);
    return stored;
  }

  async list(): Promise<Array<{ hash: string; month: string; generatedAt: string; evidence: { id: number; leafHash: string }; members: number; answered: number }>> {
    const out = [];
    for await (const r of this.deps.reports.all()) {
      out.push({ hash: r.hash, month: r.month, generatedAt: r.report.generatedAt, evidence: r.evidence, members: r.report.statements.length, answered: r.report.statements.filter((s) => s.answer).length });
    }
    return out.sort((a, b) => b.generatedAt.localeCompare(a.generatedAt));
  }

  /**
   * Checks a report anyone hands in: every statement's answer is a well-formed envelope from that member to the
   * supervisor, signed by the member's key on chain (the current one: a key rotated since fails and says so). A
   * figure changed after signing breaks the envelope's hash.
   */
  async verify(report: ConductReport): Promise<{ ok: boolean; statements: Array<{ member: number; ok: boolean; problem?: string }> }> {
    const statements = await Promise.all(
      report.statements.map(async (s) => {
        if (!s.answer) return { member: s.member, ok: false, problem: s.problem ?? "NO_ANSWER" };
        const e = s.answer.envelope;
        const signed = s.answer as SignedPeerEnvelope;
        const format = envelopeProblem(signed, { me: report.supervisor, now: Date.parse(e.sentAt), maxSkewMs: 1 });
        if (format || e.from !== s.member || e.body?.member !== s.member) return { member: s.member, ok: false, problem: format ?? "MISMATCH" };
        const signer = await this.deps.signerOf(s.member);
        if (!signer || !isSignedBy(signed, signer)) return { member: s.member, ok: false, problem: "BAD_SIGNATURE" };
        return { member: s.member, ok: true };
      }),
    );
    // A member that did not answer is named in the report as such; a statement that is there must check.
    const answered = new Set(report.statements.filter((s) => s.answer).map((s) => s.member));
    return { ok: statements.every((s) => s.ok || !answered.has(s.member)), statements };
  }

  async #complaints(range: { from: number; to: number }): Promise<ComplaintFigures[]> {
    const rows = new Map<number, ComplaintFigures>();
    for (const c of await this.deps.complaints.list()) {
      const at = Date.parse(c.receivedAt);
      if (at < range.from || at >= range.to) continue;
      const row = rows.get(c.agencyId) ?? { agency: c.agencyId, lender: this.deps.memberId, received: 0, open: 0, byCategory: {} };
      row.received++;
      if (c.state === "open") row.open++;
      row.byCategory[c.category] = (row.byCategory[c.category] ?? 0) + 1;
      rows.set(c.agencyId, row);
    }
    return [...rows.values()].sort((a, b) => a.agency - b.agency);
  }
}

function rangeOf(raw: unknown): { from: number; to: number } {
  const b = (typeof raw === "object" && raw !== null ? raw : {}) as Record<string, unknown>;
  const range = { from: Number(b.from), to: Number(b.to) };
  if (!Number.isSafeInteger(range.from) || !Number.isSafeInteger(range.to) || range.to <= range.from || range.to - range.from > MAX_RANGE_MS) {
    throw new ServiceError("VALIDATION_FAILED", msg("supervision.RANGE_INVALID"));
  }
  return range;
}
