/**
 * MemberRegistry: the constructor and the operator's membership functions (admit, setRoles, suspend, reinstate,
 * remove). Synthetic data only.
 */
import { expect } from "chai";
import { deployConsortium, loadFixture, ethers, key, Role, MemberStatus } from "../fixtures.js";
import {
  type RegistryApi,
  view,
  type World,
  ZERO,
  ALL,
  ANY,
  OUTSIDE_ROLES,
  address,
  E,
  memberOf,
  fixtureMembers,
} from "./fixtures.js";

describe("MemberRegistry", () => {
  describe("constructor", () => {
    it("sets the initial operator and emits OperatorTransferred(0, operator)", async () => {
      const w = view(await loadFixture(deployConsortium));
      const registry = await ethers.deployContract("MemberRegistry", [w.spare1.address]);
      await expect(registry.deploymentTransaction())
        .to.emit(registry, "OperatorTransferred")
        .withArgs(ZERO, w.spare1.address);
      const r = registry as unknown as RegistryApi;
      expect(await r.operator()).to.equal(w.spare1.address);
      expect(await r.pendingOperator()).to.equal(ZERO);
      expect(await r.memberCount()).to.equal(0n);
    });

    it("the fixture's registry is run by the fixture's operator", async () => {
      const w = view(await loadFixture(deployConsortium));
      expect(await w.members.operator()).to.equal(w.operator.address);
      expect(await w.members.pendingOperator()).to.equal(ZERO);
    });

    it("reverts with ZeroAddress for a zero initial operator", async () => {
      await loadFixture(deployConsortium);
      const factory = await ethers.getContractFactory("MemberRegistry");
      await expect(factory.deploy(ZERO)).to.be.revertedWithCustomError(factory, E("ZeroAddress")).withArgs();
    });
  });

  describe("admit", () => {
    it("admits with the next id, emits MemberAdmitted and stores the member", async () => {
      const w = view(await loadFixture(deployConsortium));
      const roles = Role.LENDER | Role.AGENCY;
      const meta = w.meta("new member");
      expect(await w.members.admit.staticCall(w.spare1.address, w.spareRecovery1.address, roles, meta)).to.equal(7n);
      await expect(w.members.admit(w.spare1.address, w.spareRecovery1.address, roles, meta))
        .to.emit(w.members, "MemberAdmitted")
        .withArgs(7, w.spare1.address, roles, meta);
      expect(await w.members.memberCount()).to.equal(7n);
      expect(await memberOf(w, 7)).to.deep.equal({
        signer: w.spare1.address,
        roles,
        status: MemberStatus.Active,
        metadataHash: meta,
      });
      expect(await w.members.memberIdOf(w.spare1.address)).to.equal(7n);
      expect(await w.members.isActive(7, roles)).to.equal(true);
      expect(await w.members.requireActiveSigner(w.spare1.address, roles)).to.equal(7n);
    });

    it("assigns ids sequentially from 1", async () => {
      const w = view(await loadFixture(deployConsortium));
      for (const m of fixtureMembers(w)) {
        expect(await w.members.memberIdOf(m.who.address)).to.equal(BigInt(m.id));
      }
      await expect(w.members.admit(w.spare1.address, w.spareRecovery1.address, Role.COURT, w.meta("a")))
        .to.emit(w.members, "MemberAdmitted")
        .withArgs(7, w.spare1.address, Role.COURT, w.meta("a"));
      await expect(w.members.admit(w.spare2.address, w.spareRecovery2.address, Role.AGENCY, w.meta("b")))
        .to.emit(w.members, "MemberAdmitted")
        .withArgs(8, w.spare2.address, Role.AGENCY, w.meta("b"));
      expect(await w.members.memberCount()).to.equal(8n);
    });

    it("accepts every valid role mask (1..63)", async () => {
      const w = view(await loadFixture(deployConsortium));
      for (let roles = 1; roles <= ALL; roles++) {
        const signer = address("mask", roles);
        const id = 6 + roles;
        await expect(w.members.admit(signer, address("mask recovery", roles), roles, key("meta", roles)))
          .to.emit(w.members, "MemberAdmitted")
          .withArgs(id, signer, roles, key("meta", roles));
        expect((await memberOf(w, id)).roles).to.equal(roles);
      }
      expect(await w.members.memberCount()).to.equal(BigInt(6 + ALL));
    });

    for (const [who, pick] of [
      ["a stranger", (w: World) => w.stranger],
      ["a member", (w: World) => w.lender],
      ["a member holding the OPERATOR role bit", (w: World) => w.amc],
    ] as const) {
      it(`reverts with NotOperator when called by ${who}`, async () => {
        const w = view(await loadFixture(deployConsortium));
        const caller = pick(w);
        await expect(w.members.connect(caller).admit(w.spare1.address, w.spareRecovery1.address, Role.LENDER, w.meta("x")))
          .to.be.revertedWithCustomError(w.members, E("NotOperator"))
          .withArgs(caller.address);
        expect(await w.members.memberCount()).to.equal(6n);
      });
    }

    for (const roles of [0, ...OUTSIDE_ROLES]) {
      it(`reverts with InvalidRoles(${roles}) for roles 0x${roles.toString(16).padStart(2, "0")}`, async () => {
        const w = view(await loadFixture(deployConsortium));
        await expect(w.members.admit(w.spare1.address, w.spareRecovery1.address, roles, w.meta("x")))
          .to.be.revertedWithCustomError(w.members, E("InvalidRoles"))
          .withArgs(roles);
        expect(await w.members.memberCount()).to.equal(6n);
        expect(await w.members.memberIdOf(w.spare1.address)).to.equal(0n);
      });
    }

    it("reverts with ZeroAddress for the zero signer", async () => {
      const w = view(await loadFixture(deployConsortium));
      await expect(w.members.admit(ZERO, w.spareRecovery1.address, Role.LENDER, w.meta("x")))
        .to.be.revertedWithCustomError(w.members, E("ZeroAddress"))
        .withArgs();
      expect(await w.members.memberCount()).to.equal(6n);
    });

    it("checks the roles before the signer", async () => {
      const w = view(await loadFixture(deployConsortium));
      await expect(w.members.admit(ZERO, w.spareRecovery1.address, 0, w.meta("x")))
        .to.be.revertedWithCustomError(w.members, E("InvalidRoles"))
        .withArgs(0);
    });

    it("reverts with SignerTaken for the current signer of an active member", async () => {
      const w = view(await loadFixture(deployConsortium));
      for (const m of fixtureMembers(w)) {
        await expect(w.members.admit(m.who.address, w.spareRecovery1.address, Role.COURT, w.meta("x")))
          .to.be.revertedWithCustomError(w.members, E("SignerTaken"))
          .withArgs(m.who.address, m.id);
      }
      expect(await w.members.memberCount()).to.equal(6n);
    });

    it("reverts with SignerTaken for the signer of a suspended member", async () => {
      const w = view(await loadFixture(deployConsortium));
      await w.members.suspend(w.ids.agency);
      await expect(w.members.admit(w.agency.address, w.spareRecovery1.address, Role.AGENCY, w.meta("x")))
        .to.be.revertedWithCustomError(w.members, E("SignerTaken"))
        .withArgs(w.agency.address, w.ids.agency);
    });

    it("reverts with SignerTaken for a rotated-away (retired) signer", async () => {
      const w = view(await loadFixture(deployConsortium));
      await w.members.connect(w.lender).rotateSigner(w.ids.lender, w.spare1.address);
      await expect(w.members.admit(w.lender.address, w.spareRecovery1.address, Role.LENDER, w.meta("x")))
        .to.be.revertedWithCustomError(w.members, E("SignerTaken"))
        .withArgs(w.lender.address, w.ids.lender);
    });

    it("reverts with SignerTaken for the signer of a removed member", async () => {
      const w = view(await loadFixture(deployConsortium));
      await w.members.remove(w.ids.court);
      await expect(w.members.admit(w.court.address, w.spareRecovery1.address, Role.COURT, w.meta("x")))
        .to.be.revertedWithCustomError(w.members, E("SignerTaken"))
        .withArgs(w.court.address, w.ids.court);
      expect(await w.members.memberCount()).to.equal(6n);
    });
  });

  describe("setRoles", () => {
    it("replaces the roles, emits MemberRolesChanged(id, previous, roles) and leaves the rest alone", async () => {
      const w = view(await loadFixture(deployConsortium));
      const before = await memberOf(w, w.ids.lender);
      await expect(w.members.setRoles(w.ids.lender, Role.LENDER | Role.AGENCY))
        .to.emit(w.members, "MemberRolesChanged")
        .withArgs(w.ids.lender, Role.LENDER, Role.LENDER | Role.AGENCY);
      expect(await memberOf(w, w.ids.lender)).to.deep.equal({ ...before, roles: Role.LENDER | Role.AGENCY });
      expect(await w.members.isActive(w.ids.lender, Role.AGENCY)).to.equal(true);
      // ...and can take a role away again.
      await expect(w.members.setRoles(w.ids.lender, Role.AGENCY))
        .to.emit(w.members, "MemberRolesChanged")
        .withArgs(w.ids.lender, Role.LENDER | Role.AGENCY, Role.AGENCY);
      expect(await w.members.isActive(w.ids.lender, Role.LENDER)).to.equal(false);
      await expect(w.members.requireActiveSigner(w.lender.address, Role.LENDER))
        .to.be.revertedWithCustomError(w.members, E("MissingRole"))
        .withArgs(w.ids.lender, Role.LENDER);
    });

    it("works on a suspended member and keeps it suspended", async () => {
      const w = view(await loadFixture(deployConsortium));
      await w.members.suspend(w.ids.agency);
      await expect(w.members.setRoles(w.ids.agency, ALL))
        .to.emit(w.members, "MemberRolesChanged")
        .withArgs(w.ids.agency, Role.AGENCY, ALL);
      const m = await memberOf(w, w.ids.agency);
      expect(m.roles).to.equal(ALL);
      expect(m.status).to.equal(MemberStatus.Suspended);
    });

    it("reverts with NotOperator for a stranger and for the member itself", async () => {
      const w = view(await loadFixture(deployConsortium));
      for (const caller of [w.stranger, w.lender, w.amc]) {
        await expect(w.members.connect(caller).setRoles(w.ids.lender, ALL))
          .to.be.revertedWithCustomError(w.members, E("NotOperator"))
          .withArgs(caller.address);
      }
    });

    it("reverts with UnknownMember for an id never admitted", async () => {
      const w = view(await loadFixture(deployConsortium));
      for (const id of [0, 7, 2 ** 32 - 1]) {
        await expect(w.members.setRoles(id, Role.LENDER))
          .to.be.revertedWithCustomError(w.members, E("UnknownMember"))
          .withArgs(id);
      }
    });

    it("reverts with InvalidRoles for 0 and for bits outside 0x3f", async () => {
      const w = view(await loadFixture(deployConsortium));
      for (const roles of [0, ...OUTSIDE_ROLES]) {
        await expect(w.members.setRoles(w.ids.lender, roles))
          .to.be.revertedWithCustomError(w.members, E("InvalidRoles"))
          .withArgs(roles);
      }
      expect((await memberOf(w, w.ids.lender)).roles).to.equal(Role.LENDER);
    });

    it("reverts with NoChange when the roles are the same", async () => {
      const w = view(await loadFixture(deployConsortium));
      for (const m of fixtureMembers(w)) {
        await expect(w.members.setRoles(m.id, m.roles))
          .to.be.revertedWithCustomError(w.members, E("NoChange"))
          .withArgs(m.id);
      }
    });

    it("reverts with InvalidStatusChange(id, Removed) for a removed member", async () => {
      const w = view(await loadFixture(deployConsortium));
      await w.members.remove(w.ids.lender);
      await expect(w.members.setRoles(w.ids.lender, ALL))
        .to.be.revertedWithCustomError(w.members, E("InvalidStatusChange"))
        .withArgs(w.ids.lender, MemberStatus.Removed);
    });
  });

  describe("suspend", () => {
    it("suspends an active member, emits MemberSuspended and keeps everything else", async () => {
      const w = view(await loadFixture(deployConsortium));
      const before = await memberOf(w, w.ids.agency);
      await expect(w.members.suspend(w.ids.agency)).to.emit(w.members, "MemberSuspended").withArgs(w.ids.agency);
      expect(await memberOf(w, w.ids.agency)).to.deep.equal({ ...before, status: MemberStatus.Suspended });
      expect(await w.members.memberIdOf(w.agency.address)).to.equal(BigInt(w.ids.agency));
      expect(await w.members.isActive(w.ids.agency, Role.AGENCY)).to.equal(false);
      expect(await w.members.memberCount()).to.equal(6n);
    });

    it("reverts with NotOperator for a stranger and for members", async () => {
      const w = view(await loadFixture(deployConsortium));
      for (const caller of [w.stranger, w.agency, w.amc]) {
        await expect(w.members.connect(caller).suspend(w.ids.agency))
          .to.be.revertedWithCustomError(w.members, E("NotOperator"))
          .withArgs(caller.address);
      }
    });

    it("reverts with UnknownMember for an id never admitted", async () => {
      const w = view(await loadFixture(deployConsortium));
      for (const id of [0, 7]) {
        await expect(w.members.suspend(id)).to.be.revertedWithCustomError(w.members, E("UnknownMember")).withArgs(id);
      }
    });

    it("reverts with InvalidStatusChange for a suspended or removed member", async () => {
      const w = view(await loadFixture(deployConsortium));
      await w.members.suspend(w.ids.agency);
      await expect(w.members.suspend(w.ids.agency))
        .to.be.revertedWithCustomError(w.members, E("InvalidStatusChange"))
        .withArgs(w.ids.agency, MemberStatus.Suspended);
      await w.members.remove(w.ids.court);
      await expect(w.members.suspend(w.ids.court))
        .to.be.revertedWithCustomError(w.members, E("InvalidStatusChange"))
        .withArgs(w.ids.court, MemberStatus.Removed);
    });
  });

  describe("reinstate", () => {
    it("reinstates a suspended member and emits MemberReinstated", async () => {
      const w = view(await loadFixture(deployConsortium));
      const before = await memberOf(w, w.ids.agency);
      await w.members.suspend(w.ids.agency);
      await expect(w.members.reinstate(w.ids.agency)).to.emit(w.members, "MemberReinstated").withArgs(w.ids.agency);
      expect(await memberOf(w, w.ids.agency)).to.deep.equal(before);
      expect(await w.members.isActive(w.ids.agency, Role.AGENCY)).to.equal(true);
      expect(await w.members.requireActiveSigner(w.agency.address, Role.AGENCY)).to.equal(BigInt(w.ids.agency));
    });

    it("can suspend and reinstate repeatedly", async () => {
      const w = view(await loadFixture(deployConsortium));
      for (let i = 0; i < 3; i++) {
        await expect(w.members.suspend(w.ids.court)).to.emit(w.members, "MemberSuspended").withArgs(w.ids.court);
        await expect(w.members.reinstate(w.ids.court)).to.emit(w.members, "MemberReinstated").withArgs(w.ids.court);
      }
      expect((await memberOf(w, w.ids.court)).status).to.equal(MemberStatus.Active);
    });

    it("reverts with NotOperator for a stranger and for the suspended member itself", async () => {
      const w = view(await loadFixture(deployConsortium));
      await w.members.suspend(w.ids.agency);
      for (const caller of [w.stranger, w.agency, w.amc]) {
        await expect(w.members.connect(caller).reinstate(w.ids.agency))
          .to.be.revertedWithCustomError(w.members, E("NotOperator"))
          .withArgs(caller.address);
      }
    });

    it("reverts with UnknownMember for an id never admitted", async () => {
      const w = view(await loadFixture(deployConsortium));
      for (const id of [0, 7]) {
        await expect(w.members.reinstate(id)).to.be.revertedWithCustomError(w.members, E("UnknownMember")).withArgs(id);
      }
    });

    it("reverts with InvalidStatusChange for an active or removed member", async () => {
      const w = view(await loadFixture(deployConsortium));
      await expect(w.members.reinstate(w.ids.agency))
        .to.be.revertedWithCustomError(w.members, E("InvalidStatusChange"))
        .withArgs(w.ids.agency, MemberStatus.Active);
      await w.members.suspend(w.ids.court);
      await w.members.remove(w.ids.court);
      await expect(w.members.reinstate(w.ids.court))
        .to.be.revertedWithCustomError(w.members, E("InvalidStatusChange"))
        .withArgs(w.ids.court, MemberStatus.Removed);
    });
  });

  describe("remove", () => {
    it("removes an active member for good; its id, signer, roles and metadata stay", async () => {
      const w = view(await loadFixture(deployConsortium));
      const before = await memberOf(w, w.ids.lender2);
      await expect(w.members.remove(w.ids.lender2)).to.emit(w.members, "MemberRemoved").withArgs(w.ids.lender2);
      expect(await memberOf(w, w.ids.lender2)).to.deep.equal({ ...before, status: MemberStatus.Removed });
      expect(await w.members.memberCount()).to.equal(6n);
      expect(await w.members.memberIdOf(w.lender2.address)).to.equal(BigInt(w.ids.lender2));
      expect(await w.members.isActive(w.ids.lender2, ANY)).to.equal(false);
    });

    it("removes a suspended member", async () => {
      const w = view(await loadFixture(deployConsortium));
      await w.members.suspend(w.ids.lender2);
      await expect(w.members.remove(w.ids.lender2)).to.emit(w.members, "MemberRemoved").withArgs(w.ids.lender2);
      expect((await memberOf(w, w.ids.lender2)).status).to.equal(MemberStatus.Removed);
    });

    it("reverts with NotOperator for a stranger and for members", async () => {
      const w = view(await loadFixture(deployConsortium));
      for (const caller of [w.stranger, w.lender2, w.amc]) {
        await expect(w.members.connect(caller).remove(w.ids.lender2))
          .to.be.revertedWithCustomError(w.members, E("NotOperator"))
          .withArgs(caller.address);
      }
    });

    it("reverts with UnknownMember for an id never admitted", async () => {
      const w = view(await loadFixture(deployConsortium));
      for (const id of [0, 7]) {
        await expect(w.members.remove(id)).to.be.revertedWithCustomError(w.members, E("UnknownMember")).withArgs(id);
      }
    });

    it("reverts with InvalidStatusChange(id, Removed) the second time", async () => {
      const w = view(await loadFixture(deployConsortium));
      await w.members.remove(w.ids.lender2);
      await expect(w.members.remove(w.ids.lender2))
        .to.be.revertedWithCustomError(w.members, E("InvalidStatusChange"))
        .withArgs(w.ids.lender2, MemberStatus.Removed);
    });
  });
});
