import client from "prom-client";

/** What the gauges read at each scrape (asked then, so that a scrape sees the gateway as it is). */
export interface MetricsSources {
  ingest: () => { running: number; queued: number };
  /** The chain outbox: jobs and cases not yet on chain. */
  outbox: () => Promise<{ pendingJobs: number; pendingItems: number } | undefined>;
  /** Evidence records not yet anchored, and how long the oldest of them has waited. */
  anchoring: () => { lag: number; lagSeconds: number };
  /** /v1/health's own answer: whether the chain node answers and the store takes writes. */
  health: () => Promise<{ chain: { reachable: boolean }; store?: { writable: boolean } }>;
  /** Peer messages (caseledger-peer/1) waiting to be delivered, and those set aside as dead letters. */
  peerOutbox?: () => Promise<{ pending: number; deadLetter: number }>;
}

/** Seconds: from a fast ownership answer (about a millisecond) to a large upload (minutes). */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

/** The route label of a request no route matched: its path is the client's words, which must not become labels. */
export const UNMATCHED_ROUTE = "(unmatched)";

/**
 * One gateway's Prometheus metrics, in a registry of its own (several gateways share a process in tests, and the
 * global registry would mix them). Labels are route patterns and status classes only: a case key or an ID number
 * in a path never becomes a label value.
 */
export class GatewayMetrics {
  readonly registry = new client.Registry();
  readonly #latency: client.Histogram<"method" | "route" | "status">;
  readonly #rows: client.Counter;
  readonly #lists: client.Counter<"state">;
  readonly #gauges: Record<"ingestRunning" | "ingestQueued" | "outboxJobs" | "outboxItems" | "anchorLag" | "anchorLagSeconds" | "chainReachable" | "storeWritable" | "peerPending" | "peerDeadLetters", client.Gauge>;

  constructor(private readonly sources: MetricsSources) {
    const registers = [this.registry];
    client.collectDefaultMetrics({ register: this.registry, prefix: "caseledger_" });
    this.#latency = new client.Histogram({
      name: "caseledger_http_request_duration_seconds",
      help: "HTTP request latency by method, matched route pattern and status class (2xx, 4xx, 5xx)",
      labelNames: ["method", "route", "status"],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.#rows = new client.Counter({ name: "caseledger_ingest_rows_total", help: "Case-list rows read by finished ingests", registers });
    this.#lists = new client.Counter({ name: "caseledger_ingest_lists_total", help: "Case lists ingested, by final state", labelNames: ["state"], registers });
    const gauge = (name: string, help: string) => new client.Gauge({ name, help, registers });
    this.#gauges = {
      ingestRunning: gauge("caseledger_ingest_running", "Case-list ingests running now"),
      ingestQueued: gauge("caseledger_ingest_queued", "Case-list uploads waiting for an ingest slot"),
      outboxJobs: gauge("caseledger_outbox_pending_jobs", "Chain jobs (registrations, assignments) not yet fully on chain"),
      outboxItems: gauge("caseledger_outbox_pending_items", "Cases in the chain outbox not yet on chain"),
      anchorLag: gauge("caseledger_anchor_lag_records", "Evidence records not yet covered by an on-chain anchor"),
      anchorLagSeconds: gauge("caseledger_anchor_lag_seconds", "Seconds the oldest unanchored evidence record has waited (0 when none waits)"),
      chainReachable: gauge("caseledger_chain_reachable", "1 when the chain node answered the health check, else 0"),
      storeWritable: gauge("caseledger_store_writable", "1 when the store took the health check's write, else 0"),
      peerPending: gauge("caseledger_peer_outbox_pending", "Peer messages (caseledger-peer/1) not yet answered by their receiver"),
      peerDeadLetters: gauge("caseledger_peer_outbox_dead_letters", "Peer messages whose attempts ran out"),
    };
  }

  /** One answered request: `route` is the matched pattern (or UNMATCHED_ROUTE), `started` from process.hrtime.bigint(). */
  observe(method: string, route: string, status: number, started: bigint): void {
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    this.#latency.observe({ method, route, status: `${Math.floor(status / 100)}xx` }, seconds);
  }

  /** One ingest finished with its summary. */
  ingested(summary: { state: string; totals?: { rows: number } }): void {
    this.#rows.inc(summary.totals?.rows ?? 0);
    this.#lists.inc({ state: summary.state });
  }

  /** The text a scrape gets: the gauges are read first. */
  async text(): Promise<string> {
    const { sources } = this;
    const g = this.#gauges;
    const ingest = sources.ingest();
    g.ingestRunning.set(ingest.running);
    g.ingestQueued.set(ingest.queued);
    const [outbox, health] = await Promise.all([sources.outbox().catch(() => undefined), sources.health()]);
    // An outbox that cannot say (its store away) is left without a value rather than a false zero.
    if (outbox) {
      g.outboxJobs.set(outbox.pendingJobs);
      g.outboxItems.set(outbox.pendingItems);
    }
    const anchoring = sources.anchoring();
    g.anchorLag.set(anchoring.lag);
    g.anchorLagSeconds.set(anchoring.lagSeconds);
    g.chainReachable.set(health.chain.reachable ? 1 : 0);
    g.storeWritable.set(health.store?.writable ? 1 : 0);
    const peer = await sources.peerOutbox?.().catch(() => undefined);
    if (peer) {
      g.peerPending.set(peer.pending);
      g.peerDeadLetters.set(peer.deadLetter);
    }
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
