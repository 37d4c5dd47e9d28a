/**
 * MemberRegistry: the member's recovery key (cold, kept offline): set at admission, never a signer, never reused; it
 * rotates the signer at once and cancels the operator's proposals in any status but Removed, and only it changes
 * itself at once. The attacks it stops: an operator that suspends a member and proposes a new key (the member refuses
 * with its signer or recovery key), and a thief holding the hot key (it cannot keep the member from replacing it, nor
 * replace the recovery key). Synthetic data only.
 */
import { expect } from "chai";
import { DAY, deployConsortium, keys, loadFixture, MemberStatus, now, Role, time } from "../fixtures.js";
import { view, E, memberOf, ZERO } from "./fixtures.js";

const DELAY = 7 * DAY;
const RECOVERY_KIND = 3n;

describe("MemberRegistry", () => {
  describe("recovery key: admission and recoveryOf", () => {
    it("admit stores the recovery key and emits MemberRecoveryChanged(id, 0, recovery) after MemberAdmitted", async () => {
      const w = view(await loadFixture(deployConsortium));
      const tx = w.members.admit(w.spare1.address, w.spareRecovery1.address, Role.AGENCY, w.meta("n"));
      await expect(tx).to.emit(w.members, "MemberAdmitted").withArgs(7, w.spare1.address, Role.AGENCY, w.meta("n"));
      await expect(tx).to.emit(w.members, "MemberRecoveryChanged").withArgs(7, ZERO, w.spareRecovery1.address);
      expect(await w.members.recoveryOf(7)).to.equal(w.spareRecovery1.address);
      expect(await w.members.recoveryOf(w.ids.lender)).to.equal(w.recovery.lender.address);
    });

    it("recoveryOf reverts with UnknownMember for an id never admitted", async () => {
      const w = view(await loadFixture(deployConsortium));
      for (const id of [0, 7]) {
        await expect(w.members.recoveryOf(id)).to.be.revertedWithCustomError(w.members, E("UnknownMember")).withArgs(id);
      }
    });

    it("admit refuses a zero recovery key, the signer as its own recovery key, and any address already used as a key", async () => {
      const w = view(await loadFixture(deployConsortium));
      await expect(w.members.admit(w.spare1.address, ZERO, Role.AGENCY, w.meta("x")))
        .to.be.revertedWithCustomError(w.members, E("ZeroAddress"))
        .withArgs();
      await expect(w.members.admit(w.spare1.address, w.spare1.address, Role.AGENCY, w.meta("x")))
        .to.be.revertedWithCustomError(w.members, E("RecoveryIsSigner"))
        .withArgs(w.spare1.address);
      await expect(w.members.admit(w.spare1.address, w.lender.address, Role.AGENCY, w.meta("x")))
        .to.be.revertedWithCustomError(w.members, E("SignerTaken"))
        .withArgs(w.lender.address, w.ids.lender);
      await expect(w.members.admit(w.spare1.address, w.recovery.agency.address, Role.AGENCY, w.meta("x")))
        .to.be.revertedWithCustomError(w.members, E("RecoveryTaken"))
        .withArgs(w.recovery.agency.address, w.ids.agency);
      await expect(w.members.admit(w.recovery.court.address, w.spareRecovery1.address, Role.AGENCY, w.meta("x")))
        .to.be.revertedWithCustomError(w.members, E("RecoveryTaken"))
        .withArgs(w.recovery.court.address, w.ids.court);
      expect(await w.members.memberCount()).to.equal(6n);
    });

    it("a recovery key is not a signer: it signs nothing in the other contracts and cannot update metadata", async () => {
      const w = view(await loadFixture(deployConsortium));
      await expect(w.members.requireActiveSigner(w.recovery.lender.address, Role.LENDER))
        .to.be.revertedWithCustomError(w.members, E("UnknownSigner"))
        .withArgs(w.recovery.lender.address);
      expect(await w.members.memberIdOf(w.recovery.lender.address)).to.equal(0n);
      await expect(w.members.connect(w.recovery.lender).updateMetadata(w.ids.lender, w.meta("x")))
        .to.be.revertedWithCustomError(w.members, E("NotMemberSigner"))
        .withArgs(w.recovery.lender.address, w.ids.lender);
      await expect(w.cases.connect(w.recovery.lender).registerAndAssign(w.ids.agency, (await now()) + 30 * DAY, keys("rk", 1), keys("rd", 1)))
        .to.be.revertedWithCustomError(w.members, E("UnknownSigner"))
        .withArgs(w.recovery.lender.address);
    });
  });

  describe("recovery key: rotateSigner", () => {
    it("rotates the signer at once while active; the old signer is retired, the recovery key stays", async () => {
      const w = view(await loadFixture(deployConsortium));
      await expect(w.members.connect(w.recovery.lender).rotateSigner(w.ids.lender, w.spare1.address))
        .to.emit(w.members, "MemberSignerRotated")
        .withArgs(w.ids.lender, w.lender.address, w.spare1.address);
      expect(await w.members.requireActiveSigner(w.spare1.address, Role.LENDER)).to.equal(BigInt(w.ids.lender));
      await expect(w.members.requireActiveSigner(w.lender.address, Role.LENDER))
        .to.be.revertedWithCustomError(w.members, E("RetiredSigner"))
        .withArgs(w.lender.address, w.ids.lender);
      expect(await w.members.recoveryOf(w.ids.lender)).to.equal(w.recovery.lender.address);
    });

    it("rotates the signer while suspended; the member stays suspended until the operator reinstates it", async () => {
      const w = view(await loadFixture(deployConsortium));
      await w.members.suspend(w.ids.lender);
      await expect(w.members.connect(w.recovery.lender).rotateSigner(w.ids.lender, w.spare1.address))
        .to.emit(w.members, "MemberSignerRotated")
        .withArgs(w.ids.lender, w.lender.address, w.spare1.address);
      expect((await memberOf(w, w.ids.lender)).status).to.equal(MemberStatus.Suspended);
      await expect(w.members.requireActiveSigner(w.spare1.address, Role.LENDER))
        .to.be.revertedWithCustomError(w.members, E("MemberNotActive"))
        .withArgs(w.ids.lender, MemberStatus.Suspended);
    });

    it("refuses its own address, another member's keys and the zero address as the new signer", async () => {
      const w = view(await loadFixture(deployConsortium));
      const r = w.members.connect(w.recovery.lender);
      await expect(r.rotateSigner(w.ids.lender, w.recovery.lender.address))
        .to.be.revertedWithCustomError(w.members, E("RecoveryTaken"))
        .withArgs(w.recovery.lender.address, w.ids.lender);
      await expect(r.rotateSigner(w.ids.lender, w.recovery.agency.address))
        .to.be.revertedWithCustomError(w.members, E("RecoveryTaken"))
        .withArgs(w.recovery.agency.address, w.ids.agency);
      await expect(r.rotateSigner(w.ids.lender, w.agency.address))
        .to.be.revertedWithCustomError(w.members, E("SignerTaken"))
        .withArgs(w.agency.address, w.ids.agency);
      await expect(r.rotateSigner(w.ids.lender, ZERO)).to.be.revertedWithCustomError(w.members, E("ZeroAddress")).withArgs();
    });

    it("clears a pending operator proposal (MemberChangeCancelled by the recovery key)", async () => {
      const w = view(await loadFixture(deployConsortium));
      await w.members.proposeSignerRotation(w.ids.lender, w.spare2.address);
      await expect(w.members.connect(w.recovery.lender).rotateSigner(w.ids.lender, w.spare1.address))
        .to.emit(w.members, "MemberChangeCancelled")
        .withArgs(w.ids.lender, w.recovery.lender.address);
      expect((await w.members.pendingChangeOf(w.ids.lender)).executableAt).to.equal(0n);
    });
  });

  describe("recovery key: cancelChange", () => {
    for (const status of ["Active", "Suspended"] as const) {
      it(`cancels any pending proposal while ${status.toLowerCase()}`, async () => {
        const w = view(await loadFixture(deployConsortium));
        if (status === "Suspended") await w.members.suspend(w.ids.lender);
        const proposals = [
          () => w.members.proposeSignerRotation(w.ids.lender, w.spare1.address),
          () => w.members.proposeMetadataUpdate(w.ids.lender, w.meta("rogue")),
          () => w.members.proposeRecoveryChange(w.ids.lender, w.spareRecovery1.address),
        ];
        for (const propose of proposals) {
          await propose();
          await expect(w.members.connect(w.recovery.lender).cancelChange(w.ids.lender))
            .to.emit(w.members, "MemberChangeCancelled")
            .withArgs(w.ids.lender, w.recovery.lender.address);
          expect((await w.members.pendingChangeOf(w.ids.lender)).executableAt).to.equal(0n);
        }
      });
    }
  });

  describe("recovery key: changeRecovery", () => {
    for (const status of ["Active", "Suspended"] as const) {
      it(`the recovery key replaces itself at once while ${status.toLowerCase()}; the old one is retired for good`, async () => {
        const w = view(await loadFixture(deployConsortium));
        if (status === "Suspended") await w.members.suspend(w.ids.lender);
        await expect(w.members.connect(w.recovery.lender).changeRecovery(w.ids.lender, w.spareRecovery1.address))
          .to.emit(w.members, "MemberRecoveryChanged")
          .withArgs(w.ids.lender, w.recovery.lender.address, w.spareRecovery1.address);
        expect(await w.members.recoveryOf(w.ids.lender)).to.equal(w.spareRecovery1.address);
        await expect(w.members.connect(w.recovery.lender).rotateSigner(w.ids.lender, w.spare1.address))
          .to.be.revertedWithCustomError(w.members, E("NotMemberKey"))
          .withArgs(w.recovery.lender.address, w.ids.lender);
        await expect(w.members.admit(w.spare1.address, w.recovery.lender.address, Role.LENDER, w.meta("x")))
          .to.be.revertedWithCustomError(w.members, E("RecoveryTaken"))
          .withArgs(w.recovery.lender.address, w.ids.lender);
        await expect(w.members.connect(w.spareRecovery1).rotateSigner(w.ids.lender, w.spare1.address))
          .to.emit(w.members, "MemberSignerRotated")
          .withArgs(w.ids.lender, w.lender.address, w.spare1.address);
      });
    }

    it("the hot key (a thief), the operator, a stranger and another member's recovery key cannot change it", async () => {
      const w = view(await loadFixture(deployConsortium));
      for (const suspended of [false, true]) {
        if (suspended) await w.members.suspend(w.ids.lender);
        for (const caller of [w.lender, w.operator, w.stranger, w.recovery.lender2]) {
          await expect(w.members.connect(caller).changeRecovery(w.ids.lender, w.spareRecovery1.address))
            .to.be.revertedWithCustomError(w.members, E("NotRecoveryKey"))
            .withArgs(caller.address, w.ids.lender);
        }
      }
      expect(await w.members.recoveryOf(w.ids.lender)).to.equal(w.recovery.lender.address);
    });

    it("refuses the same key (NoChange), a signer, another recovery key, zero, and a removed member", async () => {
      const w = view(await loadFixture(deployConsortium));
      const r = w.members.connect(w.recovery.lender);
      await expect(r.changeRecovery(w.ids.lender, w.recovery.lender.address)).to.be.revertedWithCustomError(w.members, E("NoChange")).withArgs(w.ids.lender);
      await expect(r.changeRecovery(w.ids.lender, w.lender.address))
        .to.be.revertedWithCustomError(w.members, E("SignerTaken"))
        .withArgs(w.lender.address, w.ids.lender);
      await expect(r.changeRecovery(w.ids.lender, w.recovery.court.address))
        .to.be.revertedWithCustomError(w.members, E("RecoveryTaken"))
        .withArgs(w.recovery.court.address, w.ids.court);
      await expect(r.changeRecovery(w.ids.lender, ZERO)).to.be.revertedWithCustomError(w.members, E("ZeroAddress")).withArgs();
      await w.members.remove(w.ids.lender);
      await expect(r.changeRecovery(w.ids.lender, w.spareRecovery1.address))
        .to.be.revertedWithCustomError(w.members, E("MemberNotActive"))
        .withArgs(w.ids.lender, MemberStatus.Removed);
      await expect(w.members.connect(w.stranger).changeRecovery(99, w.spareRecovery1.address))
        .to.be.revertedWithCustomError(w.members, E("UnknownMember"))
        .withArgs(99);
    });
  });

  describe("recovery key: proposeRecoveryChange (the operator's only way to change it)", () => {
    it("records a Recovery proposal executable after 7 days; then MemberChangeExecuted(id, Recovery) and MemberRecoveryChanged", async () => {
      const w = view(await loadFixture(deployConsortium));
      const at = (await now()) + 10;
      await time.setNextBlockTimestamp(at);
      await expect(w.members.proposeRecoveryChange(w.ids.lender, w.spareRecovery1.address))
        .to.emit(w.members, "MemberRecoveryChangeProposed")
        .withArgs(w.ids.lender, w.spareRecovery1.address, at + DELAY);
      const p = await w.members.pendingChangeOf(w.ids.lender);
      expect([p.kind, p.signer, p.executableAt]).to.deep.equal([RECOVERY_KIND, w.spareRecovery1.address, BigInt(at + DELAY)]);
      expect(await w.members.recoveryOf(w.ids.lender)).to.equal(w.recovery.lender.address);
      await expect(w.members.executeChange(w.ids.lender))
        .to.be.revertedWithCustomError(w.members, E("ChangeNotReady"))
        .withArgs(w.ids.lender, at + DELAY);
      await time.increaseTo(at + DELAY);
      const tx = w.members.connect(w.stranger).executeChange(w.ids.lender);
      await expect(tx).to.emit(w.members, "MemberChangeExecuted").withArgs(w.ids.lender, RECOVERY_KIND);
      await expect(tx).to.emit(w.members, "MemberRecoveryChanged").withArgs(w.ids.lender, w.recovery.lender.address, w.spareRecovery1.address);
      expect(await w.members.recoveryOf(w.ids.lender)).to.equal(w.spareRecovery1.address);
    });

    for (const by of ["signer", "recovery key"] as const) {
      it(`the member's ${by} cancels it, also while suspended`, async () => {
        const w = view(await loadFixture(deployConsortium));
        await w.members.suspend(w.ids.lender);
        await w.members.proposeRecoveryChange(w.ids.lender, w.spareRecovery1.address);
        const caller = by === "signer" ? w.lender : w.recovery.lender;
        await expect(w.members.connect(caller).cancelChange(w.ids.lender)).to.emit(w.members, "MemberChangeCancelled").withArgs(w.ids.lender, caller.address);
        await time.increase(DELAY);
        await expect(w.members.executeChange(w.ids.lender)).to.be.revertedWithCustomError(w.members, E("NoPendingChange")).withArgs(w.ids.lender);
        expect(await w.members.recoveryOf(w.ids.lender)).to.equal(w.recovery.lender.address);
      });
    }

    it("the recovery key's own change clears it", async () => {
      const w = view(await loadFixture(deployConsortium));
      await w.members.proposeRecoveryChange(w.ids.lender, w.spareRecovery1.address);
      await expect(w.members.connect(w.recovery.lender).changeRecovery(w.ids.lender, w.spareRecovery2.address))
        .to.emit(w.members, "MemberChangeCancelled")
        .withArgs(w.ids.lender, w.recovery.lender.address);
      expect((await w.members.pendingChangeOf(w.ids.lender)).executableAt).to.equal(0n);
    });

    it("refuses the current key, a taken or zero address, a removed or unknown member; execution re-checks freshness", async () => {
      const w = view(await loadFixture(deployConsortium));
      await expect(w.members.proposeRecoveryChange(w.ids.lender, w.recovery.lender.address)).to.be.revertedWithCustomError(w.members, E("NoChange")).withArgs(w.ids.lender);
      await expect(w.members.proposeRecoveryChange(w.ids.lender, w.agency.address))
        .to.be.revertedWithCustomError(w.members, E("SignerTaken"))
        .withArgs(w.agency.address, w.ids.agency);
      await expect(w.members.proposeRecoveryChange(w.ids.lender, w.recovery.agency.address))
        .to.be.revertedWithCustomError(w.members, E("RecoveryTaken"))
        .withArgs(w.recovery.agency.address, w.ids.agency);
      await expect(w.members.proposeRecoveryChange(w.ids.lender, ZERO)).to.be.revertedWithCustomError(w.members, E("ZeroAddress")).withArgs();
      await expect(w.members.proposeRecoveryChange(99, w.spareRecovery1.address)).to.be.revertedWithCustomError(w.members, E("UnknownMember")).withArgs(99);
      await w.members.remove(w.ids.court);
      await expect(w.members.proposeRecoveryChange(w.ids.court, w.spareRecovery1.address))
        .to.be.revertedWithCustomError(w.members, E("InvalidStatusChange"))
        .withArgs(w.ids.court, MemberStatus.Removed);
      // Taken meanwhile: another member's recovery key moved to the proposed address.
      await w.members.proposeRecoveryChange(w.ids.lender, w.spareRecovery1.address);
      await w.members.connect(w.recovery.agency).changeRecovery(w.ids.agency, w.spareRecovery1.address);
      await time.increase(DELAY);
      await expect(w.members.executeChange(w.ids.lender))
        .to.be.revertedWithCustomError(w.members, E("RecoveryTaken"))
        .withArgs(w.spareRecovery1.address, w.ids.agency);
    });
  });

  describe("recovery key: the stolen hot key", () => {
    it("thief holds the hot key → operator suspends → the thief's cancel gains nothing → recovery rotates → operator reinstates", async () => {
      const w = view(await loadFixture(deployConsortium));
      const thief = w.lender; // the stolen hot key
      const until = (await now()) + 30 * DAY;
      await w.members.suspend(w.ids.lender);
      // Suspended: the thief signs nothing in the other contracts, cannot move the member to its own key, nor take
      // the recovery key.
      await expect(w.cases.connect(thief).registerAndAssign(w.ids.agency, until, keys("stolen", 1), keys("stolen-d", 1)))
        .to.be.revertedWithCustomError(w.members, E("MemberNotActive"))
        .withArgs(w.ids.lender, MemberStatus.Suspended);
      await expect(w.members.connect(thief).rotateSigner(w.ids.lender, w.stranger.address))
        .to.be.revertedWithCustomError(w.members, E("MemberNotActive"))
        .withArgs(w.ids.lender, MemberStatus.Suspended);
      await expect(w.members.connect(thief).changeRecovery(w.ids.lender, w.stranger.address))
        .to.be.revertedWithCustomError(w.members, E("NotRecoveryKey"))
        .withArgs(thief.address, w.ids.lender);
      // The thief cancels whatever the operator proposes: it does not matter, the recovery key acts at once.
      await w.members.proposeSignerRotation(w.ids.lender, w.spare2.address);
      await expect(w.members.connect(thief).cancelChange(w.ids.lender)).to.emit(w.members, "MemberChangeCancelled").withArgs(w.ids.lender, thief.address);
      await expect(w.members.connect(w.recovery.lender).rotateSigner(w.ids.lender, w.spare1.address))
        .to.emit(w.members, "MemberSignerRotated")
        .withArgs(w.ids.lender, thief.address, w.spare1.address);
      // The stolen key is retired for good: not even cancelling any more.
      await w.members.proposeMetadataUpdate(w.ids.lender, w.meta("later"));
      await expect(w.members.connect(thief).cancelChange(w.ids.lender))
        .to.be.revertedWithCustomError(w.members, E("NotOperatorOrMember"))
        .withArgs(thief.address, w.ids.lender);
      await w.members.reinstate(w.ids.lender);
      await expect(w.cases.connect(w.spare1).registerAndAssign(w.ids.agency, until, keys("recovered", 1), keys("recovered-d", 1)))
        .to.emit(w.cases, "CasesAssigned")
        .withArgs(w.ids.lender, w.ids.agency, until, keys("recovered", 1));
      await expect(w.members.requireActiveSigner(thief.address, Role.LENDER))
        .to.be.revertedWithCustomError(w.members, E("RetiredSigner"))
        .withArgs(thief.address, w.ids.lender);
    });
  });
});
