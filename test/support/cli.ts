import { spawn } from "node:child_process";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../node/paths.js";

/**
 * Node's arguments that run the `caseledger` command from its TypeScript source (tsx by absolute URL, so that any
 * working directory will do). The built command, installed from the package, is tested by test/e2e/package.test.ts.
 */
export const CLI = ["--import", import.meta.resolve("tsx"), join(PROJECT_ROOT, "bin", "caseledger.ts")];

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `caseledger` as a real process with `env` over this process's environment: `input` goes to its stdin, which is
 * then closed; resolves with its exit code (-1 when killed) and all it printed.
 */
export function caseledger(args: readonly string[], env: Record<string, string> = {}, input = ""): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...CLI, ...args], { env: { ...process.env, ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => (stdout += c));
    child.stderr.on("data", (c) => (stderr += c));
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(input);
  });
}
