import { msg } from "../messages/message.js";
import type { IngestLimits } from "../config.js";
import { ServiceError } from "./service-error.js";

/** What a refused upload is told to wait: about one small list's ingest; the CLI retries after it. */
export const QUEUE_RETRY_AFTER_SECONDS = 5;

/** One upload's place: `position` counts from 1 among those waiting; 0 while it runs. */
export interface QueuedUpload {
  ref: string;
  file: string;
  state: "queued" | "running";
  position: number;
}

export interface QueueView {
  running: number;
  queued: number;
  maxConcurrent: number;
  maxQueued: number;
  /** The asker's own uploads, running first, then waiting in order. */
  uploads: QueuedUpload[];
}

interface Entry {
  ref: string;
  owner: string;
  file: string;
  start: () => void;
}

/**
 * The gateway's case-list ingests: at most `maxConcurrent` run, at most `maxQueued` more wait in arrival order, and
 * any beyond are refused (429 with a Retry-After) before a byte of their body is read. A waiting upload's body stays
 * unread — TCP holds the sender back — so waiting costs no memory; one that is cancelled while it waits (its client
 * went away) leaves its place and has written nothing.
 */
export class IngestQueue {
  readonly #running = new Set<Entry>();
  readonly #waiting: Entry[] = [];

  constructor(private readonly limits: Pick<IngestLimits, "maxConcurrent" | "maxQueued">) {}

  get running(): number {
    return this.#running.size;
  }

  get queued(): number {
    return this.#waiting.length;
  }

  /**
   * Runs `task` once a slot is free. Throws RATE_LIMITED (details.retryAfterSeconds) at once when the queue is full,
   * and BAD_REQUEST INGEST_CANCELLED when `signal` aborts while the upload waits (the task never started).
   */
  async run<T>(who: { owner: string; ref: string; file: string }, task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) throw cancelled();
    const entry: Entry = { ...who, start: () => undefined };
    if (this.#running.size < this.limits.maxConcurrent && this.#waiting.length === 0) {
      this.#running.add(entry);
    } else {
      if (this.#waiting.length >= this.limits.maxQueued) {
        throw new ServiceError("RATE_LIMITED", msg("api.INGEST_QUEUE_FULL"), { retryAfterSeconds: QUEUE_RETRY_AFTER_SECONDS });
      }
      await new Promise<void>((resolve, reject) => {
        const onAbort = () => {
          const at = this.#waiting.indexOf(entry);
          if (at >= 0) this.#waiting.splice(at, 1);
          reject(cancelled());
        };
        entry.start = () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        };
        signal?.addEventListener("abort", onAbort, { once: true });
        this.#waiting.push(entry);
      });
    }
    try {
      return await task();
    } finally {
      this.#running.delete(entry);
      this.#next();
    }
  }

  #next(): void {
    while (this.#running.size < this.limits.maxConcurrent && this.#waiting.length > 0) {
      const entry = this.#waiting.shift()!;
      this.#running.add(entry);
      entry.start();
    }
  }

  /** The counts, and `owner`'s own uploads with their places (another's files are not shown). */
  view(owner: string): QueueView {
    const mine = (e: Entry) => e.owner === owner;
    const uploads: QueuedUpload[] = [
      ...[...this.#running].filter(mine).map((e) => ({ ref: e.ref, file: e.file, state: "running" as const, position: 0 })),
      ...this.#waiting.flatMap((e, i) => (mine(e) ? [{ ref: e.ref, file: e.file, state: "queued" as const, position: i + 1 }] : [])),
    ];
    return { running: this.#running.size, queued: this.#waiting.length, maxConcurrent: this.limits.maxConcurrent, maxQueued: this.limits.maxQueued, uploads };
  }
}

const cancelled = () => new ServiceError("BAD_REQUEST", msg("api.INGEST_CANCELLED"));
