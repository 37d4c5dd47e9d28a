import { expect } from "chai";
import { Wallet } from "ethers";
import { canonicalDigest } from "../../../../node/domain/canonical-json.js";
import { answerKind, answerProblem, envelopeProblem, isSignedBy, newPeerId, PEER_FORMAT, type PeerEnvelope, signEnvelope, type SignedPeerEnvelope } from "../../../../node/services/peer/envelope.js";

describe("services/peer/envelope: caseledger-peer/1 sign and verify", () => {
  const alice = Wallet.createRandom();
  const mallory = Wallet.createRandom();
  const now = Date.parse("2026-03-01T08:00:00.000Z");
  const window = { me: 2, now, maxSkewMs: 5 * 60_000 };
  const request = (over: Partial<PeerEnvelope> = {}): PeerEnvelope => ({
    format: PEER_FORMAT,
    kind: "repayment.report",
    from: 1,
    to: 2,
    id: newPeerId(),
    sentAt: new Date(now).toISOString(),
    body: { caseKey: `0x${"ab".repeat(32)}`, amountFen: "12345" },
    ...over,
  });

  it("signs the SHA-256 of the canonical JSON with EIP-191, and a fresh, well-formed one for this member verifies", async () => {
    const signed = await signEnvelope(request(), alice);
    expect(signed.hash).to.equal(canonicalDigest(signed.envelope));
    expect(envelopeProblem(signed, window)).to.equal(undefined);
    expect(isSignedBy(signed, alice.address)).to.equal(true);
    expect(isSignedBy(signed, mallory.address)).to.equal(false);
    expect(newPeerId()).to.match(/^[0-9a-f]{32}$/);
  });

  it("refuses a change to any field after signing (the hash no longer matches), and a re-hashed one fails the signer", async () => {
    const signed = await signEnvelope(request(), alice);
    const tampered: Array<Partial<PeerEnvelope>> = [
      { kind: "repayment.decision" },
      { from: 3 },
      { id: newPeerId() },
      { sentAt: new Date(now + 1000).toISOString() },
      { body: { caseKey: `0x${"ab".repeat(32)}`, amountFen: "99999" } },
      { inReplyTo: newPeerId() },
    ];
    for (const change of tampered) {
      const forged: SignedPeerEnvelope = { ...signed, envelope: { ...signed.envelope, ...change } };
      expect(envelopeProblem(forged, window), JSON.stringify(change)).to.equal("FORMAT");
      // The forger recomputes the hash: the shape passes, the signature does not.
      const rehashed = { ...forged, hash: canonicalDigest(forged.envelope) };
      expect(envelopeProblem(rehashed, window)).to.equal(undefined);
      expect(isSignedBy(rehashed, alice.address)).to.equal(false);
    }
    expect(envelopeProblem({ ...signed, signature: "0x1234" }, window)).to.equal(undefined);
    expect(isSignedBy({ ...signed, signature: "0x1234" }, alice.address)).to.equal(false);
  });

  it("refuses malformed envelopes, another recipient, and a time outside the skew window either way", async () => {
    for (const bad of [undefined, null, "x", {}, { envelope: {} }, { envelope: request(), hash: 1, signature: "0x" }]) {
      expect(envelopeProblem(bad, window)).to.equal("FORMAT");
    }
    for (const over of [{ format: "caseledger-peer/2" }, { kind: "Repayment" }, { kind: "" }, { from: 0 }, { to: 1.5 }, { id: "abc" }, { sentAt: "yesterday" }, { inReplyTo: "x" }]) {
      const signed = await signEnvelope(request(over as Partial<PeerEnvelope>), alice);
      expect(envelopeProblem(signed, window), JSON.stringify(over)).to.equal("FORMAT");
    }
    expect(envelopeProblem(await signEnvelope(request({ to: 3 }), alice), window)).to.equal("WRONG_RECIPIENT");
    expect(await Promise.all([-5 * 60_000, 5 * 60_000].map(async (ms) => envelopeProblem(await signEnvelope(request({ sentAt: new Date(now + ms).toISOString() }), alice), window)))).to.deep.equal([undefined, undefined]);
    for (const ms of [-5 * 60_000 - 1, 5 * 60_000 + 1]) {
      expect(envelopeProblem(await signEnvelope(request({ sentAt: new Date(now + ms).toISOString() }), alice), window)).to.equal("STALE");
    }
  });

  it("takes an answer only from the receiver, of the request's kind, naming the request, signed by the receiver's key", async () => {
    const req = request();
    const answer = (over: Partial<PeerEnvelope> = {}, by = mallory) =>
      signEnvelope({ format: PEER_FORMAT, kind: answerKind(req.kind), from: 2, to: 1, id: newPeerId(), sentAt: new Date(now).toISOString(), inReplyTo: req.id, body: { state: "reported" }, ...over }, by);
    const expectOf = { now, maxSkewMs: 60_000, signer: mallory.address };
    expect(answerProblem(await answer(), req, expectOf)).to.equal(undefined);
    expect(answerProblem(await answer({ body: undefined, refused: { code: "NOT_HOLDER", message: "repayment.NOT_HOLDER" } }), req, expectOf)).to.equal(undefined);
    expect(answerProblem(await answer({ inReplyTo: newPeerId() }), req, expectOf)).to.equal("NOT_AN_ANSWER");
    expect(answerProblem(await answer({ kind: "repayment.report" }), req, expectOf)).to.equal("NOT_AN_ANSWER");
    expect(answerProblem(await answer({ from: 3 }), req, expectOf)).to.equal("NOT_AN_ANSWER");
    expect(answerProblem(await answer({ to: 3 }), req, expectOf)).to.equal("WRONG_RECIPIENT");
    expect(answerProblem(await answer({ body: undefined }), req, expectOf)).to.equal("NOT_AN_ANSWER");
    expect(answerProblem(await answer({}, alice), req, expectOf)).to.equal("BAD_SIGNATURE");
  });
});
