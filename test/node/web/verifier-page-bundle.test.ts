import { mkdtemp, rm, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { expect } from "chai";
import type { Browser, Page } from "playwright-core";
import { launchBrowser } from "../../support/browser.js";
import { MAX_BUNDLE_BYTES, type SignedCaseBundle } from "../../../node/domain/evidence/bundle.js";
import { type BundleVerification, verifyBundle } from "../../../node/domain/evidence/verify-bundle.js";
import { VERIFIER_PAGE } from "../../../node/http/verifier-page-router.js";
import { digestSigner } from "../../../node/services/signed-digest.js";
import { bundleFixture, LENDER_KEY, resign, T0 } from "../../support/case-bundle-fixture.js";

const essentials = (r: BundleVerification) => ({
  verdict: r.verdict,
  summary: r.summary,
  bundleHash: r.bundleHash,
  checks: r.checks.map((c) => [c.check, c.verdict, c.code, c.message]),
  items: r.items.map((i) => [i.leafHash, i.member, i.verdict, i.code, i.message, i.receipt.verdict, i.receipt.failedStep, i.receipt.code, i.receipt.fileChecked, i.periods]),
  periods: r.periods,
  counts: r.counts,
});

/**
 * The static verifier page's own copy of the bundle verifier, in headless Chromium from disk, against the TypeScript
 * verifier on the same vectors offline: the lender → A → B → AMC story, a member that never held the case, a record
 * outside its mandate, a gap, a changed bundle, a tampered receipt, a bundle of the earlier creditor, junk.
 */
describe("node/web: the verifier page's case bundles, judged as the TypeScript verifier judges them", function () {
  this.timeout(120_000);
  let browser: Browser;
  let page: Page;
  let dir: string;

  before(async () => {
    browser = await launchBrowser();
    dir = await mkdtemp(join(tmpdir(), "caseledger-page-bundle-"));
    page = await browser.newPage();
    await page.goto(pathToFileURL(VERIFIER_PAGE).href);
  });
  after(async () => {
    await browser?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const viaPage = (text: string, files: Record<string, { sha256: string; size: number }> = {}) =>
    page.evaluate(
      ({ text, files }) => {
        const api = (globalThis as unknown as { caseledgerVerifier: { verifyBundle(i: unknown): unknown } }).caseledgerVerifier;
        return api.verifyBundle({ bundleBytes: new TextEncoder().encode(text), files, trust: {} });
      },
      { text, files },
    ) as Promise<BundleVerification>;
  const viaTs = (text: string, files?: Map<string, { sha256: string; size: number }>) => {
    let recovered: string | undefined;
    try {
      const v = JSON.parse(text) as SignedCaseBundle;
      recovered = digestSigner(v.hash, v.signature);
    } catch {
      recovered = undefined;
    }
    return verifyBundle({ source: { text }, recoveredSigner: recovered, ...(files ? { files } : {}) });
  };

  it("gives the same verdict, checks and items on every vector", async () => {
    const story = await bundleFixture();
    const vectors: Array<[string, string]> = [
      ["story", JSON.stringify(story.signed)],
      ["never held", JSON.stringify((await bundleFixture({ members: [1, 2, 3, 4, 9] })).signed)],
      ["outside mandate", JSON.stringify((await bundleFixture({ record: (r, m, i) => (m === 2 && i === 2 ? { ...r, capturedAt: new Date((T0 + 55_000) * 1000).toISOString() } : r) })).signed)],
      ["gap", JSON.stringify(await resign((await bundleFixture({ keep: (_r, m, i) => !(m === 3 && i === 1) })).signed.bundle))],
      ["changed", JSON.stringify({ ...story.signed, bundle: { ...story.signed.bundle, receipts: story.signed.bundle.receipts.slice(1) } })],
      ["tampered receipt", JSON.stringify(await resign({ ...story.signed.bundle, receipts: story.signed.bundle.receipts.map((r, i) => (i === 4 ? { ...(r as object), leafIndex: 0 } : r)) }))],
      ["earlier creditor", JSON.stringify((await bundleFixture({ signer: LENDER_KEY, creditor: 1 })).signed)],
      ["junk", "{"],
      ["not a bundle", '{"bundle":{"format":"caseledger-case-bundle/1"}}'],
    ];
    for (const [name, text] of vectors) {
      const ours = viaTs(text);
      const theirs = await viaPage(text);
      expect(essentials(theirs), name).to.deep.equal(essentials(ours));
    }
    // With files: each record whose content is given is checked in both.
    const files = Object.fromEntries(story.files);
    expect(essentials(await viaPage(JSON.stringify(story.signed), files))).to.deep.equal(essentials(viaTs(JSON.stringify(story.signed), story.files)));
  });

  it("verifies a bundle chosen in the page: incomplete offline, never valid", async () => {
    const story = await bundleFixture();
    const file = join(dir, "case.bundle.json");
    await writeFile(file, JSON.stringify(story.signed));
    await page.setInputFiles("#bundle", file);
    await page.click("#verify-bundle");
    await page.waitForFunction(() => !!(globalThis as unknown as { document: { body: { dataset: { bundleVerdict?: string } } } }).document.body.dataset.bundleVerdict, undefined, { timeout: 20_000 });
    const verdict = await page.evaluate(() => (globalThis as unknown as { document: { body: { dataset: { bundleVerdict?: string } } } }).document.body.dataset.bundleVerdict);
    expect(verdict).to.equal("incomplete");
    expect(await page.textContent("#bundle-verdict")).to.match(/未完成/);
  });

  it("refuses a bundle file over 64 MiB by its size, before reading it: invalid, BUNDLE_TOO_LARGE", async () => {
    const big = join(dir, "big.bundle.json");
    await writeFile(big, "");
    await truncate(big, MAX_BUNDLE_BYTES + 1); // sparse: nothing to read, and the page does not read it
    await page.evaluate(() => {
      (globalThis as unknown as { document: { body: { dataset: { bundleVerdict?: string } } } }).document.body.dataset.bundleVerdict = "";
    });
    await page.setInputFiles("#bundle", big);
    await page.click("#verify-bundle");
    await page.waitForFunction(() => !!(globalThis as unknown as { document: { body: { dataset: { bundleVerdict?: string } } } }).document.body.dataset.bundleVerdict, undefined, { timeout: 20_000 });
    expect(await page.evaluate(() => (globalThis as unknown as { document: { body: { dataset: { bundleVerdict?: string } } } }).document.body.dataset.bundleVerdict)).to.equal("invalid");
    const result = JSON.parse((await page.textContent("#bundle-json")) ?? "{}") as BundleVerification;
    expect(result.checks[0]).to.deep.include({ check: "bundle", verdict: "failed", code: "BUNDLE_TOO_LARGE" });
    expect(result.checks[0]?.details).to.deep.equal({ size: MAX_BUNDLE_BYTES + 1 });
  });
});
