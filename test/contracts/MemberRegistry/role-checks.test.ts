/** MemberRegistry: the role checks, for every role mask and query. Synthetic data only. */
import { expect } from "chai";
import { deployConsortium, loadFixture, Role, MemberStatus } from "../fixtures.js";
import { view, ALL, ANY, ROLE_QUERIES, E } from "./fixtures.js";

describe("MemberRegistry", () => {
  // -------------------------------------------------------------------------------------------------------
  // Role checks: isActive / requireActiveSigner / requireActiveMember for each role mask × each role query,
  // then for suspended and removed members, a retired signer and a stranger.
  // -------------------------------------------------------------------------------------------------------
  describe("role checks", () => {
    for (let roles = 1; roles <= ALL; roles++) {
      it(`an active member with roles 0b${roles.toString(2).padStart(4, "0")} passes exactly the queries it covers`, async () => {
        const w = view(await loadFixture(deployConsortium));
        await w.members.admit(w.spare1.address, w.spareRecovery1.address, roles, w.meta("role-check"));
        const id = 7;
        for (const q of ROLE_QUERIES) {
          const holds = (roles & q) === q;
          expect(await w.members.isActive(id, q), `isActive(${id}, ${q})`).to.equal(holds);
          if (holds) {
            expect(await w.members.requireActiveSigner(w.spare1.address, q)).to.equal(BigInt(id));
            await w.members.requireActiveMember(id, q);
          } else {
            await expect(w.members.requireActiveSigner(w.spare1.address, q))
              .to.be.revertedWithCustomError(w.members, E("MissingRole"))
              .withArgs(id, q);
            await expect(w.members.requireActiveMember(id, q))
              .to.be.revertedWithCustomError(w.members, E("MissingRole"))
              .withArgs(id, q);
          }
        }
      });
    }

    for (const status of ["Suspended", "Removed"] as const) {
      it(`a ${status.toLowerCase()} member fails every query with MemberNotActive (status is checked before roles)`, async () => {
        const w = view(await loadFixture(deployConsortium));
        const id = w.ids.amc; // holds every role
        if (status === "Suspended") await w.members.suspend(id);
        else await w.members.remove(id);
        for (const q of ROLE_QUERIES) {
          expect(await w.members.isActive(id, q), `isActive(${id}, ${q})`).to.equal(false);
          await expect(w.members.requireActiveSigner(w.amc.address, q))
            .to.be.revertedWithCustomError(w.members, E("MemberNotActive"))
            .withArgs(id, MemberStatus[status]);
          await expect(w.members.requireActiveMember(id, q))
            .to.be.revertedWithCustomError(w.members, E("MemberNotActive"))
            .withArgs(id, MemberStatus[status]);
        }
      });
    }

    it("a retired signer fails every query with RetiredSigner, whatever the member's status", async () => {
      const w = view(await loadFixture(deployConsortium));
      const id = w.ids.amc;
      await w.members.connect(w.amc).rotateSigner(id, w.spare1.address);
      expect(await w.members.memberIdOf(w.amc.address)).to.equal(0n);
      for (const q of ROLE_QUERIES) {
        // The retired address resolves to no member, so an isActive lookup through memberIdOf is false...
        expect(await w.members.isActive(await w.members.memberIdOf(w.amc.address), q)).to.equal(false);
        // ...while the member itself, under its new signer, is still active.
        expect(await w.members.isActive(id, q)).to.equal((ALL & q) === q);
        await expect(w.members.requireActiveSigner(w.amc.address, q))
          .to.be.revertedWithCustomError(w.members, E("RetiredSigner"))
          .withArgs(w.amc.address, id);
      }
      await w.members.suspend(id);
      await expect(w.members.requireActiveSigner(w.amc.address, ANY))
        .to.be.revertedWithCustomError(w.members, E("RetiredSigner"))
        .withArgs(w.amc.address, id);
      await w.members.remove(id);
      await expect(w.members.requireActiveSigner(w.amc.address, ANY))
        .to.be.revertedWithCustomError(w.members, E("RetiredSigner"))
        .withArgs(w.amc.address, id);
    });

    it("a stranger fails every query with UnknownSigner", async () => {
      const w = view(await loadFixture(deployConsortium));
      expect(await w.members.memberIdOf(w.stranger.address)).to.equal(0n);
      for (const q of ROLE_QUERIES) {
        expect(await w.members.isActive(await w.members.memberIdOf(w.stranger.address), q)).to.equal(false);
        await expect(w.members.requireActiveSigner(w.stranger.address, q))
          .to.be.revertedWithCustomError(w.members, E("UnknownSigner"))
          .withArgs(w.stranger.address);
      }
    });

    it("a reinstated member passes again; a role taken away by setRoles fails again", async () => {
      const w = view(await loadFixture(deployConsortium));
      await w.members.suspend(w.ids.amc);
      await w.members.reinstate(w.ids.amc);
      for (const q of ROLE_QUERIES.filter((r) => r <= ALL)) {
        expect(await w.members.isActive(w.ids.amc, q)).to.equal(true);
        expect(await w.members.requireActiveSigner(w.amc.address, q)).to.equal(BigInt(w.ids.amc));
      }
      await w.members.setRoles(w.ids.amc, Role.LENDER | Role.AGENCY);
      expect(await w.members.isActive(w.ids.amc, Role.COURT)).to.equal(false);
      await expect(w.members.requireActiveSigner(w.amc.address, Role.COURT))
        .to.be.revertedWithCustomError(w.members, E("MissingRole"))
        .withArgs(w.ids.amc, Role.COURT);
    });
  });
});
