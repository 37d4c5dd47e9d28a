import { sleep as wait } from "../chain/rpc.js";
import type { SealedHandover } from "./handover-envelope.js";

export interface HandoverAnswer {
  status: number;
  body: { accepted?: number; rejected?: unknown[]; ack?: unknown; error?: { code?: string } };
}

/** The longest a sender waits on one Retry-After; a receiver asking for more is answered by the next sweep. */
const MAX_WAIT_MS = 60_000;

/**
 * POSTs one sealed package to an agency's gateway. A 429 (the receiver's limits: per sender address and per
 * creditor) refused the package before looking at it, so the same package is sent again after Retry-After, up to
 * `attempts` times in all — a large assignment is paced by the receiver instead of failing and starting over.
 */
export async function postHandover(
  url: string,
  signed: SealedHandover,
  options: { timeoutMs: number; attempts?: number; sleep?: (ms: number) => Promise<void>; stopped?: () => boolean },
): Promise<HandoverAnswer> {
  const sleep = options.sleep ?? wait;
  const body = JSON.stringify(signed);
  for (let attempt = 1; ; attempt++) {
    const res = await fetch(`${url}/v1/handover`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    const answer = { status: res.status, body: (await res.json().catch(() => ({}))) as HandoverAnswer["body"] };
    if (res.status !== 429 || attempt >= (options.attempts ?? 30) || options.stopped?.()) return answer;
    const seconds = Number(res.headers.get("retry-after"));
    await sleep(Math.min(MAX_WAIT_MS, Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 1000));
  }
}
