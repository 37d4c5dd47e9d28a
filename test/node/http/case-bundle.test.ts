import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import { VERIFIER_PAGE } from "../../../node/http/verifier-page-router.js";
import { caseledger } from "../../support/cli.js";
import { request } from "node:http";
import { JsonRpcProvider } from "ethers";
import { connectContracts } from "../../../node/chain/contracts.js";
import { expect } from "chai";
import { startGateway, type Gateway } from "../../../node/gateway.js";
import { bundleHash, type SignedCaseBundle } from "../../../node/domain/evidence/bundle.js";
import type { BundleVerification } from "../../../node/domain/evidence/verify-bundle.js";
import type { HandoverDelivery } from "../../../node/store/handover-deliveries.js";
import { signDigest } from "../../../node/services/signed-digest.js";
import { apiClient, eventually } from "../../support/api-client.js";
import { ROLE, startConsortium, type TestConsortium } from "../../support/consortium.js";
import { publishDirectory } from "../../support/directory.js";
import { pdfText } from "../../support/pdf-text.js";
import { syntheticId18 } from "../domain/identity/synthetic-ids.js";

const HEADER = "合同编号,姓名,身份证号,手机号,本金,欠款余额,逾期天数";
const PROFILE = { name: "示例催收", regions: ["*"], outstandingFen: { min: 0 }, overdueDays: { min: 0 }, capacity: 1000 };
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/**
 * The court's case file over real HTTP between five real gateways on anvil: a case goes lender → agency A (recalled)
 * → agency B (recalled) → transferred to an AMC; each records evidence while it holds it; the AMC, creditor of record,
 * builds the bundle (asking the lender, A and B over the peer channel) and a court member verifies it against the
 * chain: valid, each item held when captured. Planted faults — a record left out, a swapped transaction hash, a
 * bundle signed by another key, one built by the earlier creditor, a bundle over the size limit — are each caught.
 */
describe("http: case bundles — built by the creditor of record across a recall and a transfer, verified by a court", function () {
  this.timeout(300_000);
  let consortium: TestConsortium;
  const gw: Record<string, Gateway> = {};
  const api: Record<string, ReturnType<typeof apiClient>> = {};
  let caseKey: string;
  let signed: SignedCaseBundle;
  const quiet = () => {};
  const config = (name: string) => {
    const c = consortium.member(name).config;
    return { ...c, http: { ...c.http, port: 0 }, evidence: { ...c.evidence, intervalMs: 300 }, timeouts: { ...c.timeouts, peerRetryMs: 100 } };
  };
  /** The case as a member's chain index has it (every member indexes every case). */
  const caseState = (name: string, pred: (c: { status: string; agencyId: number; creditorId: number }) => boolean, what: string) =>
    eventually(async () => {
      const c = await gw[name]!.indexer.caseOf(caseKey);
      return c && pred(c) ? c : undefined;
    }, 60_000, what);
  const record = async (name: string, kind: string, n: number) => {
    const r = await api[name]!.post("/v1/evidence/hash", { caseKey, kind, mediaType: "audio/mpeg", contentSha256: sha256(`${name} ${kind} ${n}`), contentSize: 1000 + n });
    expect(r.status, JSON.stringify(r.body)).to.equal(201);
  };
  const verify = async (bundle: unknown): Promise<BundleVerification> => {
    const r = await api.court!.post("/v1/bundles/verify", bundle);
    expect(r.status, JSON.stringify(r.body).slice(0, 500)).to.equal(200);
    return r.body as BundleVerification;
  };
  let listId: string;
  const allocateTo = async (agency: number) => {
    const id = listId;
    const preview = await api.lender!.post(`/v1/case-lists/${id}/allocation`);
    expect(preview.status, JSON.stringify(preview.body)).to.equal(201);
    expect(preview.body.decisions.map((d: { agencyId: number }) => d.agencyId)).to.deep.equal([agency]);
    caseKey = preview.body.decisions[0].caseKey as string;
    expect((await api.lender!.post(`/v1/allocations/${preview.body.id}/commit`, { mandateDays: 30 })).status).to.equal(202);
    await eventually(async () => {
      const r = await api.lender!.get(`/v1/allocations/${preview.body.id}`);
      return (r.body.handovers as HandoverDelivery[] | undefined)?.some((h) => h.state === "delivered") || undefined;
    }, 60_000, "the handover");
  };

  before(async () => {
    consortium = await startConsortium([
      { name: "lender", roles: ROLE.LENDER },
      { name: "agencyA", roles: ROLE.AGENCY },
      { name: "agencyB", roles: ROLE.AGENCY },
      { name: "amc", roles: ROLE.LENDER },
      { name: "court", roles: ROLE.COURT },
    ]);
    for (const name of ["lender", "agencyA", "agencyB", "amc", "court"]) gw[name] = await startGateway(config(name), { log: quiet });
    await publishDirectory(consortium, {
      lender: { name: "示例银行", roles: ["lender"], gatewayUrl: gw.lender!.url },
      agencyA: { name: "甲催收", roles: ["agency"], gatewayUrl: gw.agencyA!.url },
      agencyB: { name: "乙催收", roles: ["agency"], gatewayUrl: gw.agencyB!.url },
      amc: { name: "示例资产管理", roles: ["lender"], gatewayUrl: gw.amc!.url },
      court: { name: "示例法院", roles: ["court"], gatewayUrl: gw.court!.url },
    });
    const roles: Record<string, "lender" | "agency" | "court"> = { lender: "lender", agencyA: "agency", agencyB: "agency", amc: "lender", court: "court" };
    for (const name of Object.keys(gw)) api[name] = apiClient(gw[name]!.url, (await gw[name]!.tokens.create(roles[name]!, `${name} staff`)).token);
  });
  after(async () => {
    await Promise.all(Object.values(gw).map((g) => g.close()));
    await consortium?.stop();
  });

  it("tells the story: lender → A (recalled) → B (recalled) → AMC, each recording while it holds the case", async () => {
    const A = consortium.member("agencyA").id;
    const B = consortium.member("agencyB").id;
    const amc = consortium.member("amc").id;
    expect((await api.lender!.put(`/v1/agencies/${A}`, PROFILE)).status).to.equal(200);
    const id = syntheticId18("19800101", "511", "440305");
    const upload = await api.lender!.upload("bundle.csv", [HEADER, `BDL-1,卷宗测试,${id},13900001111,1000,900,30`].join("\n"));
    expect(upload.status).to.equal(201);
    listId = upload.body.id as string;
    await allocateTo(A);
    expect(caseKey).to.match(/^0x[0-9a-f]{64}$/);
    await caseState("agencyA", (c) => c.agencyId === A, "A holds the case");
    await record("agencyA", "call-recording", 1);
    await record("agencyA", "sms", 2);
    await record("agencyA", "letter", 3);
    expect((await api.lender!.post("/v1/cases/actions", { action: "recall", caseKeys: [caseKey] })).status).to.equal(202);
    await caseState("lender", (c) => c.status === "Recalled", "the recall");
    expect((await api.lender!.del(`/v1/agencies/${A}`)).status).to.equal(204);
    expect((await api.lender!.put(`/v1/agencies/${B}`, PROFILE)).status).to.equal(200);
    await allocateTo(B);
    await caseState("agencyB", (c) => c.agencyId === B && c.status === "Assigned", "B holds the case");
    await record("agencyB", "visit", 1);
    await record("agencyB", "call-recording", 2);
    expect((await api.lender!.post("/v1/cases/actions", { action: "recall", caseKeys: [caseKey] })).status).to.equal(202);
    await caseState("lender", (c) => c.status === "Recalled", "the second recall");
    const transfer = await api.lender!.post("/v1/cases/actions", { action: "transferCreditor", toCreditorId: amc, caseKeys: [caseKey] });
    expect(transfer.status, JSON.stringify(transfer.body)).to.equal(202);
    for (const name of ["amc", "lender", "agencyA", "agencyB"]) await caseState(name, (c) => c.creditorId === amc, `${name} sees the transfer`);
    await record("amc", "letter", 1);
  });

  it("the earlier creditor cannot build it any more; the AMC builds it with every member's records, anchored", async () => {
    expect((await api.lender!.post("/v1/bundles", { caseKey })).status).to.equal(403);
    signed = await eventually(async () => {
      const r = await api.amc!.post("/v1/bundles", { caseKey });
      expect(r.status, JSON.stringify(r.body).slice(0, 400)).to.equal(201);
      const b = r.body as SignedCaseBundle;
      return b.bundle.receipts.every((x) => (x as { status: string }).status === "anchored") ? b : undefined;
    }, 60_000, "a bundle of anchored receipts");
    const { bundle } = signed;
    expect(bundle.creditor).to.equal(consortium.member("amc").id);
    expect(bundle.history.map((e) => e.type)).to.deep.equal(["CaseRegistered", "CasesAssigned", "CaseRecalled", "CasesAssigned", "CaseRecalled", "CaseCreditorTransferred"]);
    expect(bundle.sources.map((s) => [s.member, s.via])).to.deep.equal([
      [consortium.member("amc").id, "own"],
      [consortium.member("lender").id, "peer"],
      [consortium.member("agencyA").id, "peer"],
      [consortium.member("agencyB").id, "peer"],
    ]);
    const kinds = (m: string) => bundle.receipts.map((r) => JSON.parse((r as { record: string }).record) as { member: number; kind: string }).filter((r) => r.member === consortium.member(m).id).map((r) => r.kind);
    expect(kinds("agencyA")).to.deep.equal(["call-recording", "sms", "letter"]);
    expect(kinds("agencyB")).to.deep.equal(["visit", "call-recording"]);
    expect(kinds("lender")).to.include("authorization");
    // No personal data beyond the receipts' hashes: the synthetic name, ID number and phone appear nowhere.
    const text = JSON.stringify(signed);
    for (const pii of ["卷宗测试", "13900001111", "BDL-1"]) expect(text).to.not.include(pii);
  });

  it("a court verifies it against the chain: valid, every item held by its member when captured", async () => {
    const result = await verify(signed);
    expect(result.checks.map((c) => [c.check, c.code])).to.deep.equal([
      ["bundle", "BUNDLE_OK"],
      ["signature", "SIGNATURE_OK"],
      ["history", "HISTORY_OK"],
      ["creditor", "CREDITOR_OK"],
      ["completeness", "CHAIN_COMPLETE"],
    ]);
    expect(result.verdict).to.equal("valid");
    expect(result.counts.valid).to.equal(signed.bundle.receipts.length);
    expect(result.periods.map((p) => p.role)).to.deep.equal(["creditor", "agency", "agency", "creditor"]);
  });

  it("the CLI against the chain and the offline page in Chromium judge the same bundle: valid online, incomplete offline", async () => {
    const dir = await mkdtemp(join(tmpdir(), "caseledger-bundle-http-"));
    const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
    try {
      const file = join(dir, "case.bundle.json");
      await writeFile(file, JSON.stringify(signed));
      const d = consortium.deployment;
      // Run without blocking this process: its gateways (and their keep-alive sockets' timers) go on meanwhile.
      const cli = (args: string[]) => caseledger(["verify-bundle", file, ...args, "--json"]);
      const online = await cli(["--rpc", consortium.anvil.rpcUrl, "--contract", d.contracts.EvidenceRegistry.address, "--case-registry", d.contracts.CaseRegistry.address, "--chain-id", String(d.chainId)]);
      expect(online.code, online.stderr).to.equal(0);
      const viaCli = JSON.parse(online.stdout) as BundleVerification;
      const viaApi = await verify(signed);
      const essentials = (r: BundleVerification) => ({ verdict: r.verdict, checks: r.checks.map((c) => [c.check, c.code]), items: r.items.map((i) => [i.leafHash, i.verdict, i.code]) });
      expect(essentials(viaCli)).to.deep.equal(essentials(viaApi));
      const offline = await cli([]);
      expect(offline.code).to.equal(5);
      const page = await browser.newPage();
      await page.goto(pathToFileURL(VERIFIER_PAGE).href);
      const viaPage = (await page.evaluate((text) => (globalThis as unknown as { caseledgerVerifier: { verifyBundle(i: unknown): unknown } }).caseledgerVerifier.verifyBundle({ bundleBytes: new TextEncoder().encode(text), trust: {} }), JSON.stringify(signed))) as BundleVerification;
      expect(essentials(viaPage)).to.deep.equal(essentials(JSON.parse(offline.stdout) as BundleVerification));
      expect(viaPage.counts.incomplete).to.equal(signed.bundle.receipts.length);
    } finally {
      await browser.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("catches each planted fault: a gap, a swapped transaction hash, another signer, the earlier creditor's bundle", async () => {
    const amcKey = consortium.member("amc").wallet;
    const resign = async (bundle: SignedCaseBundle["bundle"], key = amcKey) => {
      const hash = bundleHash(bundle);
      return { bundle, hash, signature: await signDigest(hash, key) };
    };
    const A = consortium.member("agencyA").id;
    const middleOfA = signed.bundle.receipts.filter((r) => (JSON.parse((r as { record: string }).record) as { member: number }).member === A)[1];
    const gap = await verify(await resign({ ...signed.bundle, receipts: signed.bundle.receipts.filter((r) => r !== middleOfA) }));
    expect(gap.checks.find((c) => c.check === "completeness")?.code).to.equal("CHAIN_GAP");
    expect(gap.verdict).to.equal("invalid");

    const history = signed.bundle.history.map((e, i) => (i === 2 ? { ...e, txHash: signed.bundle.history[4]!.txHash } : e));
    const swapped = await verify(await resign({ ...signed.bundle, history }));
    expect(swapped.history[2]).to.include({ verdict: "failed", code: "EVENT_TX_MISMATCH" });
    expect(swapped.verdict).to.equal("invalid");

    const forged = await verify(await resign(signed.bundle, consortium.member("agencyB").wallet));
    expect(forged.checks.find((c) => c.check === "signature")?.code).to.equal("SIGNATURE_NOT_CREDITORS");

    const altered = await verify({ ...signed, bundle: { ...signed.bundle, builtAt: new Date(0).toISOString() } });
    expect(altered.checks.find((c) => c.check === "bundle")?.code).to.equal("BUNDLE_HASH_MISMATCH");

    const byLender = await verify(await resign({ ...signed.bundle, creditor: consortium.member("lender").id }, consortium.member("lender").wallet));
    expect(byLender.checks.find((c) => c.check === "creditor")?.code).to.equal("NOT_CREDITOR_OF_RECORD");
  });

  it("a court gets the report PDF and records its verification on chain once, with the bundle's and the report's hashes", async () => {
    const court = consortium.member("court");
    const token = (await gw.court!.tokens.create("court", "report")).token;
    const res = await fetch(`${gw.court!.url}/v1/bundles/report`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/octet-stream" }, body: JSON.stringify(signed) });
    expect(res.status).to.equal(200);
    expect(res.headers.get("content-type")).to.match(/^application\/pdf/);
    const pdf = Buffer.from(await res.arrayBuffer());
    const reportHash = `0x${createHash("sha256").update(pdf).digest("hex")}`;
    expect(res.headers.get("x-caseledger-report-sha256")).to.equal(reportHash);
    expect(pdf.subarray(0, 5).toString()).to.equal("%PDF-");
    const text = pdfText(pdf);
    expect(text).to.include("案件卷宗核验报告");
    expect(text.replace(/\s+/g, "")).to.include(caseKey.slice(0, 20));
    for (const pii of ["卷宗测试", "13900001111"]) expect(text).to.not.include(pii);
    if (process.env.CASELEDGER_REPORT_PDF) writeFileSync(process.env.CASELEDGER_REPORT_PDF, pdf);

    expect((await api.lender!.post(`/v1/bundles/court-verification?reportHash=${reportHash}`, signed)).status).to.equal(403);
    const recorded = await api.court!.post(`/v1/bundles/court-verification?reportHash=${reportHash}`, signed);
    expect(recorded.status, JSON.stringify(recorded.body).slice(0, 400)).to.equal(201);
    expect(recorded.body).to.include({ bundleHash: signed.hash, reportHash });
    const provider = new JsonRpcProvider(consortium.anvil.rpcUrl, undefined, { staticNetwork: true });
    try {
      const { evidenceRegistry } = await connectContracts(consortium.deployment, provider);
      const events = await evidenceRegistry.queryFilter(evidenceRegistry.filters.BundleVerified(court.id, caseKey));
      expect(events.map((e) => [e.transactionHash, e.args.bundleHash, e.args.reportHash, Number(e.args.verdict)])).to.deep.equal([[recorded.body.txHash, signed.hash, reportHash, 1]]);
    } finally {
      provider.destroy();
    }
    expect((await api.court!.post("/v1/bundles/court-verification?reportHash=nope", signed)).status).to.equal(400);
  });

  it("an agency answers only the creditor of record: the earlier creditor's request is refused", async () => {
    const exchange = await gw.lender!.peer.send(consortium.member("agencyA").id, "case-bundle.records", { caseKey });
    expect(exchange.answer.envelope.refused?.code).to.equal("FORBIDDEN");
  });

  it("refuses a bundle over 64 MiB by its Content-Length before reading it (413)", async () => {
    const token = (await gw.court!.tokens.create("court", "big")).token;
    const url = new URL(`${gw.court!.url}/v1/bundles/verify`);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/octet-stream", "content-length": String(64 * 1024 * 1024 + 1) } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", reject);
      req.write("x"); // one byte of 64 MiB: the answer comes before the rest
    });
    const res = { status };
    expect(res.status).to.equal(413);
  });
});
