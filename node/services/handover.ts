import { verifyMessage } from "ethers";
import { isNetworkError } from "../chain/rpc.js";
import type { CaseSubmitter, JobRecord } from "../chain/case-submitter.js";
import type { ConsortiumContracts } from "../chain/contracts.js";
import { checkHandover, HANDOVER_FORMAT, HANDOVER_MAX_AGE_MS, HANDOVER_MAX_SKEW_MS, type HandoverCase, type HandoverPackage, newNonce, signHandover, type SignedHandover } from "../domain/handover.js";
import { agencyKey, type StoredAgency } from "../store/agency-records.js";
import type { CasePii, StoredCase } from "../store/case-records.js";
import type { GatewayDatabase } from "../store/database.js";
import type { PiiCipher } from "../store/pii-cipher.js";
import type { AuditLog } from "../store/audit-log.js";
import type { AllocationRecord } from "./allocation.js";
import { ServiceError } from "./service-error.js";
import { DEFAULTS } from "../config.js";

/** Cases per package: a package is one HTTP request and one notarized hash. */
export const HANDOVER_CHUNK = 1_000;

export interface HandoverDelivery {
  jobId: string;
  agencyId: number;
  state: "pending" | "delivered" | "failed";
  attempts: number;
  packages: Array<{ packageHash: string; cases: number; accepted: number; rejected: number }>;
  lastError?: string;
  updatedAt: string;
}

export interface HandoverSenderDeps {
  store: GatewayDatabase;
  cipher: PiiCipher;
  submitter: CaseSubmitter;
  signer: { signMessage(message: Uint8Array): Promise<string> };
  memberId: number;
  chainId: number;
  caseRegistry: string;
  log: (event: Record<string, unknown>) => void;
  /** Called with every delivered package's hash (the evidence log notarizes it). */
  onDelivered?: (delivery: { packageHash: string; agencyId: number; caseKeys: string[] }) => void | Promise<void>;
  /** Undelivered packages are tried again this often (DEFAULTS.timeouts.handoverRetryMs). */
  retryMs?: number;
  /** One delivery to the agency's gateway (DEFAULTS.timeouts.handoverRequestMs). */
  requestTimeoutMs?: number;
}

const deliveryKey = (jobId: string) => `handover/${jobId}`;

/**
 * Lender side: once an assignment job is on chain, sends the assigned cases' details to the agency's gateway,
 * signed with this member's registered key. Deliveries are recorded in the store and retried until the agency
 * accepts them, across restarts.
 */
export class HandoverSender {
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;
  readonly #onJobDone = (job: JobRecord) => void this.#deliver(job.id).catch((error: unknown) => this.#warn(job.id, error));

  #warn(jobId: string, error: unknown): void {
    this.deps.log({ level: "warn", msg: "handover not delivered yet", jobId, error: String((error as Error)?.message ?? error).slice(0, 300) });
  }

  constructor(private readonly deps: HandoverSenderDeps) {}

  /** Records that `jobId` (an assignment to `agencyId`) must be handed over when done. */
  async expect(jobId: string, agencyId: number): Promise<void> {
    const delivery: HandoverDelivery = { jobId, agencyId, state: "pending", attempts: 0, packages: [], updatedAt: new Date().toISOString() };
    await this.deps.store.sub.meta.put(deliveryKey(jobId), delivery);
  }

  async delivery(jobId: string): Promise<HandoverDelivery | undefined> {
    return (await this.deps.store.sub.meta.get(deliveryKey(jobId))) as HandoverDelivery | undefined;
  }

  start(): void {
    this.deps.submitter.on("jobDone", this.#onJobDone);
    const sweep = async () => {
      if (this.#stopped) return;
      try {
        for await (const value of this.deps.store.sub.meta.values({ gt: "handover/", lt: "handover/\uffff" })) {
          const d = value as HandoverDelivery;
          if (d.state === "pending") await this.#deliver(d.jobId);
        }
      } catch (error) {
        this.#warn("sweep", error);
      }
      if (!this.#stopped) this.#timer = setTimeout(() => void sweep(), this.deps.retryMs ?? DEFAULTS.timeouts.handoverRetryMs);
    };
    void sweep();
  }

  stop(): void {
    this.#stopped = true;
    this.deps.submitter.off("jobDone", this.#onJobDone);
    if (this.#timer) clearTimeout(this.#timer);
  }

  readonly #inFlight = new Set<string>();

  async #deliver(jobId: string): Promise<void> {
    if (this.#inFlight.has(jobId) || this.#stopped) return;
    const delivery = await this.delivery(jobId);
    if (!delivery || delivery.state !== "pending") return;
    const job = await this.deps.submitter.job(jobId);
    if (!job || job.status !== "done") return;
    this.#inFlight.add(jobId);
    try {
      const agency = (await this.deps.store.sub.agencies.get(agencyKey(delivery.agencyId))) as StoredAgency | undefined;
      if (!agency?.gatewayUrl) throw new Error(`agency ${delivery.agencyId} has no gateway URL in the agency list`);
      const items = await this.deps.submitter.items(jobId, { limit: 1_000_000 });
      const done = items.filter((i) => i.status.state === "done").map((i) => i.caseKey);
      const until = Number(job.params.until ?? 0);
      const txHash = job.txs.at(-1)?.txHash ?? "";
      const packages: HandoverDelivery["packages"] = [];
      for (let i = 0; i < done.length; i += HANDOVER_CHUNK) {
        const keys = done.slice(i, i + HANDOVER_CHUNK);
        const cases = await this.#casesOf(keys);
        const pkg: HandoverPackage = {
          format: HANDOVER_FORMAT,
          chainId: this.deps.chainId,
          caseRegistry: this.deps.caseRegistry,
          creditorId: this.deps.memberId,
          agencyId: delivery.agencyId,
          assignment: { txHash, until },
          createdAt: new Date().toISOString(),
          nonce: newNonce(),
          cases,
        };
        const signed = await signHandover(pkg, this.deps.signer);
        const res = await fetch(`${agency.gatewayUrl}/v1/handover`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(signed),
          signal: AbortSignal.timeout(this.deps.requestTimeoutMs ?? DEFAULTS.timeouts.handoverRequestMs),
        });
        const body = (await res.json().catch(() => ({}))) as { accepted?: number; rejected?: unknown[]; error?: { code?: string } };
        if (!res.ok) throw new Error(`agency gateway answered ${res.status} ${body.error?.code ?? ""}`);
        packages.push({ packageHash: signed.packageHash, cases: keys.length, accepted: body.accepted ?? 0, rejected: body.rejected?.length ?? 0 });
        await this.deps.onDelivered?.({ packageHash: signed.packageHash, agencyId: delivery.agencyId, caseKeys: keys });
      }
      await this.deps.store.sub.meta.put(deliveryKey(jobId), {
        ...delivery,
        state: "delivered",
        attempts: delivery.attempts + 1,
        packages,
        updatedAt: new Date().toISOString(),
      } satisfies HandoverDelivery);
      this.deps.log({ level: "info", msg: "handover delivered", jobId, agencyId: delivery.agencyId, packages: packages.length });
    } catch (error) {
      const lastError = (error as Error).message.slice(0, 300);
      // The attempt count is for people; a store that refuses it (a full disk) must not stop the retries.
      await this.deps.store.sub.meta
        .put(deliveryKey(jobId), { ...delivery, attempts: delivery.attempts + 1, lastError, updatedAt: new Date().toISOString() })
        .catch(() => undefined);
      this.deps.log({ level: "warn", msg: "handover not delivered yet", jobId, agencyId: delivery.agencyId, error: lastError });
    } finally {
      this.#inFlight.delete(jobId);
    }
  }

  async #casesOf(caseKeys: string[]): Promise<HandoverCase[]> {
    const out: HandoverCase[] = [];
    for (const stored of (await this.deps.store.sub.cases.getMany(caseKeys)) as Array<StoredCase | undefined>) {
      if (!stored) continue;
      const pii = this.deps.cipher.openJson<CasePii>(stored.pii, stored.caseKey);
      out.push({
        caseKey: stored.caseKey,
        debtorKey: stored.debtorKey,
        loanRef: stored.loanRef,
        name: pii.name,
        idNumber: pii.idNumber,
        phone: pii.phone,
        principalFen: stored.principalFen,
        outstandingFen: stored.outstandingFen,
        overdueDays: stored.overdueDays,
        region: stored.region,
        product: stored.product,
        extra: pii.extra,
      });
    }
    return out;
  }
}

/** The deliveries of an allocation's jobs. */
export async function deliveriesOf(sender: HandoverSender, record: AllocationRecord): Promise<HandoverDelivery[]> {
  const out: HandoverDelivery[] = [];
  for (const job of record.commit?.jobs ?? []) {
    const d = await sender.delivery(job.jobId);
    if (d) out.push(d);
  }
  return out;
}

export interface HandoverReceiverDeps {
  store: GatewayDatabase;
  cipher: PiiCipher;
  contracts: ConsortiumContracts;
  memberId: number;
  chainId: number;
  now?: () => number;
  /** Where received packages are recorded (who sent which cases). */
  audit?: AuditLog;
}

export interface HandoverReceipt {
  packageHash: string;
  accepted: number;
  rejected: Array<{ caseKey: string; reason: string }>;
}

const replayed = () => new ServiceError("REPLAYED", "交接包已收到过（重放）/ this package was received before (a replay)", { problem: "REPLAYED" });

const PROBLEM_MESSAGES: Record<string, string> = {
  FORMAT: "交接包格式错误 / malformed handover package",
  HASH_MISMATCH: "交接包哈希不符 / the package hash does not match its content",
  TOO_OLD: "交接包已过期 / the package is too old",
  FROM_THE_FUTURE: "交接包时间在未来 / the package is dated in the future",
  WRONG_AGENCY: "交接包不是发给本机构的 / the package is addressed to another agency",
  WRONG_CHAIN: "交接包属于另一条链或合约 / the package is for another chain or contract",
  EMPTY: "交接包为空 / the package holds no case",
};

const nonceKey = (creditorId: number, nonce: string) => `handover-nonce/${creditorId}/${nonce}`;

/**
 * Agency side: accepts a lender's handover package only when it is well formed, fresh (its signed `createdAt` at
 * most HANDOVER_MAX_AGE_MS old), addressed here, signed by the creditor member's current key (MemberRegistry), never
 * seen before (its signed nonce is kept for as long as the package could pass as fresh, its hash for good), and
 * only the cases the chain shows assigned to this agency by that creditor. A replay is 409 `REPLAYED`; the sender
 * signs a new package (new nonce, new time) for every attempt, so a retry is never a replay.
 */
export class HandoverReceiver {
  readonly #inFlight = new Set<string>();
  #prunedAt = 0;

  constructor(private readonly deps: HandoverReceiverDeps) {}

  async receive(signed: SignedHandover): Promise<HandoverReceipt> {
    const caseRegistry = await this.deps.contracts.caseRegistry.getAddress();
    const problem = checkHandover(signed, { agencyId: this.deps.memberId, chainId: this.deps.chainId, caseRegistry, now: this.deps.now?.() });
    if (problem) throw new ServiceError("VALIDATION_FAILED", PROBLEM_MESSAGES[problem] ?? problem, { problem });
    const pkg = signed.package;
    const nonce = nonceKey(pkg.creditorId, pkg.nonce);
    if (this.#inFlight.has(nonce) || this.#inFlight.has(signed.packageHash)) throw replayed();
    this.#inFlight.add(nonce).add(signed.packageHash);
    try {
      return await this.#receive(signed, nonce);
    } finally {
      this.#inFlight.delete(nonce);
      this.#inFlight.delete(signed.packageHash);
    }
  }

  async #receive(signed: SignedHandover, nonce: string): Promise<HandoverReceipt> {
    const { contracts, store } = this.deps;
    const pkg = signed.package;
    let signer: string;
    try {
      signer = verifyMessage(Buffer.from(signed.packageHash.slice(2), "hex"), signed.signature);
    } catch {
      throw new ServiceError("FORBIDDEN", "签名无效 / invalid signature", { problem: "SIGNATURE" }, { status: 403 });
    }
    // An unknown member reverts (refused below); the node not answering is a 503, so the sender retries later.
    const creditor = await contracts.memberRegistry.memberOf(pkg.creditorId).catch((error: unknown) => {
      if (isNetworkError(error)) throw error;
      return undefined;
    });
    const LENDER = 1;
    const ACTIVE = 1n;
    if (!creditor || creditor.signer.toLowerCase() !== signer.toLowerCase() || BigInt(creditor.status) !== ACTIVE || (Number(creditor.roles) & LENDER) === 0) {
      throw new ServiceError("FORBIDDEN", "签名者不是该债权人成员的当前密钥 / not signed by the creditor member's current key", { problem: "SIGNER" }, { status: 403 });
    }
    const [seenNonce, seenHash] = await store.sub.meta.getMany([nonce, `received/${signed.packageHash}`]);
    if (seenNonce !== undefined || seenHash !== undefined) throw replayed();
    const states = await contracts.caseRegistry.casesOf(pkg.cases.map((c) => c.caseKey));
    const now = Math.floor((this.deps.now?.() ?? Date.now()) / 1000);
    const rejected: HandoverReceipt["rejected"] = [];
    const ops: unknown[] = [];
    const at = new Date().toISOString();
    pkg.cases.forEach((c, i) => {
      const s = states[i]!;
      const status = Number(s.status);
      const held = (status === 2 || status === 3) && Number(s.until) >= now;
      if (Number(s.creditorId) !== pkg.creditorId || Number(s.agencyId) !== this.deps.memberId || !held) {
        rejected.push({ caseKey: c.caseKey, reason: "链上未显示该案件由此债权人委托给本机构 / the chain does not show this case assigned here by this creditor" });
        return;
      }
      const pii: CasePii = { name: c.name, idNumber: c.idNumber, phone: c.phone, extra: c.extra ?? {} };
      const stored: StoredCase = {
        caseKey: c.caseKey,
        debtorKey: c.debtorKey,
        loanRef: c.loanRef,
        originatorId: pkg.creditorId,
        creditorId: pkg.creditorId,
        provinceCode: "",
        region: c.region,
        product: c.product,
        principalFen: c.principalFen,
        outstandingFen: c.outstandingFen,
        overdueDays: c.overdueDays,
        listId: `handover:${signed.packageHash}`,
        line: i,
        createdAt: at,
        updatedAt: at,
        pii: this.deps.cipher.sealJson(pii, c.caseKey),
      };
      ops.push({ type: "put", sublevel: store.sub.cases, key: c.caseKey, value: stored });
    });
    const receipt: HandoverReceipt = { packageHash: signed.packageHash, accepted: pkg.cases.length - rejected.length, rejected };
    ops.push({ type: "put", sublevel: store.sub.meta, key: `received/${signed.packageHash}`, value: { ...receipt, creditorId: pkg.creditorId, receivedAt: at } });
    const keepUntil = Date.parse(pkg.createdAt) + HANDOVER_MAX_AGE_MS + HANDOVER_MAX_SKEW_MS;
    ops.push({ type: "put", sublevel: store.sub.meta, key: nonce, value: { keepUntil } });
    await store.db.batch(ops as never);
    const refused = new Set(rejected.map((r) => r.caseKey));
    const acceptedKeys = pkg.cases.map((c) => c.caseKey).filter((k) => !refused.has(k));
    await this.deps.audit?.append({
      actor: { memberId: pkg.creditorId, via: "gateway" },
      action: "handover.received",
      caseKeys: acceptedKeys,
      ref: { packageHash: signed.packageHash },
    });
    await this.#prune();
    return receipt;
  }

  /** Drops nonces whose packages would be refused as too old anyway (at most once a minute). */
  async #prune(): Promise<void> {
    const now = this.deps.now?.() ?? Date.now();
    if (now - this.#prunedAt < 60_000) return;
    this.#prunedAt = now;
    const stale: string[] = [];
    for await (const [key, value] of this.deps.store.sub.meta.iterator({ gt: "handover-nonce/", lt: "handover-nonce/\uffff" })) {
      if ((value as { keepUntil: number }).keepUntil < now) stale.push(key);
    }
    if (stale.length) await this.deps.store.sub.meta.batch(stale.map((key) => ({ type: "del" as const, key })));
  }

  /** How many nonces are kept now (tests: they do not pile up). */
  async nonceCount(): Promise<number> {
    let n = 0;
    for await (const _ of this.deps.store.sub.meta.keys({ gt: "handover-nonce/", lt: "handover-nonce/\uffff" })) n++;
    return n;
  }
}
