import { request as httpRequest } from "node:http";
import { expect } from "chai";
import { Wallet } from "ethers";
import { msg } from "../../../node/messages/message.js";
import { startGateway, type Gateway } from "../../../node/gateway.js";
import { newPeerId, PEER_FORMAT, type PeerEnvelope, signEnvelope, type SignedPeerEnvelope } from "../../../node/services/peer/envelope.js";
import { ServiceError } from "../../../node/services/service-error.js";
import { apiClient, eventually } from "../../support/api-client.js";
import { ROLE, startConsortium, type TestConsortium } from "../../support/consortium.js";
import { publishDirectory } from "../../support/directory.js";

/** A POST of `body` to `/v1/peer` from a chosen loopback address (the limits count per client address). */
function postFrom(url: string, localAddress: string, body: unknown) {
  return new Promise<{ status: number; body: { error?: { code?: string } } }>((resolve, reject) => {
    const req = httpRequest(`${url}/v1/peer`, { method: "POST", headers: { "content-type": "application/json" }, localAddress }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text || "{}") as { error?: { code?: string } } }));
    });
    req.on("error", reject);
    req.end(JSON.stringify(body));
  });
}

/**
 * caseledger-peer/1 between real gateways on anvil: the lender's gateway sends, the agency's answers signed; the
 * agency's gateway refuses a forged sender (another member's key, a key that is no member's), a replay, a stale
 * envelope, one for another member, an unknown kind, and a flood (per address before the body, per claimed sender);
 * the outbox keeps a message across a restart of its gateway until the receiver answers.
 */
describe("http: POST /v1/peer — the signed member-to-member channel", function () {
  this.timeout(180_000);
  let consortium: TestConsortium;
  let lender: Gateway;
  let agency: Gateway;
  const quiet = () => {};
  const echoed: Array<{ from: number; body: unknown }> = [];
  const BURST = 30;

  /** An envelope as a gateway would sign it (from the lender to the agency unless told), signed by `by`. */
  const envelope = (over: Partial<PeerEnvelope> = {}): PeerEnvelope => ({
    format: PEER_FORMAT,
    kind: "test.echo",
    from: 1,
    to: 2,
    id: newPeerId(),
    sentAt: new Date().toISOString(),
    body: { n: 1 },
    ...over,
  });
  const post = (signed: unknown) => apiClient(agency.url).post("/v1/peer", signed);

  before(async () => {
    consortium = await startConsortium([
      { name: "lender", roles: ROLE.LENDER },
      { name: "agency", roles: ROLE.AGENCY },
      { name: "court", roles: ROLE.COURT },
    ]);
    const agencyConfig = consortium.member("agency").config;
    agency = await startGateway({ ...agencyConfig, rateLimits: { ...agencyConfig.rateLimits, peerBurst: BURST, peerPerMinute: 1 } }, { log: quiet });
    agency.peer.handle("test.echo", async (from, body) => {
      echoed.push({ from, body });
      return { echo: body };
    });
    agency.peer.handle("test.refuse", () => Promise.reject(new ServiceError("FORBIDDEN", msg("peer.NOT_MEMBER"))));
    const lenderConfig = consortium.member("lender").config;
    lender = await startGateway({ ...lenderConfig, timeouts: { ...lenderConfig.timeouts, peerRetryMs: 100 } }, { log: quiet });
    await publishDirectory(consortium, {
      lender: { name: "示例银行", roles: ["lender"], gatewayUrl: lender.url },
      agency: { name: "示例催收", roles: ["agency"], gatewayUrl: agency.url },
    });
  });
  after(async () => {
    await Promise.all([lender?.close(), agency?.close()]);
    await consortium?.stop();
  });

  it("sends to the directory's gateway and returns the request and the receiver's answer, both signed by their members' keys on chain", async () => {
    const { request, answer } = await lender.peer.send<{ echo: unknown }>(2, "test.echo", { caseKey: `0x${"cd".repeat(32)}`, amountFen: "5000" });
    expect(request.envelope).to.include({ format: PEER_FORMAT, kind: "test.echo", from: 1, to: 2 });
    expect(answer.envelope).to.include({ format: PEER_FORMAT, kind: "test.echo.answer", from: 2, to: 1, inReplyTo: request.envelope.id });
    expect(answer.envelope.body).to.deep.equal({ echo: { caseKey: `0x${"cd".repeat(32)}`, amountFen: "5000" } });
    expect(echoed.at(-1)).to.deep.equal({ from: 1, body: { caseKey: `0x${"cd".repeat(32)}`, amountFen: "5000" } });
    const { verifyMessage } = await import("ethers");
    expect(verifyMessage(Buffer.from(answer.hash.slice(2), "hex"), answer.signature)).to.equal(consortium.member("agency").wallet.address);
    expect(verifyMessage(Buffer.from(request.hash.slice(2), "hex"), request.signature)).to.equal(consortium.member("lender").wallet.address);
  });

  it("answers a handler's refusal as a signed refusal with its code, and an unknown kind with PEER_UNKNOWN_KIND", async () => {
    const { answer } = await lender.peer.send(2, "test.refuse", {});
    expect(answer.envelope.body).to.equal(undefined);
    expect(answer.envelope.refused).to.deep.equal({ code: "FORBIDDEN", message: "peer.NOT_MEMBER" });
    const unknown = await post(await signEnvelope(envelope({ kind: "test.nothing" }), consortium.member("lender").wallet));
    expect(unknown.status).to.equal(404);
    expect(unknown.body.error.code).to.equal("PEER_UNKNOWN_KIND");
    try {
      await lender.peer.send(2, "test.nothing", {});
      expect.fail("sent to an unknown kind");
    } catch (error) {
      expect((error as ServiceError).code).to.equal("PEER_UNREACHABLE");
    }
  });

  it("refuses a replayed envelope, one signed by another member's key or by no member, a stale one and one for another member", async () => {
    const lenderKey = consortium.member("lender").wallet;
    const signed = await signEnvelope(envelope(), lenderKey);
    expect((await post(signed)).status).to.equal(200);
    const again = await post(signed);
    expect([again.status, again.body.error.code]).to.deep.equal([409, "PEER_REPLAYED"]);
    const byCourt = await post(await signEnvelope(envelope(), consortium.member("court").wallet));
    expect([byCourt.status, byCourt.body.error.code]).to.deep.equal([403, "PEER_BAD_SIGNATURE"]);
    const stranger = await post(await signEnvelope(envelope({ from: 77 }), Wallet.createRandom()));
    expect([stranger.status, stranger.body.error.code]).to.deep.equal([403, "PEER_NOT_MEMBER"]);
    const stale = await post(await signEnvelope(envelope({ sentAt: new Date(Date.now() - 6 * 60_000).toISOString() }), lenderKey));
    expect([stale.status, stale.body.error.code]).to.deep.equal([400, "PEER_STALE"]);
    const elsewhere = await post(await signEnvelope(envelope({ to: 3 }), lenderKey));
    expect([elsewhere.status, elsewhere.body.error.code]).to.deep.equal([400, "PEER_WRONG_RECIPIENT"]);
    const malformed = await post({ envelope: envelope(), hash: "0x00", signature: "0x00" });
    expect([malformed.status, malformed.body.error.code]).to.deep.equal([400, "PEER_FORMAT"]);
    // The court, a member in its own right, may talk on the channel with its own key.
    expect((await post(await signEnvelope(envelope({ from: 3 }), consortium.member("court").wallet))).status).to.equal(200);
    expect(echoed.filter((e) => e.from === 3)).to.have.length(1);
  });

  it("limits a flood per client address before the body, and per claimed sender across addresses", async () => {
    const junk = (from: number) => ({ envelope: envelope({ from }), hash: "0x00", signature: "0x00" });
    // Per sender: BURST requests in member 3's name, each from another address; the next is 429 from a fresh address.
    const statuses: number[] = [];
    for (let i = 0; i < BURST; i++) statuses.push((await postFrom(agency.url, `127.0.1.${i + 1}`, junk(3))).status);
    expect(statuses.filter((s) => s === 429)).to.have.length.at.most(1);
    const senderLimited = await postFrom(agency.url, "127.0.2.1", junk(3));
    expect([senderLimited.status, senderLimited.body.error?.code]).to.deep.equal([429, "RATE_LIMITED"]);
    expect((await postFrom(agency.url, "127.0.2.1", junk(1))).status).to.equal(400);
    // Per address: one address posting in many names is stopped after its burst.
    const fromOne: number[] = [];
    for (let i = 0; i <= BURST; i++) fromOne.push((await postFrom(agency.url, "127.0.3.1", junk(1000 + i))).status);
    expect(fromOne.slice(0, BURST).every((s) => s === 400)).to.equal(true);
    expect(fromOne.at(-1)).to.equal(429);
  });

  it("keeps an outbox message across a restart of the sender's gateway and delivers it once the receiver answers; metrics show the depth", async () => {
    // Member 3 has no gateway in the directory yet: the message waits.
    const item = await lender.peerOutbox.deliver(3, "test.echo", { n: 42 });
    await eventually(async () => ((await lender.peerOutbox.get(item.id))?.attempts ?? 0) >= 1 || undefined, 10_000, "a first attempt");
    const metrics = await fetch(`${lender.url}/metrics`).then((r) => r.text());
    expect(metrics).to.match(/^caseledger_peer_outbox_pending [1-9]/m);
    await lender.close();
    const lenderConfig = consortium.member("lender").config;
    lender = await startGateway({ ...lenderConfig, timeouts: { ...lenderConfig.timeouts, peerRetryMs: 100 } }, { log: quiet });
    expect((await lender.peerOutbox.get(item.id))?.state).to.equal("pending");
    const court = await startGateway(consortium.member("court").config, { log: quiet });
    try {
      const received: unknown[] = [];
      court.peer.handle("test.echo", async (_from, body) => {
        received.push(body);
        return { ok: true };
      });
      // (MemberRegistry refuses an unchanged metadata hash: only the members whose entry changed are published.)
      await publishDirectory(consortium, {
        lender: { name: "示例银行", roles: ["lender"], gatewayUrl: lender.url },
        court: { name: "示例法院", roles: ["court"], gatewayUrl: court.url },
      });
      const answered = await eventually(async () => {
        const now = await lender.peerOutbox.get(item.id);
        return now?.state === "answered" ? now : undefined;
      }, 30_000, "the outbox message answered");
      expect(received).to.deep.equal([{ n: 42 }]);
      const answer = answered.answer as SignedPeerEnvelope;
      expect(answer.envelope).to.include({ from: 3, to: 1, kind: "test.echo.answer" });
      expect(answer.envelope.body).to.deep.equal({ ok: true });
      expect(await lender.peerOutbox.counts()).to.deep.equal({ pending: 0, deadLetter: 0 });
    } finally {
      await court.close();
    }
  });
});
