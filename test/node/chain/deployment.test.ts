import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { JsonRpcProvider, NonceManager, Wallet } from "ethers";
import { ANVIL_DEV_KEY, type AnvilNode, startAnvil } from "../../../node/chain/anvil.js";
import { type Deployment, ensureDeployment, readDeployment } from "../../../node/chain/deployment.js";
import { ChainError } from "../../../node/chain/errors.js";

/** Deployment against a real anvil node with its state on disk, restarted as `npm start` restarts it. */
describe("node/chain/deployment (anvil)", function () {
  this.timeout(60_000);
  let dir: string;
  let anvil: AnvilNode | undefined;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "caseledger-deploy-"));
  });
  afterEach(async () => {
    await anvil?.stop();
    anvil = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  const connect = (node: AnvilNode) => {
    const provider = new JsonRpcProvider(node.rpcUrl, undefined, { staticNetwork: true });
    return { provider, signer: new NonceManager(new Wallet(ANVIL_DEV_KEY, provider)) };
  };
  const deploy = async (node: AnvilNode, extra: Partial<Parameters<typeof ensureDeployment>[0]> = {}) => {
    const { provider, signer } = connect(node);
    try {
      return await ensureDeployment({ provider, signer, file: join(dir, "deployment.json"), ...extra });
    } finally {
      provider.destroy();
    }
  };
  const codeOf = (error: unknown) => (error instanceof ChainError ? error.code : String(error));

  it("deploys once, and after a restart of the node from its state file verifies and reuses the same contracts", async () => {
    const stateFile = join(dir, "chain", "state.json");
    anvil = await startAnvil({ stateFile });
    const first = await deploy(anvil);
    expect(first.reused).to.equal(false);
    const record = await readDeployment(join(dir, "deployment.json"));
    expect(record).to.deep.equal(first.deployment);
    expect(record!.chainId).to.equal(31337);
    expect(record!.deployBlock).to.be.greaterThan(0);

    await anvil.stop();
    anvil = await startAnvil({ stateFile });
    const second = await deploy(anvil);
    expect(second.reused).to.equal(true);
    expect(second.deployment.contracts).to.deep.equal(first.deployment.contracts);
  });

  it("refuses a record whose contracts are missing on a real network, and redeploys on the development chain", async () => {
    anvil = await startAnvil();
    await deploy(anvil);
    await anvil.stop();
    anvil = await startAnvil(); // no state file: a reset chain
    let failure: unknown;
    await deploy(anvil).catch((e: unknown) => (failure = e));
    expect(codeOf(failure)).to.equal("DEPLOYMENT_MISSING");
    const again = await deploy(anvil, { whenMissing: "redeploy" });
    expect(again.reused).to.equal(false);
  });

  it("takes a record written before ConductPolicy existed as missing it: refused on a real network, a new set on the development chain", async () => {
    anvil = await startAnvil();
    const { deployment } = await deploy(anvil);
    const { ConductPolicy: _added, ...older } = deployment.contracts;
    await writeFile(join(dir, "deployment.json"), JSON.stringify({ ...deployment, contracts: older }));
    let failure: unknown;
    await deploy(anvil).catch((e: unknown) => (failure = e));
    expect(codeOf(failure)).to.equal("DEPLOYMENT_MISSING");
    expect((failure as Error).message).to.include("ConductPolicy");
    const again = await deploy(anvil, { whenMissing: "redeploy" });
    expect(again.reused).to.equal(false);
    expect(again.deployment.contracts.ConductPolicy.address).to.match(/^0x[0-9a-fA-F]{40}$/);
  });

  it("refuses a record that points at code other than the current build", async () => {
    anvil = await startAnvil();
    const { deployment } = await deploy(anvil);
    const swapped: Deployment = {
      ...deployment,
      contracts: { ...deployment.contracts, CaseRegistry: deployment.contracts.EvidenceRegistry },
    };
    await writeFile(join(dir, "deployment.json"), JSON.stringify(swapped));
    let failure: unknown;
    await deploy(anvil).catch((e: unknown) => (failure = e));
    expect(codeOf(failure)).to.equal("DEPLOYMENT_CODE_MISMATCH");
  });

  it("refuses a record of another chain, and a file that is not a deployment record", async () => {
    anvil = await startAnvil();
    const { deployment } = await deploy(anvil);
    await writeFile(join(dir, "deployment.json"), JSON.stringify({ ...deployment, chainId: 1 }));
    let failure: unknown;
    await deploy(anvil).catch((e: unknown) => (failure = e));
    expect(codeOf(failure)).to.equal("CHAIN_MISMATCH");

    await writeFile(join(dir, "deployment.json"), "{ not json");
    failure = undefined;
    await deploy(anvil).catch((e: unknown) => (failure = e));
    expect(codeOf(failure)).to.equal("DEPLOYMENT_INVALID");
    expect(await readFile(join(dir, "deployment.json"), "utf8")).to.equal("{ not json");
  });

  it("deploys a new set on request and records the operator it was given", async () => {
    anvil = await startAnvil();
    const first = await deploy(anvil);
    const operator = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
    const second = await deploy(anvil, { force: true, operator });
    expect(second.reused).to.equal(false);
    expect(second.deployment.operator).to.equal(operator);
    expect(second.deployment.contracts.MemberRegistry.address).to.not.equal(first.deployment.contracts.MemberRegistry.address);
  });
});
