import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { AddressInfo } from "node:net";
import { expect } from "chai";
import { Wallet } from "ethers";
import express from "express";
import type { Browser, Page } from "playwright-core";
import { launchBrowser } from "../../support/browser.js";
import { readChainFacts, httpJsonRpc } from "../../../node/chain/evidence-chain-reader.js";
import { questionsFor } from "../../../node/domain/evidence/chain-facts.js";
import type { VerificationResult } from "../../../node/domain/evidence/verification.js";
import { verifyReceipt } from "../../../node/domain/evidence/verify-receipt.js";
import { toBytes32, rootOf } from "../../../node/domain/merkle/index.js";
import { VERIFIER_PAGE, verifierPageRouter } from "../../../node/http/verifier-page-router.js";
import { PROJECT_ROOT } from "../../../node/paths.js";
import { type Consortium, DEV_KEYS, startConsortium } from "../chain/consortium-fixture.js";
import { FILE, fixture, MEMBER, TAMPERINGS } from "../domain/evidence/receipt-fixtures.js";

const ARTIFACTS = join(PROJECT_ROOT, "test-artifacts");
const essentials = (r: VerificationResult) => ({ verdict: r.verdict, failedStep: r.failedStep, summary: r.summary, notChecked: r.notChecked, steps: r.steps.map((s) => ({ step: s.step, verdict: s.verdict, code: s.code, message: s.message })) });

/**
 * The static verifier page in headless Chromium, opened from disk (file://) as a court would after saving it: hashing
 * the chosen file with WebCrypto, every tampering judged as the TypeScript verifier judges it, offline and against a
 * real chain, and no request to anywhere but the chain node the user typed in.
 */
describe("node/web: the static verifier page in headless Chromium", function () {
  this.timeout(90_000);
  let browser: Browser;
  let page: Page;
  let dir: string;
  let c: Consortium;
  const requests: string[] = [];

  before(async function () {
    browser = await launchBrowser();
    dir = await mkdtemp(join(tmpdir(), "caseledger-page-"));
    await mkdir(ARTIFACTS, { recursive: true });
    page = await browser.newPage();
    page.on("request", (req) => requests.push(req.url()));
    await page.goto(pathToFileURL(VERIFIER_PAGE).href);
    c = await startConsortium();
  });
  after(async () => {
    await browser?.close();
    await c?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** Waits for the page to show a verdict (any, or `want`): a function, not a string — the page's CSP forbids eval. */
  const verdictShown = (want?: string) =>
    page.waitForFunction(
      (w) => {
        const v = (globalThis as unknown as { document: { body: { dataset: { verdict?: string } } } }).document.body.dataset.verdict;
        return w ? v === w : !!v;
      },
      want,
      { timeout: 20_000 },
    );
  const viaPage = (input: { receiptText: string; file?: { sha256: string; size: number }; trust?: object }) =>
    page.evaluate(
      ({ receiptText, file, trust }) => {
        const api = (globalThis as unknown as { caseledgerVerifier: { verify(i: unknown): unknown } }).caseledgerVerifier;
        return api.verify({ receiptBytes: new TextEncoder().encode(receiptText), file, trust: trust ?? {} });
      },
      input,
    ) as Promise<VerificationResult>;

  it("judges every offline tampering exactly as the TypeScript verifier does", async () => {
    for (const t of TAMPERINGS) {
      const input = t.input(fixture());
      if (input.chain || !("text" in input.receipt)) continue;
      const ours = verifyReceipt({ ...input, file: input.file ? { sha256: input.file.sha256, size: input.file.size } : undefined });
      const theirs = await viaPage({ receiptText: input.receipt.text, file: input.file as { sha256: string; size: number } | undefined, trust: input.trust });
      expect(essentials(theirs), t.name).to.deep.equal(essentials(ours));
    }
  });

  it("hashes the chosen file in the page and says offline what it could not check", async () => {
    const f = fixture();
    await writeFile(join(dir, "recording.mp3"), FILE);
    await writeFile(join(dir, "recording.receipt.json"), JSON.stringify(f.receipt));
    await page.setInputFiles("#file", join(dir, "recording.mp3"));
    await page.setInputFiles("#receipt", join(dir, "recording.receipt.json"));
    await page.fill("#rpc", "");
    await page.click("#verify");
    await verdictShown();
    const result = JSON.parse((await page.textContent("#result-json"))!) as VerificationResult;
    expect(result.verdict).to.equal("incomplete");
    expect(result.steps.find((s) => s.step === "file")?.verdict).to.equal("passed");
    expect(result.steps.find((s) => s.step === "anchor")?.code).to.equal("ANCHOR_NOT_CHECKED_OFFLINE");
    expect(await page.textContent("#notchecked")).to.match(/offline: the anchor was not checked/);
    expect(await page.textContent("#verdict")).to.match(/未完成 \/ INCOMPLETE/);
    await page.screenshot({ path: join(ARTIFACTS, "verifier-offline.png"), fullPage: true });

    const tampered = Buffer.from(FILE);
    tampered[3] = tampered[3]! ^ 1;
    await writeFile(join(dir, "tampered.mp3"), tampered);
    await page.setInputFiles("#file", join(dir, "tampered.mp3"));
    await page.click("#verify");
    await verdictShown("invalid");
    expect(await page.getAttribute("#steps tr.failed", "data-code")).to.equal("FILE_HASH_MISMATCH");
  });

  it("checks the anchor against a real chain when given the node's URL, as the CLI and API do", async () => {
    // The fixture's log, anchored for real by member 3 (the fixture's member) on anvil.
    const f = fixture();
    expect(c.ids.agency).to.equal(MEMBER);
    const registry = c.contracts.evidenceRegistry.connect(new Wallet(DEV_KEYS.agency, c.provider));
    const root = toBytes32(rootOf(f.leaves));
    const mined = await (await registry.anchor(11, root, [])).wait();
    const block = await c.provider.getBlock(mined!.blockNumber);
    const contract = c.deployment.contracts.EvidenceRegistry.address;
    const receipt = { ...f.receipt, anchor: { chainId: c.deployment.chainId, contract, txHash: mined!.hash, blockNumber: mined!.blockNumber, blockTime: block!.timestamp } };
    // The fixture captured in 2026-01-02; the chain's clock is now: the bracket holds.
    const rpc = c.anvil.rpcUrl;
    await writeFile(join(dir, "anchored.receipt.json"), JSON.stringify(receipt));
    await page.setInputFiles("#file", join(dir, "recording.mp3"));
    await page.setInputFiles("#receipt", join(dir, "anchored.receipt.json"));
    await page.fill("#rpc", rpc);
    await page.fill("#contract", contract);
    await page.click("#verify");
    await verdictShown("valid");
    const fromPage = JSON.parse((await page.textContent("#result-json"))!) as VerificationResult;
    await page.screenshot({ path: join(ARTIFACTS, "verifier-valid.png"), fullPage: true });

    const chain = await readChainFacts(httpJsonRpc(rpc), questionsFor(receipt, MEMBER, contract));
    const fromTs = verifyReceipt({ receipt: { text: JSON.stringify(receipt) }, file: f.file, chain, trust: { contract } });
    expect(fromTs.verdict).to.equal("valid");
    expect(essentials(fromPage)).to.deep.equal(essentials(fromTs));

    // A checkpoint never anchored, and another chain, online.
    for (const [changed, code] of [
      [{ ...receipt, checkpoint: { ...receipt.checkpoint, treeSize: 12 } }, "CHECKPOINT_NOT_ANCHORED"],
      [{ ...receipt, anchor: { ...receipt.anchor, chainId: 5 } }, "ANCHOR_WRONG_CHAIN"],
    ] as const) {
      await page.fill("#receipt-text", JSON.stringify(changed));
      await page.setInputFiles("#receipt", []);
      await page.click("#verify");
      await verdictShown("invalid");
      expect(await page.getAttribute("#steps tr.failed", "data-code")).to.equal(code);
    }
    expect(requests.every((url) => url.startsWith("file:") || url.startsWith(rpc) || url.startsWith("data:"))).to.equal(true, requests.join("\n"));
  });

  it("runs as the gateway serves it, under its Content-Security-Policy (inline code allowed by hash only)", async () => {
    const app = express().use("/verify", verifierPageRouter());
    const server = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    try {
      const served = await browser.newPage();
      const violations: string[] = [];
      served.on("console", (msg) => {
        if (/Content Security Policy/i.test(msg.text())) violations.push(msg.text());
      });
      await served.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/verify`);
      expect(await served.evaluate("typeof globalThis.caseledgerVerifier.verify")).to.equal("function");
      expect(await served.evaluate("caseledgerVerifier.sha256Hex(new TextEncoder().encode('abc'))")).to.equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
      expect(violations).to.deep.equal([]);
      await served.close();
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
