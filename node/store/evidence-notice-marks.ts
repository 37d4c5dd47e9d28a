import type { KvOperation, KvStore } from "./kv-store.js";

const CURSOR = "j/cursor";
const doneKey = (jobId: string) => `j/done/${jobId}`;

/**
 * The `j/…` keys of the evidence sublevel: how far the automatic notices have looked through the finished jobs
 * (a cursor, the sequence number of the last job looked at), and a marker per job whose notices are in the log.
 * Both are written as operations of the batch that appends the notices, so that a job's notices are recorded once.
 *
 *   j/cursor        → sequence number, decimal
 *   j/done/<jobId>  → "1"
 */
export class EvidenceNoticeMarks {
  constructor(private readonly db: KvStore) {}

  /** The sequence number of the last job looked at; 0 before the first. */
  async cursor(): Promise<number> {
    return Number((await this.db.get(CURSOR)) ?? 0);
  }

  /** Whether a job's notices are already in the log. */
  async recorded(jobId: string): Promise<boolean> {
    return (await this.db.get(doneKey(jobId))) !== undefined;
  }

  /** Operations that mark a job's notices recorded and move the cursor to it. */
  recordedOps(jobId: string, seq: number): KvOperation[] {
    return [
      { type: "put", key: doneKey(jobId), value: "1" },
      { type: "put", key: CURSOR, value: String(seq) },
    ];
  }

  /** Operations that move the cursor past a job that has no notices (or whose notices are already recorded). */
  skippedOps(seq: number): KvOperation[] {
    return [{ type: "put", key: CURSOR, value: String(seq) }];
  }
}
