/** CaseRegistry: mandate expiry. Synthetic keys only. */
import { expect } from "chai";
import { DAY, key, loadFixture, now, time } from "../fixtures.js";
import {
  MAX_MANDATE,
  MANDATE,
  world,
  debtorOf,
  stateOf,
  statesOf,
  ASG,
  assignedCases,
  acceptedCases,
} from "./fixtures.js";

describe("CaseRegistry", () => {
  describe("expiry", () => {
    it("isAssignedTo is true at `until` exactly and false one second later; caseOf.expired follows", async () => {
      const { w, until, assignedAt } = await loadFixture(assignedCases);
      await time.increaseTo(until - 1);
      expect(await w.cr.isAssignedTo(ASG[0]!, w.ids.agency)).to.equal(true);
      await time.increaseTo(until);
      expect(await now()).to.equal(until);
      expect(await w.cr.isAssignedTo(ASG[0]!, w.ids.agency)).to.equal(true);
      expect(await stateOf(w, ASG[0]!)).to.deep.equal({
        creditorId: 1,
        agencyId: 3,
        assignedAt,
        until,
        status: "Assigned",
        expired: false,
      });
      await time.increaseTo(until + 1);
      expect(await w.cr.isAssignedTo(ASG[0]!, w.ids.agency)).to.equal(false);
      expect(await stateOf(w, ASG[0]!)).to.deep.equal({
        creditorId: 1,
        agencyId: 3,
        assignedAt,
        until,
        status: "Assigned",
        expired: true,
      });
    });

    it("an accepted case expires the same way", async () => {
      const { w, until } = await loadFixture(acceptedCases);
      await time.increaseTo(until);
      expect(await w.cr.isAssignedTo(ASG[0]!, w.ids.agency)).to.equal(true);
      expect((await stateOf(w, ASG[0]!)).expired).to.equal(false);
      await time.increaseTo(until + 1);
      expect(await w.cr.isAssignedTo(ASG[0]!, w.ids.agency)).to.equal(false);
      expect(await stateOf(w, ASG[0]!)).to.deep.include({ status: "Accepted", expired: true });
    });

    it("accept, return and extend after expiry give MandateExpired with the until", async () => {
      const { w, until } = await loadFixture(assignedCases);
      await w.A.accept([ASG[1]!]);
      await time.increaseTo(until + 1);
      await expect(w.A.accept([ASG[0]!]))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryMandateExpired")
        .withArgs(0, ASG[0], until);
      await expect(w.A.returnCases([ASG[0]!]))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryMandateExpired")
        .withArgs(0, ASG[0], until);
      await expect(w.A.returnCases([ASG[1]!]))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryMandateExpired")
        .withArgs(0, ASG[1], until);
      const later = (await now()) + DAY;
      await expect(w.L.extend([ASG[0]!], later))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryMandateExpired")
        .withArgs(0, ASG[0], until);
      await expect(w.L.extend([ASG[1]!], later))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryMandateExpired")
        .withArgs(0, ASG[1], until);
    });

    it("an expired case can be reassigned, to another agency or the same one", async () => {
      const { w, until } = await loadFixture(acceptedCases);
      await time.increaseTo(until + 1);
      const until2 = (await now()) + MANDATE;
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
      expect(await w.cr.isAssignedTo(ASG[0]!, w.ids.agency2)).to.equal(true);
      await expect(w.A.returnCases([ASG[0]!]))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryNotAgency")
        .withArgs(0, ASG[0], 3);
      await expect(w.L.assign(w.ids.agency, until2, [ASG[1]!])).to.emit(w.cr, "CasesAssigned").withArgs(1, 3, until2, [ASG[1]]);
      expect(await stateOf(w, ASG[1]!)).to.deep.include({ status: "Assigned", expired: false, until: until2 });
      await expect(w.A.accept([ASG[1]!])).to.emit(w.cr, "CaseAccepted").withArgs(ASG[1], 3);
    });

    it("an expired case can be transferred", async () => {
      const { w, until } = await loadFixture(assignedCases);
      await time.increaseTo(until + 1);
      await expect(w.L.transferCreditor(ASG, w.ids.lender2))
        .to.emit(w.cr, "CaseCreditorTransferred")
        .withArgs(ASG[2], 1, 2);
      for (const s of await statesOf(w, ASG)) {
        expect(s).to.deep.equal({ creditorId: 2, agencyId: 0, assignedAt: 0, until: 0, status: "Registered", expired: false });
      }
    });

    it("extend cannot make the window [assignedAt, until] longer than MAX_MANDATE", async () => {
      const w = await world();
      const k = key("long-window");
      const t = (await now()) + 10;
      await time.setNextBlockTimestamp(t);
      await w.L.registerAndAssign(w.ids.agency, t + MAX_MANDATE - DAY, [k], [debtorOf(k)]);
      await time.setNextBlockTimestamp(t + DAY);
      await expect(w.L.extend([k], t + DAY + MAX_MANDATE - DAY + 1))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryMandateTooLong")
        .withArgs(0, k, t, t + MAX_MANDATE + 1);
      await time.setNextBlockTimestamp(t + 2 * DAY);
      await expect(w.L.extend([k], t + MAX_MANDATE))
        .to.emit(w.cr, "CaseMandateExtended")
        .withArgs(k, 3, t + MAX_MANDATE - DAY, t + MAX_MANDATE);
      const s = await stateOf(w, k);
      expect(s.until - s.assignedAt).to.equal(MAX_MANDATE);
    });

    it("a mandate must end after the block that grants it (until = block time is InvalidUntil)", async () => {
      const w = await world();
      const k = key("zero-length");
      const t = (await now()) + 10;
      await time.setNextBlockTimestamp(t);
      await expect(w.L.registerAndAssign(w.ids.agency, t, [k], [debtorOf(k)]))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryInvalidUntil")
        .withArgs(t, t + 1, t + MAX_MANDATE);
      await time.setNextBlockTimestamp(t + 1);
      await w.L.registerAndAssign(w.ids.agency, t + 2, [k], [debtorOf(k)]);
      expect(await w.cr.isAssignedTo(k, w.ids.agency)).to.equal(true);
      await expect(w.A.accept([k])).to.emit(w.cr, "CaseAccepted").withArgs(k, 3);
    });
  });
});
