/** CaseRegistry: a mandate's course: assign, accept, return, recall, extend. Synthetic keys only. */
import { expect } from "chai";
import { CaseStatus, DAY, key, loadFixture, MemberStatus, now, Role, time } from "../fixtures.js";
import {
  MAX_MANDATE,
  MANDATE,
  debtorOf,
  stateOf,
  statesOf,
  eventsOf,
  eventNames,
  b,
  REG,
  ASG,
  registeredCases,
  assignedCases,
  acceptedCases,
} from "./fixtures.js";

describe("CaseRegistry", () => {
  describe("assign", () => {
    it("assigns registered cases: one CasesAssigned, state read back", async () => {
      const { w } = await loadFixture(registeredCases);
      const until = (await now()) + MANDATE;
      await expect(w.L.assign(w.ids.agency2, until, REG))
        .to.emit(w.cr, "CasesAssigned")
        .withArgs(w.ids.lender, w.ids.agency2, until, REG);
      const assignedAt = await now();
      for (const s of await statesOf(w, REG)) {
        expect(s).to.deep.equal({ creditorId: 1, agencyId: 4, assignedAt, until, status: "Assigned", expired: false });
      }
      expect(await w.cr.isAssignedTo(REG[0]!, w.ids.agency2)).to.equal(true);
    });

    it("assign emits no per-case event", async () => {
      const { w } = await loadFixture(registeredCases);
      const until = (await now()) + MANDATE;
      expect(await eventNames(w, w.L.assign(w.ids.agency, until, REG))).to.deep.equal(["CasesAssigned"]);
    });

    it("a returned case goes to another agency; the former agency no longer reaches it", async () => {
      const { w, until } = await loadFixture(acceptedCases);
      await w.A.returnCases([ASG[0]!]);
      const until2 = until + DAY;
      await expect(w.L.assign(w.ids.agency2, until2, [ASG[0]!]))
        .to.emit(w.cr, "CasesAssigned")
        .withArgs(1, 4, until2, [ASG[0]]);
      const assignedAt = await now();
      expect(await stateOf(w, ASG[0]!)).to.deep.equal({
        creditorId: 1,
        agencyId: 4,
        assignedAt,
        until: until2,
        status: "Assigned",
        expired: false,
      });
      await expect(w.A.accept([ASG[0]!]))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryNotAgency")
        .withArgs(0, ASG[0], 3);
      expect(await w.cr.isAssignedTo(ASG[0]!, w.ids.agency)).to.equal(false);
      await expect(w.A2.accept([ASG[0]!])).to.emit(w.cr, "CaseAccepted").withArgs(ASG[0], 4);
    });

    it("InvalidUntil with exact bounds; both bounds themselves are allowed", async () => {
      const { w } = await loadFixture(registeredCases);
      const t = (await now()) + 100;
      await time.setNextBlockTimestamp(t);
      await expect(w.L.assign(w.ids.agency, t - 1, [REG[0]!]))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryInvalidUntil")
        .withArgs(t - 1, t + 1, t + MAX_MANDATE);
      await time.setNextBlockTimestamp(t);
      await expect(w.L.assign(w.ids.agency, t + MAX_MANDATE + 1, [REG[0]!]))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryInvalidUntil")
        .withArgs(t + MAX_MANDATE + 1, t + 1, t + MAX_MANDATE);
      expect((await stateOf(w, REG[0]!)).status).to.equal("Registered");
      await time.setNextBlockTimestamp(t);
      await expect(w.L.assign(w.ids.agency, t + MAX_MANDATE, [REG[0]!])).to.emit(w.cr, "CasesAssigned");
      await time.setNextBlockTimestamp(t + 1);
      await expect(w.L.assign(w.ids.agency, t + 1, [REG[1]!]))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryInvalidUntil")
        .withArgs(t + 1, t + 2, t + 1 + MAX_MANDATE);
      await time.setNextBlockTimestamp(t + 2);
      await expect(w.L.assign(w.ids.agency, t + 3, [REG[1]!])).to.emit(w.cr, "CasesAssigned");
    });

    it("the agency must be an active AGENCY member", async () => {
      const { w } = await loadFixture(registeredCases);
      const until = (await now()) + MANDATE;
      await expect(w.L.assign(w.ids.lender, until, REG))
        .to.be.revertedWithCustomError(w.mr, "MemberRegistryMissingRole")
        .withArgs(1, Role.AGENCY);
      await expect(w.L.assign(42, until, REG)).to.be.revertedWithCustomError(w.mr, "MemberRegistryUnknownMember").withArgs(42);
      await w.mr.suspend(w.ids.agency2);
      await expect(w.L.assign(w.ids.agency2, until, REG))
        .to.be.revertedWithCustomError(w.mr, "MemberRegistryMemberNotActive")
        .withArgs(4, MemberStatus.Suspended);
    });

    it("UnknownCase and NotCreditor point at the item", async () => {
      const { w, other } = await loadFixture(registeredCases);
      const until = (await now()) + MANDATE;
      const unknown = key("unknown");
      await expect(w.L.assign(w.ids.agency, until, [REG[0]!, unknown]))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryUnknownCase")
        .withArgs(1, unknown);
      await expect(w.L.assign(w.ids.agency, until, [REG[0]!, REG[1]!, other]))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryNotCreditor")
        .withArgs(2, other, 1);
    });

    it("MandateActive: an active assignment is exclusive, even for the same agency", async () => {
      const { w, until } = await loadFixture(assignedCases);
      const until2 = until + DAY;
      await expect(w.L.assign(w.ids.agency2, until2, [ASG[0]!]))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryMandateActive")
        .withArgs(0, ASG[0], 3, until);
      await expect(w.L.assign(w.ids.agency, until2, [ASG[1]!]))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryMandateActive")
        .withArgs(0, ASG[1], 3, until);
    });
  });

  describe("accept", () => {
    it("the agency accepts its cases: CaseAccepted per case, other fields kept", async () => {
      const { w, until, assignedAt } = await loadFixture(assignedCases);
      const tx = w.A.accept(ASG);
      await expect(tx).to.emit(w.cr, "CaseAccepted").withArgs(ASG[0], w.ids.agency);
      expect(await eventsOf(w, tx, "CaseAccepted")).to.deep.equal(ASG.map((k) => [k, 3n]));
      for (const s of await statesOf(w, ASG)) {
        expect(s).to.deep.equal({ creditorId: 1, agencyId: 3, assignedAt, until, status: "Accepted", expired: false });
      }
      expect(await w.cr.isAssignedTo(ASG[0]!, w.ids.agency)).to.equal(true);
    });

    it("accept at `until` exactly succeeds; one second later MandateExpired", async () => {
      const { w, until } = await loadFixture(assignedCases);
      await time.setNextBlockTimestamp(until);
      await expect(w.A.accept([ASG[0]!])).to.emit(w.cr, "CaseAccepted").withArgs(ASG[0], 3);
      await expect(w.A.accept([ASG[1]!]))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryMandateExpired")
        .withArgs(0, ASG[1], until);
    });

    it("NotAgency for another agency and for a case without an agency; UnknownCase", async () => {
      const { w } = await loadFixture(assignedCases);
      await expect(w.A2.accept([ASG[0]!]))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryNotAgency")
        .withArgs(0, ASG[0], 4);
      const reg = key("reg-only");
      await w.L.register([reg], [debtorOf(reg)]);
      await expect(w.A.accept([ASG[0]!, reg]))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryNotAgency")
        .withArgs(1, reg, 3);
      const unknown = key("unknown");
      await expect(w.A.accept([ASG[0]!, ASG[1]!, unknown]))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryUnknownCase")
        .withArgs(2, unknown);
      expect((await stateOf(w, ASG[0]!)).status).to.equal("Assigned");
    });

    it("InvalidTransition when already accepted", async () => {
      const { w } = await loadFixture(acceptedCases);
      await expect(w.A.accept([ASG[0]!]))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryInvalidTransition")
        .withArgs(0, ASG[0], CaseStatus.Accepted);
    });
  });

  describe("returnCases", () => {
    it("returns accepted cases: CaseReturned per case; the agency no longer holds them", async () => {
      const { w, until, assignedAt } = await loadFixture(acceptedCases);
      const tx = w.A.returnCases(ASG);
      await expect(tx).to.emit(w.cr, "CaseReturned").withArgs(ASG[2], w.ids.agency);
      expect(await eventsOf(w, tx, "CaseReturned")).to.deep.equal(ASG.map((k) => [k, 3n]));
      for (const s of await statesOf(w, ASG)) {
        expect(s).to.deep.equal({ creditorId: 1, agencyId: 3, assignedAt, until, status: "Returned", expired: false });
      }
      expect(await w.cr.isAssignedTo(ASG[0]!, w.ids.agency)).to.equal(false);
    });

    it("returns a case that was assigned but never accepted", async () => {
      const { w } = await loadFixture(assignedCases);
      await expect(w.A.returnCases([ASG[0]!])).to.emit(w.cr, "CaseReturned").withArgs(ASG[0], 3);
      expect((await stateOf(w, ASG[0]!)).status).to.equal("Returned");
    });

    it("return at `until` exactly succeeds; one second later MandateExpired", async () => {
      const { w, until } = await loadFixture(acceptedCases);
      await time.setNextBlockTimestamp(until);
      await expect(w.A.returnCases([ASG[0]!])).to.emit(w.cr, "CaseReturned").withArgs(ASG[0], 3);
      await expect(w.A.returnCases([ASG[1]!]))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryMandateExpired")
        .withArgs(0, ASG[1], until);
    });

    it("NotAgency for another agency; InvalidTransition when already returned", async () => {
      const { w } = await loadFixture(acceptedCases);
      await expect(w.A2.returnCases([ASG[0]!]))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryNotAgency")
        .withArgs(0, ASG[0], 4);
      await w.A.returnCases([ASG[0]!]);
      await expect(w.A.returnCases([ASG[1]!, ASG[0]!]))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryInvalidTransition")
        .withArgs(1, ASG[0], CaseStatus.Returned);
      expect((await stateOf(w, ASG[1]!)).status).to.equal("Accepted");
    });
  });

  describe("recall", () => {
    it("recalls assigned and accepted cases: CaseRecalled with the agency; fields kept", async () => {
      const { w, until, assignedAt } = await loadFixture(assignedCases);
      await w.A.accept([ASG[1]!]);
      const tx = w.L.recall([ASG[0]!, ASG[1]!]);
      await expect(tx).to.emit(w.cr, "CaseRecalled").withArgs(ASG[0], w.ids.agency);
      expect(await eventsOf(w, tx, "CaseRecalled")).to.deep.equal([
        [ASG[0], 3n],
        [ASG[1], 3n],
      ]);
      for (const s of await statesOf(w, [ASG[0]!, ASG[1]!])) {
        expect(s).to.deep.equal({ creditorId: 1, agencyId: 3, assignedAt, until, status: "Recalled", expired: false });
      }
      expect(await w.cr.isAssignedTo(ASG[0]!, w.ids.agency)).to.equal(false);
      // The agency can do nothing more with it.
      await expect(w.A.returnCases([ASG[1]!]))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryInvalidTransition")
        .withArgs(0, ASG[1], CaseStatus.Recalled);
    });

    it("recalls an expired assignment to make the end explicit", async () => {
      const { w, until } = await loadFixture(assignedCases);
      await time.increaseTo(until + 1);
      await expect(w.L.recall([ASG[0]!])).to.emit(w.cr, "CaseRecalled").withArgs(ASG[0], 3);
      expect(await stateOf(w, ASG[0]!)).to.deep.include({ status: "Recalled", expired: false, until });
    });

    it("InvalidTransition for a case never assigned; NotCreditor for another lender", async () => {
      const { w, other } = await loadFixture(registeredCases);
      await expect(w.L.recall([REG[0]!]))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryInvalidTransition")
        .withArgs(0, REG[0], CaseStatus.Registered);
      await expect(w.L.recall([other]))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryNotCreditor")
        .withArgs(0, other, 1);
    });
  });

  describe("extend", () => {
    it("extends unexpired mandates: CaseMandateExtended with previous and new until; assignedAt kept", async () => {
      const { w, until, assignedAt } = await loadFixture(assignedCases);
      await w.A.accept([ASG[1]!]);
      const until2 = until + 10 * DAY;
      const tx = w.L.extend([ASG[0]!, ASG[1]!], until2);
      await expect(tx).to.emit(w.cr, "CaseMandateExtended").withArgs(ASG[0], w.ids.agency, until, until2);
      expect(await eventsOf(w, tx, "CaseMandateExtended")).to.deep.equal([
        [ASG[0], 3n, b(until), b(until2)],
        [ASG[1], 3n, b(until), b(until2)],
      ]);
      expect(await statesOf(w, [ASG[0]!, ASG[1]!])).to.deep.equal([
        { creditorId: 1, agencyId: 3, assignedAt, until: until2, status: "Assigned", expired: false },
        { creditorId: 1, agencyId: 3, assignedAt, until: until2, status: "Accepted", expired: false },
      ]);
      await time.increaseTo(until + 1);
      expect(await w.cr.isAssignedTo(ASG[0]!, w.ids.agency)).to.equal(true);
      expect(await w.cr.isAssignedTo(ASG[2]!, w.ids.agency)).to.equal(false);
    });

    it("each case reports its own previous until", async () => {
      const { w, until } = await loadFixture(assignedCases);
      await w.L.extend([ASG[1]!], until + DAY);
      const until3 = until + 2 * DAY;
      const tx = w.L.extend([ASG[0]!, ASG[1]!], until3);
      expect(await eventsOf(w, tx, "CaseMandateExtended")).to.deep.equal([
        [ASG[0], 3n, b(until), b(until3)],
        [ASG[1], 3n, b(until + DAY), b(until3)],
      ]);
    });

    it("UntilNotLater for the same or an earlier until", async () => {
      const { w, until } = await loadFixture(assignedCases);
      await expect(w.L.extend([ASG[0]!], until))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryUntilNotLater")
        .withArgs(0, ASG[0], until, until);
      await w.L.extend([ASG[1]!], until + DAY);
      await expect(w.L.extend([ASG[0]!, ASG[1]!], until + 1))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryUntilNotLater")
        .withArgs(1, ASG[1], until + DAY, until + 1);
      expect((await stateOf(w, ASG[0]!)).until).to.equal(until);
    });

    it("InvalidUntil for an until in the past or beyond now + MAX_MANDATE", async () => {
      const { w, until } = await loadFixture(assignedCases);
      const t = (await now()) + 100;
      await time.setNextBlockTimestamp(t);
      await expect(w.L.extend([ASG[0]!], t - 1))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryInvalidUntil")
        .withArgs(t - 1, t + 1, t + MAX_MANDATE);
      await time.setNextBlockTimestamp(t);
      await expect(w.L.extend([ASG[0]!], t + MAX_MANDATE + 1))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryInvalidUntil")
        .withArgs(t + MAX_MANDATE + 1, t + 1, t + MAX_MANDATE);
      const { assignedAt } = await stateOf(w, ASG[0]!);
      await time.setNextBlockTimestamp(t);
      await expect(w.L.extend([ASG[0]!], t + MAX_MANDATE))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryMandateTooLong")
        .withArgs(0, ASG[0], assignedAt, t + MAX_MANDATE);
      await time.setNextBlockTimestamp(t + 1);
      await expect(w.L.extend([ASG[0]!], assignedAt + MAX_MANDATE))
        .to.emit(w.cr, "CaseMandateExtended")
        .withArgs(ASG[0], 3, until, assignedAt + MAX_MANDATE);
    });

    it("extend at `until` exactly succeeds; one second later MandateExpired", async () => {
      const { w, until } = await loadFixture(assignedCases);
      await time.setNextBlockTimestamp(until);
      await expect(w.L.extend([ASG[0]!], until + DAY))
        .to.emit(w.cr, "CaseMandateExtended")
        .withArgs(ASG[0], 3, until, until + DAY);
      await expect(w.L.extend([ASG[0]!, ASG[1]!], until + 2 * DAY))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryMandateExpired")
        .withArgs(1, ASG[1], until);
    });

    it("InvalidTransition for a case that is not assigned; NotCreditor for another lender", async () => {
      const { w, other } = await loadFixture(registeredCases);
      const until = (await now()) + MANDATE;
      await expect(w.L.extend([REG[0]!], until))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryInvalidTransition")
        .withArgs(0, REG[0], CaseStatus.Registered);
      await expect(w.L.extend([other], until))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryNotCreditor")
        .withArgs(0, other, 1);
    });
  });
});
