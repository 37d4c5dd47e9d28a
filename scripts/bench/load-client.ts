/**
 * Load in its own process, with autocannon: `concurrency` keep-alive connections for `seconds`, each request
 * taking the next path (GET) or body (POST) of a pool, round-robin. Prints one JSON line with the figures.
 * The spec arrives on stdin: a pool of 20,000 paths is too large for a command line.
 */
import autocannon from "autocannon";

interface Spec {
  url: string;
  method: "GET" | "POST";
  headers: Record<string, string>;
  pool: string[];
  concurrency: number;
  seconds: number;
}

let input = "";
for await (const chunk of process.stdin) input += chunk;
const spec = JSON.parse(input) as Spec;
let next = 0;
const pick = () => spec.pool[next++ % spec.pool.length] as string;

const cpuBefore = process.cpuUsage();
const result = await autocannon({
  url: spec.url,
  connections: spec.concurrency,
  duration: spec.seconds,
  requests: [
    {
      method: spec.method,
      headers: spec.method === "POST" ? { ...spec.headers, "content-type": "application/json" } : spec.headers,
      setupRequest: (req) =>
        spec.method === "GET" ? { ...req, path: pick() } : { ...req, path: new URL(spec.url).pathname, body: pick() },
    },
  ],
});
console.log(
  JSON.stringify({
    requests: result.requests.total,
    errors: result.errors + result.timeouts + result.non2xx,
    seconds: result.duration,
    requestsPerSecond: result.requests.total / result.duration,
    p50ms: result.latency.p50,
    p99ms: result.latency.p99,
    maxMs: result.latency.max,
    clientCpuUsPerRequest: ((cpu) => (cpu.user + cpu.system) / Math.max(1, result.requests.total))(process.cpuUsage(cpuBefore)),
  }),
);
