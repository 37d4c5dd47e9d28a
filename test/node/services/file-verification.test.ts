import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { verifyEvidenceFile } from "../../../node/services/file-verification.js";
import { CHAIN_ID, CONTRACT, FILE, fixture, MEMBER } from "../domain/evidence/receipt-fixtures.js";

describe("node/services/file-verification (offline)", function () {
  this.timeout(30_000);
  let dir: string;
  const receiptFile = () => join(dir, "r.receipt.json");

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "caseledger-file-verify-"));
    await writeFile(receiptFile(), JSON.stringify(fixture().receipt));
    await writeFile(join(dir, "recording.mp3"), FILE);
    await writeFile(join(dir, "other.mp3"), "another file");
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("passes the recorded file's steps without a chain node, and leaves the anchor not checked", async () => {
    const result = await verifyEvidenceFile({ file: join(dir, "recording.mp3"), receiptFile: receiptFile(), trust: { contract: CONTRACT, chainId: CHAIN_ID, member: MEMBER } });
    const verdictOf = (step: string) => result.steps.find((s) => s.step === step)?.verdict;
    expect(verdictOf("file")).to.equal("passed");
    expect(verdictOf("inclusion")).to.equal("passed");
    expect(result.verdict).to.not.equal("invalid");
    expect(result.verdict).to.not.equal("valid", "an anchor never checked against the chain cannot make it valid");
  });

  it("names the file step when the file is not the recorded one, and refuses a receipt that is no receipt", async () => {
    const other = await verifyEvidenceFile({ file: join(dir, "other.mp3"), receiptFile: receiptFile(), trust: {} });
    expect(other.verdict).to.equal("invalid");
    expect(other.steps.filter((s) => s.verdict === "failed").map((s) => s.step)).to.deep.equal(["file"]);

    await writeFile(join(dir, "junk.json"), "not a receipt");
    const junk = await verifyEvidenceFile({ file: join(dir, "recording.mp3"), receiptFile: join(dir, "junk.json"), trust: {} });
    expect(junk.verdict).to.equal("invalid");
  });
});
