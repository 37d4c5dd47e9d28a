import { chmod, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { expect } from "chai";
import { JsonRpcProvider, NonceManager, Wallet } from "ethers";
import { ANVIL_DEV_KEY } from "../../../node/chain/anvil.js";
import { connectContracts } from "../../../node/chain/contracts.js";
import { caseledger } from "../../support/cli.js";
import { ROLE, startConsortium, type TestConsortium } from "../../support/consortium.js";

/**
 * The member's officer with the cold recovery key, against anvil: reads the member's keys and the operator's proposal,
 * cancels it and replaces a stolen signing key while the member is suspended, replaces the recovery key; refuses a key
 * that is not the member's before sending anything, and says what the chain refused. Synthetic keys only.
 */
const run = (args: string[]) => caseledger(["member", ...args], { CASELEDGER_LANG: "" });

describe("node/cli: caseledger member (the recovery key's commands)", function () {
  this.timeout(120_000);
  let consortium: TestConsortium;
  let provider: JsonRpcProvider;
  let operator: Awaited<ReturnType<typeof connectContracts>>;
  let chain: string[];
  let id: number;
  let recoveryFile: string;
  let signingFile: string;

  before(async () => {
    consortium = await startConsortium([{ name: "lender", roles: ROLE.LENDER }]);
    provider = new JsonRpcProvider(consortium.anvil.rpcUrl, undefined, { staticNetwork: true });
    const funder = new NonceManager(new Wallet(ANVIL_DEV_KEY, provider));
    operator = await connectContracts(consortium.deployment, funder);
    const lender = consortium.member("lender");
    id = lender.id;
    // Gas money for the recovery key (anvil charges gas; Besu in production does not).
    await (await funder.sendTransaction({ to: lender.recovery.address, value: 10n ** 18n })).wait();
    chain = ["--member", String(id), "--rpc", consortium.anvil.rpcUrl, "--deployment", join(consortium.dir, "deployment.json")];
    recoveryFile = join(lender.home, "keys", "recovery.key");
    signingFile = join(lender.home, "keys", "signing.key");
  });
  after(async () => {
    provider?.destroy();
    await consortium?.stop();
  });

  it("show: the member's status, signer, recovery key and no proposal, in both languages and as JSON", async () => {
    const lender = consortium.member("lender");
    const text = await run(["show", ...chain]);
    expect(text.code, text.stderr).to.equal(0);
    expect(text.stdout).to.include(`成员 #${id}：状态 Active，签名地址 ${lender.wallet.address}，恢复地址 ${lender.recovery.address}`);
    expect(text.stdout).to.include("no operator proposal is pending");
    const json = await run(["show", ...chain, "--json"]);
    expect(JSON.parse(json.stdout)).to.deep.equal({ memberId: id, status: "Active", signer: lender.wallet.address, recovery: lender.recovery.address, pending: null });
  });

  it("suspended, with an operator proposal: the recovery key cancels it, then rotates the signer at once", async () => {
    const lender = consortium.member("lender");
    await (await operator.memberRegistry.suspend(id)).wait();
    const rogue = Wallet.createRandom().address;
    await (await operator.memberRegistry.proposeSignerRotation(id, rogue)).wait();
    const shown = await run(["show", ...chain]);
    expect(shown.stdout).to.include(`the operator proposed a new signing key: ${rogue}`);

    const cancelled = await run(["cancel-change", ...chain, "--key", recoveryFile, "--json"]);
    expect(cancelled.code, cancelled.stderr).to.equal(0);
    const out = JSON.parse(cancelled.stdout) as { action: string; txHash: string; member: { pending: unknown; status: string } };
    expect(out.action).to.equal("cancel-change");
    expect(out.member).to.include({ pending: null, status: "Suspended" });
    expect((await provider.getTransaction(out.txHash))!.from).to.equal(lender.recovery.address);
    expect(Number((await operator.memberRegistry.pendingChangeOf(id)).executableAt)).to.equal(0);

    const fresh = Wallet.createRandom().address;
    const rotated = await run(["rotate-signer", ...chain, "--key", recoveryFile, "--to", fresh]);
    expect(rotated.code, rotated.stderr).to.equal(0);
    expect(rotated.stdout).to.include("done on chain: 更换签名密钥 / signer rotated");
    expect((await operator.memberRegistry.memberOf(id)).signer).to.equal(fresh);
    expect(await operator.memberRegistry.memberIdOf(lender.wallet.address)).to.equal(0n);
  });

  it("refuses before sending: the (retired) signing key cannot rotate, and cancel-change with nothing pending", async () => {
    const before = await provider.getTransactionCount(consortium.member("lender").wallet.address);
    const refused = await run(["rotate-signer", ...chain, "--key", signingFile, "--to", Wallet.createRandom().address]);
    expect(refused.code).to.equal(1);
    expect(refused.stderr).to.include(`is not the recovery key of member #${id}; nothing was sent`);
    const nothing = await run(["cancel-change", ...chain, "--key", recoveryFile]);
    expect(nothing.code).to.equal(1);
    expect(nothing.stderr).to.include("no operator proposal is pending");
    expect(await provider.getTransactionCount(consortium.member("lender").wallet.address)).to.equal(before);
  });

  it("says what the chain refused (the retired signer as the new signer: SignerTaken)", async () => {
    const r = await run(["rotate-signer", ...chain, "--key", recoveryFile, "--to", consortium.member("lender").wallet.address]);
    expect(r.code).to.equal(1);
    expect(r.stderr).to.include("the chain refused: MemberRegistrySignerTaken");
  });

  it("change-recovery: the recovery key replaces itself; the old one is refused afterwards", async () => {
    const next = Wallet.createRandom();
    const r = await run(["change-recovery", ...chain, "--key", recoveryFile, "--to", next.address]);
    expect(r.code, r.stderr).to.equal(0);
    expect(await operator.memberRegistry.recoveryOf(id)).to.equal(next.address);
    const again = await run(["change-recovery", ...chain, "--key", recoveryFile, "--to", Wallet.createRandom().address]);
    expect(again.code).to.equal(1);
    expect(again.stderr).to.include("is not the recovery key");
  });

  it("usage errors exit 2; a key file others can read exits 4; an unreachable chain exits 5", async () => {
    expect((await run(["rotate-signer", ...chain, "--key", recoveryFile])).code, "no --to").to.equal(2);
    expect((await run(["show", "--rpc", consortium.anvil.rpcUrl, "--registry", "0x12"])).code, "no --member").to.equal(2);
    expect((await run(["show", "--member", String(id), "--rpc", consortium.anvil.rpcUrl])).code, "no registry").to.equal(2);
    const open = join(consortium.dir, "open.key");
    await writeFile(open, Wallet.createRandom().privateKey.slice(2));
    await chmod(open, 0o644);
    const leaked = await run(["cancel-change", ...chain, "--key", open]);
    expect(leaked.code).to.equal(4);
    expect(leaked.stderr).to.include("chmod 600");
    const down = await run(["show", "--member", String(id), "--rpc", "http://127.0.0.1:9", "--registry", await operator.memberRegistry.getAddress()]);
    expect(down.code, down.stderr).to.equal(5);
    expect(down.stderr).to.include("the chain node is unreachable");
  });
});
