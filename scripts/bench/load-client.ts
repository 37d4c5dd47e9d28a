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
  /** When set, a `{"progress":{"requests":n,"non2xx":n}}` line on stderr every so many seconds. */
  progressEverySeconds?: number;
}

let input = "";
for await (const chunk of process.stdin) input += chunk;
const spec = JSON.parse(input) as Spec;
let next = 0;
const pick = () => spec.pool[next++ % spec.pool.length] as string;

const cpuBefore = process.cpuUsage();
let finished!: (result: autocannon.Result) => void;
let failed!: (error: unknown) => void;
const done = new Promise<autocannon.Result>((resolve, reject) => {
  finished = resolve;
  failed = reject;
});
// The callback form returns the instance, whose "response" events give the progress.
const instance = autocannon({
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
}, (error, result) => (error ? failed(error) : finished(result)));
let responses = 0;
let non2xx = 0;
// Counted only when progress is asked for: a listener per response costs the client CPU that bench:check measures.
if (spec.progressEverySeconds) {
  instance.on("response", (_client: unknown, statusCode: number) => {
    responses++;
    if (statusCode < 200 || statusCode >= 300) non2xx++;
  });
}
if (spec.progressEverySeconds) process.stderr.write(`${JSON.stringify({ progress: { requests: 0, non2xx: 0 } })}\n`);
const ticker = spec.progressEverySeconds
  ? setInterval(() => process.stderr.write(`${JSON.stringify({ progress: { requests: responses, non2xx } })}\n`), spec.progressEverySeconds * 1000)
  : undefined;
const result = await done;
if (ticker) clearInterval(ticker);
console.log(
  JSON.stringify({
    requests: result.requests.total,
    errors: result.errors + result.timeouts + result.non2xx,
    breakdown: { connectionErrors: result.errors, timeouts: result.timeouts, non2xx: result.non2xx, statusCodes: result.statusCodeStats },
    seconds: result.duration,
    requestsPerSecond: result.requests.total / result.duration,
    p50ms: result.latency.p50,
    p99ms: result.latency.p99,
    maxMs: result.latency.max,
    clientCpuUsPerRequest: ((cpu) => (cpu.user + cpu.system) / Math.max(1, result.requests.total))(process.cpuUsage(cpuBefore)),
  }),
);
