import { createPublicKey, verify } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { Wallet } from "ethers";
import { type ConductPolicy, DEFAULT_CONDUCT_POLICY } from "../../../../node/domain/consortium/index.js";
import { canonicalJson } from "../../../../node/domain/canonical-json.js";
import { permitDigest } from "../../../../node/domain/conduct/permit.js";
import { type ContactCase, ContactService, TALLY_KIND } from "../../../../node/services/conduct/contacts.js";
import { type ConductGuards, NO_GUARDS } from "../../../../node/services/conduct/guards.js";
import type { EvidenceView } from "../../../../node/services/evidence.js";
import { isPermitSignedBy, permitSigner } from "../../../../node/services/conduct/permit-signer.js";
import { type GatewayDatabase, openDatabase } from "../../../../node/store/database.js";
import type { PeerOutboxItem } from "../../../../node/store/peer-outbox.js";
import { rejected } from "../refusal.js";

/**
 * Two agencies' contact services, each on its own real LevelDB, holding cases of one debtor for two lenders; their
 * tally increments go straight to each other's handler (the peer channel and its outbox are tested on their own, and
 * end to end in test/e2e/contacts.test.ts). The chain index is a shared map here.
 */
describe("services/conduct/contacts: permits, the contact log and the consortium-wide tally", () => {
  const debtor = `0x${"d1".repeat(32)}`;
  const other = `0x${"d2".repeat(32)}`;
  const caseA = `0x${"0a".repeat(32)}`;
  const caseB = `0x${"0b".repeat(32)}`;
  const caseOther = `0x${"0c".repeat(32)}`;
  const caseNotHeld = `0x${"0e".repeat(32)}`;
  const A = 2;
  const B = 3;
  /** 10:00 China time. */
  let now = Date.parse("2026-03-02T02:00:00.000Z");
  const china = (hhmm: string, day = "2026-03-02") => Date.parse(`${day}T${hhmm}:00.000+08:00`);
  const until = Math.floor(Date.parse("2027-01-01T00:00:00Z") / 1000);
  const chain = new Map<string, ContactCase>([
    [caseA, { debtorKey: debtor, creditorId: 1, agencyId: A, status: "Assigned", until }],
    [caseB, { debtorKey: debtor, creditorId: 4, agencyId: B, status: "Accepted", until }],
    [caseOther, { debtorKey: other, creditorId: 1, agencyId: A, status: "Assigned", until }],
    [caseNotHeld, { debtorKey: `0x${"d3".repeat(32)}`, creditorId: 1, agencyId: B, status: "Assigned", until }],
  ]);
  let dirs: string[];
  let stores: GatewayDatabase[];
  let services: Record<number, ContactService>;
  let wallets: Record<number, Wallet>;
  let reachable: Record<number, boolean>;
  let policy: ConductPolicy;
  let lenderHours: Map<number, { from: number; to: number }>;
  let guards: ConductGuards;
  let evidenceIds: number;

  let chainUp = true;
  const make = (me: number, store: GatewayDatabase, flushMs = 0): ContactService =>
    new ContactService({
      contacts: store.contacts,
      tally: store.conductTally,
      batch: () => store.batch(),
      caseOf: (k) => Promise.resolve(chain.get(k)),
      holdersOf: (d) => Promise.resolve([...chain.values()].filter((c) => c.debtorKey === d).map((c) => c.agencyId)),
      isActiveAgency: () => Promise.resolve(true),
      chainReachable: () => chainUp,
      policyAt: () => Promise.resolve(policy),
      lenderHours: (l) => Promise.resolve(lenderHours.get(l)),
      guards: { openComplaint: (k) => guards.openComplaint(k), screenText: (t, c) => guards.screenText(t, c) },
      evidence: {
        get: () => Promise.reject(new Error("not used")),
        recordHash: (raw) => Promise.resolve({ id: evidenceIds++, leafHash: `0x${"ee".repeat(32)}`, caseKey: raw.caseKey, kind: raw.kind } as unknown as EvidenceView),
      },
      signer: permitSigner(wallets[me]!.privateKey),
      deliver: async (to, kind, body, { id }) => {
        const item = { id, to, kind, body, state: "pending", attempts: 0, createdAt: new Date(now).toISOString(), updatedAt: new Date(now).toISOString() } as PeerOutboxItem;
        if (reachable[to]) {
          await services[to]!.receiveIncrement(me, body, `0x${"ab".repeat(32)}`);
          await services[me]!.delivered(item);
        }
        return item;
      },
      memberId: me,
      clock: () => now,
      permitTtlMs: 10 * 60_000,
      stalenessMs: 5 * 60_000,
      flushMs,
      log: () => undefined,
    });

  beforeEach(async () => {
    now = china("10:00");
    policy = { ...DEFAULT_CONDUCT_POLICY };
    lenderHours = new Map();
    guards = NO_GUARDS;
    evidenceIds = 0;
    reachable = { [A]: true, [B]: true };
    wallets = { [A]: Wallet.createRandom() as unknown as Wallet, [B]: Wallet.createRandom() as unknown as Wallet };
    dirs = [await mkdtemp(join(tmpdir(), "caseledger-contacts-a-")), await mkdtemp(join(tmpdir(), "caseledger-contacts-b-"))];
    stores = [await openDatabase(dirs[0]!), await openDatabase(dirs[1]!)];
    services = { [A]: make(A, stores[0]!), [B]: make(B, stores[1]!) };
  });
  afterEach(async () => {
    for (const s of stores) await s.close();
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  const contact = (caseKey: string, permitId: string | undefined, over: Record<string, unknown> = {}) => ({
    caseKey,
    channel: "call",
    party: "debtor",
    startedAt: new Date(now).toISOString(),
    durationSeconds: 60,
    outcome: "connected",
    collector: "C-001",
    ...(permitId ? { permitId } : {}),
    ...over,
  });
  /** A permit, then its contact logged one minute later by a collector of its own. */
  const callConnected = async (me: number, caseKey: string, collector: string) => {
    const p = await services[me]!.requestPermit({ caseKey, channel: "call" });
    return services[me]!.log(contact(caseKey, p.permit.permitId, { collector }));
  };

  it("grants a permit signed by the agency's member key, and refuses a case the agency does not hold", async () => {
    const signed = await services[A]!.requestPermit({ caseKey: caseA, channel: "call" });
    expect(signed.digest).to.equal(permitDigest(signed.permit));
    expect(isPermitSignedBy(signed, wallets[A]!.address)).to.equal(true);
    expect(isPermitSignedBy(signed, wallets[B]!.address)).to.equal(false);
    expect(isPermitSignedBy({ ...signed, permit: { ...signed.permit, channel: "visit" } }, wallets[A]!.address)).to.equal(false);
    expect(isPermitSignedBy({ ...signed, publicKey: permitSigner(wallets[B]!.privateKey).publicKey }, wallets[B]!.address)).to.equal(false);
    expect(isPermitSignedBy({ ...signed, signature: `0x${"00".repeat(64)}` }, wallets[A]!.address)).to.equal(false);
    expect(isPermitSignedBy({ ...signed, publicKey: `0x04${"00".repeat(64)}` }, wallets[A]!.address)).to.equal(false);
    // Any ECDSA verifier of SHA-256 over secp256k1 checks it, as docs/design.md §25 says: here OpenSSL's.
    const pub = Buffer.from(signed.publicKey.slice(2), "hex");
    const key = createPublicKey({ key: { kty: "EC", crv: "secp256k1", x: pub.subarray(1, 33).toString("base64url"), y: pub.subarray(33).toString("base64url") }, format: "jwk" });
    const bytes = Buffer.from(canonicalJson(signed.permit), "utf8");
    expect(verify("sha256", bytes, { key, dsaEncoding: "ieee-p1363" }, Buffer.from(signed.signature.slice(2), "hex"))).to.equal(true);
    expect(signed.permit).to.include({ agency: A, caseKey: caseA, channel: "call", day: "2026-03-02", expiresAt: now + 600_000 });
    expect((await rejected(services[A]!.requestPermit({ caseKey: caseNotHeld, channel: "call" }))).code).to.equal("CONTACT_NOT_HELD");
    expect((await rejected(services[A]!.requestPermit({ caseKey: caseA, channel: "fax" }))).details).to.deep.equal({ problem: "CHANNEL_INVALID", field: "channel" });
    // With the chain node away the index may miss a recall: no permit until it answers again.
    chainUp = false;
    expect((await rejected(services[A]!.requestPermit({ caseKey: caseA, channel: "call" }))).code).to.equal("CHAIN_UNAVAILABLE");
    chainUp = true;
  });

  it("refuses outside 08:00–22:00 China time, and inside a lender's stricter hours", async () => {
    for (const [hhmm, ok] of [["07:59", false], ["08:00", true], ["21:59", true], ["22:00", false], ["23:30", false]] as const) {
      now = china(hhmm);
      const result = await services[A]!.requestPermit({ caseKey: caseOther, channel: "sms" }).then(() => "granted", (e: { code: string }) => e.code);
      expect(result, hhmm).to.equal(ok ? "granted" : "CONTACT_QUIET_HOURS");
    }
    lenderHours.set(1, { from: 9 * 60, to: 20 * 60 });
    now = china("08:30");
    expect((await rejected(services[A]!.requestPermit({ caseKey: caseOther, channel: "sms" }))).code).to.equal("CONTACT_QUIET_HOURS");
  });

  it("counts connected contacts of one debtor across both agencies and refuses the third-plus at either", async () => {
    await callConnected(A, caseA, "C-001");
    now += 5 * 60_000;
    await callConnected(B, caseB, "C-101");
    now += 5 * 60_000;
    await callConnected(A, caseA, "C-001");
    now += 5 * 60_000;
    const atA = await rejected(services[A]!.requestPermit({ caseKey: caseA, channel: "call" }));
    const atB = await rejected(services[B]!.requestPermit({ caseKey: caseB, channel: "call" }));
    expect([atA.code, atB.code]).to.deep.equal(["CONTACT_DAILY_CAP", "CONTACT_DAILY_CAP"]);
    expect(atA.details).to.deep.include({ cap: 3 });
    // The other debtor of agency A is not affected; tomorrow the debtor's count starts again.
    await services[A]!.requestPermit({ caseKey: caseOther, channel: "call" });
    now = china("09:00", "2026-03-03");
    await services[B]!.requestPermit({ caseKey: caseB, channel: "call" });
  });

  it("grants no more than the cap when permits for one debtor are asked for at the same moment", async () => {
    // Two collectors (or a script) asking at once: each request reads the count before the others have written.
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) => services[A]!.requestPermit({ caseKey: caseA, channel: i % 2 ? "sms" : "call" }).then(() => "granted", (e: { code: string }) => e.code)),
    );
    expect(answers.filter((a) => a === "granted")).to.have.length(3);
    expect(answers.filter((a) => a === "CONTACT_DAILY_CAP")).to.have.length(5);
    // Another debtor's permits are not held up behind this one's.
    await services[A]!.requestPermit({ caseKey: caseOther, channel: "call" });
  });

  it("refuses the second of two overlapping calls of one collector logged at the same moment", async () => {
    const answers = await Promise.all(
      [caseA, caseOther].map((caseKey) => services[A]!.log(contact(caseKey, undefined, { durationSeconds: 600 })).then(() => "logged", (e: { code: string }) => e.code)),
    );
    expect(answers.sort()).to.deep.equal(["CONFLICT", "logged"]);
  });

  it("counts an open reservation at the other agency, and gives it back when the contact did not connect", async () => {
    await callConnected(A, caseA, "C-001");
    await callConnected(B, caseB, "C-101");
    const reserved = await services[A]!.requestPermit({ caseKey: caseA, channel: "call" });
    expect((await rejected(services[B]!.requestPermit({ caseKey: caseB, channel: "call" }))).code).to.equal("CONTACT_DAILY_CAP");
    now += 60_000;
    await services[A]!.log(contact(caseA, reserved.permit.permitId, { outcome: "no_answer", collector: "C-002" }));
    await services[B]!.requestPermit({ caseKey: caseB, channel: "call" });
  });

  it("fails closed when its increments to another holder have been undelivered beyond the staleness, open when the policy says so", async () => {
    reachable[B] = false;
    await callConnected(A, caseA, "C-001");
    now += 4 * 60_000;
    await services[A]!.requestPermit({ caseKey: caseA, channel: "sms" });
    now += 2 * 60_000;
    expect((await rejected(services[A]!.requestPermit({ caseKey: caseA, channel: "sms" }))).code).to.equal("CONTACT_TALLY_STALE");
    // A debtor with no case at B is not held up.
    await services[A]!.requestPermit({ caseKey: caseOther, channel: "sms" });
    policy = { ...policy, failClosed: false };
    await services[A]!.requestPermit({ caseKey: caseA, channel: "sms" });
  });

  it("pauses on an open complaint and on a promise to pay not yet due, by policy", async () => {
    guards = { ...NO_GUARDS, openComplaint: (k) => Promise.resolve(k === caseA ? { open: true, category: "harassment" } : { open: false }) };
    expect((await rejected(services[A]!.requestPermit({ caseKey: caseA, channel: "call" }))).code).to.equal("CONTACT_OPEN_COMPLAINT");
    policy = { ...policy, pauseOnComplaint: false };
    await services[A]!.requestPermit({ caseKey: caseA, channel: "call" });
    const p = await services[A]!.requestPermit({ caseKey: caseOther, channel: "call" });
    await services[A]!.log(contact(caseOther, p.permit.permitId, { outcome: "promise_to_pay", promise: { dueDate: "2026-03-05", amountFen: "50000" } }));
    expect((await rejected(services[A]!.requestPermit({ caseKey: caseOther, channel: "call" }))).code).to.equal("CONTACT_PROMISE_PENDING");
    expect(await services[A]!.promises()).to.deep.equal([{ caseKey: caseOther, entryId: (await services[A]!.list(caseOther))[0]!.entryId, dueDate: "2026-03-05", amountFen: "50000", due: false }]);
    now = china("09:00", "2026-03-06");
    await services[A]!.requestPermit({ caseKey: caseOther, channel: "call" });
  });

  it("refuses a text the screening refuses, with the rule and the span", async () => {
    guards = { ...NO_GUARDS, screenText: () => Promise.resolve({ ok: false, rule: "R1", category: "threat", span: [0, 2], lexiconVersion: "v1" }) };
    const refused = await rejected(services[A]!.requestPermit({ caseKey: caseA, channel: "sms", text: "synthetic text" }));
    expect(refused.code).to.equal("CONTACT_TEXT_REFUSED");
    expect(refused.details).to.deep.include({ rule: "R1", category: "threat", span: [0, 2] });
  });

  it("flags a contact logged without a valid permit: missing, unknown, reused, for another channel, expired; and a third party told", async () => {
    policy = { ...policy, dailyCap: 10 };
    const none = await services[A]!.log(contact(caseA, undefined));
    expect(none.violations).to.deep.equal(["no_permit"]);
    now += 10 * 60_000;
    const unknown = await services[A]!.log(contact(caseA, "f".repeat(32), { collector: "C-002" }));
    expect(unknown.violations).to.deep.equal(["no_permit"]);
    const p = await services[A]!.requestPermit({ caseKey: caseOther, channel: "call" });
    const ok = await services[A]!.log(contact(caseOther, p.permit.permitId, { collector: "C-003" }));
    expect(ok.violations).to.deep.equal([]);
    now += 5 * 60_000;
    const reused = await services[A]!.log(contact(caseOther, p.permit.permitId, { collector: "C-003" }));
    expect(reused.violations).to.deep.equal(["permit_reused"]);
    const sms = await services[A]!.requestPermit({ caseKey: caseOther, channel: "sms" });
    const wrongChannel = await services[A]!.log(contact(caseOther, sms.permit.permitId, { collector: "C-004" }));
    expect(wrongChannel.violations).to.deep.equal(["permit_mismatch"]);
    const late = await services[A]!.requestPermit({ caseKey: caseOther, channel: "visit" });
    now += 11 * 60_000;
    const expired = await services[A]!.log(contact(caseOther, late.permit.permitId, { channel: "visit", collector: "C-005" }));
    expect(expired.violations).to.deep.equal(["permit_expired"]);
    const third = await services[A]!.log(contact(caseOther, undefined, { party: "third_party", disclosedDebt: true, collector: "C-006", outcome: "refused" }));
    expect(third.violations).to.deep.equal(["no_permit", "third_party_disclosure"]);
  });

  it("refuses a contact in the future, one on a case not held, an overlapping call of one collector, and names the field", async () => {
    const future = await rejected(services[A]!.log(contact(caseA, undefined, { startedAt: new Date(now + 3 * 60_000).toISOString() })));
    expect(future.details).to.deep.equal({ problem: "STARTED_AT_FUTURE", field: "startedAt" });
    expect((await rejected(services[A]!.log(contact(caseNotHeld, undefined)))).code).to.equal("CONTACT_NOT_HELD");
    await services[A]!.log(contact(caseA, undefined, { durationSeconds: 600 }));
    const overlap = await rejected(services[A]!.log(contact(caseOther, undefined, { startedAt: new Date(now + 60_000).toISOString() })));
    expect(overlap.code).to.equal("CONFLICT");
    // The same collector sending an SMS at that time, or another collector calling, is fine.
    await services[A]!.log(contact(caseOther, undefined, { channel: "sms", durationSeconds: 0 }));
    await services[A]!.log(contact(caseOther, undefined, { collector: "C-009" }));
    const named = await rejected(services[A]!.log(contact(caseA, undefined, { party: "张三" })));
    expect(named.details).to.deep.equal({ problem: "PARTY_INVALID", field: "party" });
  });

  it("records the recording as evidence of the case", async () => {
    const p = await services[A]!.requestPermit({ caseKey: caseA, channel: "call" });
    const entry = await services[A]!.log({ ...contact(caseA, p.permit.permitId), evidence: { contentSha256: "ab".repeat(32), contentSize: 10, mediaType: "audio/mpeg" } });
    expect(entry.evidence).to.deep.equal({ id: 0, leafHash: `0x${"ee".repeat(32)}` });
  });

  it("refuses an increment from an agency that holds no case of the debtor", async () => {
    const body = { debtorKey: other, day: "2026-03-02", permitId: "a".repeat(32), state: "connected", expiresAt: now };
    expect((await rejected(services[A]!.receiveIncrement(99, { marks: [body] }, "0x"))).details).to.deep.equal({ problem: "NOT_A_HOLDER" });
    expect((await rejected(services[A]!.receiveIncrement(B, { marks: [{ ...body, debtorKey: debtor, day: "2026-02-01" }] }, "0x"))).details).to.deep.equal({ problem: "DAY_INVALID" });
    expect((await rejected(services[A]!.receiveIncrement(B, { marks: [] }, "0x"))).details).to.deep.equal({ problem: "BODY_INVALID" });
    // A repeat (the outbox sent it again after a crash) is taken as once; a connected mark is never taken back.
    expect(await services[A]!.receiveIncrement(B, { marks: [{ ...body, debtorKey: debtor }] }, "0x")).to.deep.equal({ kept: 1 });
    expect(await services[A]!.receiveIncrement(B, { marks: [{ ...body, debtorKey: debtor, state: "reserved" }] }, "0x")).to.deep.equal({ kept: 0 });
    expect(TALLY_KIND).to.equal("conduct.tally");
  });

  it("keeps the increments of a permit on disk with it: a gateway stopped before sending them sends them at its next start", async () => {
    // A long flush interval stands for a crash between the permit's write and the send.
    services[A] = make(A, stores[0]!, 3_600_000);
    reachable[B] = true;
    await services[A].requestPermit({ caseKey: caseA, channel: "call" });
    services[A].stop();
    await stores[0]!.close();
    stores[0] = await openDatabase(dirs[0]!);
    services[A] = make(A, stores[0], 0);
    // B has not heard of it yet; the flush at the next start tells it.
    expect(await stores[1]!.conductTally.count("2026-03-02", debtor, now)).to.equal(0);
    await services[A].flush();
    expect(await stores[1]!.conductTally.count("2026-03-02", debtor, now)).to.equal(1);
    expect(await stores[0].conductTally.queued(10)).to.deep.equal([]);
  });

  it("gives figures per lender without case or debtor keys", async () => {
    await callConnected(A, caseA, "C-001");
    await services[A]!.log(contact(caseOther, undefined, { collector: "C-002", outcome: "no_answer" }));
    await rejected(services[A]!.requestPermit({ caseKey: caseNotHeld, channel: "call" }));
    now = china("23:00");
    await rejected(services[A]!.requestPermit({ caseKey: caseA, channel: "call" }));
    const rows = await services[A]!.figures({ from: china("00:00"), to: china("00:00", "2026-03-03") });
    expect(rows.map((r) => r.lender)).to.deep.equal([0, 1]);
    const [notHeld, lender1] = rows;
    expect(notHeld!.permitsRefused.CONTACT_NOT_HELD).to.equal(1);
    expect(lender1).to.deep.include({ agency: A, connected: 1 });
    expect(lender1!.contactsByChannel.call).to.equal(2);
    expect(lender1!.contactsByChinaHour[10]).to.equal(2);
    expect(lender1!.violations.no_permit).to.equal(1);
    expect(lender1!.permitsRefused.CONTACT_QUIET_HOURS).to.equal(1);
    expect(JSON.stringify(rows)).not.to.match(/0x[0-9a-f]{64}/);
  });
});
