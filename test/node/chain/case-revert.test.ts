import { expect } from "chai";
import { loadArtifact } from "../../../node/chain/artifacts.js";
import { Interface } from "ethers";
import { decodeRevert, revertInterface } from "../../../node/chain/case-revert.js";
import { testKey } from "./consortium-fixture.js";

/** Decoding CaseRegistry's and MemberRegistry's custom errors into words, from the ABIs of the build. */
describe("node/chain/case-revert", () => {
  let iface: Interface;
  before(async () => {
    const [cases, members] = await Promise.all([loadArtifact("CaseRegistry"), loadArtifact("MemberRegistry")]);
    iface = revertInterface(new Interface(cases.abi as never), new Interface(members.abi as never));
  });
  // The shape ethers gives an estimateGas that reverted.
  const ethersError = (data: string) => ({ code: "CALL_EXCEPTION", info: { error: { code: 3, data } } });

  it("names the item, the case and the reason of a per-item error", () => {
    const key = testKey("revert", 1);
    const data = iface.encodeErrorResult("CaseRegistryMandateActive", [4, key, 9, 1_800_000_000]);
    const decoded = decodeRevert(iface, ethersError(data));
    expect(decoded).to.deep.include({ name: "CaseRegistryMandateActive", index: 4, caseKey: key });
    expect(decoded?.args).to.deep.equal({ index: "4", caseKey: key, agencyId: "9", until: "1800000000" });
    expect(decoded?.reason).to.equal(`case ${key} is held by agency 9 until 2027-01-15T08:00:00.000Z; recall it first`);
    const transition = decodeRevert(iface, { data: iface.encodeErrorResult("CaseRegistryInvalidTransition", [0, key, 7]) });
    expect(transition?.reason).to.contain("is Closed");
  });

  it("says whose a foreign key is: the originator in its bytes 1–4 alone may register it", () => {
    const key = testKey("revert", 2, 7);
    const decoded = decodeRevert(iface, ethersError(iface.encodeErrorResult("CaseRegistryForeignKey", [3, key, 7])));
    expect(decoded).to.deep.include({ name: "CaseRegistryForeignKey", index: 3, caseKey: key });
    expect(decoded?.reason).to.equal(`case ${key} names member 7 as its originator; only that member can register it`);
  });

  it("decodes errors about the whole call, MemberRegistry's among them, and leaves other failures alone", () => {
    const account = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8";
    const signer = decodeRevert(iface, ethersError(iface.encodeErrorResult("MemberRegistryUnknownSigner", [account])));
    expect(signer).to.deep.include({ name: "MemberRegistryUnknownSigner", args: { account } });
    expect(signer?.index).to.equal(undefined);
    expect(decodeRevert(iface, { code: "ECONNREFUSED" })).to.equal(undefined);
    expect(decodeRevert(iface, ethersError("0xdeadbeef"))).to.equal(undefined);
  });
});
