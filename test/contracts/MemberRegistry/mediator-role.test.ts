import { expect } from "chai";
import { deployConsortium, loadFixture, Role } from "../fixtures.js";
import { view } from "./fixtures.js";

/**
 * The MEDIATOR role bit (1 << 5, docs/design.md §28): a mediation body is admitted with it alone, holds it and no other
 * role, and a role query for it is answered by the registry as for any other bit; a mask past it is still refused.
 */
describe("MemberRegistry: the MEDIATOR role bit", () => {
  it("admits a mediator alone; isActive answers MEDIATOR and no other role; requireActiveSigner resolves it", async () => {
    const w = view(await loadFixture(deployConsortium));
    await expect(w.members.admit(w.spare1.address, w.spareRecovery1.address, Role.MEDIATOR, w.meta("mediator")))
      .to.emit(w.members, "MemberAdmitted")
      .withArgs(7, w.spare1.address, Role.MEDIATOR, w.meta("mediator"));
    expect(await w.members.isActive(7, Role.MEDIATOR)).to.equal(true);
    for (const other of [Role.LENDER, Role.AGENCY, Role.COURT, Role.OPERATOR, Role.SUPERVISOR]) {
      expect(await w.members.isActive(7, other), `role ${other}`).to.equal(false);
    }
    expect(await w.members.requireActiveSigner(w.spare1.address, Role.MEDIATOR)).to.equal(7n);
    await expect(w.members.requireActiveSigner(w.lender.address, Role.MEDIATOR))
      .to.be.revertedWithCustomError(w.members, "MemberRegistryMissingRole")
      .withArgs(w.ids.lender, Role.MEDIATOR);
  });

  it("a lender may also mediate (LENDER | MEDIATOR); a suspended mediator is not active as one", async () => {
    const w = view(await loadFixture(deployConsortium));
    await w.members.setRoles(w.ids.lender, Role.LENDER | Role.MEDIATOR);
    expect(await w.members.isActive(w.ids.lender, Role.MEDIATOR)).to.equal(true);
    expect(await w.members.isActive(w.ids.lender, Role.LENDER | Role.MEDIATOR)).to.equal(true);
    await w.members.suspend(w.ids.lender);
    expect(await w.members.isActive(w.ids.lender, Role.MEDIATOR)).to.equal(false);
  });

  it("refuses the next bit (1 << 6): a future role is a deliberate upgrade", async () => {
    const w = view(await loadFixture(deployConsortium));
    await expect(w.members.setRoles(w.ids.lender, Role.MEDIATOR << 1))
      .to.be.revertedWithCustomError(w.members, "MemberRegistryInvalidRoles")
      .withArgs(Role.MEDIATOR << 1);
  });
});
