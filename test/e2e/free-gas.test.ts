import { expect } from "chai";
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { JsonRpcProvider, NonceManager, Wallet } from "ethers";
import { type AnvilNode, startAnvil } from "../../node/chain/anvil.js";
import { connectContracts } from "../../node/chain/contracts.js";
import { ensureDeployment } from "../../node/chain/deployment.js";
import { parseConfig } from "../../node/config.js";
import { ROLE } from "../../node/domain/consortium/index.js";
import { type Gateway, startGateway } from "../../node/gateway.js";
import { newEncryptionSecret } from "../../node/services/handover-envelope.js";

/**
 * The Besu profile end to end, on anvil standing in for Besu's free gas (base fee 0, gas price 0): the contracts
 * deployed and a member admitted by a key that never held ether, then that member's gateway — chain.profile
 * "besu", its signing key unfunded too — anchors its evidence log and records a court verification, every
 * transaction legacy (type 0) at gas price 0. What Besu itself adds (QBFT, permissioning) is not run here.
 */
describe("e2e: a gateway with chain.profile \"besu\" on a free-gas chain", function () {
  this.timeout(120_000);
  let dir: string;
  let anvil: AnvilNode;
  let provider: JsonRpcProvider;
  let gateway: Gateway | undefined;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "caseledger-free-gas-"));
    anvil = await startAnvil({ extraArgs: ["--base-fee", "0", "--gas-price", "0"] });
    provider = new JsonRpcProvider(anvil.rpcUrl, undefined, { staticNetwork: true });
  });
  after(async () => {
    await gateway?.close();
    provider.destroy();
    await anvil.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("deploys, admits, anchors and records a verification with legacy transactions at gas price 0 from unfunded keys", async () => {
    const deployer = Wallet.createRandom().connect(provider);
    const deploymentFile = join(dir, "deployment.json");
    const signer = new NonceManager(deployer);
    const { deployment } = await ensureDeployment({ provider, signer, file: deploymentFile, gasPrice: 0n });
    const operator = await connectContracts(deployment, signer);
    const member = Wallet.createRandom();
    await (await operator.memberRegistry.admit(member.address, Wallet.createRandom().address, ROLE.COURT, `0x${randomBytes(32).toString("hex")}`, { type: 0, gasPrice: 0n })).wait();

    const home = join(dir, "court");
    await mkdir(join(home, "keys"), { recursive: true, mode: 0o700 });
    await writeFile(join(home, "keys", "signing.key"), member.privateKey.slice(2), { mode: 0o600 });
    // A court holds no pepper (it computes no keys); every gateway has its handover encryption key.
    await writeFile(join(home, "keys", "encryption.key"), newEncryptionSecret(), { mode: 0o600 });
    await writeFile(join(home, "keys", "store.key"), randomBytes(32).toString("hex"), { mode: 0o600 });
    const config = parseConfig(
      {
        memberId: 1,
        memberName: "court",
        dataDir: "data",
        chain: { profile: "besu", rpcUrl: anvil.rpcUrl, deploymentFile },
        secrets: { signingKeyFile: "keys/signing.key", storeKeyFile: "keys/store.key" },
      },
      home,
    );
    expect(config.chain).to.include({ profile: "besu", gasPrice: 0n, logPageBlocks: 5_000 });
    gateway = await startGateway(config, { log: () => {}, evidence: { intervalMs: 200, everyRecords: 1 } });

    const [entry] = await gateway.evidence.recordSystem([
      {
        caseKey: `0x${"11".repeat(32)}`,
        kind: "other",
        contentSha256: "22".repeat(32),
        contentSize: 10,
        mediaType: "text/plain",
        capturedAt: new Date().toISOString(),
        kept: false,
        source: "system",
      },
    ]);
    const deadline = Date.now() + 30_000;
    while (gateway.anchorer.status().anchoredSize < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const anchored = gateway.anchorer.status().lastAnchor;
    expect(anchored, JSON.stringify(gateway.anchorer.status())).to.not.equal(null);

    const receipt = await gateway.evidence.receipt(entry!.index);
    const { txHash } = await gateway.verifier.recordCourtVerification(receipt.leafHash, receipt);

    for (const hash of [deployment.contracts.MemberRegistry.txHash, anchored!.txHash, txHash]) {
      const tx = await provider.getTransaction(hash);
      expect(tx, hash).to.not.equal(null);
      expect({ type: tx!.type, gasPrice: tx!.gasPrice }, hash).to.deep.equal({ type: 0, gasPrice: 0n });
    }
    expect(await provider.getBalance(member.address)).to.equal(0n);
    expect(await provider.getBalance(deployer.address)).to.equal(0n);
  });
});
