import type { Logger } from "./error-handler.js";

/**
 * One access-log event: method, route, status, time and the staff token's public id. Never query strings or
 * bodies (they may hold loan refs or worse). `started` is process.hrtime.bigint() at the request's start.
 */
export function logRequest(log: Logger, method: string, path: string, status: number, started: bigint, staff: string | undefined): void {
  log({ level: "info", msg: "request", method, path, status, ms: Number(process.hrtime.bigint() - started) / 1e6, staff });
}
