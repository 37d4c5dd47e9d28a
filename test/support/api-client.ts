/** A small client for gateway tests: JSON in, JSON out, the status kept. Bodies are `any` so assertions stay readable. */
export interface ApiResponse {
  status: number;
  // Response bodies are checked field by field in the tests.
  body: any;
  headers: Headers;
}

export function apiClient(baseUrl: string, token?: string) {
  const request = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse> => {
    const isRaw = typeof body === "string" || body instanceof Uint8Array;
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined || isRaw ? {} : { "content-type": "application/json" }),
        ...headers,
      },
      body: body === undefined ? undefined : isRaw ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, body: parsed, headers: res.headers };
  };
  return {
    get: (path: string) => request("GET", path),
    post: (path: string, body?: unknown, headers?: Record<string, string>) => request("POST", path, body, headers),
    put: (path: string, body?: unknown) => request("PUT", path, body),
    del: (path: string) => request("DELETE", path),
    upload: (name: string, csv: string | Uint8Array) => request("POST", `/v1/case-lists?name=${encodeURIComponent(name)}`, csv, { "content-type": "text/csv" }),
  };
}

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 30_000, what = "condition"): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
