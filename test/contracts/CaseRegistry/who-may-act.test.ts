/** CaseRegistry: who may act on a case, by role, membership status and relation to the case. Synthetic keys only. */
import { expect } from "chai";
import { DAY, key, loadFixture, MemberStatus, NO_TERMS, now, Role } from "../fixtures.js";
import {
  MANDATE,
  type Registry,
  type Tx,
  type World,
  debtorOf,
  stateOf,
  REG,
  ASG,
  registeredCases,
  assignedCases,
  acceptedCases,
} from "./fixtures.js";

describe("CaseRegistry", () => {
  describe("who may act", () => {
    type CreditorFn = "register" | "registerAndAssign" | "assign" | "recall" | "extend" | "settle" | "close" | "transferCreditor";
    type AgencyFn = "accept" | "returnCases";
    const creditorCalls: Record<CreditorFn, (w: World, r: Registry, until: number) => Tx> = {
      register: (_w, r) => r.register([ASG[0]!], [debtorOf(ASG[0]!)]),
      registerAndAssign: (w, r, until) => r.registerAndAssign(w.ids.agency, until, [key("ra-new")], [debtorOf(key("ra-new"))]),
      assign: (w, r, until) => r.assign(w.ids.agency2, until, [ASG[0]!]),
      recall: (_w, r) => r.recall([ASG[0]!]),
      extend: (_w, r, until) => r.extend([ASG[0]!], until),
      settle: (_w, r) => r.settle([ASG[0]!], [0n], NO_TERMS),
      close: (_w, r) => r.close([ASG[0]!]),
      transferCreditor: (w, r) => r.transferCreditor([ASG[0]!], w.ids.amc),
    };
    const agencyCalls: Record<AgencyFn, (r: Registry) => Tx> = {
      accept: (r) => r.accept([ASG[0]!]),
      returnCases: (r) => r.returnCases([ASG[0]!]),
    };

    describe("callers without the LENDER role cannot call creditor functions", () => {
      for (const fn of Object.keys(creditorCalls) as CreditorFn[]) {
        it(`${fn}: court and agency get MissingRole, a stranger UnknownSigner`, async () => {
          const { w, until } = await loadFixture(assignedCases);
          const call = creditorCalls[fn];
          const u = until + DAY;
          await expect(call(w, w.as(w.court), u))
            .to.be.revertedWithCustomError(w.mr, "MemberRegistryMissingRole")
            .withArgs(w.ids.court, Role.LENDER);
          await expect(call(w, w.A, u))
            .to.be.revertedWithCustomError(w.mr, "MemberRegistryMissingRole")
            .withArgs(w.ids.agency, Role.LENDER);
          await expect(call(w, w.as(w.stranger), u))
            .to.be.revertedWithCustomError(w.mr, "MemberRegistryUnknownSigner")
            .withArgs(w.stranger.address);
        });
      }
    });

    describe("callers without the AGENCY role cannot call agency functions", () => {
      for (const fn of Object.keys(agencyCalls) as AgencyFn[]) {
        it(`${fn}: lender and court get MissingRole, a stranger UnknownSigner`, async () => {
          const { w } = await loadFixture(assignedCases);
          const call = agencyCalls[fn];
          await expect(call(w.L))
            .to.be.revertedWithCustomError(w.mr, "MemberRegistryMissingRole")
            .withArgs(w.ids.lender, Role.AGENCY);
          await expect(call(w.as(w.court)))
            .to.be.revertedWithCustomError(w.mr, "MemberRegistryMissingRole")
            .withArgs(w.ids.court, Role.AGENCY);
          await expect(call(w.as(w.stranger)))
            .to.be.revertedWithCustomError(w.mr, "MemberRegistryUnknownSigner")
            .withArgs(w.stranger.address);
        });
      }
    });

    describe("only the creditor: another lender gets NotCreditor with its member id", () => {
      for (const fn of ["assign", "recall", "extend", "settle", "close", "transferCreditor"] as const) {
        it(fn, async () => {
          const { w, until } = await loadFixture(assignedCases);
          const before = await stateOf(w, ASG[0]!);
          await expect(creditorCalls[fn](w, w.L2, until + DAY))
            .to.be.revertedWithCustomError(w.cr, "CaseRegistryNotCreditor")
            .withArgs(0, ASG[0], w.ids.lender2);
          expect(await stateOf(w, ASG[0]!)).to.deep.equal(before);
        });
      }
    });

    describe("only the holding agency: the other agency gets NotAgency with its member id", () => {
      for (const fn of ["accept", "returnCases"] as const) {
        it(fn, async () => {
          const { w } = await loadFixture(assignedCases);
          await expect(agencyCalls[fn](w.A2))
            .to.be.revertedWithCustomError(w.cr, "CaseRegistryNotAgency")
            .withArgs(0, ASG[0], w.ids.agency2);
          // The holding agency can.
          await expect(agencyCalls[fn](w.A)).to.emit(w.cr, fn === "accept" ? "CaseAccepted" : "CaseReturned");
        });
      }
    });

    it("an active assignment is exclusive: MandateActive for any other agency, nothing for it", async () => {
      const { w, until } = await loadFixture(acceptedCases);
      await expect(w.L.assign(w.ids.agency2, until + DAY, [ASG[0]!]))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryMandateActive")
        .withArgs(0, ASG[0], w.ids.agency, until);
      await expect(w.L.assign(w.ids.amc, until + DAY, [ASG[1]!, ASG[0]!]))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryMandateActive")
        .withArgs(0, ASG[1], w.ids.agency, until);
      expect(await w.cr.isAssignedTo(ASG[0]!, w.ids.agency2)).to.equal(false);
      expect(await w.cr.isAssignedTo(ASG[0]!, w.ids.agency)).to.equal(true);
    });

    it("after transferCreditor the new creditor acts and the old one gets NotCreditor", async () => {
      const { w } = await loadFixture(registeredCases);
      const k = REG[0]!;
      await w.L.transferCreditor([k], w.ids.lender2);
      const until = (await now()) + MANDATE;
      await expect(w.L.assign(w.ids.agency, until, [k]))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryNotCreditor")
        .withArgs(0, k, w.ids.lender);
      await expect(w.L2.assign(w.ids.agency, until, [k])).to.emit(w.cr, "CasesAssigned").withArgs(2, 3, until, [k]);
      await expect(w.L.extend([k], until + DAY))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryNotCreditor")
        .withArgs(0, k, w.ids.lender);
      await expect(w.L2.extend([k], until + DAY)).to.emit(w.cr, "CaseMandateExtended").withArgs(k, 3, until, until + DAY);
      await expect(w.L.recall([k])).to.be.revertedWithCustomError(w.cr, "CaseRegistryNotCreditor").withArgs(0, k, w.ids.lender);
      await expect(w.L2.recall([k])).to.emit(w.cr, "CaseRecalled").withArgs(k, 3);
      await expect(w.L.settle([k], [0n], NO_TERMS)).to.be.revertedWithCustomError(w.cr, "CaseRegistryNotCreditor").withArgs(0, k, w.ids.lender);
      await expect(w.L.transferCreditor([k], w.ids.amc))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryNotCreditor")
        .withArgs(0, k, w.ids.lender);
      await expect(w.L2.settle([k], [0n], NO_TERMS)).to.emit(w.cr, "CaseSettled").withArgs(k, 2, 0n, NO_TERMS);
      await expect(w.L.close([k])).to.be.revertedWithCustomError(w.cr, "CaseRegistryNotCreditor").withArgs(0, k, w.ids.lender);
      await expect(w.L2.close([k])).to.emit(w.cr, "CaseClosed").withArgs(k, 2);
    });

    it("a transferred case can be transferred on, and back to the first creditor", async () => {
      const { w } = await loadFixture(registeredCases);
      const k = REG[0]!;
      await w.L.transferCreditor([k], w.ids.amc);
      await expect(w.as(w.amc).transferCreditor([k], w.ids.lender)).to.emit(w.cr, "CaseCreditorTransferred").withArgs(k, 6, 1);
      expect((await stateOf(w, k)).creditorId).to.equal(1);
    });

    it("a suspended lender can do nothing until reinstated; a removed one never again", async () => {
      const { w } = await loadFixture(registeredCases);
      await w.mr.suspend(w.ids.lender);
      await expect(w.L.settle([REG[0]!], [0n], NO_TERMS))
        .to.be.revertedWithCustomError(w.mr, "MemberRegistryMemberNotActive")
        .withArgs(w.ids.lender, MemberStatus.Suspended);
      await expect(w.L.register([key("s")], [debtorOf(key("s"))]))
        .to.be.revertedWithCustomError(w.mr, "MemberRegistryMemberNotActive")
        .withArgs(w.ids.lender, MemberStatus.Suspended);
      await w.mr.reinstate(w.ids.lender);
      await expect(w.L.settle([REG[0]!], [0n], NO_TERMS)).to.emit(w.cr, "CaseSettled").withArgs(REG[0], 1, 0n, NO_TERMS);
      await w.mr.remove(w.ids.lender);
      await expect(w.L.close([REG[0]!]))
        .to.be.revertedWithCustomError(w.mr, "MemberRegistryMemberNotActive")
        .withArgs(w.ids.lender, MemberStatus.Removed);
    });

    it("a suspended agency holds nothing and can do nothing; reinstated within the window, it holds again", async () => {
      const { w } = await loadFixture(assignedCases);
      await w.mr.suspend(w.ids.agency);
      expect(await w.cr.isAssignedTo(ASG[0]!, w.ids.agency)).to.equal(false);
      await expect(w.A.accept([ASG[0]!]))
        .to.be.revertedWithCustomError(w.mr, "MemberRegistryMemberNotActive")
        .withArgs(w.ids.agency, MemberStatus.Suspended);
      await w.mr.reinstate(w.ids.agency);
      expect(await w.cr.isAssignedTo(ASG[0]!, w.ids.agency)).to.equal(true);
      await w.mr.remove(w.ids.agency);
      expect(await w.cr.isAssignedTo(ASG[0]!, w.ids.agency)).to.equal(false);
      await expect(w.A.returnCases([ASG[0]!]))
        .to.be.revertedWithCustomError(w.mr, "MemberRegistryMemberNotActive")
        .withArgs(w.ids.agency, MemberStatus.Removed);
    });

    it("an agency that lost the AGENCY role holds nothing", async () => {
      const { w } = await loadFixture(assignedCases);
      await w.mr.setRoles(w.ids.agency, Role.COURT);
      expect(await w.cr.isAssignedTo(ASG[0]!, w.ids.agency)).to.equal(false);
      await expect(w.A.accept([ASG[0]!]))
        .to.be.revertedWithCustomError(w.mr, "MemberRegistryMissingRole")
        .withArgs(w.ids.agency, Role.AGENCY);
    });

    it("the case of a suspended agency stays blocked for other agencies until recalled (MandateActive)", async () => {
      // Documented as is: the creditor recalls to move it, although isAssignedTo is already false.
      const { w, until } = await loadFixture(assignedCases);
      await w.mr.suspend(w.ids.agency);
      await expect(w.L.assign(w.ids.agency2, until, [ASG[0]!]))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryMandateActive")
        .withArgs(0, ASG[0], w.ids.agency, until);
      await expect(w.L.recall([ASG[0]!])).to.emit(w.cr, "CaseRecalled").withArgs(ASG[0], w.ids.agency);
      await expect(w.L.assign(w.ids.agency2, until, [ASG[0]!])).to.emit(w.cr, "CasesAssigned").withArgs(1, 4, until, [ASG[0]]);
    });

    it("after a signer rotation the old key is RetiredSigner and the new key acts for the member", async () => {
      const { w } = await loadFixture(registeredCases);
      await w.mr.connect(w.lender).rotateSigner(w.ids.lender, w.spare1.address);
      await expect(w.L.settle([REG[0]!], [0n], NO_TERMS))
        .to.be.revertedWithCustomError(w.mr, "MemberRegistryRetiredSigner")
        .withArgs(w.lender.address, w.ids.lender);
      await expect(w.as(w.spare1).settle([REG[0]!], [0n], NO_TERMS)).to.emit(w.cr, "CaseSettled").withArgs(REG[0], w.ids.lender, 0n, NO_TERMS);
    });
  });
});
