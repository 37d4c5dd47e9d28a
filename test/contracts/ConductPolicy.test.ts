import { expect } from "chai";
import { DEFAULT_CONDUCT_POLICY, MAX_DAILY_CAP } from "../../node/domain/consortium/index.js";
import { DAY, deployConsortium, ethers, loadFixture, time } from "./fixtures.js";

/** The consortium's conduct policy on chain (docs/design.md §25): versions with notice, a lender's stricter hours. */
describe("ConductPolicy", () => {
  async function deployed() {
    const c = await deployConsortium();
    const conductPolicy = await ethers.deployContract("ConductPolicy", [await c.memberRegistry.getAddress()]);
    return { ...c, conductPolicy };
  }
  const version = (from: number, to: number, cap: number, effectiveFrom: number, flags = { pauseOnComplaint: true, pauseOnPromise: true, failClosed: true }) => ({
    allowedFromMinute: from,
    allowedToMinute: to,
    dailyCap: cap,
    ...flags,
    effectiveFrom,
  });
  const plain = (p: { allowedFromMinute: bigint; allowedToMinute: bigint; dailyCap: bigint; pauseOnComplaint: boolean; pauseOnPromise: boolean; failClosed: boolean }) => ({
    allowedFromMinute: Number(p.allowedFromMinute),
    allowedToMinute: Number(p.allowedToMinute),
    dailyCap: Number(p.dailyCap),
    pauseOnComplaint: p.pauseOnComplaint,
    pauseOnPromise: p.pauseOnPromise,
    failClosed: p.failClosed,
  });

  it("starts with the gateway's default policy, in force from deployment", async () => {
    const { conductPolicy, memberRegistry } = await loadFixture(deployed);
    expect(plain(await conductPolicy.policyAt(await time.latest()))).to.deep.equal(DEFAULT_CONDUCT_POLICY);
    expect(await conductPolicy.policyCount()).to.equal(1n);
    expect(await conductPolicy.MAX_DAILY_CAP()).to.equal(BigInt(MAX_DAILY_CAP));
    expect(await conductPolicy.memberRegistry()).to.equal(await memberRegistry.getAddress());
  });

  it("lets only the operator publish a version, with at least seven days' notice and after the last one", async () => {
    const { conductPolicy, operator, lender } = await loadFixture(deployed);
    const now = await time.latest();
    const next = version(9 * 60, 21 * 60, 2, now + 7 * DAY + 10);
    await expect(conductPolicy.connect(lender).publishPolicy(next)).to.be.revertedWithCustomError(conductPolicy, "ConductPolicyNotOperator").withArgs(lender.address);
    const tooSoon = version(9 * 60, 21 * 60, 2, now + DAY);
    await expect(conductPolicy.connect(operator).publishPolicy(tooSoon)).to.be.revertedWithCustomError(conductPolicy, "ConductPolicyNoticeTooShort");
    await expect(conductPolicy.connect(operator).publishPolicy(next)).to.emit(conductPolicy, "ConductPolicyPublished");
    const earlier = version(9 * 60, 21 * 60, 2, now + 7 * DAY + 5);
    await expect(conductPolicy.connect(operator).publishPolicy(earlier))
      .to.be.revertedWithCustomError(conductPolicy, "ConductPolicyNoticeTooShort")
      .withArgs(now + 7 * DAY + 5, now + 7 * DAY + 11);
    // The old version stays in force until the new one's time, and answers for any time before it.
    expect(Number((await conductPolicy.policyAt(now + 7 * DAY + 9)).dailyCap)).to.equal(3);
    expect(Number((await conductPolicy.policyAt(now + 7 * DAY + 10)).dailyCap)).to.equal(2);
    await time.increaseTo(now + 7 * DAY + 10);
    expect(Number((await conductPolicy.policyAt(await time.latest())).allowedFromMinute)).to.equal(9 * 60);
    expect(Number((await conductPolicy.policyVersion(0)).dailyCap)).to.equal(3);
  });

  it("refuses a version that is not a window inside one day or whose cap is 0 or above the maximum", async () => {
    const { conductPolicy, operator } = await loadFixture(deployed);
    const at = (await time.latest()) + 8 * DAY;
    for (const [from, to, cap] of [[22 * 60, 8 * 60, 3], [0, 24 * 60 + 1, 3], [8 * 60, 22 * 60, 0], [8 * 60, 22 * 60, MAX_DAILY_CAP + 1]] as const) {
      await expect(conductPolicy.connect(operator).publishPolicy(version(from, to, cap, at)))
        .to.be.revertedWithCustomError(conductPolicy, "ConductPolicyInvalidPolicy")
        .withArgs(from, to, cap);
    }
  });

  it("takes a lender's hours only when stricter than the policy in force and every version announced", async () => {
    const { conductPolicy, memberRegistry, operator, lender, agency, ids } = await loadFixture(deployed);
    await expect(conductPolicy.connect(lender).publishLenderHours(9 * 60, 20 * 60)).to.emit(conductPolicy, "LenderHoursPublished").withArgs(ids.lender, 9 * 60, 20 * 60);
    expect(await conductPolicy.lenderHours(ids.lender)).to.deep.equal([BigInt(9 * 60), BigInt(20 * 60)]);
    await expect(conductPolicy.connect(lender).publishLenderHours(7 * 60, 20 * 60))
      .to.be.revertedWithCustomError(conductPolicy, "ConductPolicyHoursNotStricter")
      .withArgs(ids.lender, 7 * 60, 20 * 60);
    await conductPolicy.connect(operator).publishPolicy(version(10 * 60, 20 * 60, 3, (await time.latest()) + 8 * DAY));
    await expect(conductPolicy.connect(lender).publishLenderHours(9 * 60, 20 * 60)).to.be.revertedWithCustomError(conductPolicy, "ConductPolicyHoursNotStricter");
    await conductPolicy.connect(lender).publishLenderHours(0, 0);
    expect(await conductPolicy.lenderHours(ids.lender)).to.deep.equal([0n, 0n]);
    await expect(conductPolicy.connect(agency).publishLenderHours(10 * 60, 12 * 60)).to.be.revertedWithCustomError(memberRegistry, "MemberRegistryMissingRole").withArgs(ids.agency, 1);
  });
});
