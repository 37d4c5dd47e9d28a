import { type ChildProcess, spawn } from "node:child_process";
import { randomInt } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { ChainError } from "./errors.js";

const require = createRequire(import.meta.url);

/** The npm package that ships anvil's binary for this platform (a dependency of `@foundry-rs/anvil`). */
function platformPackage(): string {
  const arch = { x64: "amd64", arm64: "arm64" }[process.arch as "x64" | "arm64"];
  const os = { linux: "linux", darwin: "darwin", win32: "win32" }[process.platform as "linux" | "darwin" | "win32"];
  if (!arch || !os) {
    throw new ChainError("ANVIL_NOT_INSTALLED", `anvil has no build for ${process.platform}-${process.arch}`);
  }
  return `@foundry-rs/anvil-${os}-${arch}`;
}

/** Path of the anvil binary installed from npm. */
export function anvilBinary(): string {
  const pkg = platformPackage();
  try {
    const dir = dirname(require.resolve(`${pkg}/package.json`));
    const bin = join(dir, "bin", process.platform === "win32" ? "anvil.exe" : "anvil");
    if (existsSync(bin)) return bin;
  } catch {
    // reported below
  }
  throw new ChainError("ANVIL_NOT_INSTALLED", `${pkg} is not installed; run \`npm ci\``);
}

/**
 * Ports handed out when no port is preferred: below Linux's ephemeral range (32768–60999), so that neither an
 * outgoing connection nor another process's `listen(0)` takes the port between this check and the bind, and drawn at
 * random, so that processes starting side by side (the test groups run in parallel) do not pick the same one.
 */
const FREE_PORT_RANGE = { from: 20_000, to: 32_000 } as const;
const FREE_PORT_DRAWS = 20;

/**
 * A TCP port on 127.0.0.1 that is free right now: `preferred` when it is, otherwise one drawn from FREE_PORT_RANGE,
 * otherwise one the OS picks.
 */
export async function freePort(preferred = 0): Promise<number> {
  const tryPort = (port: number) =>
    new Promise<number | undefined>((resolve) => {
      const server = createServer();
      server.once("error", () => resolve(undefined));
      server.listen(port, "127.0.0.1", () => {
        const address = server.address();
        const bound = typeof address === "object" && address ? address.port : undefined;
        server.close(() => resolve(bound));
      });
    });
  if (preferred) {
    const port = await tryPort(preferred);
    if (port !== undefined) return port;
  }
  for (let draw = 0; draw < FREE_PORT_DRAWS; draw++) {
    const port = await tryPort(FREE_PORT_RANGE.from + randomInt(FREE_PORT_RANGE.to - FREE_PORT_RANGE.from));
    if (port !== undefined) return port;
  }
  return (await tryPort(0)) as number;
}

export interface AnvilOptions {
  /** Port on 127.0.0.1; 0 picks a free one. Default 0. */
  port?: number;
  /** State file: loaded at start when it exists, written at exit and every `stateIntervalSeconds`. */
  stateFile?: string;
  /** How often the state is written while running, so that a kill -9 loses at most this much. Default 1. */
  stateIntervalSeconds?: number;
  chainId?: number;
  /** How long to wait for the RPC to answer. Default 20 s. */
  startTimeoutMs?: number;
  /** More anvil flags (tests use `--base-fee 0 --gas-price 0` to stand in for Besu's free gas). */
  extraArgs?: string[];
}

export interface AnvilNode {
  rpcUrl: string;
  port: number;
  chainId: number;
  process: ChildProcess;
  /** Stops anvil with SIGTERM (its state is written on the way out); SIGKILL after a grace period. */
  stop(): Promise<void>;
}

/** Anvil's first development account: a published test key, only ever used on chain id 31337. */
export const ANVIL_DEV_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
export const ANVIL_CHAIN_ID = 31337;

async function rpcAnswers(rpcUrl: string): Promise<boolean> {
  try {
    const res = await fetch(rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      signal: AbortSignal.timeout(1_000),
    });
    return res.ok;
  } catch {
    return false;
  }
}

/** Starts anvil on 127.0.0.1 and waits until it answers JSON-RPC. */
export async function startAnvil(options: AnvilOptions = {}): Promise<AnvilNode> {
  const port = await freePort(options.port ?? 0);
  const chainId = options.chainId ?? ANVIL_CHAIN_ID;
  const args = ["--host", "127.0.0.1", "--port", String(port), "--chain-id", String(chainId), "--silent"];
  if (options.stateFile) {
    await mkdir(dirname(options.stateFile), { recursive: true });
    args.push("--state", options.stateFile, "--state-interval", String(options.stateIntervalSeconds ?? 1));
    // Keep every block's state so that historical calls still work after a restart.
    args.push("--preserve-historical-states");
  }
  args.push(...(options.extraArgs ?? []));
  const child = spawn(anvilBinary(), args, { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4_000);
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const rpcUrl = `http://127.0.0.1:${port}`;

  const deadline = Date.now() + (options.startTimeoutMs ?? 20_000);
  while (!(await rpcAnswers(rpcUrl))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new ChainError("ANVIL_START_FAILED", `anvil did not start on ${rpcUrl}: ${stderr.trim() || "no output"}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  return {
    rpcUrl,
    port,
    chainId,
    process: child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
