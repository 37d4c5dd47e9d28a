import type { Clock } from "../domain/clock.js";
import type { ConductPolicy } from "../domain/consortium/index.js";
import type { ConductPolicy as ConductPolicyContract } from "../../types/ethers-contracts/index.js";

/** A version of the policy as the gateway keeps it: the rules and when they come into force (epoch ms). */
interface Version {
  policy: ConductPolicy;
  effectiveFromMs: number;
}

export interface ChainConductPolicyDeps {
  contract: Pick<ConductPolicyContract, "policyCount" | "policyVersion" | "lenderHours">;
  clock: Clock;
  /** Versions and lenders' hours are read again at most this often (DEFAULTS.conductPolicyRefreshMs). */
  refreshMs: number;
}

/**
 * The consortium's conduct policy read from `ConductPolicy` on chain (docs/design.md §25), cached. Versions are
 * append-only and announced at least seven days ahead, so a cache refreshed every few seconds always knows the version
 * in force at any contact time; a lender's hours apply at once and are read again after `refreshMs`. When the chain
 * cannot be read, the last versions read stand; with none read yet, the question fails (no permit without a policy).
 */
export class ChainConductPolicy {
  #versions: Version[] = [];
  #readAt = -Infinity;
  #reading: Promise<void> | undefined;
  readonly #hours = new Map<number, { value: { from: number; to: number } | undefined; at: number }>();

  constructor(private readonly deps: ChainConductPolicyDeps) {}

  /** The version in force at `ms`. */
  async policyAt(ms: number): Promise<ConductPolicy> {
    if (this.deps.clock() - this.#readAt > this.deps.refreshMs) await this.#refresh();
    let found: Version | undefined;
    for (const v of this.#versions) if (v.effectiveFromMs <= ms) found = v;
    const version = found ?? this.#versions[0];
    if (!version) throw new Error("the conduct policy has not been read from the chain");
    return version.policy;
  }

  /** The lender's own hours, undefined when it published none. */
  async lenderHours(lenderId: number): Promise<{ from: number; to: number } | undefined> {
    const known = this.#hours.get(lenderId);
    const now = this.deps.clock();
    if (known && now - known.at <= this.deps.refreshMs) return known.value;
    try {
      const h = await this.deps.contract.lenderHours(lenderId);
      const from = Number(h.fromMinute);
      const to = Number(h.toMinute);
      const value = from === 0 && to === 0 ? undefined : { from, to };
      this.#hours.set(lenderId, { value, at: now });
      return value;
    } catch (error) {
      if (known) return known.value;
      throw error;
    }
  }

  #refresh(): Promise<void> {
    return (this.#reading ??= (async () => {
      try {
        const count = Number(await this.deps.contract.policyCount());
        for (let i = this.#versions.length; i < count; i++) {
          const p = await this.deps.contract.policyVersion(i);
          this.#versions.push({
            policy: {
              allowedFromMinute: Number(p.allowedFromMinute),
              allowedToMinute: Number(p.allowedToMinute),
              dailyCap: Number(p.dailyCap),
              pauseOnComplaint: p.pauseOnComplaint,
              pauseOnPromise: p.pauseOnPromise,
              failClosed: p.failClosed,
            },
            effectiveFromMs: Number(p.effectiveFrom) * 1000,
          });
        }
        this.#readAt = this.deps.clock();
      } catch (error) {
        if (this.#versions.length === 0) throw error;
      }
    })().finally(() => (this.#reading = undefined)));
  }
}
