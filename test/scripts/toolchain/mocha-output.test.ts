import { expect } from "chai";
import { failureDigest, mochaCounts } from "../../../scripts/toolchain/mocha-output.mjs";

const ESC = "\u001b";
// What a mocha run with one failure prints, colours included (abridged).
const FAILED_RUN = [
  "Running Mocha tests",
  "",
  "  node/chain: the case indexer",
  `    ${ESC}[32m✔${ESC}[0m reads the events (120ms)`,
  `    ${ESC}[31m1) polls with start()/stop() and reports failures${ESC}[0m`,
  "",
  `  ${ESC}[32m 41 passing${ESC}[0m (9s)`,
  `  ${ESC}[31m 1 failing${ESC}[0m`,
  "",
  "  1) node/chain: the case indexer",
  "       polls with start()/stop() and reports failures:",
  "     AssertionError: expected 'read ECONNRESET' to match /ECONNREFUSED/",
  "      at Context.<anonymous> (test/node/chain/case-indexer.test.ts:88:31)",
  "",
].join("\n");

describe("scripts/toolchain: reading mocha's output (mocha-output.mjs)", () => {
  it("counts passing and failing over every run in the output, colours or not", () => {
    expect(mochaCounts(FAILED_RUN)).to.deep.equal({ passed: 41, failed: 1 });
    expect(mochaCounts(`${FAILED_RUN}\n  7 passing (1s)\n`)).to.deep.equal({ passed: 48, failed: 1 });
    expect(mochaCounts("Error: Cannot find module\n")).to.deep.equal({ passed: 0, failed: 0 });
  });

  it("repeats the failures from mocha's 'N failing' on, without colours: the test's title and its error", () => {
    const digest = failureDigest(FAILED_RUN);
    expect(digest.split("\n")[0]).to.equal("   1 failing");
    expect(digest).to.contain("polls with start()/stop() and reports failures:");
    expect(digest).to.contain("AssertionError: expected 'read ECONNRESET'");
    expect(digest).not.to.contain("41 passing");
    expect(digest).not.to.contain(ESC);
  });

  it("gives the last lines of a run that ended without a summary (a crash, a linter), and bounds the length", () => {
    const crash = [...Array.from({ length: 100 }, (_, i) => `line ${i}`), "TypeError: boom"].join("\n");
    const digest = failureDigest(crash, { tailLines: 3 });
    expect(digest.split("\n")).to.deep.equal(["line 98", "line 99", "TypeError: boom"]);
    const long = failureDigest(`  1 failing\n${"x".repeat(50_000)}`, { maxChars: 100 });
    expect(long).to.have.length(100 + "\n[…]".length);
    expect(long.endsWith("[…]")).to.equal(true);
  });
});
