import { EXIT } from "./output.js";

/** Where the CLI finds the gateway and the staff token: flags first, then the environment. */
export interface GatewayTarget {
  url: string;
  token: string;
}

export class CliError extends Error {
  constructor(
    readonly exitCode: number,
    message: string,
  ) {
    super(message);
  }
}

export function gatewayTarget(values: { gateway?: string; token?: string }): GatewayTarget {
  const url = (values.gateway ?? process.env.CASELEDGER_GATEWAY ?? "").replace(/\/$/, "");
  const token = values.token ?? process.env.CASELEDGER_TOKEN ?? "";
  if (!url || !token) {
    throw new CliError(EXIT.USAGE, "需要网关地址与令牌：--gateway URL 与 CASELEDGER_TOKEN 环境变量 / give --gateway URL and the CASELEDGER_TOKEN environment variable");
  }
  return { url, token };
}

export const GATEWAY_OPTIONS = {
  gateway: { type: "string" },
  token: { type: "string" },
  json: { type: "boolean", default: false },
  help: { type: "boolean", default: false },
} as const;

export const GATEWAY_HELP = `  --gateway URL   the member's gateway (or CASELEDGER_GATEWAY)
  --token TOKEN   a staff token (better: CASELEDGER_TOKEN, which stays out of shell history)
  --json          machine-readable output`;

/** The longest the CLI waits on one Retry-After before trying again. */
const MAX_RETRY_WAIT_SECONDS = 60;

/** How a call is made: its body and headers, and whether a 429 is waited out. */
export interface GatewayCallInit {
  /** A body, or a function making a fresh one for each attempt (a stream is read once). */
  body?: RequestInit["body"] | (() => RequestInit["body"]);
  json?: unknown;
  headers?: Record<string, string>;
  duplex?: "half";
  /** On 429, wait the gateway's Retry-After and try again, at most `attempts` times in all. */
  retry?: { attempts: number; onWait: (seconds: number, attempt: number) => void };
}

/** The gateway's answer, or a CliError when it cannot be reached or answers with an error (its code and message). */
async function answerOf(target: GatewayTarget, method: string, path: string, init: GatewayCallInit): Promise<Response> {
  let res: Response;
  for (let attempt = 1; ; attempt++) {
    try {
      res = await fetch(`${target.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${target.token}`,
          ...(init.json === undefined ? {} : { "content-type": "application/json" }),
          ...init.headers,
        },
        body: init.json === undefined ? (typeof init.body === "function" ? init.body() : init.body) : JSON.stringify(init.json),
        ...(init.duplex ? { duplex: init.duplex } : {}),
      });
    } catch (error) {
      throw new CliError(EXIT.UNAVAILABLE, `无法连接网关 / cannot reach the gateway at ${target.url}: ${(error as Error).message}`);
    }
    if (res.status !== 429 || !init.retry || attempt >= init.retry.attempts) break;
    await res.body?.cancel();
    const seconds = Math.min(Math.max(Number(res.headers.get("retry-after")) || 1, 1), MAX_RETRY_WAIT_SECONDS);
    init.retry.onWait(seconds, attempt);
    await new Promise((resolve) => setTimeout(resolve, seconds * 1_000));
  }
  if (res.ok) return res;
  const text = await res.text();
  let body: any;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = text;
  }
  const code = body?.error?.code ?? String(res.status);
  const message = body?.error?.message ?? text.slice(0, 200);
  const exit = res.status === 401 || res.status === 403 ? EXIT.CONFIG : res.status >= 500 ? EXIT.UNAVAILABLE : EXIT.BAD_INPUT;
  throw new CliError(exit, `${code}: ${message}${body?.error?.details ? ` ${JSON.stringify(body.error.details).slice(0, 500)}` : ""}`);
}

/** Calls the gateway; API errors become CliErrors with the gateway's code and message. */
export async function callGateway(target: GatewayTarget, method: string, path: string, init: GatewayCallInit = {}): Promise<any> {
  const text = await (await answerOf(target, method, path, init)).text();
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return text;
  }
}

/** The answer's bytes (a PDF, a zip: callGateway reads text); errors as callGateway gives them. */
export async function callGatewayBytes(target: GatewayTarget, method: string, path: string, init: GatewayCallInit = {}): Promise<Buffer> {
  return Buffer.from(await (await answerOf(target, method, path, init)).arrayBuffer());
}
