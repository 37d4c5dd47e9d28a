import type { Wallet } from "ethers";
import type { ConsortiumContracts } from "../chain/contracts.js";
import { decodeRevert, revertInterface } from "../chain/case-revert.js";
import { describeError } from "../chain/describe-error.js";
import { freshReceipts, isNetworkError, waitForReceipt } from "../chain/rpc.js";
import { pendingNonce, type SendLock } from "../chain/send-lock.js";
import { DEFAULTS } from "../config.js";
import { changeKindName } from "../domain/consortium/index.js";
import { msg } from "../messages/message.js";
import { ServiceError } from "./service-error.js";

/** An operator proposal against this gateway's own member, as MemberRegistry holds it. */
export interface PendingChange {
  kind: "signer" | "metadata" | "recovery";
  /** The proposed signer (kind "signer"). */
  signer?: string;
  /** The proposed recovery key (kind "recovery"). */
  recovery?: string;
  /** The proposed metadata hash (kind "metadata"). */
  metadataHash?: string;
  /** When anyone may execute it (ISO); until then this member can cancel it. */
  executableAt: string;
}

export interface PendingChangeWatchDeps {
  contracts: Pick<ConsortiumContracts, "memberRegistry">;
  memberId: number;
  /** The member's key: cancelChange is signed with it. */
  wallet: Wallet;
  /** The key's one send lock, shared with its other senders. */
  sendLock: SendLock;
  /** Send as a legacy transaction at this gas price (config chain.gasPrice; Besu: 0). */
  gasPrice?: bigint;
  log: (entry: Record<string, unknown>) => void;
  /** How often the chain is asked again (DEFAULTS.timeouts.memberStatusRefreshMs). */
  refreshMs?: number;
  receiptTimeoutMs?: number;
  receiptPollMs?: number;
}

/** A proposal as `pendingChangeOf` returns it: the proposed address (signer or recovery key) or metadata hash. */
interface StoredPendingChange {
  kind: bigint;
  signer: string;
  metadataHash: string;
  executableAt: bigint;
}

/** A pending proposal by kind, with what it proposes; undefined when nothing is pending. */
export interface ProposedChange {
  kind: "Signer" | "Metadata" | "Recovery";
  /** The proposed signer or recovery key address, or the proposed metadata hash. */
  value: string;
  /** When anyone may execute it (ISO). */
  executableAt: string;
}

/** Reads MemberRegistry's pending-change slot: what the gateway's watch and the `caseledger member` command show. */
export function proposedChange(p: StoredPendingChange): ProposedChange | undefined {
  const kind = changeKindName(p.kind);
  const executableAt = Number(p.executableAt);
  if (kind === "None" || executableAt === 0) return undefined;
  return { kind, value: kind === "Metadata" ? p.metadataHash : p.signer, executableAt: new Date(executableAt * 1000).toISOString() };
}

const KIND_FIELDS = {
  Signer: (value: string) => ({ kind: "signer" as const, signer: value }),
  Recovery: (value: string) => ({ kind: "recovery" as const, recovery: value }),
  Metadata: (value: string) => ({ kind: "metadata" as const, metadataHash: value }),
};

/**
 * The member's defence against the operator's timelocked proposals (MemberRegistry `proposeSignerRotation`,
 * `proposeMetadataUpdate`, `proposeRecoveryChange`): a proposal the member never notices protects nothing. The
 * gateway reads its member's pending change (and its recovery key address, `recoveryOf`, so that an admin sees which
 * cold key the chain holds) in the background, logs a warning once for each new one, answers it from memory to its
 * admins, and cancels it with the member's own signing key (`cancelChange`, allowed while suspended too) when an
 * admin asks. The recovery key itself never reaches the gateway: it is cold, and `caseledger member` signs with it.
 */
export class PendingChangeWatch {
  #current: PendingChange | undefined;
  #recovery: string | undefined;
  #warned = "";
  #timer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: PendingChangeWatchDeps) {}

  /** The proposal pending against this member, as last read (undefined: none, or the chain not answered yet). */
  get current(): PendingChange | undefined {
    return this.#current;
  }

  /** The member's recovery key address on chain, as last read (undefined: the chain not answered yet). */
  get recovery(): string | undefined {
    return this.#recovery;
  }

  /** Reads the chain now; keeps the last known answer when it cannot be reached. */
  async refresh(): Promise<PendingChange | undefined> {
    try {
      const registry = this.deps.contracts.memberRegistry;
      const [p, recovery] = await Promise.all([registry.pendingChangeOf(this.deps.memberId), registry.recoveryOf(this.deps.memberId)]);
      this.#recovery = recovery;
      const proposed = proposedChange(p);
      if (!proposed) {
        this.#current = undefined;
        this.#warned = "";
      } else {
        this.#current = { ...KIND_FIELDS[proposed.kind](proposed.value), executableAt: proposed.executableAt };
        const id = `${proposed.kind}:${proposed.executableAt}:${proposed.value}`;
        if (id !== this.#warned) {
          this.#warned = id;
          this.deps.log({ level: "warn", msg: "the operator proposed a change to this member: an admin can cancel it before it becomes executable", memberId: this.deps.memberId, ...this.#current });
        }
      }
    } catch {
      // keep what we knew
    }
    return this.#current;
  }

  start(): void {
    void this.refresh();
    this.#timer = setInterval(() => void this.refresh(), this.deps.refreshMs ?? DEFAULTS.timeouts.memberStatusRefreshMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
  }

  /** Sends `cancelChange(memberId)` with the member's own key and waits for it to be mined. */
  async cancel(): Promise<{ txHash: string; blockNumber: number; cancelled: PendingChange }> {
    const pending = await this.refresh();
    if (!pending) throw new ServiceError("NOT_FOUND", msg("api.NO_PENDING_CHANGE"), undefined, { status: 404 });
    const { wallet, contracts, memberId } = this.deps;
    const registry = contracts.memberRegistry.connect(wallet);
    try {
      const fee = this.deps.gasPrice === undefined ? {} : { type: 0, gasPrice: this.deps.gasPrice };
      const tx = await this.deps.sendLock.run(async () => {
        const nonce = await pendingNonce(wallet.provider, wallet.address);
        return registry.cancelChange(memberId, { nonce, ...fee });
      });
      const provider = wallet.provider;
      if (!provider) throw new TypeError("the wallet needs a provider");
      const { receiptTimeoutMs = DEFAULTS.timeouts.verifyReceiptMs, receiptPollMs = DEFAULTS.timeouts.receiptPollMs } = this.deps;
      const mined = await waitForReceipt(freshReceipts(provider), tx.hash, receiptTimeoutMs, { pollMs: receiptPollMs });
      if (!mined) throw new ServiceError("CHAIN_UNAVAILABLE", msg("api.TX_NOT_MINED"));
      if (mined.status !== 1) throw Object.assign(new Error(`transaction ${mined.hash} reverted`), { code: "CALL_EXCEPTION" });
      this.deps.log({ level: "warn", msg: "operator proposal cancelled by this member", memberId, kind: pending.kind, txHash: mined.hash });
      await this.refresh();
      return { txHash: mined.hash, blockNumber: mined.blockNumber, cancelled: pending };
    } catch (error) {
      if (error instanceof ServiceError) throw error;
      if (isNetworkError(error)) throw new ServiceError("CHAIN_UNAVAILABLE", msg("api.CHAIN_UNREACHABLE"));
      const revert = decodeRevert(revertInterface(contracts.memberRegistry.interface), error);
      throw new ServiceError("CONFLICT", msg("api.CHAIN_REFUSED", { reason: revert?.name ?? describeError(error) }), { revert: revert?.name }, { status: 409 });
    }
  }
}
