/** CaseRegistry: what only the creditor ends or hands on: settle, close, transferCreditor. Synthetic keys only. */
import { expect } from "chai";
import { CaseStatus, DAY, key, loadFixture, MemberStatus, NO_TERMS, Role, time } from "../fixtures.js";
import {
  debtorOf,
  stateOf,
  statesOf,
  eventsOf,
  REG,
  ASG,
  registeredCases,
  assignedCases,
  acceptedCases,
} from "./fixtures.js";

describe("CaseRegistry", () => {
  describe("settle", () => {
    it("settles registered, assigned and accepted cases: CaseSettled with the creditor, each amount and the terms hash", async () => {
      const { w, until, assignedAt } = await loadFixture(assignedCases);
      await w.A.accept([ASG[1]!]);
      const reg = key("settle-reg");
      await w.L.register([reg], [debtorOf(reg)]);
      const terms = `0x${"7e".repeat(32)}`;
      // 0 is a write-off; the largest uint64 must survive the event unchanged.
      const tx = w.L.settle([reg, ASG[0]!, ASG[1]!], [0n, 1_234_567n, 2n ** 64n - 1n], terms);
      await expect(tx).to.emit(w.cr, "CaseSettled").withArgs(reg, w.ids.lender, 0n, terms);
      expect(await eventsOf(w, tx, "CaseSettled")).to.deep.equal([
        [reg, 1n, 0n, terms],
        [ASG[0], 1n, 1_234_567n, terms],
        [ASG[1], 1n, 2n ** 64n - 1n, terms],
      ]);
      expect(await statesOf(w, [reg, ASG[0]!, ASG[1]!])).to.deep.equal([
        { creditorId: 1, agencyId: 0, assignedAt: 0, until: 0, status: "Settled", expired: false },
        { creditorId: 1, agencyId: 3, assignedAt, until, status: "Settled", expired: false },
        { creditorId: 1, agencyId: 3, assignedAt, until, status: "Settled", expired: false },
      ]);
    });

    it("settling ends a held mandate: the agency no longer holds, accepts or returns the case", async () => {
      const { w } = await loadFixture(assignedCases);
      await w.L.settle([ASG[0]!], [0n], NO_TERMS);
      expect(await w.cr.isAssignedTo(ASG[0]!, w.ids.agency)).to.equal(false);
      await expect(w.A.accept([ASG[0]!]))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryInvalidTransition")
        .withArgs(0, ASG[0], CaseStatus.Settled);
      await expect(w.A.returnCases([ASG[0]!]))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryInvalidTransition")
        .withArgs(0, ASG[0], CaseStatus.Settled);
    });

    it("a settled case stays unexpired forever (expiry applies to Assigned/Accepted only)", async () => {
      const { w, until } = await loadFixture(assignedCases);
      await w.L.settle([ASG[0]!], [0n], NO_TERMS);
      await time.increaseTo(until + 365 * DAY);
      expect((await stateOf(w, ASG[0]!)).expired).to.equal(false);
      expect((await stateOf(w, ASG[1]!)).expired).to.equal(true);
    });

    it("SettledLengthMismatch unless there is one amount per case; nothing changes", async () => {
      const { w } = await loadFixture(assignedCases);
      await expect(w.L.settle([ASG[0]!, ASG[1]!], [5n], NO_TERMS))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistrySettledLengthMismatch")
        .withArgs(2, 1);
      await expect(w.L.settle([ASG[0]!], [5n, 6n], NO_TERMS))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistrySettledLengthMismatch")
        .withArgs(1, 2);
      expect((await stateOf(w, ASG[0]!)).status).to.equal("Assigned");
    });

    it("NotCreditor for another lender; UnknownCase", async () => {
      const { w, other } = await loadFixture(registeredCases);
      await expect(w.L.settle([REG[0]!, other], [0n, 0n], NO_TERMS))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryNotCreditor")
        .withArgs(1, other, 1);
      const unknown = key("unknown");
      await expect(w.L.settle([unknown], [0n], NO_TERMS))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryUnknownCase")
        .withArgs(0, unknown);
      expect((await stateOf(w, REG[0]!)).status).to.equal("Registered");
    });
  });

  describe("close", () => {
    it("closes cases in any status: CaseClosed with the creditor; other fields kept", async () => {
      const { w, until, assignedAt } = await loadFixture(acceptedCases);
      const reg = key("close-reg");
      await w.L.register([reg], [debtorOf(reg)]);
      await w.L.settle([ASG[1]!], [0n], NO_TERMS);
      const tx = w.L.close([reg, ASG[0]!, ASG[1]!]);
      await expect(tx).to.emit(w.cr, "CaseClosed").withArgs(ASG[0], w.ids.lender);
      expect(await eventsOf(w, tx, "CaseClosed")).to.deep.equal([
        [reg, 1n],
        [ASG[0], 1n],
        [ASG[1], 1n],
      ]);
      expect(await statesOf(w, [reg, ASG[0]!, ASG[1]!])).to.deep.equal([
        { creditorId: 1, agencyId: 0, assignedAt: 0, until: 0, status: "Closed", expired: false },
        { creditorId: 1, agencyId: 3, assignedAt, until, status: "Closed", expired: false },
        { creditorId: 1, agencyId: 3, assignedAt, until, status: "Closed", expired: false },
      ]);
      expect(await w.cr.isAssignedTo(ASG[0]!, w.ids.agency)).to.equal(false);
    });

    it("Closed is terminal; a closed key cannot be registered again", async () => {
      const { w } = await loadFixture(registeredCases);
      await w.L.close([REG[0]!]);
      await expect(w.L.close([REG[0]!]))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryInvalidTransition")
        .withArgs(0, REG[0], CaseStatus.Closed);
      await expect(w.L.register([REG[0]!], [debtorOf(REG[0]!)]))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryAlreadyRegistered")
        .withArgs(0, REG[0]);
    });

    it("NotCreditor for another lender", async () => {
      const { w, other } = await loadFixture(registeredCases);
      await expect(w.L.close([other]))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryNotCreditor")
        .withArgs(0, other, 1);
    });
  });

  describe("transferCreditor", () => {
    it("transfers registered cases: CaseCreditorTransferred; the case arrives as Registered", async () => {
      const { w } = await loadFixture(registeredCases);
      const tx = w.L.transferCreditor(REG, w.ids.lender2);
      await expect(tx).to.emit(w.cr, "CaseCreditorTransferred").withArgs(REG[0], w.ids.lender, w.ids.lender2);
      expect(await eventsOf(w, tx, "CaseCreditorTransferred")).to.deep.equal(REG.map((k) => [k, 1n, 2n]));
      for (const s of await statesOf(w, REG)) {
        expect(s).to.deep.equal({ creditorId: 2, agencyId: 0, assignedAt: 0, until: 0, status: "Registered", expired: false });
      }
    });

    it("a returned case loses its former agency and mandate on transfer", async () => {
      const { w } = await loadFixture(acceptedCases);
      await w.A.returnCases([ASG[0]!]);
      await expect(w.L.transferCreditor([ASG[0]!], w.ids.amc))
        .to.emit(w.cr, "CaseCreditorTransferred")
        .withArgs(ASG[0], 1, 6);
      expect(await stateOf(w, ASG[0]!)).to.deep.equal({
        creditorId: 6,
        agencyId: 0,
        assignedAt: 0,
        until: 0,
        status: "Registered",
        expired: false,
      });
      await expect(w.A.accept([ASG[0]!]))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryNotAgency")
        .withArgs(0, ASG[0], 3);
    });

    it("SameCreditor for a transfer to oneself", async () => {
      const { w } = await loadFixture(registeredCases);
      await expect(w.L.transferCreditor(REG, w.ids.lender))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistrySameCreditor")
        .withArgs(1);
    });

    it("the new creditor must be an active LENDER member", async () => {
      const { w } = await loadFixture(registeredCases);
      await expect(w.L.transferCreditor(REG, w.ids.agency))
        .to.be.revertedWithCustomError(w.mr, "MemberRegistryMissingRole")
        .withArgs(3, Role.LENDER);
      await expect(w.L.transferCreditor(REG, w.ids.court))
        .to.be.revertedWithCustomError(w.mr, "MemberRegistryMissingRole")
        .withArgs(5, Role.LENDER);
      await expect(w.L.transferCreditor(REG, 99))
        .to.be.revertedWithCustomError(w.mr, "MemberRegistryUnknownMember")
        .withArgs(99);
      await expect(w.L.transferCreditor(REG, 0))
        .to.be.revertedWithCustomError(w.mr, "MemberRegistryUnknownMember")
        .withArgs(0);
      await w.mr.suspend(w.ids.lender2);
      await expect(w.L.transferCreditor(REG, w.ids.lender2))
        .to.be.revertedWithCustomError(w.mr, "MemberRegistryMemberNotActive")
        .withArgs(2, MemberStatus.Suspended);
      for (const s of await statesOf(w, REG)) expect(s.creditorId).to.equal(1);
    });

    it("MandateActive while an assignment runs; after expiry the transfer goes through", async () => {
      const { w, until } = await loadFixture(acceptedCases);
      await expect(w.L.transferCreditor([ASG[0]!], w.ids.lender2))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryMandateActive")
        .withArgs(0, ASG[0], 3, until);
      await time.increaseTo(until + 1);
      await expect(w.L.transferCreditor([ASG[0]!], w.ids.lender2))
        .to.emit(w.cr, "CaseCreditorTransferred")
        .withArgs(ASG[0], 1, 2);
      expect(await stateOf(w, ASG[0]!)).to.deep.equal({
        creditorId: 2,
        agencyId: 0,
        assignedAt: 0,
        until: 0,
        status: "Registered",
        expired: false,
      });
    });

    it("InvalidTransition for settled and closed cases; NotCreditor for another lender's case", async () => {
      const { w, other } = await loadFixture(registeredCases);
      await w.L.settle([REG[0]!], [0n], NO_TERMS);
      await w.L.close([REG[1]!]);
      await expect(w.L.transferCreditor([REG[2]!, REG[0]!], w.ids.lender2))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryInvalidTransition")
        .withArgs(1, REG[0], CaseStatus.Settled);
      await expect(w.L.transferCreditor([REG[1]!], w.ids.lender2))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryInvalidTransition")
        .withArgs(0, REG[1], CaseStatus.Closed);
      await expect(w.L.transferCreditor([other], w.ids.amc))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryNotCreditor")
        .withArgs(0, other, 1);
      expect((await stateOf(w, REG[2]!)).creditorId).to.equal(1);
    });
  });
});
