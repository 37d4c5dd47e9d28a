import { createHash } from "node:crypto";
import type { CaseSubmitter, JobRecord } from "../chain/case-submitter.js";
import type { Clock } from "../domain/clock.js";
import { jobIdAt } from "../chain/case-outbox.js";
import type { EvidenceNoticeMarks } from "../store/evidence-notice-marks.js";
import { type Notice, NOTICE_FORMAT, NOTICE_KINDS, NOTICE_MEDIA_TYPE, type NoticeEvent, noticeText } from "../domain/evidence/notices.js";
import type { RecordDraft } from "../store/evidence-log/evidence-log.js";
import type { EvidenceService } from "./evidence.js";

export interface EvidenceNoticesDeps {
  evidence: EvidenceService;
  submitter: Pick<CaseSubmitter, "job" | "items" | "on" | "off">;
  /** Which finished jobs' notices are recorded. */
  marks: EvidenceNoticeMarks;
  memberId: number;
  chainId: number;
  caseRegistry: string;
  log: (event: Record<string, unknown>) => void;
  clock: Clock;
}

const EVENTS: Partial<Record<JobRecord["kind"], NoticeEvent>> = {
  registerAndAssign: "assignment",
  assign: "assignment",
  recall: "recall",
  settle: "settlement",
};

/**
 * Records the gateway's own evidence automatically: a `handover` record per case of each delivered handover package
 * (from HandoverSender's onDelivered), an `authorization` record per case of each finished assignment job, and
 * recall and settlement records when those jobs finish (from the submitter's jobDone).
 *
 * Exactly once per job: a job's records and its marker go into the log in one batch; jobs are looked at in order from
 * a cursor, on every jobDone and at start, so a job that finished while the gateway was down is not missed.
 */
export class EvidenceNotices {
  #sweeping: Promise<void> = Promise.resolve();
  readonly #onJobDone = () => void this.sweep();

  constructor(private readonly deps: EvidenceNoticesDeps) {}

  start(): void {
    this.deps.submitter.on("jobDone", this.#onJobDone);
    void this.sweep();
  }

  stop(): void {
    this.deps.submitter.off("jobDone", this.#onJobDone);
  }

  /** Waits for the sweeps started so far. */
  idle(): Promise<void> {
    return this.#sweeping;
  }

  /** One `handover` record per case of a package the agency's gateway acknowledged (the signed acknowledgement in it). */
  async handover(delivery: { packageHash: string; agencyId: number; caseKeys: string[]; ackHash?: string; ackSignature?: string }): Promise<void> {
    const at = new Date(this.deps.clock()).toISOString();
    await this.deps.evidence.recordSystem(
      delivery.caseKeys.map((caseKey) =>
        this.#draft({ ...this.#base("handover", caseKey), agencyId: delivery.agencyId, packageHash: delivery.packageHash, ...(delivery.ackHash ? { ackHash: delivery.ackHash, ackSignature: delivery.ackSignature } : {}) }, at),
      ),
    );
  }

  /** Looks at finished jobs after the cursor, in order, and records the notices of those not yet recorded. */
  sweep(): Promise<void> {
    const run = this.#sweeping.then(() => this.#sweepOnce()).catch((error: unknown) => {
      this.deps.log({ level: "warn", msg: "evidence notices", error: String((error as Error)?.message ?? error).slice(0, 300) });
    });
    this.#sweeping = run;
    return run;
  }

  async #sweepOnce(): Promise<void> {
    const { marks } = this.deps;
    let seq = await marks.cursor();
    for (;;) {
      const id = jobIdAt(seq + 1);
      const job = await this.deps.submitter.job(id);
      if (!job || job.status !== "done") return;
      const event = EVENTS[job.kind];
      if (event && !(await marks.recorded(id))) {
        const items = await this.deps.submitter.items(id, { limit: 1_000_000 });
        const at = new Date(this.deps.clock()).toISOString();
        const drafts = items.flatMap((item) => {
          if (item.status.state !== "done") return [];
          const tx = item.status.txHash === undefined ? {} : { txHash: item.status.txHash, blockNumber: item.status.block };
          const base = this.#base(event, item.caseKey);
          const assignment = event === "assignment" ? { agencyId: job.params.agencyId, until: job.params.until } : {};
          const settlement =
            event === "settlement" ? { settledFen: item.settledFen ?? "0", ...(job.params.termsHash && { termsHash: job.params.termsHash }) } : {};
          return [this.#draft({ ...base, ...assignment, ...settlement, ...tx, jobId: id }, at)];
        });
        await this.deps.evidence.recordSystem(drafts, marks.recordedOps(id, seq + 1));
        this.deps.log({ level: "info", msg: "evidence notices recorded", jobId: id, event, records: drafts.length });
      } else {
        await this.deps.evidence.recordSystem([], marks.skippedOps(seq + 1));
      }
      seq++;
    }
  }

  #base(event: NoticeEvent, caseKey: string): Notice {
    return { format: NOTICE_FORMAT, event, caseKey, creditorId: this.deps.memberId, chainId: this.deps.chainId, caseRegistry: this.deps.caseRegistry };
  }

  #draft(notice: Notice, capturedAt: string): RecordDraft {
    const text = noticeText(notice);
    const bytes = Buffer.from(text, "utf8");
    return {
      caseKey: notice.caseKey,
      kind: NOTICE_KINDS[notice.event],
      contentSha256: createHash("sha256").update(bytes).digest("hex"),
      contentSize: bytes.length,
      mediaType: NOTICE_MEDIA_TYPE,
      capturedAt,
      kept: false,
      source: "system",
      inline: text,
    };
  }
}
