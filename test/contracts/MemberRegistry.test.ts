import { expect } from "chai";
import type { BaseContractMethod, ContractRunner, ContractTransactionResponse, Interface } from "ethers";
import { deployConsortium, loadFixture, ethers, key, keys, now, DAY, Role, MemberStatus } from "./fixtures.js";
import type { Consortium } from "./fixtures.js";

/**
 * MemberRegistry: every external function, every custom error with its exact arguments, the member status
 * machine walked as a table, the role checks the other contracts rely on, and the effect of a suspension or
 * removal on CaseRegistry and EvidenceRegistry. All data is synthetic.
 */

// ---------------------------------------------------------------------------------------------------------
// Typed views of the fixture. The contracts come out of hardhat-ethers untyped (no typechain), so each test
// wraps its fixture in `view(...)`, which names the methods it calls and checks the signers are present.
// ---------------------------------------------------------------------------------------------------------

type Api<K extends string> = { readonly [P in K]: BaseContractMethod } & {
  connect(runner: ContractRunner | null): Api<K>;
  getAddress(): Promise<string>;
  readonly interface: Interface;
};

type RegistryApi = Api<
  | "admit"
  | "setRoles"
  | "suspend"
  | "reinstate"
  | "remove"
  | "rotateSigner"
  | "updateMetadata"
  | "transferOperator"
  | "acceptOperator"
  | "operator"
  | "pendingOperator"
  | "memberCount"
  | "memberOf"
  | "memberIdOf"
  | "isActive"
  | "requireActiveSigner"
  | "requireActiveMember"
>;
type CaseApi = Api<"registerAndAssign" | "accept" | "isAssignedTo">;
type EvidenceApi = Api<"anchor" | "recordVerification">;

function must<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined) throw new Error(`fixture: ${what} is missing`);
  return value;
}

function view(c: Consortium) {
  return {
    members: c.memberRegistry as unknown as RegistryApi,
    cases: c.caseRegistry as unknown as CaseApi,
    evidence: c.evidenceRegistry as unknown as EvidenceApi,
    operator: must(c.operator, "operator"),
    lender: must(c.lender, "lender"),
    lender2: must(c.lender2, "lender2"),
    agency: must(c.agency, "agency"),
    agency2: must(c.agency2, "agency2"),
    court: must(c.court, "court"),
    amc: must(c.amc, "amc"),
    stranger: must(c.stranger, "stranger"),
    spare1: must(c.spare1, "spare1"),
    spare2: must(c.spare2, "spare2"),
    ids: c.ids,
    meta: c.meta,
  };
}
type World = ReturnType<typeof view>;
type Account = World["operator"];

// ---------------------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------------------

const ZERO = ethers.ZeroAddress;
const ZERO_HASH = ethers.ZeroHash;
const ALL = Role.LENDER | Role.AGENCY | Role.COURT | Role.OPERATOR;
const ANY = 0;
/** Every role query of interest: ANY, each bit and each combination of the four, and bits outside them. */
const ROLE_QUERIES = [...Array.from({ length: 16 }, (_, i) => i), 0x10, 0x11, 0x80, 0xff];
const OUTSIDE_ROLES = [0x10, 0x20, 0x40, 0x80, 0x1f, 0x18, 0xf0, 0xff];
const STATUS_NAME: Record<string, string> = { "0": "None", "1": "Active", "2": "Suspended", "3": "Removed" };

/** A deterministic address that no test account holds (for admits that never transact). */
function address(label: string, i = 0): string {
  return ethers.getAddress(ethers.dataSlice(key(`address/${label}`, i), 12));
}

const E = (name: string) => `MemberRegistry${name}`;

interface StoredMember {
  signer: string;
  roles: number;
  status: bigint;
  metadataHash: string;
}

async function memberOf(w: World, id: number): Promise<StoredMember> {
  const m = await w.members.memberOf(id);
  return { signer: m[0] as string, roles: Number(m[1]), status: BigInt(m[2]), metadataHash: m[3] as string };
}

/** What the fixture admitted (see deployConsortium). */
function fixtureMembers(w: World): Array<{ id: number; who: Account; roles: number; meta: string }> {
  return [
    { id: w.ids.lender, who: w.lender, roles: Role.LENDER, meta: w.meta("lender") },
    { id: w.ids.lender2, who: w.lender2, roles: Role.LENDER, meta: w.meta("lender2") },
    { id: w.ids.agency, who: w.agency, roles: Role.AGENCY, meta: w.meta("agency") },
    { id: w.ids.agency2, who: w.agency2, roles: Role.AGENCY, meta: w.meta("agency2") },
    { id: w.ids.court, who: w.court, roles: Role.COURT, meta: w.meta("court") },
    { id: w.ids.amc, who: w.amc, roles: ALL, meta: w.meta("amc") },
  ];
}

/** Leaf hash of RFC 6962: SHA-256(0x00 ‖ record). A one-leaf tree has this as its root. */
function leafHash(record: string): string {
  return ethers.sha256(ethers.concat(["0x00", ethers.toUtf8Bytes(record)]));
}

// ---------------------------------------------------------------------------------------------------------

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
      expect(await w.members.admit.staticCall(w.spare1.address, roles, meta)).to.equal(7n);
      await expect(w.members.admit(w.spare1.address, roles, meta))
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
      await expect(w.members.admit(w.spare1.address, Role.COURT, w.meta("a")))
        .to.emit(w.members, "MemberAdmitted")
        .withArgs(7, w.spare1.address, Role.COURT, w.meta("a"));
      await expect(w.members.admit(w.spare2.address, Role.AGENCY, w.meta("b")))
        .to.emit(w.members, "MemberAdmitted")
        .withArgs(8, w.spare2.address, Role.AGENCY, w.meta("b"));
      expect(await w.members.memberCount()).to.equal(8n);
    });

    it("accepts every valid role mask (1..15)", async () => {
      const w = view(await loadFixture(deployConsortium));
      for (let roles = 1; roles <= ALL; roles++) {
        const signer = address("mask", roles);
        const id = 6 + roles;
        await expect(w.members.admit(signer, roles, key("meta", roles)))
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
        await expect(w.members.connect(caller).admit(w.spare1.address, Role.LENDER, w.meta("x")))
          .to.be.revertedWithCustomError(w.members, E("NotOperator"))
          .withArgs(caller.address);
        expect(await w.members.memberCount()).to.equal(6n);
      });
    }

    for (const roles of [0, ...OUTSIDE_ROLES]) {
      it(`reverts with InvalidRoles(${roles}) for roles 0x${roles.toString(16).padStart(2, "0")}`, async () => {
        const w = view(await loadFixture(deployConsortium));
        await expect(w.members.admit(w.spare1.address, roles, w.meta("x")))
          .to.be.revertedWithCustomError(w.members, E("InvalidRoles"))
          .withArgs(roles);
        expect(await w.members.memberCount()).to.equal(6n);
        expect(await w.members.memberIdOf(w.spare1.address)).to.equal(0n);
      });
    }

    it("reverts with ZeroAddress for the zero signer", async () => {
      const w = view(await loadFixture(deployConsortium));
      await expect(w.members.admit(ZERO, Role.LENDER, w.meta("x")))
        .to.be.revertedWithCustomError(w.members, E("ZeroAddress"))
        .withArgs();
      expect(await w.members.memberCount()).to.equal(6n);
    });

    it("checks the roles before the signer", async () => {
      const w = view(await loadFixture(deployConsortium));
      await expect(w.members.admit(ZERO, 0, w.meta("x")))
        .to.be.revertedWithCustomError(w.members, E("InvalidRoles"))
        .withArgs(0);
    });

    it("reverts with SignerTaken for the current signer of an active member", async () => {
      const w = view(await loadFixture(deployConsortium));
      for (const m of fixtureMembers(w)) {
        await expect(w.members.admit(m.who.address, Role.COURT, w.meta("x")))
          .to.be.revertedWithCustomError(w.members, E("SignerTaken"))
          .withArgs(m.who.address, m.id);
      }
      expect(await w.members.memberCount()).to.equal(6n);
    });

    it("reverts with SignerTaken for the signer of a suspended member", async () => {
      const w = view(await loadFixture(deployConsortium));
      await w.members.suspend(w.ids.agency);
      await expect(w.members.admit(w.agency.address, Role.AGENCY, w.meta("x")))
        .to.be.revertedWithCustomError(w.members, E("SignerTaken"))
        .withArgs(w.agency.address, w.ids.agency);
    });

    it("reverts with SignerTaken for a rotated-away (retired) signer", async () => {
      const w = view(await loadFixture(deployConsortium));
      await w.members.connect(w.lender).rotateSigner(w.ids.lender, w.spare1.address);
      await expect(w.members.admit(w.lender.address, Role.LENDER, w.meta("x")))
        .to.be.revertedWithCustomError(w.members, E("SignerTaken"))
        .withArgs(w.lender.address, w.ids.lender);
    });

    it("reverts with SignerTaken for the signer of a removed member", async () => {
      const w = view(await loadFixture(deployConsortium));
      await w.members.remove(w.ids.court);
      await expect(w.members.admit(w.court.address, Role.COURT, w.meta("x")))
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

    it("reverts with InvalidRoles for 0 and for bits outside 0x0f", async () => {
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

  describe("rotateSigner", () => {
    for (const by of ["the member's current signer", "the operator (lost key)"] as const) {
      it(`rotates when called by ${by}; the old address is retired`, async () => {
        const w = view(await loadFixture(deployConsortium));
        const caller = by === "the operator (lost key)" ? w.operator : w.lender;
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
        .to.be.revertedWithCustomError(w.members, E("NotOperatorOrMember"))
        .withArgs(w.lender.address, w.ids.lender);
      await expect(w.members.connect(w.lender).rotateSigner(w.ids.lender, w.spare2.address))
        .to.be.revertedWithCustomError(w.members, E("NotOperatorOrMember"))
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

    it("a suspended member cannot rotate its own key (a stolen key stays stuck); the operator can, and it stays suspended", async () => {
      const w = view(await loadFixture(deployConsortium));
      await w.members.suspend(w.ids.agency);
      await expect(w.members.connect(w.agency).rotateSigner(w.ids.agency, w.spare1.address))
        .to.be.revertedWithCustomError(w.members, E("MemberNotActive"))
        .withArgs(w.ids.agency, MemberStatus.Suspended);
      expect(await w.members.memberIdOf(w.spare1.address)).to.equal(0n);
      await expect(w.members.rotateSigner(w.ids.agency, w.spare1.address))
        .to.emit(w.members, "MemberSignerRotated")
        .withArgs(w.ids.agency, w.agency.address, w.spare1.address);
      await expect(w.members.connect(w.spare1).rotateSigner(w.ids.agency, w.spare2.address))
        .to.be.revertedWithCustomError(w.members, E("MemberNotActive"))
        .withArgs(w.ids.agency, MemberStatus.Suspended);
      const m = await memberOf(w, w.ids.agency);
      expect(m.signer).to.equal(w.spare1.address);
      expect(m.status).to.equal(MemberStatus.Suspended);
      await expect(w.members.requireActiveSigner(w.spare1.address, Role.AGENCY))
        .to.be.revertedWithCustomError(w.members, E("MemberNotActive"))
        .withArgs(w.ids.agency, MemberStatus.Suspended);
    });

    it("reverts with NotOperatorOrMember for a stranger, another member and a retired signer", async () => {
      const w = view(await loadFixture(deployConsortium));
      for (const caller of [w.stranger, w.lender2, w.amc]) {
        await expect(w.members.connect(caller).rotateSigner(w.ids.lender, w.spare1.address))
          .to.be.revertedWithCustomError(w.members, E("NotOperatorOrMember"))
          .withArgs(caller.address, w.ids.lender);
      }
      await w.members.rotateSigner(w.ids.lender, w.spare2.address);
      await expect(w.members.connect(w.lender).rotateSigner(w.ids.lender, w.spare1.address))
        .to.be.revertedWithCustomError(w.members, E("NotOperatorOrMember"))
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
      for (const caller of [w.operator, w.lender]) {
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
      await expect(w.members.rotateSigner(w.ids.lender, w.court.address))
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
      await expect(w.members.rotateSigner(w.ids.lender, w.lender2.address))
        .to.be.revertedWithCustomError(w.members, E("SignerTaken"))
        .withArgs(w.lender2.address, w.ids.lender2);
    });

    it("rotating to the current signer reverts with NoChange(id) and changes nothing", async () => {
      const w = view(await loadFixture(deployConsortium));
      for (const caller of [w.lender, w.operator]) {
        await expect(w.members.connect(caller).rotateSigner(w.ids.lender, w.lender.address))
          .to.be.revertedWithCustomError(w.members, E("NoChange"))
          .withArgs(w.ids.lender);
      }
      expect((await memberOf(w, w.ids.lender)).signer).to.equal(w.lender.address);
      expect(await w.members.requireActiveSigner(w.lender.address, Role.LENDER)).to.equal(BigInt(w.ids.lender));
    });

    it("reverts for a removed member: InvalidStatusChange for the operator, MemberNotActive for its signer", async () => {
      const w = view(await loadFixture(deployConsortium));
      await w.members.remove(w.ids.lender);
      await expect(w.members.connect(w.operator).rotateSigner(w.ids.lender, w.spare1.address))
        .to.be.revertedWithCustomError(w.members, E("InvalidStatusChange"))
        .withArgs(w.ids.lender, MemberStatus.Removed);
      await expect(w.members.connect(w.lender).rotateSigner(w.ids.lender, w.spare1.address))
        .to.be.revertedWithCustomError(w.members, E("MemberNotActive"))
        .withArgs(w.ids.lender, MemberStatus.Removed);
      expect(await w.members.memberIdOf(w.spare1.address)).to.equal(0n);
    });
  });

  describe("updateMetadata", () => {
    for (const by of ["the member", "the operator"] as const) {
      it(`updates when called by ${by} and emits MemberMetadataUpdated(id, previous, new)`, async () => {
        const w = view(await loadFixture(deployConsortium));
        const caller = by === "the operator" ? w.operator : w.court;
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

    it("a suspended member cannot update its own metadata; the operator can, and it stays suspended", async () => {
      const w = view(await loadFixture(deployConsortium));
      await w.members.suspend(w.ids.court);
      await expect(w.members.connect(w.court).updateMetadata(w.ids.court, w.meta("x")))
        .to.be.revertedWithCustomError(w.members, E("MemberNotActive"))
        .withArgs(w.ids.court, MemberStatus.Suspended);
      await expect(w.members.connect(w.operator).updateMetadata(w.ids.court, w.meta("x")))
        .to.emit(w.members, "MemberMetadataUpdated")
        .withArgs(w.ids.court, w.meta("court"), w.meta("x"));
      expect((await memberOf(w, w.ids.court)).status).to.equal(MemberStatus.Suspended);
    });

    it("reverts with NoChange for the same hash", async () => {
      const w = view(await loadFixture(deployConsortium));
      for (const caller of [w.operator, w.court]) {
        await expect(w.members.connect(caller).updateMetadata(w.ids.court, w.meta("court")))
          .to.be.revertedWithCustomError(w.members, E("NoChange"))
          .withArgs(w.ids.court);
      }
    });

    it("reverts with NotOperatorOrMember for a stranger, another member and a retired signer", async () => {
      const w = view(await loadFixture(deployConsortium));
      for (const caller of [w.stranger, w.lender, w.amc]) {
        await expect(w.members.connect(caller).updateMetadata(w.ids.court, w.meta("x")))
          .to.be.revertedWithCustomError(w.members, E("NotOperatorOrMember"))
          .withArgs(caller.address, w.ids.court);
      }
      await w.members.rotateSigner(w.ids.court, w.spare1.address);
      await expect(w.members.connect(w.court).updateMetadata(w.ids.court, w.meta("x")))
        .to.be.revertedWithCustomError(w.members, E("NotOperatorOrMember"))
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

    it("reverts for a removed member: InvalidStatusChange for the operator, MemberNotActive for its signer", async () => {
      const w = view(await loadFixture(deployConsortium));
      await w.members.remove(w.ids.court);
      await expect(w.members.connect(w.operator).updateMetadata(w.ids.court, w.meta("x")))
        .to.be.revertedWithCustomError(w.members, E("InvalidStatusChange"))
        .withArgs(w.ids.court, MemberStatus.Removed);
      await expect(w.members.connect(w.court).updateMetadata(w.ids.court, w.meta("x")))
        .to.be.revertedWithCustomError(w.members, E("MemberNotActive"))
        .withArgs(w.ids.court, MemberStatus.Removed);
      expect((await memberOf(w, w.ids.court)).metadataHash).to.equal(w.meta("court"));
    });
  });

  describe("transferOperator / acceptOperator / operator / pendingOperator", () => {
    it("transferOperator records the pending operator and emits OperatorTransferStarted; nothing else changes", async () => {
      const w = view(await loadFixture(deployConsortium));
      await expect(w.members.transferOperator(w.spare1.address))
        .to.emit(w.members, "OperatorTransferStarted")
        .withArgs(w.operator.address, w.spare1.address);
      expect(await w.members.pendingOperator()).to.equal(w.spare1.address);
      expect(await w.members.operator()).to.equal(w.operator.address);
      // The old operator keeps its rights until the hand-over is accepted...
      await expect(w.members.admit(w.spare2.address, Role.COURT, w.meta("x")))
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
        () => old.admit(w.spare2.address, Role.LENDER, w.meta("x")),
        () => old.setRoles(w.ids.lender, ALL),
        () => old.suspend(w.ids.lender),
        () => old.reinstate(w.ids.lender),
        () => old.remove(w.ids.lender),
        () => old.transferOperator(w.operator.address),
      ];
      for (const send of notOperator) {
        await expect(send()).to.be.revertedWithCustomError(w.members, E("NotOperator")).withArgs(w.operator.address);
      }
      await expect(old.rotateSigner(w.ids.lender, w.spare2.address))
        .to.be.revertedWithCustomError(w.members, E("NotOperatorOrMember"))
        .withArgs(w.operator.address, w.ids.lender);
      await expect(old.updateMetadata(w.ids.lender, w.meta("x")))
        .to.be.revertedWithCustomError(w.members, E("NotOperatorOrMember"))
        .withArgs(w.operator.address, w.ids.lender);

      const now_ = w.members.connect(w.spare1);
      await expect(now_.admit(w.spare2.address, Role.LENDER, w.meta("x")))
        .to.emit(w.members, "MemberAdmitted")
        .withArgs(7, w.spare2.address, Role.LENDER, w.meta("x"));
      await expect(now_.setRoles(w.ids.lender, ALL))
        .to.emit(w.members, "MemberRolesChanged")
        .withArgs(w.ids.lender, Role.LENDER, ALL);
      await expect(now_.suspend(w.ids.lender)).to.emit(w.members, "MemberSuspended").withArgs(w.ids.lender);
      await expect(now_.reinstate(w.ids.lender)).to.emit(w.members, "MemberReinstated").withArgs(w.ids.lender);
      await expect(now_.updateMetadata(w.ids.lender, w.meta("x")))
        .to.emit(w.members, "MemberMetadataUpdated")
        .withArgs(w.ids.lender, w.meta("lender"), w.meta("x"));
      const fresh = address("new-operator-rotation");
      await expect(now_.rotateSigner(w.ids.lender, fresh))
        .to.emit(w.members, "MemberSignerRotated")
        .withArgs(w.ids.lender, w.lender.address, fresh);
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

  describe("memberCount", () => {
    it("counts members ever admitted; suspend, remove and rotate do not change it", async () => {
      const w = view(await loadFixture(deployConsortium));
      expect(await w.members.memberCount()).to.equal(6n);
      await w.members.suspend(w.ids.lender);
      await w.members.remove(w.ids.lender2);
      await w.members.rotateSigner(w.ids.agency, w.spare1.address);
      expect(await w.members.memberCount()).to.equal(6n);
      await w.members.admit(w.spare2.address, Role.LENDER, w.meta("x"));
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
      await w.members.rotateSigner(w.ids.lender, w.spare1.address);
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
      await w.members.rotateSigner(w.ids.court, w.spare1.address);
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

  // -------------------------------------------------------------------------------------------------------
  // The status machine, walked exhaustively: start status × action → ok (with event and resulting status)
  // or the exact error. The subject is the lender (id 1); `rotateSigner` rotates to spare1.
  // -------------------------------------------------------------------------------------------------------
  describe("status machine (table)", () => {
    type Outcome =
      | { ok: true; status: bigint }
      | { ok: false; error: string; args: (id: number) => unknown[] };
    type Start = "Active" | "Suspended" | "Removed" | "Removed (after a suspension)" | "None (never admitted)";
    type ActionName =
      | "suspend"
      | "reinstate"
      | "remove"
      | "setRoles"
      | "rotateSigner by operator"
      | "rotateSigner by member"
      | "updateMetadata by operator"
      | "updateMetadata by member";

    const ok = (status: bigint): Outcome => ({ ok: true, status });
    const invalid = (status: bigint): Outcome => ({ ok: false, error: "InvalidStatusChange", args: (id) => [id, status] });
    const unknown: Outcome = { ok: false, error: "UnknownMember", args: (id) => [id] };
    const notActive = (status: bigint): Outcome => ({ ok: false, error: "MemberNotActive", args: (id) => [id, status] });
    const { Active, Suspended, Removed } = MemberStatus;

    const starts: Record<Start, { id: (w: World) => number; prepare: (w: World, id: number) => Promise<unknown> }> = {
      Active: { id: (w) => w.ids.lender, prepare: async () => undefined },
      Suspended: { id: (w) => w.ids.lender, prepare: (w, id) => w.members.suspend(id) },
      Removed: { id: (w) => w.ids.lender, prepare: (w, id) => w.members.remove(id) },
      "Removed (after a suspension)": {
        id: (w) => w.ids.lender,
        prepare: async (w, id) => {
          await w.members.suspend(id);
          await w.members.remove(id);
        },
      },
      "None (never admitted)": { id: () => 99, prepare: async () => undefined },
    };

    const NEW_ROLES = Role.LENDER | Role.COURT;
    const NEW_META = key("table-meta");
    const actions: Record<
      ActionName,
      {
        run: (w: World, id: number) => Promise<ContractTransactionResponse>;
        event: (w: World, id: number) => [string, unknown[]];
        changed: (w: World) => Partial<StoredMember>;
      }
    > = {
      suspend: {
        run: (w, id) => w.members.suspend(id),
        event: (_w, id) => ["MemberSuspended", [id]],
        changed: () => ({}),
      },
      reinstate: {
        run: (w, id) => w.members.reinstate(id),
        event: (_w, id) => ["MemberReinstated", [id]],
        changed: () => ({}),
      },
      remove: {
        run: (w, id) => w.members.remove(id),
        event: (_w, id) => ["MemberRemoved", [id]],
        changed: () => ({}),
      },
      setRoles: {
        run: (w, id) => w.members.setRoles(id, NEW_ROLES),
        event: (_w, id) => ["MemberRolesChanged", [id, Role.LENDER, NEW_ROLES]],
        changed: () => ({ roles: NEW_ROLES }),
      },
      "rotateSigner by operator": {
        run: (w, id) => w.members.connect(w.operator).rotateSigner(id, w.spare1.address),
        event: (w, id) => ["MemberSignerRotated", [id, w.lender.address, w.spare1.address]],
        changed: (w) => ({ signer: w.spare1.address }),
      },
      "rotateSigner by member": {
        run: (w, id) => w.members.connect(w.lender).rotateSigner(id, w.spare1.address),
        event: (w, id) => ["MemberSignerRotated", [id, w.lender.address, w.spare1.address]],
        changed: (w) => ({ signer: w.spare1.address }),
      },
      "updateMetadata by operator": {
        run: (w, id) => w.members.connect(w.operator).updateMetadata(id, NEW_META),
        event: (w, id) => ["MemberMetadataUpdated", [id, w.meta("lender"), NEW_META]],
        changed: () => ({ metadataHash: NEW_META }),
      },
      "updateMetadata by member": {
        run: (w, id) => w.members.connect(w.lender).updateMetadata(id, NEW_META),
        event: (w, id) => ["MemberMetadataUpdated", [id, w.meta("lender"), NEW_META]],
        changed: () => ({ metadataHash: NEW_META }),
      },
    };

    const removedRow: Record<ActionName, Outcome> = {
      suspend: invalid(Removed),
      reinstate: invalid(Removed),
      remove: invalid(Removed),
      setRoles: invalid(Removed),
      "rotateSigner by operator": invalid(Removed),
      "rotateSigner by member": notActive(Removed),
      "updateMetadata by operator": invalid(Removed),
      "updateMetadata by member": notActive(Removed),
    };

    const TABLE: Record<Start, Record<ActionName, Outcome>> = {
      Active: {
        suspend: ok(Suspended),
        reinstate: invalid(Active),
        remove: ok(Removed),
        setRoles: ok(Active),
        "rotateSigner by operator": ok(Active),
        "rotateSigner by member": ok(Active),
        "updateMetadata by operator": ok(Active),
        "updateMetadata by member": ok(Active),
      },
      Suspended: {
        suspend: invalid(Suspended),
        reinstate: ok(Active),
        remove: ok(Removed),
        setRoles: ok(Suspended),
        "rotateSigner by operator": ok(Suspended),
        "rotateSigner by member": notActive(Suspended),
        "updateMetadata by operator": ok(Suspended),
        "updateMetadata by member": notActive(Suspended),
      },
      Removed: removedRow,
      "Removed (after a suspension)": removedRow,
      "None (never admitted)": {
        suspend: unknown,
        reinstate: unknown,
        remove: unknown,
        setRoles: unknown,
        "rotateSigner by operator": unknown,
        "rotateSigner by member": unknown,
        "updateMetadata by operator": unknown,
        "updateMetadata by member": unknown,
      },
    };

    for (const [start, row] of Object.entries(TABLE) as Array<[Start, Record<ActionName, Outcome>]>) {
      describe(`from ${start}`, () => {
        for (const [action, outcome] of Object.entries(row) as Array<[ActionName, Outcome]>) {
          const expected = outcome.ok
            ? `ok → ${STATUS_NAME[String(outcome.status)]}`
            : `${outcome.error}(${outcome.args(0).length > 1 ? "id, " + STATUS_NAME[String(outcome.args(0)[1])] : "id"})`;
          it(`${action} → ${expected}`, async () => {
            const w = view(await loadFixture(deployConsortium));
            const id = starts[start].id(w);
            await starts[start].prepare(w, id);
            const known = start !== "None (never admitted)";
            const before = known ? await memberOf(w, id) : undefined;
            const act = actions[action];
            if (outcome.ok) {
              const [eventName, args] = act.event(w, id);
              await expect(act.run(w, id))
                .to.emit(w.members, eventName)
                .withArgs(...args);
              expect(await memberOf(w, id)).to.deep.equal({ ...before, ...act.changed(w), status: outcome.status });
            } else {
              await expect(act.run(w, id))
                .to.be.revertedWithCustomError(w.members, E(outcome.error))
                .withArgs(...outcome.args(id));
              if (known) {
                expect(await memberOf(w, id)).to.deep.equal(before);
              } else {
                await expect(w.members.memberOf(id))
                  .to.be.revertedWithCustomError(w.members, E("UnknownMember"))
                  .withArgs(id);
              }
            }
            expect(await w.members.memberCount()).to.equal(6n);
          });
        }
      });
    }
  });

  // -------------------------------------------------------------------------------------------------------
  // Role checks: isActive / requireActiveSigner / requireActiveMember for each role mask × each role query,
  // then for suspended and removed members, a retired signer and a stranger.
  // -------------------------------------------------------------------------------------------------------
  describe("role checks", () => {
    for (let roles = 1; roles <= ALL; roles++) {
      it(`an active member with roles 0b${roles.toString(2).padStart(4, "0")} passes exactly the queries it covers`, async () => {
        const w = view(await loadFixture(deployConsortium));
        await w.members.admit(w.spare1.address, roles, w.meta("role-check"));
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

  // -------------------------------------------------------------------------------------------------------
  // A suspended or removed member can do nothing in the other contracts; a reinstated one can again.
  // -------------------------------------------------------------------------------------------------------
  describe("a suspended or removed member can do nothing in the other contracts", () => {
    type Subject = "lender" | "agency" | "court";
    interface CrossCall {
      subject: Subject;
      name: string;
      /** Runs before the subject is suspended or removed. */
      prepare: (w: World) => Promise<unknown>;
      call: (w: World) => Promise<ContractTransactionResponse>;
      /** The event the call emits once the subject is active again: [contract, name, args]. */
      emits: (w: World) => [unknown, string, unknown[]];
    }

    const CASES = keys("cross-case", 2);
    const DEBTORS = keys("cross-debtor", 2);
    const RECORD = "synthetic evidence record #1";
    const LEAF = leafHash(RECORD);
    let until = 0;
    const mandate = async () => {
      until = (await now()) + 30 * DAY;
      return until;
    };
    const assignToAgency = async (w: World) =>
      w.cases.connect(w.lender).registerAndAssign(w.ids.agency, await mandate(), CASES, DEBTORS);

    const calls: CrossCall[] = [
      {
        subject: "lender",
        name: "CaseRegistry.registerAndAssign (as the lender)",
        prepare: mandate,
        call: (w) => w.cases.connect(w.lender).registerAndAssign(w.ids.agency, until, CASES, DEBTORS),
        emits: (w) => [w.cases, "CasesAssigned", [w.ids.lender, w.ids.agency, until, CASES]],
      },
      {
        subject: "lender",
        name: "EvidenceRegistry.anchor (as the lender)",
        prepare: async () => undefined,
        call: (w) => w.evidence.connect(w.lender).anchor(1, LEAF, []),
        emits: (w) => [w.evidence, "CheckpointAnchored", [w.ids.lender, 1, LEAF, 0]],
      },
      {
        subject: "agency",
        name: "CaseRegistry.accept (as the agency)",
        prepare: assignToAgency,
        call: (w) => w.cases.connect(w.agency).accept([CASES[0]]),
        emits: (w) => [w.cases, "CaseAccepted", [CASES[0], w.ids.agency]],
      },
      {
        subject: "agency",
        name: "CaseRegistry.registerAndAssign (naming the agency)",
        prepare: mandate,
        call: (w) => w.cases.connect(w.lender).registerAndAssign(w.ids.agency, until, CASES, DEBTORS),
        emits: (w) => [w.cases, "CasesAssigned", [w.ids.lender, w.ids.agency, until, CASES]],
      },
      {
        subject: "agency",
        name: "EvidenceRegistry.anchor (as the agency)",
        prepare: async () => undefined,
        call: (w) => w.evidence.connect(w.agency).anchor(1, LEAF, []),
        emits: (w) => [w.evidence, "CheckpointAnchored", [w.ids.agency, 1, LEAF, 0]],
      },
      {
        subject: "court",
        name: "EvidenceRegistry.recordVerification (as the court)",
        prepare: (w) => w.evidence.connect(w.lender2).anchor(1, LEAF, []),
        call: (w) => w.evidence.connect(w.court).recordVerification(w.ids.lender2, 1, 0, ethers.toUtf8Bytes(RECORD), []),
        emits: (w) => [w.evidence, "RecordVerified", [w.ids.court, w.ids.lender2, LEAF, 1, 0]],
      },
      {
        subject: "court",
        name: "EvidenceRegistry.anchor (as the court)",
        prepare: async () => undefined,
        call: (w) => w.evidence.connect(w.court).anchor(1, LEAF, []),
        emits: (w) => [w.evidence, "CheckpointAnchored", [w.ids.court, 1, LEAF, 0]],
      },
    ];

    for (const c of calls) {
      it(`suspended ${c.subject}: ${c.name} reverts with MemberNotActive; after reinstate it works`, async () => {
        const w = view(await loadFixture(deployConsortium));
        const id = w.ids[c.subject];
        await c.prepare(w);
        await w.members.suspend(id);
        await expect(c.call(w))
          .to.be.revertedWithCustomError(w.members, E("MemberNotActive"))
          .withArgs(id, MemberStatus.Suspended);
        await w.members.reinstate(id);
        const [contract, eventName, args] = c.emits(w);
        await expect(c.call(w))
          .to.emit(contract, eventName)
          .withArgs(...args);
      });

      it(`removed ${c.subject}: ${c.name} reverts with MemberNotActive; it cannot be reinstated`, async () => {
        const w = view(await loadFixture(deployConsortium));
        const id = w.ids[c.subject];
        await c.prepare(w);
        await w.members.remove(id);
        await expect(c.call(w))
          .to.be.revertedWithCustomError(w.members, E("MemberNotActive"))
          .withArgs(id, MemberStatus.Removed);
        await expect(w.members.reinstate(id))
          .to.be.revertedWithCustomError(w.members, E("InvalidStatusChange"))
          .withArgs(id, MemberStatus.Removed);
        await expect(c.call(w))
          .to.be.revertedWithCustomError(w.members, E("MemberNotActive"))
          .withArgs(id, MemberStatus.Removed);
      });
    }

    it("isAssignedTo turns false while the holding agency is suspended and true again after reinstate", async () => {
      const w = view(await loadFixture(deployConsortium));
      await assignToAgency(w);
      for (const k of CASES) expect(await w.cases.isAssignedTo(k, w.ids.agency)).to.equal(true);
      await w.members.suspend(w.ids.agency);
      for (const k of CASES) expect(await w.cases.isAssignedTo(k, w.ids.agency)).to.equal(false);
      await w.members.reinstate(w.ids.agency);
      for (const k of CASES) expect(await w.cases.isAssignedTo(k, w.ids.agency)).to.equal(true);
    });

    it("isAssignedTo also holds after the agency's key is rotated (it is per member id, not per address)", async () => {
      const w = view(await loadFixture(deployConsortium));
      await assignToAgency(w);
      await w.members.connect(w.agency).rotateSigner(w.ids.agency, w.spare1.address);
      expect(await w.cases.isAssignedTo(CASES[0], w.ids.agency)).to.equal(true);
      await expect(w.cases.connect(w.spare1).accept([CASES[0]]))
        .to.emit(w.cases, "CaseAccepted")
        .withArgs(CASES[0], w.ids.agency);
    });

    it("isAssignedTo turns false for good when the holding agency is removed, or loses the AGENCY role", async () => {
      const w = view(await loadFixture(deployConsortium));
      await assignToAgency(w);
      await w.members.setRoles(w.ids.agency, Role.LENDER);
      expect(await w.cases.isAssignedTo(CASES[0], w.ids.agency)).to.equal(false);
      await w.members.setRoles(w.ids.agency, Role.AGENCY);
      expect(await w.cases.isAssignedTo(CASES[0], w.ids.agency)).to.equal(true);
      await w.members.remove(w.ids.agency);
      expect(await w.cases.isAssignedTo(CASES[0], w.ids.agency)).to.equal(false);
    });
  });
});
