import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { PEER_FORMAT, type SignedPeerEnvelope } from "../../../../node/services/peer/envelope.js";
import { PeerOutbox } from "../../../../node/services/peer/outbox.js";
import { type GatewayDatabase, openDatabase } from "../../../../node/store/database.js";
import type { PeerOutboxItem } from "../../../../node/store/peer-outbox.js";
import { eventually } from "../../../support/api-client.js";

/**
 * The peer outbox over a real LevelDB, with the channel stubbed: a message is written before it is tried, retried with
 * backoff until answered, its answer kept and handed to its kind's hook; after maxAttempts it is a dead letter, its
 * hook told; a message given an id is written once.
 */
describe("services/peer/outbox: messages that must arrive", function () {
  this.timeout(30_000);
  let dir: string;
  let store: GatewayDatabase;
  const answer: SignedPeerEnvelope = { envelope: { format: PEER_FORMAT, kind: "k.answer", from: 2, to: 1, id: "a".repeat(32), sentAt: new Date().toISOString(), inReplyTo: "b".repeat(32), body: { ok: true } }, hash: "0x01", signature: "0x02" };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "caseledger-outbox-"));
    store = await openDatabase(dir);
  });
  after(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("tries until the receiver answers, keeps the signed exchange and hands it to the kind's hook once", async () => {
    let calls = 0;
    const outbox = new PeerOutbox({
      store: store.peerOutbox,
      channel: {
        send: async (to, kind) => {
          calls++;
          if (calls < 3) throw new Error("gateway away");
          const request: SignedPeerEnvelope = { envelope: { format: PEER_FORMAT, kind, from: 1, to, id: "b".repeat(32), sentAt: answer.envelope.sentAt, body: {} }, hash: "0x03", signature: "0x04" };
          return { request, answer };
        },
      },
      clock: Date.now,
      retryMs: 20,
      maxAttempts: 5,
      log: () => {},
    });
    const hooked: PeerOutboxItem[] = [];
    outbox.onAnswer("k", async (item) => void hooked.push(item));
    outbox.start();
    try {
      const item = await outbox.deliver(2, "k", { n: 1 }, { id: "c".repeat(32) });
      expect(item.state).to.equal("pending");
      expect((await outbox.deliver(2, "k", { n: 2 }, { id: "c".repeat(32) })).body).to.deep.equal({ n: 1 });
      const done = await eventually(async () => ((await outbox.get(item.id))?.state === "answered" ? outbox.get(item.id) : undefined), 10_000, "answered");
      expect(done).to.include({ attempts: 3, state: "answered" });
      expect(done.answer).to.deep.equal(answer);
      expect(hooked.map((h) => h.id)).to.deep.equal([item.id]);
      expect(await outbox.counts()).to.deep.equal({ pending: 0, deadLetter: 0 });
    } finally {
      outbox.stop();
      await outbox.idle();
    }
  });

  it("sets a message aside as a dead letter after maxAttempts and tells the kind's dead-letter hook", async () => {
    const outbox = new PeerOutbox({ store: store.peerOutbox, channel: { send: () => Promise.reject(new Error("never")) }, clock: Date.now, retryMs: 10, maxAttempts: 2, log: () => {} });
    const dead: string[] = [];
    outbox.onDeadLetter("k", async (item) => void dead.push(item.id));
    outbox.start();
    try {
      const item = await outbox.deliver(3, "k", {});
      const done = await eventually(async () => ((await outbox.get(item.id))?.state === "dead-letter" ? outbox.get(item.id) : undefined), 10_000, "dead letter");
      expect(done).to.include({ attempts: 2, lastError: "never" });
      expect(dead).to.deep.equal([item.id]);
      expect(await outbox.counts()).to.deep.equal({ pending: 0, deadLetter: 1 });
    } finally {
      outbox.stop();
      await outbox.idle();
    }
  });
});
