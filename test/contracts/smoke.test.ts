import { expect } from "chai";
import { deployConsortium, loadFixture, keys, now, DAY } from "./fixtures.js";

describe("smoke", () => {
  it("registers and assigns", async () => {
    const c = await loadFixture(deployConsortium);
    const until = (await now()) + 30 * DAY;
    const ks = keys("case", 3);
    await expect(c.caseRegistry.connect(c.lender).registerAndAssign(c.ids.agency, until, ks, keys("debtor", 3)))
      .to.emit(c.caseRegistry, "CasesAssigned");
    expect(await c.caseRegistry.isAssignedTo(ks[0]!, c.ids.agency)).to.equal(true);
    await expect(c.caseRegistry.connect(c.lender).registerAndAssign(c.ids.agency, until, ks, keys("debtor", 3)))
      .to.be.revertedWithCustomError(c.caseRegistry, "CaseRegistryAlreadyRegistered").withArgs(0, ks[0]);
  });
});
