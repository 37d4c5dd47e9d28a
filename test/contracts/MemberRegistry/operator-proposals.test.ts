/**
 * MemberRegistry: the operator's timelocked proposals for a member's signer and metadata. The attack they stop: an
 * operator that could rotate any member's key at once could then act as that member, and one that could change any
 * member's metadata could redirect its gateway traffic. Synthetic data only.
 */
import { expect } from "chai";
import { DAY, deployConsortium, keys, loadFixture, MemberStatus, now, Role, time } from "../fixtures.js";
import { view, E, memberOf, ZERO, ZERO_HASH } from "./fixtures.js";

const DELAY = 7 * DAY;
const Kind = { None: 0n, Signer: 1n, Metadata: 2n, Recovery: 3n } as const;

async function proposed() {
  const w = view(await deployConsortium());
  await w.members.proposeSignerRotation(w.ids.lender, w.spare1.address);
  return { w, at: (await now()) + DELAY };
}

describe("MemberRegistry", () => {
  describe("operator proposals (proposeSignerRotation, proposeMetadataUpdate, cancelChange, executeChange)", () => {
    it("CHANGE_DELAY is 7 days", async () => {
      const w = view(await loadFixture(deployConsortium));
      expect(await w.members.CHANGE_DELAY()).to.equal(BigInt(DELAY));
    });

    it("proposeSignerRotation records one pending change and emits the time it becomes executable; nothing changes yet", async () => {
      const w = view(await loadFixture(deployConsortium));
      const before = await memberOf(w, w.ids.lender);
      const proposedAt = (await now()) + 10;
      await time.setNextBlockTimestamp(proposedAt);
      const tx = w.members.proposeSignerRotation(w.ids.lender, w.spare1.address);
      await expect(tx).to.emit(w.members, "MemberSignerRotationProposed").withArgs(w.ids.lender, w.spare1.address, proposedAt + DELAY);
      const at = proposedAt + DELAY;
      const pending = await w.members.pendingChangeOf(w.ids.lender);
      expect([pending.executableAt, pending.kind, pending.signer, pending.metadataHash]).to.deep.equal([BigInt(at), Kind.Signer, w.spare1.address, ZERO_HASH]);
      expect(await memberOf(w, w.ids.lender)).to.deep.equal(before);
      expect(await w.members.requireActiveSigner(w.lender.address, Role.LENDER)).to.equal(BigInt(w.ids.lender));
    });

    it("the attack: the operator cannot rotate a member's key and act as it within the window; the member cancels", async () => {
      const { w, at } = await loadFixture(proposed);
      // The operator put its own address forward (spare1 stands for it): before the delay it is nobody's signer.
      await expect(w.members.executeChange(w.ids.lender))
        .to.be.revertedWithCustomError(w.members, E("ChangeNotReady"))
        .withArgs(w.ids.lender, at);
      const ks = keys("operator-takeover", 1);
      const until = (await now()) + 30 * DAY;
      await expect(w.cases.connect(w.spare1).registerAndAssign(w.ids.agency, until, ks, ks))
        .to.be.revertedWithCustomError(w.members, E("UnknownSigner"))
        .withArgs(w.spare1.address);
      // The member sees the event and refuses the change.
      await expect(w.members.connect(w.lender).cancelChange(w.ids.lender))
        .to.emit(w.members, "MemberChangeCancelled")
        .withArgs(w.ids.lender, w.lender.address);
      await time.increaseTo(at + 1);
      await expect(w.members.executeChange(w.ids.lender))
        .to.be.revertedWithCustomError(w.members, E("NoPendingChange"))
        .withArgs(w.ids.lender);
      expect((await memberOf(w, w.ids.lender)).signer).to.equal(w.lender.address);
    });

    it("after the delay anyone executes it: MemberChangeExecuted, then MemberSignerRotated; the new key acts", async () => {
      const { w, at } = await loadFixture(proposed);
      await time.increaseTo(at - 2); // the next block is at − 1: one second early
      await expect(w.members.connect(w.stranger).executeChange(w.ids.lender))
        .to.be.revertedWithCustomError(w.members, E("ChangeNotReady"))
        .withArgs(w.ids.lender, at);
      await time.increaseTo(at);
      const tx = w.members.connect(w.stranger).executeChange(w.ids.lender);
      await expect(tx).to.emit(w.members, "MemberChangeExecuted").withArgs(w.ids.lender, Kind.Signer);
      await expect(tx).to.emit(w.members, "MemberSignerRotated").withArgs(w.ids.lender, w.lender.address, w.spare1.address);
      expect(await w.members.requireActiveSigner(w.spare1.address, Role.LENDER)).to.equal(BigInt(w.ids.lender));
      expect((await w.members.pendingChangeOf(w.ids.lender)).executableAt).to.equal(0n);
    });

    it("proposeMetadataUpdate works the same way for the metadata hash (the gateway URL and keys it names)", async () => {
      const w = view(await loadFixture(deployConsortium));
      const next = w.meta("redirected");
      const proposedAt = (await now()) + 10;
      await time.setNextBlockTimestamp(proposedAt);
      await expect(w.members.proposeMetadataUpdate(w.ids.agency, next))
        .to.emit(w.members, "MemberMetadataUpdateProposed")
        .withArgs(w.ids.agency, next, proposedAt + DELAY);
      const pending = await w.members.pendingChangeOf(w.ids.agency);
      expect([pending.kind, pending.signer, pending.metadataHash]).to.deep.equal([Kind.Metadata, ZERO, next]);
      expect((await memberOf(w, w.ids.agency)).metadataHash).to.equal(w.meta("agency"));
      await time.increase(DELAY);
      const tx = w.members.executeChange(w.ids.agency);
      await expect(tx).to.emit(w.members, "MemberChangeExecuted").withArgs(w.ids.agency, Kind.Metadata);
      await expect(tx).to.emit(w.members, "MemberMetadataUpdated").withArgs(w.ids.agency, w.meta("agency"), next);
    });

    it("a new proposal replaces the pending one, with a fresh delay; the operator may withdraw its own", async () => {
      const { w } = await loadFixture(proposed);
      await time.increase(DAY);
      await w.members.proposeMetadataUpdate(w.ids.lender, w.meta("x"));
      const pending = await w.members.pendingChangeOf(w.ids.lender);
      expect([pending.executableAt, pending.kind]).to.deep.equal([BigInt((await now()) + DELAY), Kind.Metadata]);
      await expect(w.members.cancelChange(w.ids.lender)).to.emit(w.members, "MemberChangeCancelled").withArgs(w.ids.lender, w.operator.address);
      expect((await w.members.pendingChangeOf(w.ids.lender)).kind).to.equal(Kind.None);
    });

    it("the member's own direct change clears the pending proposal (MemberChangeCancelled by its signer)", async () => {
      const { w, at } = await loadFixture(proposed);
      await expect(w.members.connect(w.lender).updateMetadata(w.ids.lender, w.meta("own")))
        .to.emit(w.members, "MemberChangeCancelled")
        .withArgs(w.ids.lender, w.lender.address);
      await time.increaseTo(at);
      await expect(w.members.executeChange(w.ids.lender))
        .to.be.revertedWithCustomError(w.members, E("NoPendingChange"))
        .withArgs(w.ids.lender);
      // With nothing pending, a direct change emits no cancellation.
      await expect(w.members.connect(w.lender).rotateSigner(w.ids.lender, w.spare2.address)).not.to.emit(w.members, "MemberChangeCancelled");
    });

    it("only the operator proposes; only the member's signer, its recovery key or the operator cancels", async () => {
      const { w } = await loadFixture(proposed);
      for (const caller of [w.lender, w.lender2, w.stranger, w.recovery.lender2]) {
        await expect(w.members.connect(caller).proposeSignerRotation(w.ids.lender2, w.spare2.address))
          .to.be.revertedWithCustomError(w.members, E("NotOperator"))
          .withArgs(caller.address);
        await expect(w.members.connect(caller).proposeMetadataUpdate(w.ids.lender2, w.meta("x")))
          .to.be.revertedWithCustomError(w.members, E("NotOperator"))
          .withArgs(caller.address);
        await expect(w.members.connect(caller).proposeRecoveryChange(w.ids.lender2, w.spareRecovery2.address))
          .to.be.revertedWithCustomError(w.members, E("NotOperator"))
          .withArgs(caller.address);
      }
      for (const caller of [w.lender2, w.stranger, w.spare1, w.recovery.lender2]) {
        await expect(w.members.connect(caller).cancelChange(w.ids.lender))
          .to.be.revertedWithCustomError(w.members, E("NotOperatorOrMember"))
          .withArgs(caller.address, w.ids.lender);
      }
      await expect(w.members.connect(w.lender2).cancelChange(w.ids.lender2))
        .to.be.revertedWithCustomError(w.members, E("NoPendingChange"))
        .withArgs(w.ids.lender2);
    });

    it("refuses proposals that change nothing, a taken or zero signer, a removed or unknown member", async () => {
      const w = view(await loadFixture(deployConsortium));
      await expect(w.members.proposeSignerRotation(w.ids.lender, w.lender.address)).to.be.revertedWithCustomError(w.members, E("NoChange")).withArgs(w.ids.lender);
      await expect(w.members.proposeMetadataUpdate(w.ids.lender, w.meta("lender"))).to.be.revertedWithCustomError(w.members, E("NoChange")).withArgs(w.ids.lender);
      await expect(w.members.proposeSignerRotation(w.ids.lender, w.agency.address))
        .to.be.revertedWithCustomError(w.members, E("SignerTaken"))
        .withArgs(w.agency.address, w.ids.agency);
      await expect(w.members.proposeSignerRotation(w.ids.lender, ZERO)).to.be.revertedWithCustomError(w.members, E("ZeroAddress"));
      await w.members.remove(w.ids.lender2);
      await expect(w.members.proposeSignerRotation(w.ids.lender2, w.spare1.address))
        .to.be.revertedWithCustomError(w.members, E("InvalidStatusChange"))
        .withArgs(w.ids.lender2, MemberStatus.Removed);
      await expect(w.members.proposeMetadataUpdate(99, w.meta("x"))).to.be.revertedWithCustomError(w.members, E("UnknownMember")).withArgs(99);
    });

    it("execution re-checks: a member removed meanwhile, or a signer taken meanwhile, reverts", async () => {
      const { w, at } = await loadFixture(proposed);
      await w.members.connect(w.agency).rotateSigner(w.ids.agency, w.spare1.address);
      await time.increaseTo(at);
      await expect(w.members.executeChange(w.ids.lender))
        .to.be.revertedWithCustomError(w.members, E("SignerTaken"))
        .withArgs(w.spare1.address, w.ids.agency);
      await w.members.remove(w.ids.lender);
      await expect(w.members.executeChange(w.ids.lender))
        .to.be.revertedWithCustomError(w.members, E("InvalidStatusChange"))
        .withArgs(w.ids.lender, MemberStatus.Removed);
    });

    it("the attack through a suspension: a suspended member's signer still cancels the operator's proposal, and can do nothing else", async () => {
      // Before the recovery key, a suspended member could not cancel: an operator that suspended a member and proposed
      // a new key took it over 7 days later. Now the suspension does not take away the member's refusal.
      const w = view(await loadFixture(deployConsortium));
      await w.members.suspend(w.ids.lender);
      await w.members.proposeSignerRotation(w.ids.lender, w.spare1.address);
      await expect(w.members.connect(w.lender).cancelChange(w.ids.lender))
        .to.emit(w.members, "MemberChangeCancelled")
        .withArgs(w.ids.lender, w.lender.address);
      expect((await w.members.pendingChangeOf(w.ids.lender)).executableAt).to.equal(0n);
      await time.increase(DELAY);
      await expect(w.members.executeChange(w.ids.lender))
        .to.be.revertedWithCustomError(w.members, E("NoPendingChange"))
        .withArgs(w.ids.lender);
      // Cancelling is all a suspended signer can do here.
      await expect(w.members.connect(w.lender).rotateSigner(w.ids.lender, w.spare2.address))
        .to.be.revertedWithCustomError(w.members, E("MemberNotActive"))
        .withArgs(w.ids.lender, MemberStatus.Suspended);
      await expect(w.members.connect(w.lender).updateMetadata(w.ids.lender, w.meta("x")))
        .to.be.revertedWithCustomError(w.members, E("MemberNotActive"))
        .withArgs(w.ids.lender, MemberStatus.Suspended);
      expect((await memberOf(w, w.ids.lender)).signer).to.equal(w.lender.address);
    });

    it("a removed member's signer and recovery key cannot cancel (nothing can be executed against it anyway)", async () => {
      const w = view(await loadFixture(deployConsortium));
      await w.members.proposeSignerRotation(w.ids.lender, w.spare1.address);
      await w.members.remove(w.ids.lender);
      for (const caller of [w.lender, w.recovery.lender]) {
        await expect(w.members.connect(caller).cancelChange(w.ids.lender))
          .to.be.revertedWithCustomError(w.members, E("MemberNotActive"))
          .withArgs(w.ids.lender, MemberStatus.Removed);
      }
      await time.increase(DELAY);
      await expect(w.members.executeChange(w.ids.lender))
        .to.be.revertedWithCustomError(w.members, E("InvalidStatusChange"))
        .withArgs(w.ids.lender, MemberStatus.Removed);
    });

    it("a member that lost both its keys: the operator suspends, proposes, and after 7 days with no one cancelling the new key acts", async () => {
      const w = view(await loadFixture(deployConsortium));
      await w.members.suspend(w.ids.lender);
      await w.members.proposeSignerRotation(w.ids.lender, w.spare1.address);
      const at = (await now()) + DELAY;
      await time.increaseTo(at);
      await expect(w.members.executeChange(w.ids.lender)).to.emit(w.members, "MemberSignerRotated").withArgs(w.ids.lender, w.lender.address, w.spare1.address);
      await w.members.proposeRecoveryChange(w.ids.lender, w.spareRecovery1.address);
      await time.increase(DELAY);
      await expect(w.members.executeChange(w.ids.lender))
        .to.emit(w.members, "MemberRecoveryChanged")
        .withArgs(w.ids.lender, w.recovery.lender.address, w.spareRecovery1.address);
      await w.members.reinstate(w.ids.lender);
      expect(await w.members.requireActiveSigner(w.spare1.address, Role.LENDER)).to.equal(BigInt(w.ids.lender));
      expect(await w.members.recoveryOf(w.ids.lender)).to.equal(w.spareRecovery1.address);
      await expect(w.members.requireActiveSigner(w.lender.address, Role.LENDER))
        .to.be.revertedWithCustomError(w.members, E("RetiredSigner"))
        .withArgs(w.lender.address, w.ids.lender);
    });
  });
});
