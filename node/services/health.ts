import type { Clock } from "../domain/clock.js";
import type { GatewayDatabase } from "../store/database.js";
import type { StoreHealth } from "../store/store-probe.js";

export interface HealthStatus {
  status: "ok" | "degraded";
  memberId: number;
  memberName: string;
  version: string;
  chain: { reachable: boolean; chainId?: number; blockNumber?: number; error?: string };
  store?: StoreHealth;
  [key: string]: unknown;
}

export interface HealthDeps {
  memberId: number;
  memberName: string;
  version: string;
  chainId: number;
  /** The chain node's block number, asked of the node itself (a cached answer would hide a node gone away). */
  blockNumber: () => Promise<number>;
  store: Pick<GatewayDatabase, "probe">;
  clock: Clock;
  /** The chain workers' and the index's own reports, shown as they are (undefined when one cannot say). */
  outbox: () => Promise<unknown>;
  index: () => Promise<unknown>;
  evidence: () => unknown;
  /** How long the chain node may take to answer (default 2 s). */
  chainTimeoutMs?: number;
}

/** Whether the gateway, its store and its chain node work: "ok" only when the node answers and the store takes writes. */
export class HealthService {
  constructor(private readonly deps: HealthDeps) {}

  async check(): Promise<HealthStatus> {
    const { deps } = this;
    let chain: HealthStatus["chain"];
    try {
      const blockNumber = await Promise.race([
        deps.blockNumber(),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error("timeout")), deps.chainTimeoutMs ?? 2_000)),
      ]);
      chain = { reachable: true, chainId: deps.chainId, blockNumber };
    } catch (error) {
      chain = { reachable: false, chainId: deps.chainId, error: (error as Error).message.slice(0, 200) };
    }
    const [outbox, index, store] = await Promise.all([deps.outbox().catch(() => undefined), deps.index().catch(() => undefined), deps.store.probe.check(deps.clock())]);
    return {
      status: chain.reachable && store.writable ? "ok" : "degraded",
      memberId: deps.memberId,
      memberName: deps.memberName,
      version: deps.version,
      chain,
      store,
      outbox,
      index,
      evidence: deps.evidence(),
    };
  }
}
