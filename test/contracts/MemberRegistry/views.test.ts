/** MemberRegistry: its views and the require-checks the other contracts call. Synthetic data only. */
import { expect } from "chai";
import { deployConsortium, loadFixture, Role, MemberStatus } from "../fixtures.js";
import { view, ZERO, ALL, ANY, E, memberOf, fixtureMembers } from "./fixtures.js";

describe("MemberRegistry", () => {
  describe("memberCount", () => {
    it("counts members ever admitted; suspend, remove and rotate do not change it", async () => {
      const w = view(await loadFixture(deployConsortium));
      expect(await w.members.memberCount()).to.equal(6n);
      await w.members.suspend(w.ids.lender);
      await w.members.remove(w.ids.lender2);
      await w.members.connect(w.agency).rotateSigner(w.ids.agency, w.spare1.address);
      expect(await w.members.memberCount()).to.equal(6n);
      await w.members.admit(w.spare2.address, w.spareRecovery1.address, Role.LENDER, w.meta("x"));
      expect(await w.members.memberCount()).to.equal(7n);
    });
  });

  describe("memberOf", () => {
    it("returns every fixture member as stored", async () => {
      const w = view(await loadFixture(deployConsortium));
      for (const m of fixtureMembers(w)) {
        expect(await memberOf(w, m.id)).to.deep.equal({
          signer: m.who.address,
          roles: m.roles,
          status: MemberStatus.Active,
          metadataHash: m.meta,
        });
      }
    });

    it("reverts with UnknownMember for ids never admitted", async () => {
      const w = view(await loadFixture(deployConsortium));
      for (const id of [0, 7, 1000, 2 ** 32 - 1]) {
        await expect(w.members.memberOf(id)).to.be.revertedWithCustomError(w.members, E("UnknownMember")).withArgs(id);
      }
    });
  });

  describe("memberIdOf", () => {
    it("maps current signers of active, suspended and removed members to their id", async () => {
      const w = view(await loadFixture(deployConsortium));
      await w.members.suspend(w.ids.agency);
      await w.members.remove(w.ids.court);
      for (const m of fixtureMembers(w)) {
        expect(await w.members.memberIdOf(m.who.address)).to.equal(BigInt(m.id));
      }
    });

    it("returns 0 for a stranger, the zero address, the operator account and a retired signer", async () => {
      const w = view(await loadFixture(deployConsortium));
      await w.members.connect(w.lender).rotateSigner(w.ids.lender, w.spare1.address);
      for (const a of [w.stranger.address, ZERO, w.operator.address, w.lender.address]) {
        expect(await w.members.memberIdOf(a)).to.equal(0n);
      }
    });
  });

  describe("isActive", () => {
    it("is true for an active member holding every bit of the role; ANY (0) is any active member", async () => {
      const w = view(await loadFixture(deployConsortium));
      for (const m of fixtureMembers(w)) {
        expect(await w.members.isActive(m.id, ANY)).to.equal(true);
        expect(await w.members.isActive(m.id, m.roles)).to.equal(true);
      }
      expect(await w.members.isActive(w.ids.lender, Role.AGENCY)).to.equal(false);
      expect(await w.members.isActive(w.ids.lender, Role.LENDER | Role.AGENCY)).to.equal(false);
      expect(await w.members.isActive(w.ids.amc, Role.LENDER | Role.COURT)).to.equal(true);
    });

    it("is false (and does not revert) for ids never admitted", async () => {
      const w = view(await loadFixture(deployConsortium));
      for (const id of [0, 7, 2 ** 32 - 1]) {
        for (const role of [ANY, Role.LENDER, ALL]) {
          expect(await w.members.isActive(id, role)).to.equal(false);
        }
      }
    });
  });

  describe("requireActiveSigner", () => {
    it("returns the member id of an active signer holding the role", async () => {
      const w = view(await loadFixture(deployConsortium));
      for (const m of fixtureMembers(w)) {
        expect(await w.members.requireActiveSigner(m.who.address, m.roles)).to.equal(BigInt(m.id));
        expect(await w.members.requireActiveSigner(m.who.address, ANY)).to.equal(BigInt(m.id));
      }
    });

    it("reverts with UnknownSigner for a stranger, the operator account and the zero address", async () => {
      const w = view(await loadFixture(deployConsortium));
      for (const a of [w.stranger.address, w.operator.address, ZERO]) {
        await expect(w.members.requireActiveSigner(a, ANY))
          .to.be.revertedWithCustomError(w.members, E("UnknownSigner"))
          .withArgs(a);
      }
    });

    it("reverts with RetiredSigner for a rotated-away address", async () => {
      const w = view(await loadFixture(deployConsortium));
      await w.members.connect(w.court).rotateSigner(w.ids.court, w.spare1.address);
      await expect(w.members.requireActiveSigner(w.court.address, Role.COURT))
        .to.be.revertedWithCustomError(w.members, E("RetiredSigner"))
        .withArgs(w.court.address, w.ids.court);
    });

    it("reverts with MemberNotActive(id, status) for suspended and removed members", async () => {
      const w = view(await loadFixture(deployConsortium));
      await w.members.suspend(w.ids.agency);
      await w.members.remove(w.ids.court);
      await expect(w.members.requireActiveSigner(w.agency.address, Role.AGENCY))
        .to.be.revertedWithCustomError(w.members, E("MemberNotActive"))
        .withArgs(w.ids.agency, MemberStatus.Suspended);
      await expect(w.members.requireActiveSigner(w.court.address, Role.COURT))
        .to.be.revertedWithCustomError(w.members, E("MemberNotActive"))
        .withArgs(w.ids.court, MemberStatus.Removed);
    });

    it("reverts with MissingRole(id, role) for an active member without the role", async () => {
      const w = view(await loadFixture(deployConsortium));
      await expect(w.members.requireActiveSigner(w.lender.address, Role.COURT))
        .to.be.revertedWithCustomError(w.members, E("MissingRole"))
        .withArgs(w.ids.lender, Role.COURT);
    });
  });

  describe("requireActiveMember", () => {
    it("passes for an active member holding the role", async () => {
      const w = view(await loadFixture(deployConsortium));
      for (const m of fixtureMembers(w)) {
        await w.members.requireActiveMember(m.id, m.roles);
        await w.members.requireActiveMember(m.id, ANY);
      }
    });

    it("reverts with UnknownMember for ids never admitted", async () => {
      const w = view(await loadFixture(deployConsortium));
      for (const id of [0, 7]) {
        await expect(w.members.requireActiveMember(id, ANY))
          .to.be.revertedWithCustomError(w.members, E("UnknownMember"))
          .withArgs(id);
      }
    });

    it("reverts with MemberNotActive(id, status) for suspended and removed members", async () => {
      const w = view(await loadFixture(deployConsortium));
      await w.members.suspend(w.ids.agency);
      await w.members.remove(w.ids.court);
      await expect(w.members.requireActiveMember(w.ids.agency, Role.AGENCY))
        .to.be.revertedWithCustomError(w.members, E("MemberNotActive"))
        .withArgs(w.ids.agency, MemberStatus.Suspended);
      await expect(w.members.requireActiveMember(w.ids.court, Role.COURT))
        .to.be.revertedWithCustomError(w.members, E("MemberNotActive"))
        .withArgs(w.ids.court, MemberStatus.Removed);
    });

    it("reverts with MissingRole(id, role) for an active member without the role", async () => {
      const w = view(await loadFixture(deployConsortium));
      await expect(w.members.requireActiveMember(w.ids.agency, Role.LENDER))
        .to.be.revertedWithCustomError(w.members, E("MissingRole"))
        .withArgs(w.ids.agency, Role.LENDER);
    });
  });
});
