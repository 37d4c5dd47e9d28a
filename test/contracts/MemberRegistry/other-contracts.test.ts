/** MemberRegistry: a suspension or removal as CaseRegistry and EvidenceRegistry see it. Synthetic data only. */
import { expect } from "chai";
import type { ContractTransactionResponse } from "ethers";
import { deployConsortium, loadFixture, ethers, keys, now, DAY, Role, MemberStatus } from "../fixtures.js";
import { view, type World, E, leafHash } from "./fixtures.js";

describe("MemberRegistry", () => {
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
