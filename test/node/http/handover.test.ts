import { randomBytes } from "node:crypto";
import { request as httpRequest } from "node:http";
import { expect } from "chai";
import { JsonRpcProvider, Wallet } from "ethers";
import { connectContracts } from "../../../node/chain/contracts.js";
import { readFile } from "node:fs/promises";
import { ackProblem } from "../../../node/services/handover-ack.js";
import { newEncryptionSecret, encryptionPublicKey, sealHandover } from "../../../node/services/handover-envelope.js";
import { HANDOVER_FORMAT, HANDOVER_MAX_AGE_MS, type HandoverPackage, newNonce, signHandover, type SignedHandover } from "../../../node/domain/handover.js";
import { DEFAULTS } from "../../../node/config.js";
import { startGateway, type Gateway } from "../../../node/gateway.js";
import { HANDOVER_CHUNK, HandoverReceiver } from "../../../node/services/handover.js";
import type { AuditEntry } from "../../../node/store/audit-log.js";
import { apiClient } from "../../support/api-client.js";
import { ROLE, startConsortium, type TestConsortium } from "../../support/consortium.js";
import { syntheticId18 } from "../domain/identity/synthetic-ids.js";

/** A handover POST from a chosen loopback address: the limits count per client address. */
function postFrom(url: string, localAddress: string, body: unknown) {
  return new Promise<{ status: number; retryAfter: string | undefined; body: string }>((resolve, reject) => {
    const req = httpRequest(`${url}/v1/handover`, { method: "POST", headers: { "content-type": "application/json" }, localAddress }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers["retry-after"], body: text }));
    });
    req.on("error", reject);
    req.end(JSON.stringify(body));
  });
}

/** A random case key of member 1, the lender (bytes 1–4), which alone may register it. */
const key = () => `0x0100000001${randomBytes(27).toString("hex")}`;

/**
 * `POST /v1/handover` at a real agency gateway on anvil: a package signed by the lender member's registered key, with
 * its time and nonce inside the signature. A fresh one is taken (the cases the chain shows assigned here); the same
 * package again is refused as a replay, and so is a new package that reuses a nonce; a stale or future-dated one, one
 * signed by any other key, or one with a tampered time is refused before anything is stored.
 */
describe("http: gateway-to-gateway handover — signature, timestamp, nonce, replays", function () {
  this.timeout(120_000);
  let consortium: TestConsortium;
  let agency: Gateway;
  let lenderWallet: Wallet;
  let chainId: number;
  let caseRegistry: string;
  const assigned = [key(), key()];
  const debtors = [key(), key()];

  const pkg = (over: Partial<HandoverPackage> = {}): HandoverPackage => ({
    format: HANDOVER_FORMAT,
    chainId,
    caseRegistry,
    creditorId: 1,
    agencyId: 2,
    assignment: { txHash: `0x${"ab".repeat(32)}`, until: 0 },
    createdAt: new Date().toISOString(),
    nonce: newNonce(),
    cases: assigned.map((caseKey, i) => ({
      caseKey,
      debtorKey: debtors[i]!,
      loanRef: `H-${i}`,
      name: "交接测试",
      idNumber: syntheticId18("19770707", "55" + i, "110101"),
      phone: "",
      principalFen: "100000",
      outstandingFen: "90000",
      overdueDays: 40,
      region: "",
      product: "",
      extra: {},
    })),
    ...over,
  });
  const raw = (body: unknown) => apiClient(agency.url).post("/v1/handover", body);
  /** Seals a signed package to the agency's published key (and signs the envelope, by default with the lender's key). */
  type Sender = Parameters<typeof sealHandover>[2];
  const seal = (signed: SignedHandover, sender: Sender = lenderWallet, to = consortium.member("agency").encryptionKey) => sealHandover(signed, to, sender);
  const post = async (signed: SignedHandover, sender?: Sender) => raw(await seal(signed, sender));

  // The gateway's clock runs with the wall clock, except while a rate-limit test holds it: a bucket refills with
  // the clock, so on a loaded machine a flood that took seconds would earn answers the test does not count.
  let heldAt: number | undefined;
  const gatewayClock = () => heldAt ?? Date.now();
  const holdingTheClock = async (work: () => Promise<void>) => {
    heldAt = Date.now();
    try {
      await work();
    } finally {
      heldAt = undefined;
    }
  };

  before(async () => {
    consortium = await startConsortium([
      { name: "lender", roles: ROLE.LENDER },
      { name: "agency", roles: ROLE.AGENCY },
    ]);
    chainId = consortium.deployment.chainId;
    caseRegistry = consortium.deployment.contracts.CaseRegistry.address;
    const provider = new JsonRpcProvider(consortium.anvil.rpcUrl, undefined, { staticNetwork: true });
    lenderWallet = consortium.member("lender").wallet.connect(provider);
    const asLender = await connectContracts(consortium.deployment, lenderWallet);
    const until = Math.floor(Date.now() / 1000) + 30 * 86_400;
    await (await asLender.caseRegistry.registerAndAssign(2, until, assigned, debtors)).wait();
    provider.destroy();
    agency = await startGateway(consortium.member("agency").config, { log: () => {}, clock: gatewayClock });
  });
  after(async () => {
    await agency?.close();
    await consortium?.stop();
  });

  it("takes a fresh package signed by the creditor's registered key, and refuses the same package again (409 REPLAYED)", async () => {
    const signed = await signHandover(pkg(), lenderWallet);
    const sealed = await seal(signed);
    const first = await raw(sealed);
    expect(first.status).to.equal(200);
    expect(first.body).to.deep.include({ packageHash: signed.packageHash, accepted: 2, rejected: [] });
    // The answer is an acknowledgement signed by the agency's registered key.
    const agencyKey = consortium.member("agency").wallet.address;
    expect(ackProblem(first.body, { packageHash: signed.packageHash, agencyId: 2, creditorId: 1, cases: 2, signer: agencyKey })).to.equal(undefined);
    const again = await raw(sealed);
    expect(again.status).to.equal(409);
    expect(again.body.error).to.deep.include({ code: "REPLAYED", details: { problem: "REPLAYED" } });
    // Two copies at once: one is taken, the other is a replay.
    const twin = await seal(await signHandover(pkg(), lenderWallet));
    const both = await Promise.all([raw(twin), raw(twin)]);
    expect(both.map((r) => r.status).sort()).to.deep.equal([200, 409]);
    // The audit log names the sending member and the case keys — never the names or ID numbers in the package.
    const entries = (await agency.audit.page()).entries.filter((e: AuditEntry) => e.action === "handover.received");
    expect(entries).to.have.length(2);
    expect(entries[0]).to.deep.include({ actor: { memberId: 1, via: "gateway" }, caseKeys: assigned.map((k) => k.toLowerCase()), caseCount: 2 });
    expect(JSON.stringify(entries)).not.to.include("交接测试");
  });

  it("refuses a new package that reuses a nonce, even though it is signed by the creditor", async () => {
    const nonce = newNonce();
    expect((await post(await signHandover(pkg({ nonce }), lenderWallet))).status).to.equal(200);
    const reused = await post(await signHandover(pkg({ nonce, createdAt: new Date(Date.now() + 1_000).toISOString() }), lenderWallet));
    expect(reused.status).to.equal(409);
    expect(reused.body.error.code).to.equal("REPLAYED");
  });

  it("refuses stale and future-dated packages, a tampered time, another key's signature and a malformed nonce", async () => {
    const stale = await post(await signHandover(pkg({ createdAt: new Date(Date.now() - HANDOVER_MAX_AGE_MS - 5_000).toISOString() }), lenderWallet));
    expect(stale.status).to.equal(400);
    expect(stale.body.error.details).to.deep.equal({ problem: "TOO_OLD" });
    const future = await post(await signHandover(pkg({ createdAt: new Date(Date.now() + 5 * 60_000).toISOString() }), lenderWallet));
    expect(future.body.error.details).to.deep.equal({ problem: "FROM_THE_FUTURE" });
    // An old package made to look fresh: the time is under the signature, so the hash no longer fits.
    const old = await signHandover(pkg({ createdAt: new Date(Date.now() - HANDOVER_MAX_AGE_MS - 5_000).toISOString() }), lenderWallet);
    const refreshed = await post({ ...old, package: { ...old.package, createdAt: new Date().toISOString() } });
    expect(refreshed.body.error.details).to.deep.equal({ problem: "HASH_MISMATCH" });
    const stranger = Wallet.createRandom();
    const forged = await post(await signHandover(pkg(), stranger), stranger);
    expect(forged.status).to.equal(403);
    expect(forged.body.error.details).to.deep.equal({ problem: "SIGNER" });
    const badNonce = await post(await signHandover(pkg({ nonce: "1" }), lenderWallet));
    expect(badNonce.body.error.details).to.deep.equal({ problem: "FORMAT" });
    // None of them was stored: the replay test's packages and the reused nonce's first one only.
    let received = 0;
    received = await agency.store.handoverReceipts.count();
    expect(received).to.equal(3);
  });

  it("takes a full package of 1,000 cases with many columns (over 1 MB), and refuses a body over 22 MB (413)", async () => {
    const extra = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`column_${i}`, "备注".repeat(40)]));
    const template = pkg().cases[0]!;
    const cases = Array.from({ length: HANDOVER_CHUNK }, (_, i) => ({ ...template, caseKey: key(), loanRef: `B-${i}`, extra }));
    const signed = await signHandover(pkg({ cases }), lenderWallet);
    expect(JSON.stringify(signed).length).to.be.greaterThan(2_000_000);
    const big = await post(signed);
    expect(big.body.ack).to.deep.include({ accepted: 0 });
    expect(big.status).to.equal(200);
    expect(big.body).to.deep.include({ accepted: 0 }); // none of them is assigned here on chain
    const huge = await fetch(`${agency.url}/v1/handover`, { method: "POST", headers: { "content-type": "application/json" }, body: `{"x":"${"y".repeat(23 * 1024 * 1024)}"}` });
    expect(huge.status).to.equal(413);
  });

  it("keeps nonces only as long as a package could pass as fresh", async () => {
    const count = async () => {
      let n = 0;
      n = await agency.store.handoverNonces.count();
      return n;
    };
    expect(await count()).to.equal(4);
    // The same gateway's store and chain, its clock 20 minutes on: the next package prunes the old nonces.
    const later = Date.now() + 20 * 60_000;
    const encryptionSecret = (await readFile(consortium.member("agency").config.secrets.encryptionKeyFile, "utf8")).trim();
    const receiver = new HandoverReceiver({ store: agency.store, cipher: agency.cipher, contracts: agency.contracts, memberId: 2, chainId, clock: () => later, encryptionSecret, signer: consortium.member("agency").wallet });
    await receiver.receive(await seal(await signHandover(pkg({ createdAt: new Date(later).toISOString() }), lenderWallet)));
    expect(await count()).to.equal(1);
  });

  it("refuses a package whose claimed creditor is not an active lender before hashing it (403 SIGNER, not a hash mismatch)", async () => {
    const sealed = await seal(await signHandover(pkg({ creditorId: 2 }), lenderWallet));
    const res = await raw({ ...sealed, envelopeHash: `0x${"00".repeat(32)}` });
    expect(res.status).to.equal(403);
    expect(res.body.error.details).to.deep.equal({ problem: "SIGNER" });
  });

  it("refuses a package sealed to another key (400 UNDECRYPTABLE) and a clear header changed in transit, storing neither", async () => {
    const before = await agency.store.handoverReceipts.count();
    const elsewhere = await post(await signHandover(pkg(), lenderWallet), undefined);
    expect(elsewhere.status).to.equal(200);
    const wrongKey = await raw(await seal(await signHandover(pkg(), lenderWallet), lenderWallet, encryptionPublicKey(newEncryptionSecret())));
    expect(wrongKey.status).to.equal(400);
    expect(wrongKey.body.error.details).to.deep.equal({ problem: "UNDECRYPTABLE" });
    // The header is under the creditor's signature and is the cipher's associated data: changing it breaks both.
    const sealed = await seal(await signHandover(pkg(), lenderWallet));
    const moved = await raw({ ...sealed, header: { ...sealed.header, cases: 1 } });
    expect(moved.status).to.equal(400);
    expect(moved.body.error.details).to.deep.equal({ problem: "HASH_MISMATCH" });
    // The package's personal data is not in what travels.
    expect(JSON.stringify(sealed)).not.to.include("交接测试");
    expect(JSON.stringify(sealed)).not.to.include(pkg().cases[0]!.idNumber);
    expect(await agency.store.handoverReceipts.count()).to.equal(before + 1);
  });

  it("answers a flood of garbage from one address with 429 and Retry-After once the address's bucket is empty", async () => holdingTheClock(async () => {
    const statuses: number[] = [];
    let retryAfter: string | undefined;
    for (let i = 0; i < DEFAULTS.rateLimits.handoverBurst + 5; i++) {
      const res = await postFrom(agency.url, "127.0.0.5", { package: { format: "junk" } });
      statuses.push(res.status);
      retryAfter ??= res.retryAfter;
    }
    expect(statuses.slice(0, DEFAULTS.rateLimits.handoverBurst).every((s) => s === 400)).to.equal(true);
    expect(statuses.slice(DEFAULTS.rateLimits.handoverBurst)).to.deep.equal(Array(5).fill(429));
    expect(Number(retryAfter)).to.be.within(1, 60);
    // Another address has its own bucket.
    expect((await postFrom(agency.url, "127.0.0.6", {})).status).to.equal(400);
  }));

  it("limits packages claimed in one creditor's name across addresses, and no other creditor's", async () => holdingTheClock(async () => {
    const claimed = { header: { creditorId: 7 } };
    const statuses: number[] = [];
    for (let i = 0; i < DEFAULTS.rateLimits.handoverBurst + 1; i++) statuses.push((await postFrom(agency.url, i % 2 ? "127.0.0.7" : "127.0.0.8", claimed)).status);
    expect(statuses.at(-1)).to.equal(429);
    expect(statuses.filter((s) => s === 429)).to.have.length(1);
    expect((await postFrom(agency.url, "127.0.0.9", claimed)).status).to.equal(429);
    expect((await postFrom(agency.url, "127.0.0.9", { header: { creditorId: 1 } })).status).to.equal(400);
  }));

  it("with http.handoverPeers set, answers only those addresses (403 NOT_A_PEER otherwise)", async () => {
    await agency.close();
    const config = consortium.member("agency").config;
    agency = await startGateway({ ...config, http: { ...config.http, handoverPeers: ["127.0.0.10"] } }, { log: () => {} });
    const stranger = await postFrom(agency.url, "127.0.0.11", {});
    expect(stranger.status).to.equal(403);
    expect(stranger.body).to.include("NOT_A_PEER");
    expect((await postFrom(agency.url, "127.0.0.10", {})).status).to.equal(400);
  });
});
