import { randomBytes } from "node:crypto";
import type { Clock } from "../../domain/clock.js";
import type { PeerOutboxItem, PeerOutboxStore } from "../../store/peer-outbox.js";
import type { PeerExchange } from "./channel.js";

/** Called once a message of its kind is answered (a body or a signed refusal); must be idempotent (see deliver). */
export type PeerAnswerHook = (item: PeerOutboxItem, exchange: PeerExchange) => Promise<void>;

export interface PeerOutboxDeps {
  store: PeerOutboxStore;
  channel: { send(to: number, kind: string, body: unknown): Promise<PeerExchange> };
  clock: Clock;
  /** The sweep runs this often; attempt n waits retryMs·2^(n−1) after the last (DEFAULTS.timeouts.peerRetryMs). */
  retryMs: number;
  /** Attempts before a message is a dead letter (DEFAULTS.peerMaxAttempts). */
  maxAttempts: number;
  log: (event: Record<string, unknown>) => void;
}

/** Longest backoff between two attempts, in multiples of retryMs. */
const MAX_BACKOFF_STEPS = 6;

/**
 * Messages to other members that must arrive: written to LevelDB before the first attempt, sent over the peer channel
 * until the receiver answers (a body or a signed refusal: either is final and kept as proof), with backoff, and set
 * aside as a dead letter after `maxAttempts`. Each attempt is a new envelope (new id, new time), so the receiver's
 * replay store never refuses a retry: a message's body must carry its own id, and its handler must take the same
 * body twice as once. A restart resumes from the store.
 */
export class PeerOutbox {
  readonly #hooks = new Map<string, PeerAnswerHook>();
  readonly #deadHooks = new Map<string, (item: PeerOutboxItem) => Promise<void>>();
  readonly #inFlight = new Set<string>();
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(private readonly deps: PeerOutboxDeps) {}

  /** What to do with the answer to messages of `kind` (registered at start, before start()). */
  onAnswer(kind: string, hook: PeerAnswerHook): void {
    this.#hooks.set(kind, hook);
  }

  /** What to do when a message of `kind` is set aside as a dead letter. */
  onDeadLetter(kind: string, hook: (item: PeerOutboxItem) => Promise<void>): void {
    this.#deadHooks.set(kind, hook);
  }

  /**
   * Writes the message, then tries it at once (without waiting); returns it as written. With `id` (the caller's own
   * record names the message before it exists), a message of that id already written is returned as it is.
   */
  async deliver(to: number, kind: string, body: unknown, options: { id?: string } = {}): Promise<PeerOutboxItem> {
    if (options.id !== undefined) {
      const existing = await this.deps.store.get(options.id);
      if (existing) return existing;
    }
    const at = new Date(this.deps.clock()).toISOString();
    const item: PeerOutboxItem = { id: options.id ?? randomBytes(16).toString("hex"), to, kind, body, state: "pending", attempts: 0, createdAt: at, updatedAt: at };
    await this.deps.store.put(item);
    void this.#attempt(item.id);
    return item;
  }

  get(id: string): Promise<PeerOutboxItem | undefined> {
    return this.deps.store.get(id);
  }

  counts(): Promise<{ pending: number; deadLetter: number }> {
    return this.deps.store.counts();
  }

  start(): void {
    const sweep = async () => {
      if (this.#stopped) return;
      try {
        const ids: string[] = [];
        for await (const item of this.deps.store.pending()) ids.push(item.id);
        for (const id of ids) await this.#attempt(id);
      } catch (error) {
        this.deps.log({ level: "warn", msg: "peer outbox sweep", error: String((error as Error)?.message ?? error).slice(0, 300) });
      }
      if (!this.#stopped) this.#timer = setTimeout(() => void sweep(), this.deps.retryMs);
    };
    void sweep();
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
  }

  /** Waits until nothing is being sent (tests, and a clean stop). */
  async idle(): Promise<void> {
    while (this.#inFlight.size > 0) await new Promise((resolve) => setTimeout(resolve, 10));
  }

  async #attempt(id: string): Promise<void> {
    if (this.#inFlight.has(id) || this.#stopped) return;
    this.#inFlight.add(id);
    try {
      await this.#try(id);
    } catch (error) {
      // A store that refuses the write: the item stays pending and the next sweep tries again.
      this.deps.log({ level: "warn", msg: "peer outbox", id, error: String((error as Error)?.message ?? error).slice(0, 300) });
    } finally {
      this.#inFlight.delete(id);
    }
  }

  async #try(id: string): Promise<void> {
    const { deps } = this;
    const item = await deps.store.get(id);
    if (!item || item.state !== "pending") return;
    if (item.nextAttemptAt !== undefined && Date.parse(item.nextAttemptAt) > deps.clock()) return;
    const attempts = item.attempts + 1;
    const at = () => new Date(deps.clock()).toISOString();
    const { nextAttemptAt: _next, lastError: _last, ...rest } = item;
    let exchange: PeerExchange;
    try {
      exchange = await deps.channel.send(item.to, item.kind, item.body);
    } catch (error) {
      const lastError = String((error as Error)?.message ?? error).slice(0, 300);
      const next: PeerOutboxItem =
        attempts >= deps.maxAttempts
          ? { ...rest, state: "dead-letter", attempts, lastError, updatedAt: at() }
          : { ...rest, attempts, lastError, nextAttemptAt: new Date(deps.clock() + deps.retryMs * 2 ** Math.min(attempts - 1, MAX_BACKOFF_STEPS)).toISOString(), updatedAt: at() };
      await deps.store.put(next);
      if (next.state === "dead-letter") await this.#deadHooks.get(item.kind)?.(next);
      deps.log({ level: "warn", msg: `peer message ${next.state === "pending" ? "not delivered yet" : next.state}`, kind: item.kind, to: item.to, attempts });
      return;
    }
    const answered: PeerOutboxItem = { ...rest, state: "answered", attempts, request: exchange.request, answer: exchange.answer, updatedAt: at() };
    // The hook first: a crash before the write sends again, and the receiver and the hook take a repeat as once.
    await this.#hooks.get(item.kind)?.(answered, exchange);
    await deps.store.put(answered);
  }
}
