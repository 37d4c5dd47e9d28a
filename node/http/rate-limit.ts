import type { NextFunction, Request, Response } from "express";
import { msg } from "../messages/message.js";
import type { Clock } from "../domain/clock.js";
import { ApiError } from "./api-error.js";

/**
 * A token bucket per client address with bounded memory: at most `maxClients` buckets are kept, the least
 * recently seen dropped first (a dropped client starts again with a full bucket, which only ever errs on the
 * side of answering). Enough for the public endpoints of one gateway; a reverse proxy in front does the rest.
 */
export class RateLimiter {
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly options: { burst: number; perSecond: number; maxClients?: number; clock: Clock },
  ) {}

  /** Takes one token for `client`; false when its bucket is empty. */
  take(client: string): boolean {
    const now = this.options.clock();
    const previous = this.#buckets.get(client);
    let tokens = this.options.burst;
    if (previous) {
      tokens = Math.min(this.options.burst, previous.tokens + ((now - previous.at) / 1000) * this.options.perSecond);
      this.#buckets.delete(client);
    }
    const allowed = tokens >= 1;
    this.#buckets.set(client, { tokens: allowed ? tokens - 1 : tokens, at: now });
    const max = this.options.maxClients ?? 10_000;
    while (this.#buckets.size > max) {
      const oldest = this.#buckets.keys().next().value as string;
      this.#buckets.delete(oldest);
    }
    return allowed;
  }

  /** Whether `client`'s bucket is empty now, without taking from it (for limits counted on failures only). */
  blocked(client: string): boolean {
    return this.#tokensOf(client) < 1;
  }

  /** Whole seconds until `client` has a token again (at least 1). */
  retryAfterSeconds(client: string): number {
    return Math.max(1, Math.ceil((1 - this.#tokensOf(client)) / this.options.perSecond));
  }

  #tokensOf(client: string): number {
    const previous = this.#buckets.get(client);
    if (!previous) return this.options.burst;
    const now = this.options.clock();
    return Math.min(this.options.burst, previous.tokens + ((now - previous.at) / 1000) * this.options.perSecond);
  }

  get size(): number {
    return this.#buckets.size;
  }

  /**
   * Express middleware: 429 with a Retry-After when the caller's bucket is empty. The caller is the client address
   * (express's `req.ip`: the TCP peer, or what a trusted proxy forwards for) unless `keyOf` says otherwise; a
   * request it names no key for is not limited here.
   */
  middleware(keyOf: (req: Request) => string | undefined = (req) => req.ip ?? req.socket.remoteAddress ?? "?") {
    return (req: Request, res: Response, next: NextFunction) => {
      const client = keyOf(req);
      if (client === undefined || this.take(client)) return next();
      res.set("Retry-After", String(this.retryAfterSeconds(client)));
      throw new ApiError("RATE_LIMITED", msg("api.RATE_LIMITED"));
    };
  }
}
