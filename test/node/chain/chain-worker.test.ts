import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expect } from "chai";
import { JsonRpcProvider, Network, Transaction, Wallet } from "ethers";
import { ANVIL_DEV_KEY } from "../../../node/chain/anvil.js";
import { ChainWorker, type ChainWorkStrategy, Halt } from "../../../node/chain/chain-worker.js";
import { isNetworkError } from "../../../node/chain/rpc.js";
import { SendLock } from "../../../node/chain/send-lock.js";

type Broadcast = "accept" | "refuse" | "unreachable";

const ZERO_HASH = `0x${"00".repeat(32)}`;
/** The latest block as the scripted node describes it: what ethers reads to fill in fee data. */
const BLOCK = {
  hash: ZERO_HASH,
  parentHash: ZERO_HASH,
  number: "0x10",
  timestamp: "0x1",
  nonce: "0x0000000000000000",
  difficulty: "0x0",
  gasLimit: "0x1c9c380",
  gasUsed: "0x0",
  miner: `0x${"00".repeat(20)}`,
  extraData: "0x",
  baseFeePerGas: "0x0",
  transactions: [],
};

/**
 * The worker's own rules, against a scripted JSON-RPC node: what is recorded before a broadcast, what is forgotten
 * after one, and how the loop backs off and halts. (The submitter's and the anchorer's tests run it on anvil.)
 */
describe("node/chain/chain-worker", function () {
  this.timeout(20_000);
  let server: Server;
  let provider: JsonRpcProvider;
  let broadcast: Broadcast = "accept";
  const calls: string[] = [];

  before(async () => {
    server = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk: Buffer) => (body += chunk.toString()));
      req.on("end", () => {
        const parsed = JSON.parse(body) as { id: number; method: string; params: unknown[] } | Array<{ id: number; method: string; params: unknown[] }>;
        const requests = Array.isArray(parsed) ? parsed : [parsed];
        if (requests.some((r) => r.method === "eth_sendRawTransaction") && broadcast === "unreachable") {
          calls.push("eth_sendRawTransaction");
          res.writeHead(503).end();
          return;
        }
        const answers = requests.map(({ id, method, params }) => {
          calls.push(method);
          switch (method) {
            case "eth_getTransactionCount":
              return { jsonrpc: "2.0", id, result: "0x7" };
            case "eth_blockNumber":
              return { jsonrpc: "2.0", id, result: "0x10" };
            case "eth_chainId":
              return { jsonrpc: "2.0", id, result: "0x7a69" };
            case "eth_gasPrice":
            case "eth_maxPriorityFeePerGas":
              return { jsonrpc: "2.0", id, result: "0x0" };
            case "eth_getBlockByNumber":
              return { jsonrpc: "2.0", id, result: BLOCK };
            case "eth_sendRawTransaction":
              return broadcast === "accept"
                ? { jsonrpc: "2.0", id, result: Transaction.from(String(params[0])).hash }
                : { jsonrpc: "2.0", id, error: { code: -32000, message: "insufficient funds for gas * price + value" } };
            default:
              return { jsonrpc: "2.0", id, error: { code: -32601, message: `no ${method} here` } };
          }
        });
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(Array.isArray(parsed) ? answers : answers[0]));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    provider = new JsonRpcProvider(`http://127.0.0.1:${port}`, Network.from(31337), { staticNetwork: true, cacheTimeout: -1 });
  });
  after(async () => {
    provider?.destroy();
    await new Promise((resolve) => server?.close(resolve));
  });
  beforeEach(() => {
    calls.length = 0;
    broadcast = "accept";
  });

  const idle: ChainWorkStrategy = { step: async () => false, idleMs: () => 1_000, probe: async () => {}, reconnected: () => {}, retried: () => {} };
  const worker = (strategy: ChainWorkStrategy = idle, sendLock = new SendLock()) =>
    new ChainWorker(
      {
        wallet: new Wallet(ANVIL_DEV_KEY, provider),
        sendLock,
        gasPrice: 0n,
        timeouts: { rpcMs: 2_000, receiptMs: 500, receiptPollMs: 50 },
        backoff: { initialMs: 10, maxMs: 40, factor: 2 },
      },
      strategy,
    );
  const journal = () => {
    const log: string[] = [];
    return {
      log,
      record: async ({ txHash, nonce }: { txHash: string; nonce: number }) => {
        log.push(`record ${nonce} ${txHash} (broadcasts so far: ${calls.filter((c) => c === "eth_sendRawTransaction").length})`);
      },
      forget: async () => {
        log.push("forget");
      },
    };
  };
  const request = { to: "0x000000000000000000000000000000000000dEaD", data: "0x" };

  it("records the signed transaction, with the node's pending nonce, before it broadcasts it", async () => {
    const j = journal();
    const hash = await worker().send(request, 21_000n, j);
    expect(j.log).to.deep.equal([`record 7 ${hash} (broadcasts so far: 0)`]);
    expect(calls.filter((c) => c === "eth_sendRawTransaction")).to.have.length(1);
  });

  it("forgets the record when the node refuses the broadcast, and keeps it when the node cannot be reached", async () => {
    broadcast = "refuse";
    const refused = journal();
    const error = await worker().send(request, 21_000n, refused).catch((e: unknown) => e);
    expect(isNetworkError(error)).to.equal(false);
    expect(refused.log).to.have.length(2);
    expect(refused.log[1]).to.equal("forget");

    broadcast = "unreachable";
    const unreachable = journal();
    const w = worker();
    const lost = await w.send(request, 21_000n, unreachable).catch((e: unknown) => e);
    expect(isNetworkError(lost)).to.equal(true);
    expect(unreachable.log).to.have.length(1); // the node may have it: the next step looks it up by hash
    expect(w.reachable).to.equal(false);
  });

  it("halts on a hook's failure before the broadcast, with the record kept", async () => {
    const j = journal();
    const error = await worker()
      .send(request, 21_000n, j, {
        afterSign: () => {
          throw new Error("simulated crash");
        },
      })
      .catch((e: unknown) => e);
    expect(error).to.be.instanceOf(Halt);
    expect(j.log).to.have.length(1);
    expect(calls).to.not.include("eth_sendRawTransaction");
  });

  it("sends one at a time per key: the second sender reads its nonce after the first has broadcast", async () => {
    const lock = new SendLock();
    const order: string[] = [];
    const tracked = (name: string) => ({
      record: async () => void order.push(`${name} recorded`),
      forget: async () => {},
    });
    await Promise.all([
      worker(idle, lock).send(request, 21_000n, tracked("a"), { afterBroadcast: () => void order.push("a broadcast") }),
      worker(idle, lock).send(request, 21_000n, tracked("b"), { afterBroadcast: () => void order.push("b broadcast") }),
    ]);
    expect(order.indexOf("b recorded")).to.be.greaterThan(order.indexOf("a recorded"));
    const nonceReads = calls.map((c, i) => [c, i] as const).filter(([c]) => c === "eth_getTransactionCount").map(([, i]) => i);
    const firstBroadcast = calls.indexOf("eth_sendRawTransaction");
    expect(nonceReads).to.have.length(2);
    expect(nonceReads[1]).to.be.greaterThan(firstBroadcast);
  });

  it("backs off (doubling, capped) after failed steps, and stops for good on a halt", async () => {
    const waits: number[] = [];
    let steps = 0;
    let ended = false;
    const w = worker({
      ...idle,
      step: async () => {
        if (++steps <= 4) throw new Error(`failure ${steps}`);
        throw new Halt("halted by a hook", { cause: new Error("simulated crash") });
      },
      retried: (ms) => void waits.push(ms),
      ended: () => void (ended = true),
    });
    w.start();
    for (const deadline = Date.now() + 5_000; w.running && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 10));
    expect(waits).to.deep.equal([10, 20, 40, 40]);
    expect(w.running).to.equal(false);
    expect(w.halted).to.equal(true);
    expect(w.lastError).to.match(/^halted: simulated crash/);
    expect(ended).to.equal(true);
  });

  it("idles between steps until woken, then probes only when the sleep ran out", async () => {
    let steps = 0;
    let probes = 0;
    const w = worker({ ...idle, step: async () => (++steps, false), idleMs: () => 60_000, probe: async () => void probes++ });
    w.start();
    await new Promise((r) => setTimeout(r, 50));
    expect(steps).to.equal(1);
    w.wake();
    await new Promise((r) => setTimeout(r, 50));
    expect(steps).to.equal(2);
    expect(probes).to.equal(0);
    await w.stop();
    expect(w.running).to.equal(false);
  });
});
