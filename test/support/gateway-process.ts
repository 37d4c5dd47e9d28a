import { type ChildProcess, spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { freePort } from "../../node/chain/anvil.js";
import { PROJECT_ROOT } from "../../node/paths.js";
import { apiClient } from "./api-client.js";
import type { TestConsortium } from "./consortium.js";

/**
 * One member's gateway as a real process (`node --import tsx node/main.ts --config FILE`), for the tests that kill
 * it: a fixed port, so that it comes back at the same URL (other gateways keep it in their agency lists), the
 * admin token printed on its first start kept for the starts after it, its output kept for failure messages.
 */
export interface GatewayProcess {
  name: string;
  url: string;
  token: string;
  proc: ChildProcess;
  api: ReturnType<typeof apiClient>;
  /** stdout and stderr so far (JSON log lines; never PII). */
  output(): string;
  /** SIGKILL: no shutdown code runs, as in a power cut. */
  kill(): Promise<void>;
  /** SIGTERM: the gateway's own clean stop. */
  stop(): Promise<void>;
}

export interface MemberProcessSpec {
  /** The consortium member's name. */
  name: string;
  /** Config fields merged over the member's (chain, http…). */
  config?: Record<string, unknown>;
  env?: Record<string, string>;
}

/** Writes the member's config file with a fixed free port; returns its path and URL. */
export async function writeProcessConfig(consortium: TestConsortium, spec: MemberProcessSpec): Promise<{ file: string; url: string }> {
  const config = consortium.member(spec.name).config;
  const port = await freePort();
  const extra = spec.config ?? {};
  const file = join(consortium.dir, `${spec.name}.process.json`);
  const merged = {
    ...config,
    ...extra,
    chain: { ...config.chain, ...((extra.chain as object | undefined) ?? {}) },
    http: { ...config.http, ...((extra.http as object | undefined) ?? {}), port, host: "127.0.0.1" },
  };
  await writeFile(file, JSON.stringify(merged));
  return { file, url: `http://127.0.0.1:${port}` };
}

/** Starts the gateway process and resolves once it logged "gateway started" (and, on a first start, its admin token). */
export async function spawnGateway(
  name: string,
  file: string,
  options: {
    token?: string;
    env?: Record<string, string>;
    timeoutMs?: number;
    /** The Node binary and the gateway's entry: by default the sources through tsx (a build, installed, in the package test). */
    command?: readonly [node: string, main: string];
  } = {},
): Promise<GatewayProcess> {
  const [node, ...entry] = options.command ?? [process.execPath, "--import", "tsx", "node/main.ts"];
  const proc = spawn(node, [...entry, "--config", file], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  const collect = (chunk: Buffer) => {
    out = (out + chunk.toString()).slice(-200_000);
  };
  // First listeners: `out` is complete when the start-up listeners below read it.
  proc.stdout.on("data", collect);
  proc.stderr.on("data", collect);
  const started = await new Promise<{ url: string; token: string }>((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`gateway ${name} did not start:\n${out.slice(-2_000)}`)), options.timeoutMs ?? 60_000);
    const finish = (error?: Error, value?: { url: string; token: string }) => {
      clearTimeout(timer);
      proc.stdout.off("data", onData);
      proc.stderr.off("data", onData);
      proc.off("exit", onExit);
      if (error) {
        proc.kill("SIGKILL");
        reject(error);
      } else resolve(value!);
    };
    const onData = () => {
      const url = /"msg":"gateway started".*?"url":"(http:[^"]+)"/.exec(out)?.[1];
      const token = options.token ?? /initial admin token \(shown once\): (\S+)/.exec(out)?.[1];
      if (url && token) finish(undefined, { url, token });
    };
    const onExit = (code: number | null) => finish(new Error(`gateway ${name} exited (${code}):\n${out.slice(-2_000)}`));
    proc.stdout.on("data", onData);
    proc.stderr.on("data", onData);
    proc.once("exit", onExit);
  });
  const exited = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
  proc.once("exit", (code, signal) => {
    out += `\n[gateway ${name} exited: code ${code}, signal ${signal}]\n`;
  });
  const stopWith = async (signal: NodeJS.Signals) => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
    await exited;
  };
  return {
    name,
    url: started.url,
    token: started.token,
    proc,
    api: apiClient(started.url, started.token),
    output: () => out,
    kill: () => stopWith("SIGKILL"),
    stop: () => stopWith("SIGTERM"),
  };
}
