import { createHash } from "node:crypto";
import { expect } from "chai";
import { Wallet } from "ethers";
import type { CaseRecord } from "../../../../node/chain/case-events.js";
import { agreementHash, type MediationAgreement } from "../../../../node/domain/mediation/agreement.js";
import type { PeerHandler } from "../../../../node/services/peer/channel.js";
import type { SignedPeerEnvelope } from "../../../../node/services/peer/envelope.js";
import { MEDIATION_KINDS, MediationService } from "../../../../node/services/mediation/mediations.js";
import { type DigestSigner, signDigest } from "../../../../node/services/signed-digest.js";
import type { StoredMediation } from "../../../../node/store/mediation-store.js";
import { rejected } from "../refusal.js";
import { sampleAgreement } from "../../domain/mediation/helpers.js";

const BANK = 1;
const COLLECTOR = 2;
const MEDIATION_BODY = 5;
const lenderKey = Wallet.createRandom();
const mediatorKey = Wallet.createRandom();
const REQUEST = { envelope: {}, hash: `0x${"00".repeat(32)}`, signature: "0x" } as unknown as SignedPeerEnvelope;

/**
 * The receiving checks of mediation (docs/design.md §28), each against one lie a member could tell: the service with
 * in-memory deps — a chain (roles, keys, the case's creditor) the test sets, a channel that only collects handlers.
 */
function world(me: number, signer: DigestSigner) {
  const records = new Map<string, StoredMediation>();
  const handlers = new Map<string, PeerHandler>();
  const chain = {
    roles: new Map<number, string[]>([[BANK, ["lender"]], [COLLECTOR, ["agency"]], [MEDIATION_BODY, ["mediator"]]]),
    keys: new Map<number, string>([[BANK, lenderKey.address], [MEDIATION_BODY, mediatorKey.address]]),
    creditor: BANK,
  };
  const notarized: string[] = [];
  /** Puts that fail from the next one on (a gateway stopped before it saved). */
  const store = { failPuts: 0 };
  const service = new MediationService({
    store: {
      // Copies both ways, as LevelDB gives: a step that fails before its put leaves the stored state as it was.
      get: (h) => Promise.resolve(records.has(h) ? structuredClone(records.get(h)) : undefined),
      put: (r) => (store.failPuts-- > 0 ? Promise.reject(new Error("the gateway stopped")) : Promise.resolve(void records.set(r.hash, structuredClone(r)))),
      list: () => Promise.resolve([...records.values()]),
    },
    channel: { handle: (kind, handler) => void handlers.set(kind, handler), send: () => Promise.reject(new Error("not in this test")) },
    evidence: {
      recordSystem: (drafts) => {
        notarized.push(...drafts.map((d) => d.inline ?? ""));
        return Promise.resolve(drafts.map((_, i) => ({ index: notarized.length - drafts.length + i, leafHash: `0x${"ab".repeat(32)}` })) as never);
      },
      get: (id) => Promise.resolve({ id, caseKey: sampleAgreement().caseKey, leafHash: `0x${"cd".repeat(32)}`, contentSha256: "ef".repeat(32) } as never),
      recordFile: () => Promise.reject(new Error("not in this test")),
      list: (caseKey) =>
        Promise.resolve({
          caseKey,
          records: notarized.map((text, id) => ({ id, kind: "mediation-agreement", source: "system", leafHash: `0x${"ab".repeat(32)}`, contentSha256: createHash("sha256").update(text).digest("hex") })),
          timeline: [],
          next: null,
        } as never),
    },
    caseOf: (caseKey) => Promise.resolve({ caseKey, creditorId: chain.creditor, agencyId: COLLECTOR, status: "Assigned", until: 2 ** 40 } as unknown as CaseRecord),
    activeAs: (id, role) => Promise.resolve(chain.roles.get(id)?.includes(role) ?? false),
    signerOf: (id) => Promise.resolve(chain.keys.get(id)),
    repayments: { view: () => Promise.resolve({ repayments: [] } as never) },
    signer,
    memberId: me,
    clock: () => Date.parse("2026-12-05T00:00:00Z"),
  });
  const call = (kind: string, from: number, body: unknown) => handlers.get(kind)!(from, body, REQUEST);
  return { service, records, chain, call, notarized, store };
}

const agreement: MediationAgreement = sampleAgreement({ creditorId: BANK, mediatorId: MEDIATION_BODY, agencyId: COLLECTOR });
const hash = agreementHash(agreement);

describe("services/mediation: what each gateway takes from the other", () => {
  describe("at the mediator (mediation.request)", () => {
    it("keeps a request from the case's creditor of record, signed by its key on chain", async () => {
      const w = world(MEDIATION_BODY, mediatorKey);
      const answer = await w.call(MEDIATION_KINDS.request, BANK, { agreement, hash, creditorSignature: await signDigest(hash, lenderKey) });
      expect(answer).to.deep.equal({ received: hash, state: "received" });
      expect(w.records.get(hash)).to.deep.include({ side: "mediator", state: "received" });
    });

    it("refuses a sender that is not the case's creditor on its own chain index", async () => {
      const w = world(MEDIATION_BODY, mediatorKey);
      w.chain.creditor = 9;
      const e = await rejected(w.call(MEDIATION_KINDS.request, BANK, { agreement, hash, creditorSignature: await signDigest(hash, lenderKey) }));
      expect(e.code).to.equal("FORBIDDEN");
    });

    it("refuses a creditor signature by another key, a hash that is not the agreement's, and an agreement naming another party", async () => {
      const w = world(MEDIATION_BODY, mediatorKey);
      expect((await rejected(w.call(MEDIATION_KINDS.request, BANK, { agreement, hash, creditorSignature: await signDigest(hash, Wallet.createRandom()) }))).code).to.equal("MEDIATION_BAD_SIGNATURE");
      expect((await rejected(w.call(MEDIATION_KINDS.request, BANK, { agreement, hash: `0x${"11".repeat(32)}`, creditorSignature: await signDigest(hash, lenderKey) }))).code).to.equal("VALIDATION_FAILED");
      expect((await rejected(w.call(MEDIATION_KINDS.request, COLLECTOR, { agreement, hash, creditorSignature: await signDigest(hash, lenderKey) }))).code).to.equal("FORBIDDEN");
      expect((await rejected(w.call(MEDIATION_KINDS.request, BANK, { agreement: { ...agreement, amountFen: "1" }, hash }))).code).to.equal("VALIDATION_FAILED");
      expect(w.records.size).to.equal(0);
    });

    it("refuses an agreement naming an agency that is not the case's on its own index", async () => {
      const w = world(MEDIATION_BODY, mediatorKey);
      const other = { ...agreement, agencyId: 7 };
      const otherHash = agreementHash(other);
      const e = await rejected(w.call(MEDIATION_KINDS.request, BANK, { agreement: other, hash: otherHash, creditorSignature: await signDigest(otherHash, lenderKey) }));
      expect(e.code).to.equal("FORBIDDEN");
      expect(e.messageId).to.equal("mediation.AGENCY_MISMATCH");
    });

    it("a member whose MEDIATION_BODY role was withdrawn on chain takes no request", async () => {
      const w = world(MEDIATION_BODY, mediatorKey);
      w.chain.roles.set(MEDIATION_BODY, []);
      expect((await rejected(w.call(MEDIATION_KINDS.request, BANK, { agreement, hash, creditorSignature: await signDigest(hash, lenderKey) }))).code).to.equal("MEDIATION_NOT_MEDIATOR");
    });
  });

  describe("at the creditor (mediation.sign / mediation.refuse)", () => {
    const requested = (w: ReturnType<typeof world>) =>
      w.records.set(hash, { hash, agreement, side: "creditor", state: "requested", creditorSignature: "0x", request: { envelope: {}, hash: REQUEST.hash, signature: "0x" }, createdAt: "", updatedAt: "" });

    it("takes the named mediator's signature by its current key; in force only once the debtor's acceptance is recorded too", async () => {
      const w = world(BANK, lenderKey);
      requested(w);
      expect(await w.call(MEDIATION_KINDS.sign, MEDIATION_BODY, { hash, mediatorSignature: await signDigest(hash, mediatorKey) })).to.deep.equal({ signed: hash, state: "signed" });
      expect(w.notarized).to.deep.equal([]);
      const accepted = await w.service.recordAcceptance(hash, { method: "in-person", evidenceId: 3 });
      expect(accepted.state).to.equal("effective");
      expect(w.notarized).to.have.length(1);
      const record = JSON.parse(w.notarized[0]!) as { format: string; hash: string; signatures: Array<{ role: string; signature: string }>; acceptance: { method: string } };
      expect(record).to.deep.include({ format: "caseledger-mediation-record/1", hash });
      expect(record.signatures.map((s) => s.role)).to.deep.equal(["creditor", "mediator"]);
      expect(record.acceptance.method).to.equal("in-person");
    });

    it("a step repeated after the gateway stopped between notarizing and saving notarizes nothing twice", async () => {
      const w = world(BANK, lenderKey);
      requested(w);
      await w.call(MEDIATION_KINDS.sign, MEDIATION_BODY, { hash, mediatorSignature: await signDigest(hash, mediatorKey) });
      w.store.failPuts = 1;
      await rejected(w.service.recordAcceptance(hash, { method: "in-person", evidenceId: 3 }));
      expect(w.notarized).to.have.length(1);
      expect(w.records.get(hash)!.state).to.equal("signed");
      const again = await w.service.recordAcceptance(hash, { method: "in-person", evidenceId: 3 });
      expect(again).to.deep.include({ state: "effective", evidenceId: 0 });
      expect(w.notarized).to.have.length(1);
    });

    it("refuses a signature by the mediator's old key after a rotation, and a mediator suspended or stripped of its role", async () => {
      const w = world(BANK, lenderKey);
      requested(w);
      const old = await signDigest(hash, mediatorKey);
      w.chain.keys.set(MEDIATION_BODY, Wallet.createRandom().address);
      expect((await rejected(w.call(MEDIATION_KINDS.sign, MEDIATION_BODY, { hash, mediatorSignature: old }))).code).to.equal("MEDIATION_BAD_SIGNATURE");
      w.chain.keys.set(MEDIATION_BODY, mediatorKey.address);
      w.chain.roles.set(MEDIATION_BODY, []);
      expect((await rejected(w.call(MEDIATION_KINDS.sign, MEDIATION_BODY, { hash, mediatorSignature: old }))).code).to.equal("MEDIATION_NOT_MEDIATOR");
      expect(w.records.get(hash)!.state).to.equal("requested");
    });

    it("takes a refusal only from the agreement's mediator; an unknown reason is kept as OTHER", async () => {
      const w = world(BANK, lenderKey);
      requested(w);
      expect((await rejected(w.call(MEDIATION_KINDS.refuse, COLLECTOR, { hash, reason: "TERMS_UNFAIR" }))).code).to.equal("NOT_FOUND");
      expect(await w.call(MEDIATION_KINDS.refuse, MEDIATION_BODY, { hash, reason: "WHATEVER" })).to.deep.equal({ refused: hash });
      expect(w.records.get(hash)!.refusal!.reason).to.equal("OTHER");
      expect((await rejected(w.call(MEDIATION_KINDS.sign, MEDIATION_BODY, { hash, mediatorSignature: await signDigest(hash, mediatorKey) }))).code).to.equal("CONFLICT");
    });
  });
});
