/**
 * One member's gateway for `npm run bench:load`, in its own process as in production (each member runs its own):
 * the config, the staff role of the token to create and the anchoring settings arrive on stdin as JSON. Prints JSON
 * lines on stdout — `{"ready":{url,token}}` once, `{"rss":bytes}` every second, `{"error":msg}` for every error the
 * gateway logs — and closes cleanly on SIGTERM.
 */
import type { GatewayConfig } from "../../node/config.js";
import { startGateway } from "../../node/gateway.js";

let input = "";
for await (const chunk of process.stdin) input += chunk;
const spec = JSON.parse(input) as { config: GatewayConfig; role: "lender" | "agency"; evidence?: { intervalMs: number; everyRecords: number } };
const say = (line: object) => process.stdout.write(`${JSON.stringify(line)}\n`);

const gateway = await startGateway(spec.config, {
  log: (event) => {
    if (event.level === "error") say({ error: String(event.msg) });
    // Anchoring's progress and retries, for the run's report (BENCH_LOAD_DEBUG prints them as they come).
    if (event.level === "warn" || /anchor/.test(String(event.msg))) say({ note: { at: new Date().toISOString(), ...event } });
  },
  ...(spec.evidence ? { evidence: spec.evidence } : {}),
});
const { token } = await gateway.tokens.create(spec.role, "bench-load");
say({ ready: { url: gateway.url, token } });
say({ rss: process.memoryUsage().rss });
const sampler = setInterval(() => say({ rss: process.memoryUsage().rss }), 1_000);
process.once("SIGTERM", () => {
  clearInterval(sampler);
  void gateway.close().then(() => process.exit(0));
});
