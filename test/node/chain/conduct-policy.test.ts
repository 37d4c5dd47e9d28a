import { expect } from "chai";
import { ChainConductPolicy } from "../../../node/chain/conduct-policy.js";
import { DEFAULT_CONDUCT_POLICY, ROLE } from "../../../node/domain/consortium/index.js";
import { connection } from "../../contracts/fixtures.js";

/**
 * The gateway's reading of ConductPolicy (docs/design.md §25) against the contract on Hardhat's in-process chain: the
 * version in force at any time, new versions seen after the refresh, a lender's hours, and the last reading kept
 * while the chain does not answer.
 */
describe("chain/conduct-policy: the policy in force, read from chain and cached", () => {
  it("answers the version in force at a time, sees a new version after the refresh, and keeps the last reading when the chain fails", async () => {
    const { ethers } = connection;
    const [operator, lender, recovery] = await ethers.getSigners();
    const members = await ethers.deployContract("MemberRegistry", [operator!.address]);
    await members.admit(lender!.address, recovery!.address, ROLE.LENDER, ethers.ZeroHash);
    const contract = await ethers.deployContract("ConductPolicy", [await members.getAddress()]);
    let now = Date.now();
    let failing = false;
    const guarded = <A extends unknown[], R>(f: (...a: A) => Promise<R>) => (...a: A) => (failing ? Promise.reject(new Error("chain down")) : f(...a));
    const policy = new ChainConductPolicy({
      contract: { policyCount: guarded(() => contract.policyCount()), policyVersion: guarded((i: number) => contract.policyVersion(i)), lenderHours: guarded((id: number) => contract.lenderHours(id)) } as never,
      clock: () => now,
      refreshMs: 1_000,
    });
    expect(await policy.policyAt(now)).to.deep.equal(DEFAULT_CONDUCT_POLICY);
    const block = await ethers.provider.getBlock("latest");
    const effectiveFrom = block!.timestamp + 8 * 86_400;
    await contract.publishPolicy({ allowedFromMinute: 9 * 60, allowedToMinute: 21 * 60, dailyCap: 2, pauseOnComplaint: true, pauseOnPromise: false, failClosed: true, effectiveFrom });
    // Within the refresh the cache answers; after it, the new version is known, in force only from its time.
    expect((await policy.policyAt(effectiveFrom * 1000)).dailyCap).to.equal(3);
    now += 1_001;
    expect((await policy.policyAt(effectiveFrom * 1000)).dailyCap).to.equal(2);
    expect((await policy.policyAt(effectiveFrom * 1000 - 1)).dailyCap).to.equal(3);
    expect(await policy.lenderHours(1)).to.equal(undefined);
    await contract.connect(lender).publishLenderHours(10 * 60, 20 * 60);
    now += 1_001;
    expect(await policy.lenderHours(1)).to.deep.equal({ from: 600, to: 1200 });
    failing = true;
    now += 5_000;
    expect((await policy.policyAt(effectiveFrom * 1000)).pauseOnPromise).to.equal(false);
    expect(await policy.lenderHours(1)).to.deep.equal({ from: 600, to: 1200 });
    const fresh = new ChainConductPolicy({ contract: { policyCount: () => Promise.reject(new Error("chain down")) } as never, clock: () => now, refreshMs: 1_000 });
    const error = await fresh.policyAt(now).then(() => undefined, (e: unknown) => e as Error);
    expect(error?.message).to.equal("chain down");
  });
});
