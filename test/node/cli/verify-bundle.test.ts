import { mkdtemp, rm, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { MAX_BUNDLE_BYTES } from "../../../node/domain/evidence/bundle.js";
import type { BundleVerification } from "../../../node/domain/evidence/verify-bundle.js";
import { bundleFixture, CHAIN_ID, resign } from "../../support/case-bundle-fixture.js";
import { caseledger } from "../../support/cli.js";

/** `caseledger verify-bundle` as a real process, offline (the chain's part is in test/node/http/case-bundle.test.ts). */
const run = (args: string[]) => caseledger(["verify-bundle", ...args]);

describe("node/cli: caseledger verify-bundle", function () {
  this.timeout(120_000);
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "caseledger-cli-bundle-"));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("offline: incomplete (exit 5), never valid; the files of a folder checked against their records", async () => {
    const f = await bundleFixture();
    const file = join(dir, "bundle.json");
    await writeFile(file, JSON.stringify(f.signed));
    const files = join(dir, "files");
    await import("node:fs/promises").then((fs) => fs.mkdir(files));
    await writeFile(join(files, "a.bin"), "synthetic content 2-1");
    const r = await run([file, "--files", files, "--chain-id", String(CHAIN_ID), "--json"]);
    expect(r.code, r.stderr).to.equal(5);
    const result = JSON.parse(r.stdout) as BundleVerification;
    expect(result.verdict).to.equal("incomplete");
    expect(result.items.filter((i) => i.receipt.fileChecked)).to.have.length(1);
    const human = await run([file]);
    expect(human.stdout).to.match(/未完成 \/ INCOMPLETE/);
    expect(human.stdout).to.match(/委托期外 outside a mandate 0/);
  });

  it("a gap planted by a re-signing creditor: invalid (exit 1) with CHAIN_GAP", async () => {
    const f = await bundleFixture({ keep: (_r, m, i) => !(m === 2 && i === 1) });
    const file = join(dir, "gap.json");
    await writeFile(file, JSON.stringify(await resign(f.signed.bundle)));
    const r = await run([file, "--json"]);
    expect(r.code).to.equal(1);
    expect((JSON.parse(r.stdout) as BundleVerification).checks.find((c) => c.check === "completeness")?.code).to.equal("CHAIN_GAP");
  });

  it("refuses a file over 64 MiB by its size, before reading it (exit 3); usage errors exit 2", async () => {
    const big = join(dir, "big.json");
    await writeFile(big, "");
    await truncate(big, MAX_BUNDLE_BYTES + 1); // sparse: nothing to read, and it is not read
    const r = await run([big]);
    expect(r.code).to.equal(3);
    expect(r.stdout).to.match(/BUNDLE_TOO_LARGE/);
    expect((await run([])).code).to.equal(2);
    expect((await run([big, "--contract", "nope"])).code).to.equal(2);
  });
});
