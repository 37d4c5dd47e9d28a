/**
 * MemberRegistry: a member's own changes: rotating its signer, updating its metadata hash — only by its own current
 * signer (or, for the signer, its recovery key: recovery-key.test.ts), never directly by the operator
 * (operator-proposals.test.ts has the operator's timelocked path). Synthetic data only.
 */
import { expect } from "chai";
import { deployConsortium, loadFixture, keys, now, DAY, Role, MemberStatus } from "../fixtures.js";
import { view, ZERO, ZERO_HASH, ANY, E, memberOf } from "./fixtures.js";

describe("MemberRegistry", () => {
  describe("rotateSigner", () => {
    for (const by of ["the member's current signer"] as const) {
      it(`rotates when called by ${by}; the old address is retired`, async () => {
        const w = view(await loadFixture(deployConsortium));
        const caller = w.lender;
        const before = await memberOf(w, w.ids.lender);
        await expect(w.members.connect(caller).rotateSigner(w.ids.lender, w.spare1.address))
          .to.emit(w.members, "MemberSignerRotated")
          .withArgs(w.ids.lender, w.lender.address, w.spare1.address);
        expect(await memberOf(w, w.ids.lender)).to.deep.equal({ ...before, signer: w.spare1.address });
        expect(await w.members.memberIdOf(w.spare1.address)).to.equal(BigInt(w.ids.lender));
        expect(await w.members.memberIdOf(w.lender.address)).to.equal(0n);
        expect(await w.members.requireActiveSigner(w.spare1.address, Role.LENDER)).to.equal(BigInt(w.ids.lender));
        await expect(w.members.requireActiveSigner(w.lender.address, Role.LENDER))
          .to.be.revertedWithCustomError(w.members, E("RetiredSigner"))
          .withArgs(w.lender.address, w.ids.lender);
        expect(await w.members.memberCount()).to.equal(6n);
      });
    }

    it("hands the member's rights to the new signer and takes them from the old one", async () => {
      const w = view(await loadFixture(deployConsortium));
      await w.members.connect(w.lender).rotateSigner(w.ids.lender, w.spare1.address);
      await expect(w.members.connect(w.lender).updateMetadata(w.ids.lender, w.meta("x")))
        .to.be.revertedWithCustomError(w.members, E("NotMemberSigner"))
        .withArgs(w.lender.address, w.ids.lender);
      await expect(w.members.connect(w.lender).rotateSigner(w.ids.lender, w.spare2.address))
        .to.be.revertedWithCustomError(w.members, E("NotMemberKey"))
        .withArgs(w.lender.address, w.ids.lender);
      await expect(w.members.connect(w.spare1).updateMetadata(w.ids.lender, w.meta("x")))
        .to.emit(w.members, "MemberMetadataUpdated")
        .withArgs(w.ids.lender, w.meta("lender"), w.meta("x"));
      await expect(w.members.connect(w.spare1).rotateSigner(w.ids.lender, w.spare2.address))
        .to.emit(w.members, "MemberSignerRotated")
        .withArgs(w.ids.lender, w.spare1.address, w.spare2.address);
      // Both earlier addresses are now retired for this member.
      for (const old of [w.lender.address, w.spare1.address]) {
        expect(await w.members.memberIdOf(old)).to.equal(0n);
        await expect(w.members.requireActiveSigner(old, ANY))
          .to.be.revertedWithCustomError(w.members, E("RetiredSigner"))
          .withArgs(old, w.ids.lender);
      }
      expect(await w.members.requireActiveSigner(w.spare2.address, Role.LENDER)).to.equal(BigInt(w.ids.lender));
    });

    it("a retired signer can no longer act in CaseRegistry; the new one can", async () => {
      const w = view(await loadFixture(deployConsortium));
      await w.members.connect(w.lender).rotateSigner(w.ids.lender, w.spare1.address);
      const until = (await now()) + 30 * DAY;
      const ks = keys("rotated-case", 2);
      await expect(w.cases.connect(w.lender).registerAndAssign(w.ids.agency, until, ks, keys("rotated-debtor", 2)))
        .to.be.revertedWithCustomError(w.members, E("RetiredSigner"))
        .withArgs(w.lender.address, w.ids.lender);
      await expect(w.cases.connect(w.spare1).registerAndAssign(w.ids.agency, until, ks, keys("rotated-debtor", 2)))
        .to.emit(w.cases, "CasesAssigned")
        .withArgs(w.ids.lender, w.ids.agency, until, ks);
    });

    it("a suspended member's signer cannot rotate its key (a stolen hot key stays stuck; the recovery key rotates it), and the operator cannot rotate it at once", async () => {
      const w = view(await loadFixture(deployConsortium));
      await w.members.suspend(w.ids.agency);
      await expect(w.members.connect(w.agency).rotateSigner(w.ids.agency, w.spare1.address))
        .to.be.revertedWithCustomError(w.members, E("MemberNotActive"))
        .withArgs(w.ids.agency, MemberStatus.Suspended);
      await expect(w.members.rotateSigner(w.ids.agency, w.spare1.address))
        .to.be.revertedWithCustomError(w.members, E("NotMemberKey"))
        .withArgs(w.operator.address, w.ids.agency);
      expect(await w.members.memberIdOf(w.spare1.address)).to.equal(0n);
      expect((await memberOf(w, w.ids.agency)).signer).to.equal(w.agency.address);
    });

    it("reverts with NotMemberKey for the operator, a stranger, another member, another member's recovery key and a retired signer", async () => {
      const w = view(await loadFixture(deployConsortium));
      for (const caller of [w.operator, w.stranger, w.lender2, w.amc, w.recovery.lender2]) {
        await expect(w.members.connect(caller).rotateSigner(w.ids.lender, w.spare1.address))
          .to.be.revertedWithCustomError(w.members, E("NotMemberKey"))
          .withArgs(caller.address, w.ids.lender);
      }
      await w.members.connect(w.lender).rotateSigner(w.ids.lender, w.spare2.address);
      await expect(w.members.connect(w.lender).rotateSigner(w.ids.lender, w.spare1.address))
        .to.be.revertedWithCustomError(w.members, E("NotMemberKey"))
        .withArgs(w.lender.address, w.ids.lender);
    });

    it("reverts with UnknownMember for an id never admitted (before checking the caller)", async () => {
      const w = view(await loadFixture(deployConsortium));
      for (const [id, caller] of [
        [0, w.operator],
        [7, w.operator],
        [7, w.stranger],
      ] as const) {
        await expect(w.members.connect(caller).rotateSigner(id, w.spare1.address))
          .to.be.revertedWithCustomError(w.members, E("UnknownMember"))
          .withArgs(id);
      }
    });

    it("reverts with ZeroAddress for the zero address", async () => {
      const w = view(await loadFixture(deployConsortium));
      for (const caller of [w.lender]) {
        await expect(w.members.connect(caller).rotateSigner(w.ids.lender, ZERO))
          .to.be.revertedWithCustomError(w.members, E("ZeroAddress"))
          .withArgs();
      }
      expect((await memberOf(w, w.ids.lender)).signer).to.equal(w.lender.address);
    });

    it("reverts with SignerTaken for another member's current signer", async () => {
      const w = view(await loadFixture(deployConsortium));
      await expect(w.members.connect(w.lender).rotateSigner(w.ids.lender, w.lender2.address))
        .to.be.revertedWithCustomError(w.members, E("SignerTaken"))
        .withArgs(w.lender2.address, w.ids.lender2);
      await w.members.suspend(w.ids.court);
      await expect(w.members.connect(w.lender).rotateSigner(w.ids.lender, w.court.address))
        .to.be.revertedWithCustomError(w.members, E("SignerTaken"))
        .withArgs(w.court.address, w.ids.court);
    });

    it("reverts with SignerTaken for the member's own rotated-away address (no rotating back)", async () => {
      const w = view(await loadFixture(deployConsortium));
      await w.members.connect(w.lender).rotateSigner(w.ids.lender, w.spare1.address);
      await expect(w.members.connect(w.spare1).rotateSigner(w.ids.lender, w.lender.address))
        .to.be.revertedWithCustomError(w.members, E("SignerTaken"))
        .withArgs(w.lender.address, w.ids.lender);
    });

    it("reverts with SignerTaken for another member's rotated-away address", async () => {
      const w = view(await loadFixture(deployConsortium));
      await w.members.connect(w.lender).rotateSigner(w.ids.lender, w.spare1.address);
      await expect(w.members.connect(w.agency).rotateSigner(w.ids.agency, w.lender.address))
        .to.be.revertedWithCustomError(w.members, E("SignerTaken"))
        .withArgs(w.lender.address, w.ids.lender);
    });

    it("reverts with SignerTaken for a removed member's address", async () => {
      const w = view(await loadFixture(deployConsortium));
      await w.members.remove(w.ids.lender2);
      await expect(w.members.connect(w.lender).rotateSigner(w.ids.lender, w.lender2.address))
        .to.be.revertedWithCustomError(w.members, E("SignerTaken"))
        .withArgs(w.lender2.address, w.ids.lender2);
    });

    it("rotating to the current signer reverts with NoChange(id) and changes nothing", async () => {
      const w = view(await loadFixture(deployConsortium));
      for (const caller of [w.lender]) {
        await expect(w.members.connect(caller).rotateSigner(w.ids.lender, w.lender.address))
          .to.be.revertedWithCustomError(w.members, E("NoChange"))
          .withArgs(w.ids.lender);
      }
      expect((await memberOf(w, w.ids.lender)).signer).to.equal(w.lender.address);
      expect(await w.members.requireActiveSigner(w.lender.address, Role.LENDER)).to.equal(BigInt(w.ids.lender));
    });

    it("reverts for a removed member: NotMemberKey for the operator, MemberNotActive for its signer and its recovery key", async () => {
      const w = view(await loadFixture(deployConsortium));
      await w.members.remove(w.ids.lender);
      await expect(w.members.connect(w.operator).rotateSigner(w.ids.lender, w.spare1.address))
        .to.be.revertedWithCustomError(w.members, E("NotMemberKey"))
        .withArgs(w.operator.address, w.ids.lender);
      for (const caller of [w.lender, w.recovery.lender]) {
        await expect(w.members.connect(caller).rotateSigner(w.ids.lender, w.spare1.address))
          .to.be.revertedWithCustomError(w.members, E("MemberNotActive"))
          .withArgs(w.ids.lender, MemberStatus.Removed);
      }
      expect(await w.members.memberIdOf(w.spare1.address)).to.equal(0n);
    });
  });

  describe("updateMetadata", () => {
    for (const by of ["the member"] as const) {
      it(`updates when called by ${by} and emits MemberMetadataUpdated(id, previous, new)`, async () => {
        const w = view(await loadFixture(deployConsortium));
        const caller = w.court;
        const before = await memberOf(w, w.ids.court);
        const next = w.meta("court v2");
        await expect(w.members.connect(caller).updateMetadata(w.ids.court, next))
          .to.emit(w.members, "MemberMetadataUpdated")
          .withArgs(w.ids.court, w.meta("court"), next);
        expect(await memberOf(w, w.ids.court)).to.deep.equal({ ...before, metadataHash: next });
        // and again, chaining the previous hash
        await expect(w.members.connect(caller).updateMetadata(w.ids.court, ZERO_HASH))
          .to.emit(w.members, "MemberMetadataUpdated")
          .withArgs(w.ids.court, next, ZERO_HASH);
        expect((await memberOf(w, w.ids.court)).metadataHash).to.equal(ZERO_HASH);
      });
    }

    it("a suspended member cannot update its own metadata, and the operator cannot update it at once", async () => {
      const w = view(await loadFixture(deployConsortium));
      await w.members.suspend(w.ids.court);
      await expect(w.members.connect(w.court).updateMetadata(w.ids.court, w.meta("x")))
        .to.be.revertedWithCustomError(w.members, E("MemberNotActive"))
        .withArgs(w.ids.court, MemberStatus.Suspended);
      await expect(w.members.connect(w.operator).updateMetadata(w.ids.court, w.meta("x")))
        .to.be.revertedWithCustomError(w.members, E("NotMemberSigner"))
        .withArgs(w.operator.address, w.ids.court);
      expect((await memberOf(w, w.ids.court)).metadataHash).to.equal(w.meta("court"));
    });

    it("reverts with NoChange for the same hash", async () => {
      const w = view(await loadFixture(deployConsortium));
      for (const caller of [w.court]) {
        await expect(w.members.connect(caller).updateMetadata(w.ids.court, w.meta("court")))
          .to.be.revertedWithCustomError(w.members, E("NoChange"))
          .withArgs(w.ids.court);
      }
    });

    it("reverts with NotMemberSigner for the operator, a stranger, another member and a retired signer", async () => {
      const w = view(await loadFixture(deployConsortium));
      for (const caller of [w.operator, w.stranger, w.lender, w.amc]) {
        await expect(w.members.connect(caller).updateMetadata(w.ids.court, w.meta("x")))
          .to.be.revertedWithCustomError(w.members, E("NotMemberSigner"))
          .withArgs(caller.address, w.ids.court);
      }
      await w.members.connect(w.court).rotateSigner(w.ids.court, w.spare1.address);
      await expect(w.members.connect(w.court).updateMetadata(w.ids.court, w.meta("x")))
        .to.be.revertedWithCustomError(w.members, E("NotMemberSigner"))
        .withArgs(w.court.address, w.ids.court);
    });

    it("reverts with UnknownMember for an id never admitted", async () => {
      const w = view(await loadFixture(deployConsortium));
      for (const id of [0, 7]) {
        await expect(w.members.updateMetadata(id, w.meta("x")))
          .to.be.revertedWithCustomError(w.members, E("UnknownMember"))
          .withArgs(id);
      }
    });

    it("reverts for a removed member: NotMemberSigner for the operator, MemberNotActive for its signer", async () => {
      const w = view(await loadFixture(deployConsortium));
      await w.members.remove(w.ids.court);
      await expect(w.members.connect(w.operator).updateMetadata(w.ids.court, w.meta("x")))
        .to.be.revertedWithCustomError(w.members, E("NotMemberSigner"))
        .withArgs(w.operator.address, w.ids.court);
      await expect(w.members.connect(w.court).updateMetadata(w.ids.court, w.meta("x")))
        .to.be.revertedWithCustomError(w.members, E("MemberNotActive"))
        .withArgs(w.ids.court, MemberStatus.Removed);
      expect((await memberOf(w, w.ids.court)).metadataHash).to.equal(w.meta("court"));
    });
  });
});
