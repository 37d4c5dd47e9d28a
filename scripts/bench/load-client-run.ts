import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

/** What load-client.ts prints when its run is over. */
export interface LoadResult {
  requests: number;
  errors: number;
  requestsPerSecond: number;
  p50ms: number;
  p99ms: number;
  maxMs: number;
  /** CPU time of the load client itself (autocannon), µs per request. */
  clientCpuUsPerRequest: number;
}

/**
 * Runs load-client.ts in its own process (asynchronously: the gateway under test may live in this one). The spec
 * goes in on stdin; `{"progress":…}` lines on its stderr go to `onProgress`, anything else it says is passed on.
 */
export function runLoadClient(spec: object, onProgress?: (requests: number, non2xx: number) => void): Promise<LoadResult> {
  const client = fileURLToPath(new URL("./load-client.ts", import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", client], { stdio: ["pipe", "pipe", "pipe"] });
    child.stdin.end(JSON.stringify(spec));
    let out = "";
    let err = "";
    child.stdout.on("data", (c) => (out += c));
    child.stderr.on("data", (c: Buffer) => {
      err += c.toString();
      const lines = err.split("\n");
      err = lines.pop() ?? "";
      for (const line of lines) {
        try {
          const p = (JSON.parse(line) as { progress?: { requests: number; non2xx: number } }).progress;
          if (p) onProgress?.(p.requests, p.non2xx);
          else process.stderr.write(`${line}\n`);
        } catch {
          process.stderr.write(`${line}\n`);
        }
      }
    });
    child.on("close", (code) => {
      if (err) process.stderr.write(`${err}\n`);
      if (code === 0) resolve(JSON.parse(out.trim()) as LoadResult);
      else reject(new Error(`load client exited ${code}`));
    });
  });
}
