/** MemberRegistry: the two-step operator hand-over. Synthetic data only. */
import { expect } from "chai";
import { deployConsortium, loadFixture, Role } from "../fixtures.js";
import { view, ZERO, ALL, address, E } from "./fixtures.js";

describe("MemberRegistry", () => {
  describe("transferOperator / acceptOperator / operator / pendingOperator", () => {
    it("transferOperator records the pending operator and emits OperatorTransferStarted; nothing else changes", async () => {
      const w = view(await loadFixture(deployConsortium));
      await expect(w.members.transferOperator(w.spare1.address))
        .to.emit(w.members, "OperatorTransferStarted")
        .withArgs(w.operator.address, w.spare1.address);
      expect(await w.members.pendingOperator()).to.equal(w.spare1.address);
      expect(await w.members.operator()).to.equal(w.operator.address);
      // The old operator keeps its rights until the hand-over is accepted...
      await expect(w.members.admit(w.spare2.address, w.spareRecovery1.address, Role.COURT, w.meta("x")))
        .to.emit(w.members, "MemberAdmitted")
        .withArgs(7, w.spare2.address, Role.COURT, w.meta("x"));
      // ...and the pending one has none yet.
      await expect(w.members.connect(w.spare1).suspend(w.ids.lender))
        .to.be.revertedWithCustomError(w.members, E("NotOperator"))
        .withArgs(w.spare1.address);
      await expect(w.members.connect(w.spare1).transferOperator(w.spare1.address))
        .to.be.revertedWithCustomError(w.members, E("NotOperator"))
        .withArgs(w.spare1.address);
    });

    it("acceptOperator by the pending account completes the hand-over and emits OperatorTransferred", async () => {
      const w = view(await loadFixture(deployConsortium));
      await w.members.transferOperator(w.spare1.address);
      await expect(w.members.connect(w.spare1).acceptOperator())
        .to.emit(w.members, "OperatorTransferred")
        .withArgs(w.operator.address, w.spare1.address);
      expect(await w.members.operator()).to.equal(w.spare1.address);
      expect(await w.members.pendingOperator()).to.equal(ZERO);
    });

    it("the old operator loses every right; the new operator has them all", async () => {
      const w = view(await loadFixture(deployConsortium));
      await w.members.transferOperator(w.spare1.address);
      await w.members.connect(w.spare1).acceptOperator();
      const old = w.members.connect(w.operator);
      const notOperator = [
        () => old.admit(w.spare2.address, w.spareRecovery1.address, Role.LENDER, w.meta("x")),
        () => old.setRoles(w.ids.lender, ALL),
        () => old.suspend(w.ids.lender),
        () => old.reinstate(w.ids.lender),
        () => old.remove(w.ids.lender),
        () => old.transferOperator(w.operator.address),
      ];
      for (const send of notOperator) {
        await expect(send()).to.be.revertedWithCustomError(w.members, E("NotOperator")).withArgs(w.operator.address);
      }
      await expect(old.proposeSignerRotation(w.ids.lender, w.spare2.address))
        .to.be.revertedWithCustomError(w.members, E("NotOperator"))
        .withArgs(w.operator.address);
      await expect(old.proposeMetadataUpdate(w.ids.lender, w.meta("x")))
        .to.be.revertedWithCustomError(w.members, E("NotOperator"))
        .withArgs(w.operator.address);

      const now_ = w.members.connect(w.spare1);
      await expect(now_.admit(w.spare2.address, w.spareRecovery1.address, Role.LENDER, w.meta("x")))
        .to.emit(w.members, "MemberAdmitted")
        .withArgs(7, w.spare2.address, Role.LENDER, w.meta("x"));
      await expect(now_.setRoles(w.ids.lender, ALL))
        .to.emit(w.members, "MemberRolesChanged")
        .withArgs(w.ids.lender, Role.LENDER, ALL);
      await expect(now_.suspend(w.ids.lender)).to.emit(w.members, "MemberSuspended").withArgs(w.ids.lender);
      await expect(now_.reinstate(w.ids.lender)).to.emit(w.members, "MemberReinstated").withArgs(w.ids.lender);
      await expect(now_.proposeMetadataUpdate(w.ids.lender, w.meta("x"))).to.emit(w.members, "MemberMetadataUpdateProposed");
      const fresh = address("new-operator-rotation");
      await expect(now_.proposeSignerRotation(w.ids.lender, fresh)).to.emit(w.members, "MemberSignerRotationProposed");
      await expect(now_.remove(w.ids.lender)).to.emit(w.members, "MemberRemoved").withArgs(w.ids.lender);
      // ...and can hand the role on again.
      await expect(now_.transferOperator(w.operator.address))
        .to.emit(w.members, "OperatorTransferStarted")
        .withArgs(w.spare1.address, w.operator.address);
      await expect(w.members.connect(w.operator).acceptOperator())
        .to.emit(w.members, "OperatorTransferred")
        .withArgs(w.spare1.address, w.operator.address);
      expect(await w.members.operator()).to.equal(w.operator.address);
    });

    it("only the pending account can accept", async () => {
      const w = view(await loadFixture(deployConsortium));
      await w.members.transferOperator(w.spare1.address);
      for (const caller of [w.stranger, w.operator, w.lender, w.amc, w.spare2]) {
        await expect(w.members.connect(caller).acceptOperator())
          .to.be.revertedWithCustomError(w.members, E("NotOperator"))
          .withArgs(caller.address);
      }
      expect(await w.members.operator()).to.equal(w.operator.address);
      expect(await w.members.pendingOperator()).to.equal(w.spare1.address);
    });

    it("acceptOperator reverts with NotOperator when nothing is pending (also for the operator itself)", async () => {
      const w = view(await loadFixture(deployConsortium));
      for (const caller of [w.operator, w.stranger]) {
        await expect(w.members.connect(caller).acceptOperator())
          .to.be.revertedWithCustomError(w.members, E("NotOperator"))
          .withArgs(caller.address);
      }
    });

    it("a completed hand-over cannot be accepted twice", async () => {
      const w = view(await loadFixture(deployConsortium));
      await w.members.transferOperator(w.spare1.address);
      await w.members.connect(w.spare1).acceptOperator();
      await expect(w.members.connect(w.spare1).acceptOperator())
        .to.be.revertedWithCustomError(w.members, E("NotOperator"))
        .withArgs(w.spare1.address);
    });

    it("a second transferOperator replaces the pending account", async () => {
      const w = view(await loadFixture(deployConsortium));
      await w.members.transferOperator(w.spare1.address);
      await expect(w.members.transferOperator(w.spare2.address))
        .to.emit(w.members, "OperatorTransferStarted")
        .withArgs(w.operator.address, w.spare2.address);
      expect(await w.members.pendingOperator()).to.equal(w.spare2.address);
      await expect(w.members.connect(w.spare1).acceptOperator())
        .to.be.revertedWithCustomError(w.members, E("NotOperator"))
        .withArgs(w.spare1.address);
      await expect(w.members.connect(w.spare2).acceptOperator())
        .to.emit(w.members, "OperatorTransferred")
        .withArgs(w.operator.address, w.spare2.address);
    });

    it("transferOperator(0) cancels a pending hand-over", async () => {
      const w = view(await loadFixture(deployConsortium));
      await w.members.transferOperator(w.spare1.address);
      await expect(w.members.transferOperator(ZERO))
        .to.emit(w.members, "OperatorTransferStarted")
        .withArgs(w.operator.address, ZERO);
      expect(await w.members.pendingOperator()).to.equal(ZERO);
      await expect(w.members.connect(w.spare1).acceptOperator())
        .to.be.revertedWithCustomError(w.members, E("NotOperator"))
        .withArgs(w.spare1.address);
      expect(await w.members.operator()).to.equal(w.operator.address);
    });

    it("transferOperator reverts with NotOperator for anyone but the operator", async () => {
      const w = view(await loadFixture(deployConsortium));
      for (const caller of [w.stranger, w.lender, w.amc]) {
        await expect(w.members.connect(caller).transferOperator(caller.address))
          .to.be.revertedWithCustomError(w.members, E("NotOperator"))
          .withArgs(caller.address);
      }
      expect(await w.members.pendingOperator()).to.equal(ZERO);
    });
  });
});
