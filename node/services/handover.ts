import { verifyMessage } from "ethers";
import { bilingual, msg } from "../messages/message.js";
import { isNetworkError } from "../chain/rpc.js";
import type { CaseSubmitter, JobRecord } from "../chain/case-submitter.js";
import type { ConsortiumContracts } from "../chain/contracts.js";
import type { Clock } from "../domain/clock.js";
import { caseStatusName, isActiveWithRole, isHeldAt, ROLE } from "../domain/consortium/index.js";
import { checkHandoverHash, HANDOVER_FORMAT, HANDOVER_MAX_AGE_MS, HANDOVER_MAX_CASES, HANDOVER_MAX_SKEW_MS, type HandoverCase, type HandoverPackage, newNonce, precheckHandover, signHandover, type SignedHandover } from "../domain/handover.js";
import type { CasePii, StoredCase } from "../store/case-records.js";
import type { HandoverDelivery } from "../store/handover-deliveries.js";
import type { HandoverReceipt } from "../store/handover-receipts.js";
import type { GatewayDatabase } from "../store/database.js";
import type { PiiCipher } from "../store/pii-cipher.js";
import type { AuditLog } from "../store/audit-log.js";
import { postHandover } from "./handover-post.js";
import { ServiceError } from "./service-error.js";
import { DEFAULTS } from "../config.js";

/** Cases per package: a package is one HTTP request and one notarized hash. */
export const HANDOVER_CHUNK = HANDOVER_MAX_CASES;

export type { HandoverDelivery } from "../store/handover-deliveries.js";
export type { HandoverReceipt } from "../store/handover-receipts.js";

export interface HandoverSenderDeps {
  store: GatewayDatabase;
  cipher: PiiCipher;
  submitter: CaseSubmitter;
  signer: { signMessage(message: Uint8Array): Promise<string> };
  memberId: number;
  chainId: number;
  caseRegistry: string;
  log: (event: Record<string, unknown>) => void;
  clock: Clock;
  /** Called with every delivered package's hash (the evidence log notarizes it). */
  onDelivered?: (delivery: { packageHash: string; agencyId: number; caseKeys: string[] }) => void | Promise<void>;
  /** Undelivered packages are tried again this often (DEFAULTS.timeouts.handoverRetryMs). */
  retryMs?: number;
  /** One delivery to the agency's gateway (DEFAULTS.timeouts.handoverRequestMs). */
  requestTimeoutMs?: number;
}

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
    const delivery: HandoverDelivery = { jobId, agencyId, state: "pending", attempts: 0, packages: [], updatedAt: new Date(this.deps.clock()).toISOString() };
    await this.deps.store.handoverDeliveries.put(delivery);
  }

  async delivery(jobId: string): Promise<HandoverDelivery | undefined> {
    return this.deps.store.handoverDeliveries.get(jobId);
  }

  start(): void {
    this.deps.submitter.on("jobDone", this.#onJobDone);
    const sweep = async () => {
      if (this.#stopped) return;
      try {
        for await (const d of this.deps.store.handoverDeliveries.all()) {
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
      const agency = await this.deps.store.agencies.get(delivery.agencyId);
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
          createdAt: new Date(this.deps.clock()).toISOString(),
          nonce: newNonce(),
          cases,
        };
        const signed = await signHandover(pkg, this.deps.signer);
        const { status, body } = await postHandover(agency.gatewayUrl, signed, {
          timeoutMs: this.deps.requestTimeoutMs ?? DEFAULTS.timeouts.handoverRequestMs,
          stopped: () => this.#stopped,
        });
        if (status < 200 || status > 299) throw new Error(`agency gateway answered ${status} ${body.error?.code ?? ""}`);
        packages.push({ packageHash: signed.packageHash, cases: keys.length, accepted: body.accepted ?? 0, rejected: body.rejected?.length ?? 0 });
        await this.deps.onDelivered?.({ packageHash: signed.packageHash, agencyId: delivery.agencyId, caseKeys: keys });
      }
      await this.deps.store.handoverDeliveries.put({
        ...delivery,
        state: "delivered",
        attempts: delivery.attempts + 1,
        packages,
        updatedAt: new Date(this.deps.clock()).toISOString(),
      } satisfies HandoverDelivery);
      this.deps.log({ level: "info", msg: "handover delivered", jobId, agencyId: delivery.agencyId, packages: packages.length });
    } catch (error) {
      const lastError = (error as Error).message.slice(0, 300);
      // The attempt count is for people; a store that refuses it (a full disk) must not stop the retries.
      await this.deps.store.handoverDeliveries
        .put({ ...delivery, attempts: delivery.attempts + 1, lastError, updatedAt: new Date(this.deps.clock()).toISOString() })
        .catch(() => undefined);
      this.deps.log({ level: "warn", msg: "handover not delivered yet", jobId, agencyId: delivery.agencyId, error: lastError });
    } finally {
      this.#inFlight.delete(jobId);
    }
  }

  async #casesOf(caseKeys: string[]): Promise<HandoverCase[]> {
    const out: HandoverCase[] = [];
    for (const stored of await this.deps.store.cases.getMany(caseKeys)) {
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

export interface HandoverReceiverDeps {
  store: GatewayDatabase;
  cipher: PiiCipher;
  contracts: ConsortiumContracts;
  memberId: number;
  chainId: number;
  clock: Clock;
  /** Where received packages are recorded (who sent which cases). */
  audit?: AuditLog;
}

const replayed = () => new ServiceError("REPLAYED", msg("handover.REPLAYED"), { problem: "REPLAYED" });

/** What marks a package's nonce as being received right now. */
const nonceKey = (creditorId: number, nonce: string) => `handover-nonce/${creditorId}/${nonce}`;

/**
 * Agency side: accepts a lender's handover package only when it is well formed, fresh (its signed `createdAt` at
 * most HANDOVER_MAX_AGE_MS old), addressed here, signed by the creditor member's current key (MemberRegistry), never
 * seen before (its signed nonce is kept for as long as the package could pass as fresh, its hash for good), and
 * only the cases the chain shows assigned to this agency by that creditor. A replay is 409 `REPLAYED`; the sender
 * signs a new package (new nonce, new time) for every attempt, so a retry is never a replay. The cheap checks come
 * first (shape, addressee, chain, freshness, size, the claimed creditor an active lender), then the hash and the
 * signature: anyone can post a package, and only a plausible one costs the hashing of megabytes.
 */
export class HandoverReceiver {
  readonly #inFlight = new Set<string>();
  #prunedAt = 0;

  constructor(private readonly deps: HandoverReceiverDeps) {}

  async receive(signed: SignedHandover): Promise<HandoverReceipt> {
    const caseRegistry = await this.deps.contracts.caseRegistry.getAddress();
    const problem = precheckHandover(signed, { agencyId: this.deps.memberId, chainId: this.deps.chainId, caseRegistry, now: this.deps.clock() });
    if (problem) throw new ServiceError("VALIDATION_FAILED", msg(`handover.${problem}`), { problem });
    const pkg = signed.package;
    const nonce = nonceKey(pkg.creditorId, pkg.nonce);
    if (this.#inFlight.has(nonce) || this.#inFlight.has(signed.packageHash)) throw replayed();
    this.#inFlight.add(nonce).add(signed.packageHash);
    try {
      return await this.#receive(signed);
    } finally {
      this.#inFlight.delete(nonce);
      this.#inFlight.delete(signed.packageHash);
    }
  }

  async #receive(signed: SignedHandover): Promise<HandoverReceipt> {
    const { contracts, store } = this.deps;
    const pkg = signed.package;
    // The claimed creditor first (one read of the chain): a package from a member that is not an active lender
    // is refused before its megabytes are hashed or its signature recovered. An unknown member reverts (refused
    // below); the node not answering is a 503, so the sender retries later.
    const creditor = await contracts.memberRegistry.memberOf(pkg.creditorId).catch((error: unknown) => {
      if (isNetworkError(error)) throw error;
      return undefined;
    });
    if (!creditor || !isActiveWithRole(creditor, ROLE.LENDER)) {
      throw new ServiceError("FORBIDDEN", msg("handover.SIGNER"), { problem: "SIGNER" }, { status: 403 });
    }
    const hashProblem = checkHandoverHash(signed);
    if (hashProblem) throw new ServiceError("VALIDATION_FAILED", msg(`handover.${hashProblem}`), { problem: hashProblem });
    let signer: string;
    try {
      signer = verifyMessage(Buffer.from(signed.packageHash.slice(2), "hex"), signed.signature);
    } catch {
      throw new ServiceError("FORBIDDEN", msg("handover.SIGNATURE"), { problem: "SIGNATURE" }, { status: 403 });
    }
    if (creditor.signer.toLowerCase() !== signer.toLowerCase()) {
      throw new ServiceError("FORBIDDEN", msg("handover.SIGNER"), { problem: "SIGNER" }, { status: 403 });
    }
    const [seenNonce, seenHash] = await Promise.all([store.handoverNonces.seen(pkg.creditorId, pkg.nonce), store.handoverReceipts.get(signed.packageHash)]);
    if (seenNonce || seenHash !== undefined) throw replayed();
    const states = await contracts.caseRegistry.casesOf(pkg.cases.map((c) => c.caseKey));
    const now = Math.floor(this.#now() / 1000);
    const rejected: HandoverReceipt["rejected"] = [];
    const ops = store.batch();
    const at = new Date(this.#now()).toISOString();
    pkg.cases.forEach((c, i) => {
      const s = states[i]!;
      const held = isHeldAt({ status: caseStatusName(s.status), until: Number(s.until) }, now);
      if (Number(s.creditorId) !== pkg.creditorId || Number(s.agencyId) !== this.deps.memberId || !held) {
        rejected.push({ caseKey: c.caseKey, reason: bilingual(msg("handover.NOT_ASSIGNED_HERE")) });
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
      store.cases.putIn(ops, stored);
    });
    const receipt: HandoverReceipt = { packageHash: signed.packageHash, accepted: pkg.cases.length - rejected.length, rejected };
    store.handoverReceipts.putIn(ops, { ...receipt, creditorId: pkg.creditorId, receivedAt: at });
    const keepUntil = Date.parse(pkg.createdAt) + HANDOVER_MAX_AGE_MS + HANDOVER_MAX_SKEW_MS;
    store.handoverNonces.putIn(ops, pkg.creditorId, pkg.nonce, keepUntil);
    await ops.write();
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
    const now = this.#now();
    if (now - this.#prunedAt < 60_000) return;
    this.#prunedAt = now;
    await this.deps.store.handoverNonces.prune(now);
  }

  /** How many nonces are kept now (tests: they do not pile up). */
  nonceCount(): Promise<number> {
    return this.deps.store.handoverNonces.count();
  }

  #now(): number {
    return this.deps.clock();
  }
}
