import { createServer, type Server } from "node:http";
import { expect } from "chai";
import { Wallet } from "ethers";
import { encryptionPublicKey, newEncryptionSecret, sealHandover, type SealedHandover } from "../../../node/services/handover-envelope.js";
import { HANDOVER_FORMAT, newNonce, signHandover } from "../../../node/domain/handover.js";
import { postHandover } from "../../../node/services/handover-post.js";

/**
 * The receiver limits packages per sender address and per creditor (429 + Retry-After, before it looks at them): a
 * sender of a large assignment waits as told and sends the same package again instead of failing the delivery.
 */
describe("node/services/handover-post", () => {
  let server: Server;
  let url: string;
  let answers: number[];
  const bodies: string[] = [];
  let signed: SealedHandover;

  before(async () => {
    server = createServer((req, res) => {
      let text = "";
      req.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
      req.on("end", () => {
        bodies.push(text);
        const status = answers.shift() ?? 200;
        res.writeHead(status, { "content-type": "application/json", ...(status === 429 ? { "retry-after": "3" } : {}) });
        res.end(JSON.stringify(status === 200 ? { accepted: 1, rejected: [] } : { error: { code: "RATE_LIMITED" } }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
    const wallet = Wallet.createRandom();
    const inner = await signHandover(
      { format: HANDOVER_FORMAT, chainId: 1, caseRegistry: `0x${"00".repeat(20)}`, creditorId: 1, agencyId: 2, assignment: { txHash: "0x", until: 0 }, createdAt: new Date().toISOString(), nonce: newNonce(), cases: [] },
      wallet,
    );
    signed = await sealHandover(inner, encryptionPublicKey(newEncryptionSecret()), wallet);
  });
  after(() => new Promise((resolve) => server.close(resolve)));

  it("waits Retry-After on 429 and sends the same package again", async () => {
    answers = [429, 429];
    bodies.length = 0;
    const waits: number[] = [];
    const answer = await postHandover(url, signed, { timeoutMs: 5_000, sleep: async (ms) => void waits.push(ms) });
    expect(answer).to.deep.equal({ status: 200, body: { accepted: 1, rejected: [] } });
    expect(waits).to.deep.equal([3_000, 3_000]);
    expect(bodies).to.have.length(3);
    expect(new Set(bodies).size).to.equal(1);
  });

  it("gives the 429 back after its attempts, or once the sender stops", async () => {
    answers = [429, 429, 429];
    expect((await postHandover(url, signed, { timeoutMs: 5_000, attempts: 2, sleep: async () => {} })).status).to.equal(429);
    answers = [429];
    expect((await postHandover(url, signed, { timeoutMs: 5_000, stopped: () => true, sleep: async () => {} })).status).to.equal(429);
  });
});
