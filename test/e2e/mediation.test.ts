import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { JsonRpcProvider, Wallet } from "ethers";
import { unzipSync } from "fflate";
import { startGateway, type Gateway } from "../../node/gateway.js";
import { chinaDay } from "../../node/domain/fees/month.js";
import { agreementHash } from "../../node/domain/mediation/agreement.js";
import { addDays } from "../../node/domain/mediation/schedule.js";
import type { SignedCaseBundle } from "../../node/domain/evidence/bundle.js";
import type { FilingManifest } from "../../node/services/mediation/filing.js";
import { MEDIATION_KINDS } from "../../node/services/mediation/mediations.js";
import { signDigest } from "../../node/services/signed-digest.js";
import type { HandoverDelivery } from "../../node/store/handover-deliveries.js";
import { apiClient, eventually } from "../support/api-client.js";
import { launchBrowser, WAIT } from "../support/browser.js";
import { caseledger as cli } from "../support/cli.js";
import { ROLE, startConsortium, type TestConsortium } from "../support/consortium.js";
import { publishDirectory } from "../support/directory.js";
import { pdfText } from "../support/pdf-text.js";
import { syntheticId18 } from "../node/domain/identity/synthetic-ids.js";

const HEADER = "合同编号,姓名,身份证号,手机号,本金,欠款余额,逾期天数,地址";
const PROFILE = { name: "示例催收", regions: ["*"], outstandingFen: { min: 0 }, overdueDays: { min: 0 }, capacity: 1000 };
const DAY_MS = 86_400_000;
const NAME = "调解测试";
const PHONE = "13900002222";
const ADDRESS = "广东省广州市天河区示例路1号";
const ID = syntheticId18("19850315", "612", "440106");
const sha256 = (bytes: Uint8Array | string) => createHash("sha256").update(bytes).digest("hex");
/**
 * Mediation to filing end to end (docs/design.md §28): anvil with the contracts, a lender, an agency and a mediation
 * body (MEDIATOR) as real gateways on real HTTP, one shared clock that the test moves. The lender drafts an agreement
 * for a case the agency holds, the mediator's staff approve it on their gateway, the lender records the debtor's
 * acceptance, and the agreement is notarized in both logs; a repayment covers instalment 1; the clock moves past
 * instalment 2 and its grace days: default; the filing package is built, unzipped and checked — the manifest's hashes,
 * the evidence list against the bundle's items, the complaint's words — and no gateway wrote the debtor's name, ID
 * number or phone in any log line. Bad input on the way: Σ instalments ≠ amount, a mediator that is not a MEDIATOR,
 * a forged mediator signature, a filing before the default.
 */
describe("e2e: mediation agreement → instalments → filing package", function () {
  this.timeout(300_000);
  let consortium: TestConsortium;
  const gw: Record<string, Gateway> = {};
  const api: Record<string, ReturnType<typeof apiClient>> = {};
  const logs: string[] = [];
  let offset = 0;
  const clock = () => Date.now() + offset;
  /**
   * Moves the gateways' clock to `days` after the start, and the chain's by as much: a record captured at the moved
   * time is anchored in a block no older than its capture, as in life (a verifier rightly calls a record captured after
   * its anchor invalid: TIME_AFTER_ANCHOR).
   */
  const moveTo = async (days: number) => {
    const delta = days * DAY_MS - offset;
    offset = days * DAY_MS;
    const provider = new JsonRpcProvider(consortium.anvil.rpcUrl, undefined, { staticNetwork: true });
    await provider.send("evm_increaseTime", [Math.ceil(delta / 1000)]);
    await provider.send("evm_mine", []);
    provider.destroy();
  };
  let caseKey: string;
  let hash: string;
  let today: string;
  const ids: Record<string, number> = {};
  const config = (name: string) => {
    const c = consortium.member(name).config;
    return { ...c, http: { ...c.http, port: 0 }, evidence: { ...c.evidence, intervalMs: 300 }, timeouts: { ...c.timeouts, peerRetryMs: 100 } };
  };
  const draft = (over: Record<string, unknown> = {}) => ({
    caseKey,
    mediatorId: ids.mediator,
    debtorRole: "borrower",
    amountFen: "300000",
    waiver: { amountFen: "60000", items: ["interest", "penalty"], voidOnDefault: false },
    instalments: [
      { due: addDays(today, 10), amountFen: "100000" },
      { due: addDays(today, 40), amountFen: "100000" },
      { due: addDays(today, 70), amountFen: "100000" },
    ],
    graceDays: 5,
    place: "广州市天河区示例人民调解委员会",
    date: today,
    ...over,
  });
  const FILING = { document: "complaint", court: "广州互联网法院", plaintiff: { name: "示例银行股份有限公司", address: "广州市天河区示例大道100号", representative: "王示例" } };

  before(async () => {
    consortium = await startConsortium([
      { name: "lender", roles: ROLE.LENDER },
      { name: "agency", roles: ROLE.AGENCY },
      { name: "mediator", roles: ROLE.MEDIATOR },
    ]);
    const log = (line: unknown) => {
      logs.push(JSON.stringify(line));
    };
    for (const name of ["lender", "agency", "mediator"]) {
      gw[name] = await startGateway(config(name), { log, clock });
      ids[name] = consortium.member(name).id;
    }
    await publishDirectory(consortium, {
      lender: { name: "示例银行", roles: ["lender"], gatewayUrl: gw.lender!.url },
      agency: { name: "示例催收", roles: ["agency"], gatewayUrl: gw.agency!.url },
      mediator: { name: "示例调解", roles: ["mediator"], gatewayUrl: gw.mediator!.url },
    });
    const roles: Record<string, "lender" | "agency" | "mediator"> = { lender: "lender", agency: "agency", mediator: "mediator" };
    for (const name of Object.keys(gw)) api[name] = apiClient(gw[name]!.url, (await gw[name]!.tokens.create(roles[name]!, `${name} staff`)).token);
    today = chinaDay(new Date(clock()).toISOString());
  });
  after(async () => {
    await Promise.all(Object.values(gw).map((g) => g.close()));
    await consortium?.stop();
  });

  it("a case is handed to the agency, which records a call", async () => {
    expect((await api.lender!.put(`/v1/agencies/${ids.agency}`, PROFILE)).status).to.equal(200);
    const upload = await api.lender!.upload("mediation.csv", [HEADER, `MED-1,${NAME},${ID},${PHONE},5000,4200,120,${ADDRESS}`].join("\n"));
    expect(upload.status, JSON.stringify(upload.body)).to.equal(201);
    const preview = await api.lender!.post(`/v1/case-lists/${upload.body.id}/allocation`);
    expect(preview.status, JSON.stringify(preview.body)).to.equal(201);
    caseKey = preview.body.decisions[0].caseKey as string;
    expect((await api.lender!.post(`/v1/allocations/${preview.body.id}/commit`, { mandateDays: 90 })).status).to.equal(202);
    await eventually(async () => {
      const r = await api.lender!.get(`/v1/allocations/${preview.body.id}`);
      return (r.body.handovers as HandoverDelivery[] | undefined)?.some((h) => h.state === "delivered") || undefined;
    }, 60_000, "the handover");
    // Each gateway reads the chain through its own index: the lender's (drafts are checked against it), the agency's,
    // and the mediator's (it takes a request only from the case's creditor of record as its index shows it).
    for (const name of ["lender", "agency", "mediator"]) {
      await eventually(async () => ((await gw[name]!.indexer.caseOf(caseKey))?.agencyId === ids.agency ? true : undefined), 60_000, `the ${name}'s index shows the agency holding the case`);
    }
    const call = await api.agency!.post("/v1/evidence/hash", { caseKey, kind: "call-recording", mediaType: "audio/mpeg", contentSha256: sha256("call 1"), contentSize: 4096 });
    expect(call.status, JSON.stringify(call.body)).to.equal(201);
  });

  it("refuses a draft whose instalments do not add up, and a mediator that is not a MEDIATOR member, each with its code", async () => {
    const sum = await api.lender!.post("/v1/mediations", draft({ amountFen: "300001" }));
    expect(sum.status).to.equal(400);
    expect(sum.body.error.code).to.equal("VALIDATION_FAILED");
    expect(sum.body.error.details.problems.map((p: { code: string; path: string }) => `${p.code} ${p.path}`)).to.deep.equal(["INSTALMENTS_SUM $.instalments"]);
    const notMediator = await api.lender!.post("/v1/mediations", draft({ mediatorId: ids.agency }));
    expect(notMediator.status).to.equal(403);
    expect(notMediator.body.error).to.deep.include({ code: "MEDIATION_NOT_MEDIATOR" });
    // The agency may not draft (a staff role check), nor may the mediator's staff.
    expect((await api.agency!.post("/v1/mediations", draft())).status).to.equal(403);
  });

  it("the lender drafts and asks; the mediator's gateway keeps it for its staff", async () => {
    const created = await api.lender!.post("/v1/mediations", draft());
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    hash = created.body.hash as string;
    expect(created.body).to.deep.include({ side: "creditor", state: "draft" });
    // The gateway filled in the creditor (itself) and the agency holding the case now.
    expect(created.body.agreement).to.deep.include({ creditorId: ids.lender, agencyId: ids.agency, format: "caseledger-mediation-agreement/1" });
    expect(agreementHash(created.body.agreement)).to.equal(hash);
    const asked = await api.lender!.post(`/v1/mediations/${hash}/request`);
    expect(asked.status, JSON.stringify(asked.body)).to.equal(200);
    expect(asked.body.state).to.equal("requested");
    const pending = await api.mediator!.get("/v1/mediations?state=received");
    expect(pending.body.mediations.map((m: { hash: string }) => m.hash)).to.deep.equal([hash]);
    expect(pending.body.mediations[0].creditorSignature).to.equal(asked.body.creditorSignature);
  });

  it("refuses a forged mediator signature and a signature from a member that is not the agreement's mediator", async () => {
    const forged = await signDigest(hash, Wallet.createRandom());
    const exchange = await gw.mediator!.peer.send(ids.lender!, MEDIATION_KINDS.sign, { hash, mediatorSignature: forged });
    expect(exchange.answer.envelope.refused?.code).to.equal("MEDIATION_BAD_SIGNATURE");
    // The agency signs with its own key, truly: but it is not this agreement's mediator.
    const agencySigned = await signDigest(hash, consortium.member("agency").wallet);
    const wrongMember = await gw.agency!.peer.send(ids.lender!, MEDIATION_KINDS.sign, { hash, mediatorSignature: agencySigned });
    expect(wrongMember.answer.envelope.refused?.code).to.equal("NOT_FOUND");
    expect((await api.lender!.get(`/v1/mediations/${hash}`)).body.state).to.equal("requested");
  });

  it("the mediator's staff approve; both gateways hold both signatures and the mediator notarizes", async () => {
    const approved = await api.mediator!.post(`/v1/mediations/${hash}/approve`);
    expect(approved.status, JSON.stringify(approved.body)).to.equal(200);
    expect(approved.body.state).to.equal("signed");
    expect(approved.body.evidenceId).to.be.a("number");
    const atLender = (await api.lender!.get(`/v1/mediations/${hash}`)).body;
    expect(atLender.state).to.equal("signed");
    expect(atLender.mediatorSignature).to.equal(approved.body.mediatorSignature);
    // The lender cannot approve on the mediator's behalf (its role), nor the mediator request for the lender.
    expect((await api.lender!.post(`/v1/mediations/${hash}/approve`)).status).to.equal(403);
    expect((await api.mediator!.post(`/v1/mediations/${hash}/request`)).status).to.equal(403);
  });

  it("the mediator's staff may refuse another agreement with a reason code: refused at both gateways, and it cannot be asked again", async () => {
    const other = await api.lender!.post("/v1/mediations", draft({ graceDays: 0 }));
    expect(other.status, JSON.stringify(other.body)).to.equal(201);
    const otherHash = other.body.hash as string;
    expect((await api.lender!.post(`/v1/mediations/${otherHash}/request`)).status).to.equal(200);
    expect((await api.mediator!.post(`/v1/mediations/${otherHash}/refuse`, { reason: "BECAUSE" })).status).to.equal(400);
    const refused = await api.mediator!.post(`/v1/mediations/${otherHash}/refuse`, { reason: "TERMS_UNFAIR" });
    expect(refused.status, JSON.stringify(refused.body)).to.equal(200);
    expect(refused.body.state).to.equal("refused");
    const atLender = (await api.lender!.get(`/v1/mediations/${otherHash}`)).body;
    expect(atLender).to.deep.include({ state: "refused" });
    expect(atLender.refusal.reason).to.equal("TERMS_UNFAIR");
    expect((await api.lender!.post(`/v1/mediations/${otherHash}/request`)).status).to.equal(409);
    expect((await api.mediator!.post(`/v1/mediations/${otherHash}/approve`)).status).to.equal(409);
  });

  it("the debtor's acceptance (a signed paper, notarized as evidence) brings it into force; notarized in the creditor's log", async () => {
    const scan = await api.lender!.post("/v1/evidence/hash", { caseKey, kind: "mediation-agreement", mediaType: "application/pdf", contentSha256: sha256("signed paper scan"), contentSize: 81920 });
    expect(scan.status, JSON.stringify(scan.body)).to.equal(201);
    const bad = await api.lender!.post(`/v1/mediations/${hash}/acceptance`, { method: "by-pigeon", evidenceId: scan.body.id });
    expect(bad.status).to.equal(400);
    const accepted = await api.lender!.post(`/v1/mediations/${hash}/acceptance`, { method: "signed-paper", evidenceId: scan.body.id });
    expect(accepted.status, JSON.stringify(accepted.body)).to.equal(200);
    expect(accepted.body.state).to.equal("effective");
    expect(accepted.body.acceptance).to.deep.include({ method: "signed-paper", evidenceId: scan.body.id, contentSha256: sha256("signed paper scan") });
    const record = await api.lender!.get(`/v1/evidence/${accepted.body.evidenceId}`);
    expect(record.body).to.deep.include({ caseKey, kind: "mediation-agreement", mediaType: "application/json" });
  });

  it("the acceptance's file can come with it in one step: notarized, kept, and named as the acceptance's record", async () => {
    const third = await api.lender!.post("/v1/mediations", draft({ graceDays: 1 }));
    expect(third.status, JSON.stringify(third.body)).to.equal(201);
    const scan = "%PDF-1.4 a synthetic scan of a signed paper";
    const bad = await api.lender!.post(`/v1/mediations/${third.body.hash}/acceptance?method=by-pigeon`, scan, { "content-type": "application/pdf" });
    expect(bad.status).to.equal(400);
    const accepted = await api.lender!.post(`/v1/mediations/${third.body.hash}/acceptance?method=recorded-call`, scan, { "content-type": "application/pdf" });
    expect(accepted.status, JSON.stringify(accepted.body)).to.equal(200);
    expect(accepted.body.state).to.equal("draft");
    expect(accepted.body.acceptance).to.deep.include({ method: "recorded-call", contentSha256: sha256(scan) });
    const record = await api.lender!.get(`/v1/evidence/${accepted.body.acceptance.evidenceId}`);
    expect(record.body).to.deep.include({ caseKey, kind: "mediation-agreement", mediaType: "application/pdf", kept: true });
  });

  it("refuses a filing before a default, with its code; the schedule shows every instalment due", async () => {
    const early = await api.lender!.post(`/v1/mediations/${hash}/filing`, FILING);
    expect(early.status).to.equal(409);
    expect(early.body.error.code).to.equal("MEDIATION_NOT_IN_DEFAULT");
    const s = (await api.lender!.get(`/v1/mediations/${hash}/schedule`)).body.schedule;
    expect(s.instalments.map((i: { state: string }) => i.state)).to.deep.equal(["due", "due", "due"]);
  });

  it("a repayment covers instalment 1; past instalment 2 and its grace days the debtor is in default", async () => {
    await moveTo(2);
    const paidAt = new Date(clock() - 60_000).toISOString();
    const repaid = await api.lender!.post("/v1/repayments", { caseKey, amountFen: "100000", paidAt, channel: "creditor-account", payer: "debtor" });
    expect(repaid.status, JSON.stringify(repaid.body)).to.equal(201);
    let s = (await api.lender!.get(`/v1/mediations/${hash}/schedule`)).body.schedule;
    expect(s.instalments.map((i: { state: string }) => i.state)).to.deep.equal(["paid", "due", "due"]);
    await moveTo(45); // instalment 2 was due on day 40: overdue, within the 5 grace days
    s = (await api.lender!.get(`/v1/mediations/${hash}/schedule`)).body.schedule;
    expect(s.instalments.map((i: { state: string }) => i.state)).to.deep.equal(["paid", "overdue", "due"]);
    expect(s.defaulted).to.equal(false);
    await moveTo(47);
    s = (await api.lender!.get(`/v1/mediations/${hash}/schedule`)).body.schedule;
    expect(s.instalments.map((i: { state: string }) => i.state)).to.deep.equal(["paid", "defaulted", "due"]);
    expect(s).to.deep.include({ defaulted: true, defaultedSince: addDays(today, 46), paidFen: "100000", unpaidFen: "200000", defaultedFen: "100000" });
  });

  it("builds the filing package: complaint, evidence list, bundle, agreement, manifest — every hash matches", async () => {
    const bad = await api.lender!.post(`/v1/mediations/${hash}/filing`, { ...FILING, court: "", document: "letter" });
    expect(bad.status).to.equal(400);
    expect(bad.body.error.details.problems.map((p: { code: string; path: string }) => `${p.code} ${p.path}`)).to.deep.equal(["DOCUMENT $.document", "REQUIRED $.court"]);
    expect((await api.mediator!.post(`/v1/mediations/${hash}/filing`, FILING)).status).to.equal(403);

    const res = await fetch(`${gw.lender!.url}/v1/mediations/${hash}/filing`, {
      method: "POST",
      headers: { authorization: `Bearer ${(await gw.lender!.tokens.create("lender", "filing")).token}`, "content-type": "application/json" },
      body: JSON.stringify(FILING),
    });
    expect(res.status).to.equal(200);
    expect(res.headers.get("content-type")).to.match(/^application\/zip/);
    expect(res.headers.get("cache-control")).to.equal("no-store");
    const files = unzipSync(new Uint8Array(await res.arrayBuffer()));
    expect(Object.keys(files).sort()).to.deep.equal(["agreement.json", "bundle.json", "complaint.pdf", "evidence-list.pdf", "manifest.json"]);
    const manifest = JSON.parse(Buffer.from(files["manifest.json"]!).toString("utf8")) as FilingManifest;
    expect(manifest).to.deep.include({ format: "caseledger-filing-package/1", caseKey, agreementHash: hash, document: "complaint", builtBy: ids.lender, claimFen: "200000" });
    for (const f of manifest.files) {
      expect(sha256(files[f.name]!), f.name).to.equal(f.sha256);
      expect(files[f.name]!.length, f.name).to.equal(f.size);
    }
    expect(manifest.files.map((f) => f.name).sort()).to.deep.equal(["agreement.json", "bundle.json", "complaint.pdf", "evidence-list.pdf"]);

    // The evidence list names the bundle's items: every receipt's leaf hash, then the bundle itself.
    const signed = JSON.parse(Buffer.from(files["bundle.json"]!).toString("utf8")) as SignedCaseBundle;
    expect(signed.bundle.caseKey).to.equal(caseKey);
    expect(manifest.bundleHash).to.equal(signed.hash);
    // The filed bundle is one a court can check: the lender's gateway verifies it against the chain (records made
    // seconds ago may still wait for their anchor: incomplete, never invalid).
    const verified = await api.lender!.post("/v1/bundles/verify", signed);
    expect(verified.status).to.equal(200);
    expect(verified.body.bundleHash).to.equal(signed.hash);
    const judged = verified.body as { verdict: string; checks: Array<{ verdict: string }>; items: Array<{ verdict: string; code: string; kind: string; member: number; capturedAt: string; anchoredBy: string | null }> };
    const why = { failed: judged.checks.filter((c) => c.verdict === "failed"), items: judged.items.filter((i) => i.verdict !== "valid").map((i) => [i.verdict, i.code, i.kind, i.member, i.capturedAt, i.anchoredBy]) };
    expect(judged.verdict, JSON.stringify(why)).to.be.oneOf(["valid", "incomplete"]);
    const leaves = (signed.bundle.receipts as Array<{ leafHash: string }>).map((r) => r.leafHash).sort();
    expect(manifest.evidence.slice(0, -1).map((i) => i.leafHash).sort()).to.deep.equal(leaves);
    expect(manifest.evidence.at(-1)).to.deep.include({ kind: "bundle", leafHash: signed.hash, sha256: sha256(files["bundle.json"]!) });
    const kinds = manifest.evidence.map((i) => i.kind);
    for (const kind of ["handover", "call-recording", "mediation-agreement", "repayment"]) expect(kinds, kind).to.include(kind);
    // The notarized agreement record is in the bundle: its content hash is agreement.json's.
    const agreementSha = sha256(files["agreement.json"]!);
    expect(manifest.evidence.some((i) => i.kind === "mediation-agreement" && i.sha256 === agreementSha)).to.equal(true);
    const listText = pdfText(Buffer.from(files["evidence-list.pdf"]!));
    expect(listText).to.include("证据清单");
    expect(listText).to.include("通话录音");
    // A hash wraps inside its cell: read the text without line breaks.
    expect(listText.replace(/\s/g, "")).to.include(manifest.evidence[0]!.sha256);

    // The complaint: the debtor from the encrypted case record, the claim from the schedule, the court and the plaintiff as filled.
    const complaint = pdfText(Buffer.from(files["complaint.pdf"]!));
    for (const text of ["民事起诉状", NAME, ID, ADDRESS, "广州互联网法院", "王示例", "2000.00", "示例调解", "诉讼请求", "事实与理由"]) expect(complaint, text).to.include(text);
    if (process.env.FILING_PDF_OUT) {
      await writeFile(process.env.FILING_PDF_OUT, files["complaint.pdf"]!);
      await writeFile(`${process.env.FILING_PDF_OUT}.list.pdf`, files["evidence-list.pdf"]!);
    }

    // A payment order is the other template.
    const order = await fetch(`${gw.lender!.url}/v1/mediations/${hash}/filing`, {
      method: "POST",
      headers: { authorization: `Bearer ${(await gw.lender!.tokens.create("lender", "filing 2")).token}`, "content-type": "application/json" },
      body: JSON.stringify({ ...FILING, document: "payment-order", claimFen: "150000" }),
    });
    const orderFiles = unzipSync(new Uint8Array(await order.arrayBuffer()));
    const orderText = pdfText(Buffer.from(orderFiles["payment-order.pdf"]!));
    for (const text of ["支付令申请书", "被申请人", "1500.00", "没有其他债务纠纷"]) expect(orderText, text).to.include(text);
  });

  it("the CLI shows the schedule (exit 1 on default) and writes the package to --out only", async () => {
    const dir = await mkdtemp(join(tmpdir(), "caseledger-filing-"));
    try {
      const token = (await gw.lender!.tokens.create("lender", "cli")).token;
      const env = { CASELEDGER_GATEWAY: gw.lender!.url, CASELEDGER_TOKEN: token };
      const schedule = await cli(["mediations", "schedule", hash], env);
      expect(schedule.code, schedule.stderr).to.equal(1);
      expect(schedule.stdout).to.match(/2\s+\S+\s+1000\.00\s+paid\s+0\.00\s+defaulted/);
      const asJson = await cli(["mediations", "schedule", hash, "--json"], env);
      expect(JSON.parse(asJson.stdout).schedule.defaulted).to.equal(true);
      await writeFile(join(dir, "fields.json"), JSON.stringify(FILING));
      const out = join(dir, "filing.zip");
      const filed = await cli(["mediations", "filing", hash, "--file", join(dir, "fields.json"), "--out", out], env);
      expect(filed.code, filed.stderr).to.equal(0);
      expect(filed.stdout + filed.stderr).to.not.include(NAME);
      expect(Object.keys(unzipSync(new Uint8Array(await readFile(out))))).to.include("complaint.pdf");
      expect((await stat(out)).mode & 0o777).to.equal(0o600);
      // A draft whose instalments do not add up: the problem's code and path, exit 3.
      await writeFile(join(dir, "draft.json"), JSON.stringify(draft({ amountFen: "1" })));
      const drafted = await cli(["mediations", "draft", "--file", join(dir, "draft.json")], env);
      expect(drafted.code).to.equal(3);
      expect(drafted.stderr).to.include("INSTALMENTS_SUM");
      const listed = await cli(["mediations", "list", "--state", "effective"], env);
      expect(listed.stdout).to.include(hash);
      // A bad field: the gateway's code and path, exit 3.
      await writeFile(join(dir, "bad.json"), JSON.stringify({ ...FILING, document: "letter" }));
      const bad = await cli(["mediations", "filing", hash, "--file", join(dir, "bad.json"), "--out", join(dir, "bad.zip")], env);
      expect(bad.code).to.equal(3);
      expect(bad.stderr).to.include("VALIDATION_FAILED");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("in the console: the lender sees the default, builds the filing from the form and records an acceptance with its file; the mediator sees what it signed and refused", async () => {
    const browser = await launchBrowser();
    try {
      const context = await browser.newContext({ acceptDownloads: true });
      const open = async (at: Gateway, token: string, hashRoute: string) => {
        const page = await context.newPage();
        await page.goto(`${at.url}/`);
        await page.fill("#token", token);
        await page.click("#login-form button[type=submit]");
        await page.waitForSelector("nav a[data-tab]", WAIT);
        await page.goto(`${at.url}/#${hashRoute}`);
        return page;
      };
      const lenderPage = await open(gw.lender!, (await gw.lender!.tokens.create("lender", "console")).token, "mediations");
      const box = `section.mediation[data-hash="${hash}"]`;
      await lenderPage.waitForSelector(`${box} tr[data-instalment="2"][data-state="defaulted"]`, WAIT);
      expect(await lenderPage.locator(`${box} tr[data-instalment]`).evaluateAll((rows) => rows.map((r) => r.getAttribute("data-state")))).to.deep.equal(["paid", "defaulted", "due"]);
      const form = `${box} form.filing-form`;
      await lenderPage.fill(`${form} input[name=court]`, FILING.court);
      await lenderPage.fill(`${form} input[name=plaintiffAddress]`, FILING.plaintiff.address);
      await lenderPage.fill(`${form} input[name=representative]`, FILING.plaintiff.representative);
      const [download] = await Promise.all([lenderPage.waitForEvent("download", WAIT), lenderPage.click(`${form} button[type=submit]`)]);
      const saved = await download.path();
      // The debtor's acceptance with its file, from the form of an agreement that has none yet.
      const fourth = (await api.lender!.post("/v1/mediations", draft({ graceDays: 2 }))).body.hash as string;
      await lenderPage.reload();
      const acceptance = `section.mediation[data-hash="${fourth}"] form.acceptance-form`;
      await lenderPage.waitForSelector(acceptance, WAIT);
      await lenderPage.selectOption(`${acceptance} select[name=method]`, "in-person");
      await lenderPage.setInputFiles(`${acceptance} input[name=acceptanceFile]`, { name: "hearing.pdf", mimeType: "application/pdf", buffer: Buffer.from("%PDF-1.4 hearing record") });
      await lenderPage.click(`${acceptance} button[type=submit]`);
      await lenderPage.waitForSelector(acceptance, { ...WAIT, state: "detached" });
      expect((await api.lender!.get(`/v1/mediations/${fourth}`)).body.acceptance).to.deep.include({ method: "in-person", contentSha256: sha256("%PDF-1.4 hearing record") });
      // A draft from the console's form: equal monthly instalments that add up to the amount, the mediator from the directory.
      const before = (await api.lender!.get("/v1/mediations")).body.mediations.length as number;
      await lenderPage.fill("form.draft-form input[name=caseKey]", caseKey);
      expect(await lenderPage.locator("form.draft-form select[name=mediatorId] option").count()).to.equal(1);
      await lenderPage.fill("form.draft-form input[name=amount]", "1000.01");
      await lenderPage.fill("form.draft-form input[name=count]", "3");
      await lenderPage.fill("form.draft-form input[name=first]", addDays(today, 20));
      await lenderPage.fill("form.draft-form input[name=graceDays]", "7");
      await lenderPage.fill("form.draft-form input[name=place]", "广州市天河区");
      await lenderPage.click("form.draft-form button[type=submit]");
      const drafted = await eventually(async () => {
        const all = (await api.lender!.get("/v1/mediations")).body.mediations as Array<{ agreement: { graceDays: number; instalments: Array<{ amountFen: string }>; mediatorId: number } }>;
        return all.length > before ? all.find((m) => m.agreement.graceDays === 7) : undefined;
      }, 30_000, "the console's draft");
      expect(drafted.agreement.mediatorId).to.equal(ids.mediator);
      expect(drafted.agreement.instalments.map((i) => i.amountFen)).to.deep.equal(["33333", "33333", "33335"]);
      // Instalments of any days and amounts: filled equal monthly, then changed row by row; a sum that is not the
      // amount is refused in the page before anything is sent.
      const draftForm = "form.draft-form";
      await lenderPage.fill(`${draftForm} input[name=caseKey]`, caseKey);
      await lenderPage.fill(`${draftForm} input[name=amount]`, "1000");
      await lenderPage.fill(`${draftForm} input[name=count]`, "2");
      await lenderPage.fill(`${draftForm} input[name=first]`, addDays(today, 20));
      await lenderPage.fill(`${draftForm} input[name=graceDays]`, "9");
      await lenderPage.fill(`${draftForm} input[name=place]`, "广州市天河区");
      await lenderPage.click(`${draftForm} button[data-action=fill-instalments]`);
      const amounts = `${draftForm} tr[data-instalment-row] input[name=instalmentAmount]`;
      expect([await lenderPage.locator(amounts).nth(0).inputValue(), await lenderPage.locator(amounts).nth(1).inputValue()]).to.deep.equal(["500.00", "500.00"]);
      expect(await lenderPage.locator(amounts).count()).to.equal(2);
      await lenderPage.locator(amounts).nth(0).fill("300.00");
      await lenderPage.click(`${draftForm} button[type=submit]`);
      await lenderPage.waitForSelector(`${draftForm} .note.error`, WAIT);
      expect(await lenderPage.locator(`${draftForm} [data-role=instalment-sum]`).innerText()).to.match(/800\.00.*1,000\.00/);
      if (process.env.FILING_PDF_OUT) await lenderPage.locator(draftForm).screenshot({ path: `${process.env.FILING_PDF_OUT}.draft.png` });
      await lenderPage.locator(amounts).nth(1).fill("600.00");
      await lenderPage.click(`${draftForm} button[data-action=add-instalment]`);
      await lenderPage.locator(`${draftForm} tr[data-instalment-row] input[name=instalmentDue]`).nth(2).fill(addDays(today, 100));
      await lenderPage.locator(amounts).nth(2).fill("100");
      const countBefore = (await api.lender!.get("/v1/mediations")).body.mediations.length as number;
      await lenderPage.click(`${draftForm} button[type=submit]`);
      const uneven = await eventually(async () => {
        const all = (await api.lender!.get("/v1/mediations")).body.mediations as Array<{ agreement: { graceDays: number; instalments: Array<{ due: string; amountFen: string }> } }>;
        return all.length > countBefore ? all.find((m) => m.agreement.graceDays === 9) : undefined;
      }, 30_000, "the console's draft of uneven instalments");
      expect(uneven.agreement.instalments.map((i) => i.amountFen)).to.deep.equal(["30000", "60000", "10000"]);
      expect(uneven.agreement.instalments[0]!.due).to.equal(addDays(today, 20));
      expect(uneven.agreement.instalments[2]!.due).to.equal(addDays(today, 100));
      expect(await lenderPage.locator(`${draftForm} tr[data-instalment-row]`).count()).to.equal(0);
      if (process.env.FILING_PDF_OUT) await lenderPage.screenshot({ path: `${process.env.FILING_PDF_OUT}.console.png`, fullPage: true });
      expect(Object.keys(unzipSync(new Uint8Array(await readFile(saved))))).to.include.members(["complaint.pdf", "evidence-list.pdf", "bundle.json", "manifest.json"]);
      // The mediator's staff: its own agreements only, with their states; nothing left to sign.
      const mediatorPage = await open(gw.mediator!, (await gw.mediator!.tokens.create("mediator", "console")).token, "mediation-requests");
      await mediatorPage.waitForSelector("#mediation-requests tr[data-hash]", WAIT);
      const states = await mediatorPage.locator("#mediation-requests tr[data-hash]").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-state")).sort());
      expect(states).to.deep.equal(["refused", "signed"]);
      expect(await mediatorPage.locator("#mediation-requests button[data-action=approve]").count()).to.equal(0);
    } finally {
      await browser.close();
    }
  });

  it("the filing is audited by its route, and no gateway logged the debtor's name, ID number, phone or address", async () => {
    const admin = apiClient(gw.lender!.url, (await gw.lender!.tokens.create("admin", "audit")).token);
    const entries = (await admin.get("/v1/audit?limit=500")).body.entries as Array<{ action: string; status: number; caseKeys?: string[] }>;
    const filings = entries.filter((e) => e.action === "POST /v1/mediations/:hash/filing" && e.status === 200);
    expect(filings).to.have.length(4);
    for (const e of filings) expect(e.caseKeys).to.deep.equal([caseKey]);
    expect(JSON.stringify(entries)).to.not.include(NAME);
    expect(logs.length).to.be.greaterThan(10);
    for (const secret of [NAME, ID, PHONE, ADDRESS]) expect(logs.filter((l) => l.includes(secret)), secret).to.deep.equal([]);
  });
});
