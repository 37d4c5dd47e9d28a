import type { SignedPeerEnvelope } from "./envelope.js";

export interface PeerHttpAnswer {
  status: number;
  body: unknown;
  /** Seconds, from a 429's Retry-After. */
  retryAfter?: number;
}

/** POSTs one signed envelope to a member's gateway (`<url>/v1/peer`) and reads its JSON answer, within `timeoutMs`. */
export async function postEnvelope(url: string, signed: SignedPeerEnvelope, timeoutMs: number): Promise<PeerHttpAnswer> {
  const res = await fetch(`${url}/v1/peer`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(signed),
    signal: AbortSignal.timeout(timeoutMs),
    redirect: "error",
  });
  const body: unknown = await res.json().catch(() => undefined);
  const retryAfter = Number(res.headers.get("retry-after"));
  return { status: res.status, body, ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfter } : {}) };
}
