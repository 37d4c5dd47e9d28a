import { expect } from "chai";
import { JsonRpcProvider, Network, Wallet } from "ethers";
import { ANVIL_DEV_KEY, type AnvilNode, startAnvil } from "../../../node/chain/anvil.js";
import { freshReceipts, waitForReceipt } from "../../../node/chain/rpc.js";

/** waitForReceipt against a real anvil whose blocks the test mines by hand (automine off). */
describe("node/chain/rpc: waitForReceipt", function () {
  this.timeout(60_000);
  let anvil: AnvilNode;
  let provider: JsonRpcProvider;
  let wallet: Wallet;

  before(async () => {
    anvil = await startAnvil({});
    provider = new JsonRpcProvider(anvil.rpcUrl, Network.from(31337), { staticNetwork: true, pollingInterval: 500 });
    wallet = new Wallet(ANVIL_DEV_KEY, provider);
    await provider.send("evm_setAutomine", [false]);
  });
  after(async () => {
    provider?.destroy();
    await anvil?.stop();
  });

  it("returns the receipt once the block is mined, with no block after it (as on anvil with automine)", async () => {
    const tx = await wallet.sendTransaction({ to: wallet.address, value: 1n });
    setTimeout(() => void provider.send("evm_mine", []), 300);
    const receipt = await waitForReceipt(provider, tx.hash, 10_000, { pollMs: 100 });
    expect(receipt?.hash).to.equal(tx.hash);
    expect(receipt?.status).to.equal(1);
  });

  it("gives null after its timeout while the transaction stays pending, and asks again after that", async () => {
    const tx = await wallet.sendTransaction({ to: wallet.address, value: 2n });
    const started = Date.now();
    expect(await waitForReceipt(provider, tx.hash, 400, { pollMs: 100 })).to.equal(null);
    expect(Date.now() - started).to.be.at.least(400);
    await provider.send("evm_mine", []);
    expect((await waitForReceipt(provider, tx.hash, 1_000))?.hash).to.equal(tx.hash);
  });

  it("freshReceipts asks the node every time, where ethers answers from its 250 ms cache", async () => {
    const tx = await wallet.sendTransaction({ to: wallet.address, value: 3n });
    expect(await provider.getTransactionReceipt(tx.hash)).to.equal(null); // now cached as "not mined"
    await provider.send("evm_mine", []);
    const fresh = await freshReceipts(provider).getTransactionReceipt(tx.hash);
    expect(fresh).to.deep.include({ hash: tx.hash, status: 1 });
    expect(fresh?.blockNumber).to.equal(await provider.send("eth_blockNumber", []).then(Number));
    expect(await freshReceipts(provider).getTransactionReceipt(`0x${"ab".repeat(32)}`)).to.equal(null);
  });
});
