/** CaseRegistry: registering cases, alone or with their first assignment. Synthetic keys only. */
import { expect } from "chai";
import { ZeroHash } from "ethers";
import { key, keys, loadFixture, MemberStatus, now, Role, time } from "../fixtures.js";
import {
  MAX_MANDATE,
  MANDATE,
  world,
  debtorOf,
  debtorsOf,
  stateOf,
  statesOf,
  NONE,
  eventsOf,
  eventNames,
  b,
  REG,
  registeredCases,
} from "./fixtures.js";

describe("CaseRegistry", () => {
  describe("register", () => {
    it("registers one case for the caller as creditor", async () => {
      const w = await world();
      const k = key("one");
      await expect(w.L.register([k], [debtorOf(k)]))
        .to.emit(w.cr, "CaseRegistered")
        .withArgs(k, debtorOf(k), w.ids.lender);
      expect(await stateOf(w, k)).to.deep.equal({
        creditorId: 1,
        agencyId: 0,
        assignedAt: 0,
        until: 0,
        status: "Registered",
        expired: false,
      });
      expect(await w.cr.isAssignedTo(k, w.ids.agency)).to.equal(false);
    });

    it("registers a batch with one CaseRegistered per case, in order, and no CasesAssigned", async () => {
      const w = await world();
      const ks = keys("batch", 4, 0, 2);
      const tx = w.L2.register(ks, debtorsOf(ks));
      await expect(tx).not.to.emit(w.cr, "CasesAssigned");
      expect(await eventsOf(w, tx, "CaseRegistered")).to.deep.equal(ks.map((k) => [k, debtorOf(k), 2n]));
      for (const s of await statesOf(w, ks)) {
        expect(s).to.deep.equal({ creditorId: 2, agencyId: 0, assignedAt: 0, until: 0, status: "Registered", expired: false });
      }
    });

    it("a member with every role registers as creditor with its own id", async () => {
      const w = await world();
      const k = key("amc", 0, 6);
      await expect(w.as(w.amc).register([k], [debtorOf(k)]))
        .to.emit(w.cr, "CaseRegistered")
        .withArgs(k, debtorOf(k), w.ids.amc);
      expect((await stateOf(w, k)).creditorId).to.equal(6);
    });

    it("the same debtor may have several cases", async () => {
      const w = await world();
      const ks = keys("same-debtor", 2);
      const d = key("debtor-x");
      const tx = w.L.register(ks, [d, d]);
      expect(await eventsOf(w, tx, "CaseRegistered")).to.deep.equal([
        [ks[0], d, 1n],
        [ks[1], d, 1n],
      ]);
    });

    it("LengthMismatch when debtorKeys is shorter or longer than caseKeys", async () => {
      const w = await world();
      const ks = keys("lm", 2);
      await expect(w.L.register(ks, [debtorOf(ks[0]!)]))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryLengthMismatch")
        .withArgs(2, 1);
      await expect(w.L.register([ks[0]!], debtorsOf(ks)))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryLengthMismatch")
        .withArgs(1, 2);
      await expect(w.L.register(ks, []))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryLengthMismatch")
        .withArgs(2, 0);
      expect(await statesOf(w, ks)).to.deep.equal([NONE, NONE]);
    });

    it("ZeroKey for a zero caseKey or a zero debtorKey, at the item's index", async () => {
      const w = await world();
      const ks = keys("zk", 3);
      await expect(w.L.register([ks[0]!, ZeroHash, ks[2]!], debtorsOf(ks)))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryZeroKey")
        .withArgs(1);
      await expect(w.L.register(ks, [debtorOf(ks[0]!), debtorOf(ks[1]!), ZeroHash]))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryZeroKey")
        .withArgs(2);
      await expect(w.L.register([ZeroHash], [ZeroHash]))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryZeroKey")
        .withArgs(0);
      expect(await statesOf(w, ks)).to.deep.equal([NONE, NONE, NONE]);
    });

    it("AlreadyRegistered for the caller's own case; ForeignKey for another lender's case", async () => {
      const { w, other } = await loadFixture(registeredCases);
      const fresh = key("fresh");
      await expect(w.L.register([fresh, REG[1]!], debtorsOf([fresh, REG[1]!])))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryAlreadyRegistered")
        .withArgs(1, REG[1]);
      await expect(w.L.register([other], [debtorOf(other)]))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryForeignKey")
        .withArgs(0, other, w.ids.lender2);
      expect((await stateOf(w, other)).creditorId).to.equal(2);
      expect(await stateOf(w, fresh)).to.deep.equal(NONE);
    });
  });

  describe("keys name their originator (bytes 1–4): no lender registers another's case", () => {
    // The attack: every member holds the pepper, so a lender can compute a rival's keys for predictable loan
    // references, or copy them from a pending transaction, and register them first.
    it("register and registerAndAssign revert with ForeignKey(index, key, originator) for a rival's key", async () => {
      const w = await world();
      const own = key("front-run/own", 0, w.ids.lender2);
      const victims = keys("front-run/victim", 2);
      const until = (await now()) + MANDATE;
      await expect(w.L2.register([own, victims[1]!], debtorsOf([own, victims[1]!])))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryForeignKey")
        .withArgs(1, victims[1], w.ids.lender);
      await expect(w.L2.registerAndAssign(w.ids.agency, until, victims, debtorsOf(victims)))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryForeignKey")
        .withArgs(0, victims[0], w.ids.lender);
      await expect(w.as(w.amc).register([victims[0]!], debtorsOf([victims[0]!])))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryForeignKey")
        .withArgs(0, victims[0], w.ids.lender);
      expect(await statesOf(w, [own, ...victims])).to.deep.equal([NONE, NONE, NONE]);
    });

    it("the originator registers its keys after a failed front-run", async () => {
      const w = await world();
      const victims = keys("front-run/after", 2);
      await expect(w.L2.register(victims, debtorsOf(victims))).to.be.revertedWithCustomError(w.cr, "CaseRegistryForeignKey");
      const until = (await now()) + MANDATE;
      await expect(w.L.registerAndAssign(w.ids.agency, until, victims, debtorsOf(victims)))
        .to.emit(w.cr, "CasesAssigned")
        .withArgs(w.ids.lender, w.ids.agency, until, victims);
      for (const s of await statesOf(w, victims)) expect(s.creditorId).to.equal(w.ids.lender);
    });

    it("a key whose prefix is an id never admitted, or zero, is nobody's to register", async () => {
      const w = await world();
      const stray = key("front-run/stray", 0, 0);
      const unadmitted = key("front-run/unadmitted", 0, 0xffff_ffff);
      await expect(w.L.register([stray], debtorsOf([stray])))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryForeignKey")
        .withArgs(0, stray, 0);
      await expect(w.L.register([unadmitted], debtorsOf([unadmitted])))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryForeignKey")
        .withArgs(0, unadmitted, 0xffff_ffff);
    });

    it("a transferred case keeps its originator's prefix and the new creditor acts on it", async () => {
      const { w } = await loadFixture(registeredCases);
      const k = REG[0]!;
      await w.L.transferCreditor([k], w.ids.lender2);
      const until = (await now()) + MANDATE;
      await expect(w.L2.assign(w.ids.agency, until, [k])).to.emit(w.cr, "CasesAssigned").withArgs(2, 3, until, [k]);
      expect((await stateOf(w, k)).creditorId).to.equal(w.ids.lender2);
      expect(k.slice(4, 12)).to.equal("00000001");
    });
  });

  describe("registerAndAssign", () => {
    it("registers and assigns: CaseRegistered per case, then one CasesAssigned with every key", async () => {
      const w = await world();
      const ks = keys("ra", 3);
      const until = (await now()) + MANDATE;
      const tx = w.L.registerAndAssign(w.ids.agency, until, ks, debtorsOf(ks));
      await expect(tx).to.emit(w.cr, "CasesAssigned").withArgs(w.ids.lender, w.ids.agency, until, ks);
      const assignedAt = await now();
      expect(await eventNames(w, tx)).to.deep.equal(["CaseRegistered", "CaseRegistered", "CaseRegistered", "CasesAssigned"]);
      expect(await eventsOf(w, tx, "CaseRegistered")).to.deep.equal(ks.map((k) => [k, debtorOf(k), 1n]));
      expect(await eventsOf(w, tx, "CasesAssigned")).to.deep.equal([[1n, 3n, b(until), ks]]);
      for (const s of await statesOf(w, ks)) {
        expect(s).to.deep.equal({ creditorId: 1, agencyId: 3, assignedAt, until, status: "Assigned", expired: false });
      }
      for (const k of ks) {
        expect(await w.cr.isAssignedTo(k, w.ids.agency)).to.equal(true);
        expect(await w.cr.isAssignedTo(k, w.ids.agency2)).to.equal(false);
      }
    });

    it("until may be one second after the block time and at most block time + MAX_MANDATE", async () => {
      const w = await world();
      const t = (await now()) + 100;
      const [k0, k1] = keys("bounds", 2) as [string, string];
      await time.setNextBlockTimestamp(t);
      await expect(w.L.registerAndAssign(w.ids.agency, t + MAX_MANDATE, [k0], [debtorOf(k0)]))
        .to.emit(w.cr, "CasesAssigned")
        .withArgs(1, 3, t + MAX_MANDATE, [k0]);
      await time.setNextBlockTimestamp(t + 10);
      await expect(w.L.registerAndAssign(w.ids.agency, t + 11, [k1], [debtorOf(k1)]))
        .to.emit(w.cr, "CasesAssigned")
        .withArgs(1, 3, t + 11, [k1]);
      expect(await stateOf(w, k0)).to.deep.include({ assignedAt: t, until: t + MAX_MANDATE });
      expect(await stateOf(w, k1)).to.deep.include({ assignedAt: t + 10, until: t + 11 });
    });

    it("InvalidUntil for until in the past or beyond now + MAX_MANDATE, with the exact bounds", async () => {
      const w = await world();
      const k = key("iu");
      const t = (await now()) + 100;
      await time.setNextBlockTimestamp(t);
      await expect(w.L.registerAndAssign(w.ids.agency, t - 1, [k], [debtorOf(k)]))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryInvalidUntil")
        .withArgs(t - 1, t + 1, t + MAX_MANDATE);
      await time.setNextBlockTimestamp(t);
      await expect(w.L.registerAndAssign(w.ids.agency, t + MAX_MANDATE + 1, [k], [debtorOf(k)]))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryInvalidUntil")
        .withArgs(t + MAX_MANDATE + 1, t + 1, t + MAX_MANDATE);
      await time.setNextBlockTimestamp(t);
      await expect(w.L.registerAndAssign(w.ids.agency, 0, [k], [debtorOf(k)]))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryInvalidUntil")
        .withArgs(0, t + 1, t + MAX_MANDATE);
      expect(await stateOf(w, k)).to.deep.equal(NONE);
    });

    it("the agency must be an active AGENCY member", async () => {
      const w = await world();
      const k = key("ag");
      const until = (await now()) + MANDATE;
      const send = (agencyId: number) => w.L.registerAndAssign(agencyId, until, [k], [debtorOf(k)]);
      await expect(send(w.ids.lender2)).to.be.revertedWithCustomError(w.mr, "MemberRegistryMissingRole").withArgs(2, Role.AGENCY);
      await expect(send(w.ids.court)).to.be.revertedWithCustomError(w.mr, "MemberRegistryMissingRole").withArgs(5, Role.AGENCY);
      await expect(send(99)).to.be.revertedWithCustomError(w.mr, "MemberRegistryUnknownMember").withArgs(99);
      await expect(send(0)).to.be.revertedWithCustomError(w.mr, "MemberRegistryUnknownMember").withArgs(0);
      await w.mr.suspend(w.ids.agency);
      await expect(send(w.ids.agency))
        .to.be.revertedWithCustomError(w.mr, "MemberRegistryMemberNotActive")
        .withArgs(3, MemberStatus.Suspended);
      await w.mr.remove(w.ids.agency2);
      await expect(send(w.ids.agency2))
        .to.be.revertedWithCustomError(w.mr, "MemberRegistryMemberNotActive")
        .withArgs(4, MemberStatus.Removed);
      expect(await stateOf(w, k)).to.deep.equal(NONE);
    });

    it("a multi-role member may be the agency, even of its own cases", async () => {
      const w = await world();
      const until = (await now()) + MANDATE;
      const k0 = key("amc-agency", 0);
      const k1 = key("amc-agency", 1, 6);
      await expect(w.L.registerAndAssign(w.ids.amc, until, [k0], [debtorOf(k0)]))
        .to.emit(w.cr, "CasesAssigned")
        .withArgs(1, 6, until, [k0]);
      await expect(w.as(w.amc).registerAndAssign(w.ids.amc, until, [k1], [debtorOf(k1)]))
        .to.emit(w.cr, "CasesAssigned")
        .withArgs(6, 6, until, [k1]);
      await expect(w.as(w.amc).accept([k0, k1])).to.emit(w.cr, "CaseAccepted").withArgs(k1, 6);
      expect(await w.cr.isAssignedTo(k0, w.ids.amc)).to.equal(true);
    });

    it("ZeroKey, LengthMismatch and AlreadyRegistered as for register", async () => {
      const { w } = await loadFixture(registeredCases);
      const until = (await now()) + MANDATE;
      const ks = keys("ra-err", 2);
      await expect(w.L.registerAndAssign(w.ids.agency, until, ks, [debtorOf(ks[0]!)]))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryLengthMismatch")
        .withArgs(2, 1);
      await expect(w.L.registerAndAssign(w.ids.agency, until, [ks[0]!, ZeroHash], debtorsOf(ks)))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryZeroKey")
        .withArgs(1);
      await expect(w.L.registerAndAssign(w.ids.agency, until, [ks[0]!, REG[2]!], debtorsOf(ks)))
        .to.be.revertedWithCustomError(w.cr, "CaseRegistryAlreadyRegistered")
        .withArgs(1, REG[2]);
      expect(await statesOf(w, ks)).to.deep.equal([NONE, NONE]);
      expect((await stateOf(w, REG[2]!)).status).to.equal("Registered");
    });
  });
});
