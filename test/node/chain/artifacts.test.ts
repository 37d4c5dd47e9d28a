import { expect } from "chai";
import { codeMatchesArtifact, loadArtifact } from "../../../node/chain/artifacts.js";

describe("node/chain/artifacts", () => {
  it("matches runtime code whatever the immutables hold, and nothing else", async () => {
    const artifact = await loadArtifact("CaseRegistry");
    const refs = Object.values(artifact.immutableReferences ?? {}).flat();
    expect(refs.length).to.be.greaterThan(0);
    const code = artifact.deployedBytecode.slice(2).split("");
    for (const { start, length } of refs) {
      for (let i = start * 2; i < (start + length) * 2; i++) code[i] = "a";
    }
    expect(codeMatchesArtifact(`0x${code.join("")}`, artifact)).to.equal(true);

    const outside = [...code];
    const firstOutside = refs[0]!.start * 2 - 2;
    outside[firstOutside] = outside[firstOutside] === "f" ? "e" : "f";
    expect(codeMatchesArtifact(`0x${outside.join("")}`, artifact)).to.equal(false);
    expect(codeMatchesArtifact(`0x${code.join("")}00`, artifact)).to.equal(false);
    expect(codeMatchesArtifact("0x", artifact)).to.equal(false);
  });
});
