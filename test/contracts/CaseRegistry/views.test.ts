/** CaseRegistry: its constants and read-only views. Synthetic keys only. */
import { expect } from "chai";
import { ZeroHash } from "ethers";
import { key, loadFixture } from "../fixtures.js";
import {
  MAX_BATCH,
  MAX_MANDATE,
  world,
  debtorOf,
  type State,
  stateOf,
  statesOf,
  NONE,
  b,
  REG,
  ASG,
  registeredCases,
  assignedCases,
} from "./fixtures.js";

describe("CaseRegistry", () => {
  describe("constants and views", () => {
    it("MAX_BATCH is 500 and MAX_MANDATE is 730 days", async () => {
      const w = await world();
      expect(await w.cr.MAX_BATCH()).to.equal(b(MAX_BATCH));
      expect(await w.cr.MAX_MANDATE()).to.equal(b(MAX_MANDATE));
    });

    it("memberRegistry is the registry given to the constructor", async () => {
      const w = await world();
      expect(await w.cr.memberRegistry()).to.equal(await w.mr.getAddress());
    });

    it("caseOf an unknown key is all zero with status None", async () => {
      const w = await world();
      expect(await stateOf(w, key("never"))).to.deep.equal(NONE);
      expect(await stateOf(w, ZeroHash)).to.deep.equal(NONE);
    });

    it("casesOf returns the cases in the order asked, unknown ones as None", async () => {
      const { w, until, assignedAt } = await loadFixture(assignedCases);
      await w.L.register([REG[0]!], [debtorOf(REG[0]!)]);
      const states = await statesOf(w, [ASG[1]!, key("never"), REG[0]!, ASG[0]!]);
      const assigned: State = {
        creditorId: 1,
        agencyId: 3,
        assignedAt,
        until,
        status: "Assigned",
        expired: false,
      };
      expect(states).to.deep.equal([
        assigned,
        NONE,
        { creditorId: 1, agencyId: 0, assignedAt: 0, until: 0, status: "Registered", expired: false },
        assigned,
      ]);
    });

    it("casesOf of no key is empty", async () => {
      const w = await world();
      expect(await statesOf(w, [])).to.deep.equal([]);
    });

    it("isAssignedTo is false for agency id 0, an unknown case, another agency and a non-agency", async () => {
      const { w } = await loadFixture(assignedCases);
      expect(await w.cr.isAssignedTo(ASG[0]!, w.ids.agency)).to.equal(true);
      expect(await w.cr.isAssignedTo(ASG[0]!, 0)).to.equal(false);
      expect(await w.cr.isAssignedTo(key("never"), w.ids.agency)).to.equal(false);
      expect(await w.cr.isAssignedTo(key("never"), 0)).to.equal(false);
      expect(await w.cr.isAssignedTo(ASG[0]!, w.ids.agency2)).to.equal(false);
      expect(await w.cr.isAssignedTo(ASG[0]!, w.ids.lender)).to.equal(false);
      expect(await w.cr.isAssignedTo(ASG[0]!, 99)).to.equal(false);
    });

    it("isAssignedTo is false for a registered case that never had an agency", async () => {
      const { w } = await loadFixture(registeredCases);
      expect(await w.cr.isAssignedTo(REG[0]!, 0)).to.equal(false);
      expect(await w.cr.isAssignedTo(REG[0]!, w.ids.agency)).to.equal(false);
    });
  });
});
