import { bilingual, msg } from "../messages/message.js";
import { isNetworkError } from "../chain/rpc.js";
import type { CaseSubmitter, JobRecord } from "../chain/case-submitter.js";
import type { ConsortiumContracts } from "../chain/contracts.js";
import type { Clock } from "../domain/clock.js";
import { isActiveWithRole, isHeldFromCreditor, memberStatusName, ROLE } from "../domain/consortium/index.js";
import { ACK_FORMAT, ackProblem, signAck, type SignedAck } from "./handover-ack.js";
import { envelopeHash, openHandover, precheckEnvelope, sealHandover, type SealedHandover } from "./handover-envelope.js";
import { checkHandoverHash, HANDOVER_FORMAT, HANDOVER_MAX_AGE_MS, HANDOVER_MAX_CASES, HANDOVER_MAX_SKEW_MS, type HandoverCase, type HandoverPackage, newNonce, precheckHandover, signHandover, type SignedHandover } from "../domain/handover.js";
import type { CasePii, StoredCase } from "../store/case-records.js";
import type { HandoverDelivery } from "../store/handover-deliveries.js";
import type { HandoverReceipt } from "../store/handover-receipts.js";
import type { GatewayDatabase } from "../store/database.js";
import type { PiiCipher } from "../store/pii-cipher.js";
import type { AuditLog } from "../store/audit-log.js";
import { postHandover } from "./handover-post.js";
import { digestSigner } from "./signed-digest.js";
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
  /** The chain, read again before every attempt (the cases' holders, the agency's status and signing key). */
  contracts: ConsortiumContracts;
  /** The agency's gateway and encryption key from the chain-verified member directory (MemberDirectory.peer). */
  peerOf: (agencyId: number) => Promise<{ url: string; encryptionKey: string } | undefined>;
  signer: { signMessage(message: Uint8Array): Promise<string> };
  memberId: number;
  chainId: number;
  caseRegistry: string;
  log: (event: Record<string, unknown>) => void;
  clock: Clock;
  /** Called with every acknowledged package (the evidence log notarizes the acknowledgement). */
  onDelivered?: (delivery: DeliveredPackage) => void | Promise<void>;
  /** The sweep runs this often; attempt n waits retryMs·2^(n−1) after the last (DEFAULTS.timeouts.handoverRetryMs). */
  retryMs?: number;
  /** One delivery to the agency's gateway (DEFAULTS.timeouts.handoverRequestMs). */
  requestTimeoutMs?: number;
  /** Attempts before the delivery is a dead letter (DEFAULTS.handoverMaxAttempts). */
  maxAttempts?: number;
  /** Plain http:// peers allowed (DEFAULTS.allowHttpPeers). */
  allowHttpPeers?: boolean;
}

export interface DeliveredPackage {
  packageHash: string;
  agencyId: number;
  caseKeys: string[];
  /** The agency's signed acknowledgement: its hash and EIP-191 signature. */
  ackHash: string;
  ackSignature: string;
}

/** Longest backoff between two attempts, in multiples of retryMs. */
const MAX_BACKOFF_STEPS = 6;

/** A reason the delivery stops for good, with nothing sent: the chain no longer backs it. */
class Cancelled extends Error {}

/**
 * Lender side: once an assignment job is on chain, seals the assigned cases' details to the agency's published key
 * (caseledger-handover/2) and sends them to the gateway the verified member directory names — never to an address
 * a staff token typed. Before every attempt the chain is read again: cases the agency no longer holds are dropped,
 * and a delivery with none left, or to an agency no longer active, is `cancelled` without sending anything. A
 * package counts as delivered only on the agency's acknowledgement signed by its key on chain. Failed attempts back
 * off and stop after `maxAttempts` (`dead-letter`, retried by hand with retry()).
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

  /** Every delivery, newest first. */
  async list(): Promise<HandoverDelivery[]> {
    const out: HandoverDelivery[] = [];
    for await (const d of this.deps.store.handoverDeliveries.all()) out.push(d);
    return out.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
  }

  /**
   * Tries a dead-lettered (or failed, or waiting) delivery again now with a fresh attempt count — the chain still
   * read first. Returns the delivery as it stands after the attempt; undefined when there is none.
   */
  async retry(jobId: string): Promise<HandoverDelivery | undefined> {
    const delivery = await this.delivery(jobId);
    if (!delivery) return undefined;
    if (delivery.state === "delivered" || delivery.state === "cancelled") return delivery;
    const { nextAttemptAt: _next, ...rest } = delivery;
    await this.deps.store.handoverDeliveries.put({ ...rest, state: "pending", attempts: 0, updatedAt: new Date(this.deps.clock()).toISOString() });
    await this.#deliver(jobId);
    return this.delivery(jobId);
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
      if (!this.#stopped) this.#timer = setTimeout(() => void sweep(), this.#retryMs());
    };
    void sweep();
  }

  stop(): void {
    this.#stopped = true;
    this.deps.submitter.off("jobDone", this.#onJobDone);
    if (this.#timer) clearTimeout(this.#timer);
  }

  readonly #inFlight = new Set<string>();

  #retryMs(): number {
    return this.deps.retryMs ?? DEFAULTS.timeouts.handoverRetryMs;
  }

  async #deliver(jobId: string): Promise<void> {
    if (this.#inFlight.has(jobId) || this.#stopped) return;
    // Taken before the first await: the job's completion and the sweep may both get here, and two attempts at once
    // would send twice and count once.
    this.#inFlight.add(jobId);
    try {
      await this.#attempt(jobId);
    } finally {
      this.#inFlight.delete(jobId);
    }
  }

  async #attempt(jobId: string): Promise<void> {
    const delivery = await this.delivery(jobId);
    if (!delivery || delivery.state !== "pending") return;
    if (delivery.nextAttemptAt !== undefined && Date.parse(delivery.nextAttemptAt) > this.deps.clock()) return;
    const job = await this.deps.submitter.job(jobId);
    if (!job || job.status !== "done") return;
    const attempts = delivery.attempts + 1;
    const at = () => new Date(this.deps.clock()).toISOString();
    try {
      const items = await this.deps.submitter.items(jobId, { limit: 1_000_000 });
      const { held: done, agency } = await this.#stillHeld(delivery.agencyId, items.filter((i) => i.status.state === "done").map((i) => i.caseKey));
      const peer = await this.deps.peerOf(delivery.agencyId);
      if (!peer) throw new Error(`agency ${delivery.agencyId} has no verified, active entry with a gateway and an encryption key in the member directory`);
      const protocol = new URL(peer.url).protocol;
      if (protocol !== "https:" && !(protocol === "http:" && this.deps.allowHttpPeers)) throw new Error(`agency ${delivery.agencyId}'s gateway is not https (handover.allowHttpPeers is off)`);
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
        const sealed = await sealHandover(signed, peer.encryptionKey, this.deps.signer);
        const { status, body } = await postHandover(peer.url, sealed, {
          timeoutMs: this.deps.requestTimeoutMs ?? DEFAULTS.timeouts.handoverRequestMs,
          stopped: () => this.#stopped,
        });
        if (status < 200 || status > 299) throw new Error(`agency gateway answered ${status} ${body.error?.code ?? ""}`);
        const problem = ackProblem(body, { packageHash: signed.packageHash, agencyId: delivery.agencyId, creditorId: this.deps.memberId, cases: cases.length, signer: agency.signer });
        if (problem) throw new Error(`agency gateway answered ${status} without a valid acknowledgement: ${problem}`);
        const ack = body as unknown as SignedAck;
        packages.push({ packageHash: signed.packageHash, ackHash: ack.ackHash, cases: keys.length, accepted: ack.ack.accepted, rejected: ack.ack.rejected.length });
        await this.deps.onDelivered?.({ packageHash: signed.packageHash, agencyId: delivery.agencyId, caseKeys: keys, ackHash: ack.ackHash, ackSignature: ack.signature });
      }
      const { nextAttemptAt: _next, lastError: _last, ...rest } = delivery;
      await this.deps.store.handoverDeliveries.put({ ...rest, state: "delivered", attempts, packages, updatedAt: at() } satisfies HandoverDelivery);
      this.deps.log({ level: "info", msg: "handover delivered", jobId, agencyId: delivery.agencyId, packages: packages.length });
    } catch (error) {
      const lastError = (error as Error).message.slice(0, 300);
      const { nextAttemptAt: _next, ...rest } = delivery;
      let next: HandoverDelivery;
      if (error instanceof Cancelled) next = { ...rest, state: "cancelled", attempts, lastError, updatedAt: at() };
      else if (attempts >= (this.deps.maxAttempts ?? DEFAULTS.handoverMaxAttempts)) next = { ...rest, state: "dead-letter", attempts, lastError, updatedAt: at() };
      else {
        const wait = this.#retryMs() * 2 ** Math.min(attempts - 1, MAX_BACKOFF_STEPS);
        next = { ...rest, attempts, lastError, nextAttemptAt: new Date(this.deps.clock() + wait).toISOString(), updatedAt: at() };
      }
      // The attempt count is for people; a store that refuses it (a full disk) must not stop the retries.
      await this.deps.store.handoverDeliveries.put(next).catch(() => undefined);
      this.deps.log({ level: "warn", msg: `handover ${next.state === "pending" ? "not delivered yet" : next.state}`, jobId, agencyId: delivery.agencyId, attempts, error: lastError });
    }
  }

  /**
   * The keys the agency still holds from this creditor, and the agency's entry (its signer checks the acknowledgement),
   * read from the chain now; throws Cancelled when the agency is no longer an active agency or holds none of them.
   */
  async #stillHeld(agencyId: number, keys: string[]) {
    const { contracts, memberId } = this.deps;
    const agency = await contracts.memberRegistry.memberOf(agencyId);
    if (!isActiveWithRole(agency, ROLE.AGENCY)) throw new Cancelled(`agency ${agencyId} is not an active agency on chain (${memberStatusName(agency.status)})`);
    const now = Math.floor(this.deps.clock() / 1000);
    const held: string[] = [];
    for (let i = 0; i < keys.length; i += HANDOVER_CHUNK) {
      const chunk = keys.slice(i, i + HANDOVER_CHUNK);
      const states = await contracts.caseRegistry.casesOf(chunk);
      chunk.forEach((key, j) => {
        const s = states[j]!;
        if (isHeldFromCreditor(s, memberId, agencyId, now)) held.push(key);
      });
    }
    if (held.length === 0) throw new Cancelled("the chain shows none of the cases held by the agency any more (recalled, expired, returned or transferred)");
    return { held, agency };
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
  /** This gateway's X25519 secret key (64 hex): packages are sealed to its public half. */
  encryptionSecret: string;
  /** This member's registered signing key: signs the acknowledgements. */
  signer: { signMessage(message: Uint8Array): Promise<string> };
}

/** The answer to a sender: the receipt as before, and the acknowledgement signed by this member's key. */
export type HandoverAnswer = HandoverReceipt & SignedAck;

const replayed = () => new ServiceError("REPLAYED", msg("handover.REPLAYED"), { problem: "REPLAYED" });

/** What marks a package's nonce as being received right now. */
const nonceKey = (creditorId: number, nonce: string) => `handover-nonce/${creditorId}/${nonce}`;

/**
 * Agency side: accepts a lender's sealed handover envelope (caseledger-handover/2) only when its clear header is well
 * formed, fresh (at most HANDOVER_MAX_AGE_MS old), addressed here and from an active lender; the envelope is signed by
 * that creditor's current key (MemberRegistry); it opens with this gateway's encryption key; the inner package says
 * what the header said and is itself hashed and signed by the creditor; it was never seen before (nonce kept while
 * the package could pass as fresh, hash for good); and only the cases the chain shows assigned to this agency by that
 * creditor are taken. The cheap checks come first: anyone can post, and only a plausible package costs hashing and
 * decryption. The answer carries an acknowledgement signed by this member's registered key — the sender's proof.
 */
export class HandoverReceiver {
  readonly #inFlight = new Set<string>();
  #prunedAt = 0;

  constructor(private readonly deps: HandoverReceiverDeps) {}

  async receive(envelope: SealedHandover): Promise<HandoverAnswer> {
    const caseRegistry = await this.deps.contracts.caseRegistry.getAddress();
    const problem = precheckEnvelope(envelope, { agencyId: this.deps.memberId, chainId: this.deps.chainId, caseRegistry, now: this.deps.clock() });
    if (problem) throw new ServiceError("VALIDATION_FAILED", msg(`handover.${problem}`), { problem });
    const header = envelope.header;
    const nonce = nonceKey(header.creditorId, header.nonce);
    if (this.#inFlight.has(nonce)) throw replayed();
    this.#inFlight.add(nonce);
    try {
      return await this.#receive(envelope);
    } finally {
      this.#inFlight.delete(nonce);
    }
  }

  /** The claimed creditor, when it is an active lender (one read of the chain), or a 403. */
  async #creditor(creditorId: number) {
    // An unknown member reverts (refused); the node not answering is a 503, so the sender retries later.
    const creditor = await this.deps.contracts.memberRegistry.memberOf(creditorId).catch((error: unknown) => {
      if (isNetworkError(error)) throw error;
      return undefined;
    });
    if (!creditor || !isActiveWithRole(creditor, ROLE.LENDER)) {
      throw new ServiceError("FORBIDDEN", msg("handover.SIGNER"), { problem: "SIGNER" }, { status: 403 });
    }
    return creditor;
  }

  #checkSignature(hash: string, signature: string, signer: string): void {
    const recovered = digestSigner(hash, signature);
    if (recovered === undefined) throw new ServiceError("FORBIDDEN", msg("handover.SIGNATURE"), { problem: "SIGNATURE" }, { status: 403 });
    if (signer.toLowerCase() !== recovered.toLowerCase()) {
      throw new ServiceError("FORBIDDEN", msg("handover.SIGNER"), { problem: "SIGNER" }, { status: 403 });
    }
  }

  /**
   * After the header's cheap checks: the creditor (chain), the envelope's hash and signature, then — only for a
   * package its creditor really sent — decryption, the inner package's agreement with the header, its hash and
   * signature, replays, and the chain's word on each case.
   */
  async #receive(envelope: SealedHandover): Promise<HandoverAnswer> {
    const creditor = await this.#creditor(envelope.header.creditorId);
    let hash: string;
    try {
      hash = envelopeHash(envelope);
    } catch {
      throw new ServiceError("VALIDATION_FAILED", msg("handover.FORMAT"), { problem: "FORMAT" });
    }
    if (hash !== envelope.envelopeHash) throw new ServiceError("VALIDATION_FAILED", msg("handover.HASH_MISMATCH"), { problem: "HASH_MISMATCH" });
    this.#checkSignature(hash, envelope.signature, creditor.signer);
    const opened = openHandover(envelope, this.deps.encryptionSecret);
    if ("problem" in opened) throw new ServiceError("VALIDATION_FAILED", msg(`handover.${opened.problem}`), { problem: opened.problem });
    const signed = opened.inner;
    const innerProblem = precheckHandover(signed, { agencyId: this.deps.memberId, chainId: this.deps.chainId, caseRegistry: envelope.header.caseRegistry, now: this.deps.clock() });
    if (innerProblem) throw new ServiceError("VALIDATION_FAILED", msg(`handover.${innerProblem}`), { problem: innerProblem });
    if (this.#inFlight.has(signed.packageHash)) throw replayed();
    this.#inFlight.add(signed.packageHash);
    try {
      const receipt = await this.#receiveInner(signed, creditor.signer);
      const ack = await signAck(
        {
          format: ACK_FORMAT,
          packageHash: receipt.packageHash,
          agencyId: this.deps.memberId,
          creditorId: signed.package.creditorId,
          accepted: receipt.accepted,
          rejected: receipt.rejected.map((r) => r.caseKey),
          receivedAt: new Date(this.#now()).toISOString(),
        },
        this.deps.signer,
      );
      return { ...receipt, ...ack };
    } finally {
      this.#inFlight.delete(signed.packageHash);
    }
  }

  async #receiveInner(signed: SignedHandover, creditorSigner: string): Promise<HandoverReceipt> {
    const { contracts, store } = this.deps;
    const pkg = signed.package;
    const hashProblem = checkHandoverHash(signed);
    if (hashProblem) throw new ServiceError("VALIDATION_FAILED", msg(`handover.${hashProblem}`), { problem: hashProblem });
    this.#checkSignature(signed.packageHash, signed.signature, creditorSigner);
    const [seenNonce, seenHash] = await Promise.all([store.handoverNonces.seen(pkg.creditorId, pkg.nonce), store.handoverReceipts.get(signed.packageHash)]);
    if (seenNonce || seenHash !== undefined) throw replayed();
    const states = await contracts.caseRegistry.casesOf(pkg.cases.map((c) => c.caseKey));
    const now = Math.floor(this.#now() / 1000);
    const rejected: HandoverReceipt["rejected"] = [];
    const ops = store.batch();
    const at = new Date(this.#now()).toISOString();
    pkg.cases.forEach((c, i) => {
      const s = states[i]!;
      if (!isHeldFromCreditor(s, pkg.creditorId, this.deps.memberId, now)) {
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
