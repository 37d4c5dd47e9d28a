/**
 * A load generator in its own process: `concurrency` keep-alive connections send requests for `seconds`
 * (bounded), then it prints one JSON line: requests, errors, req/s, latency percentiles. Requests come from a
 * pool of paths (GET) or JSON-RPC bodies (POST).
 */
import { Agent, request } from "node:http";

interface Spec {
  url: string;
  method: "GET" | "POST";
  headers: Record<string, string>;
  /** For GET: paths; for POST: bodies. Picked in order, round-robin. */
  pool: string[];
  concurrency: number;
  seconds: number;
}

// The spec arrives on stdin: a pool of 20,000 paths is too large for a command line.
let input = "";
for await (const chunk of process.stdin) input += chunk;
const spec = JSON.parse(input) as Spec;
const target = new URL(spec.url);
const agent = new Agent({ keepAlive: true, maxSockets: spec.concurrency });
const latencies: number[] = [];
let errors = 0;
let next = 0;
const stopAt = performance.now() + spec.seconds * 1000;

function one(): Promise<void> {
  const item = spec.pool[next++ % spec.pool.length] as string;
  const started = performance.now();
  return new Promise((resolve) => {
    const req = request(
      {
        agent,
        host: target.hostname,
        port: target.port,
        method: spec.method,
        path: spec.method === "GET" ? item : target.pathname,
        headers: spec.method === "POST" ? { ...spec.headers, "content-type": "application/json", "content-length": Buffer.byteLength(item) } : spec.headers,
      },
      (res) => {
        res.resume();
        res.on("end", () => {
          if (res.statusCode !== 200) errors += 1;
          latencies.push(performance.now() - started);
          resolve();
        });
      },
    );
    req.on("error", () => {
      errors += 1;
      resolve();
    });
    req.end(spec.method === "POST" ? item : undefined);
  });
}

async function worker(): Promise<void> {
  while (performance.now() < stopAt) await one();
}

const begun = performance.now();
await Promise.all(Array.from({ length: spec.concurrency }, worker));
const seconds = (performance.now() - begun) / 1000;
latencies.sort((a, b) => a - b);
const at = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0;
agent.destroy();
console.log(
  JSON.stringify({
    requests: latencies.length,
    errors,
    seconds,
    requestsPerSecond: latencies.length / seconds,
    p50ms: at(0.5),
    p99ms: at(0.99),
    maxMs: latencies.at(-1) ?? 0,
  }),
);
