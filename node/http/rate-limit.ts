import type { NextFunction, Request, Response } from "express";
import { ApiError } from "./api-error.js";

/**
 * A token bucket per client address with bounded memory: at most `maxClients` buckets are kept, the least
 * recently seen dropped first (a dropped client starts again with a full bucket, which only ever errs on the
 * side of answering). Enough for the public endpoints of one gateway; a reverse proxy in front does the rest.
 */
export class RateLimiter {
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly options: { burst: number; perSecond: number; maxClients?: number; now?: () => number },
  ) {}

  /** Takes one token for `client`; false when its bucket is empty. */
  take(client: string): boolean {
    const now = this.options.now?.() ?? Date.now();
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

  get size(): number {
    return this.#buckets.size;
  }

  /** Express middleware: 429 with a Retry-After when the caller's bucket is empty. */
  middleware() {
    return (req: Request, res: Response, next: NextFunction) => {
      if (this.take(req.ip ?? req.socket.remoteAddress ?? "?")) return next();
      res.set("Retry-After", String(Math.ceil(1 / this.options.perSecond)));
      throw new ApiError("RATE_LIMITED", "请求过于频繁，请稍后再试 / too many requests, try again shortly");
    };
  }
}
