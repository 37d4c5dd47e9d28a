import { readFile, writeFile } from "node:fs/promises";
import { expect } from "chai";
import { JsonRpcProvider, NonceManager, Wallet } from "ethers";
import { ANVIL_DEV_KEY } from "../../../node/chain/anvil.js";
import { decodeRevert, revertInterface } from "../../../node/chain/case-revert.js";
import { connectContracts, type ConsortiumContracts } from "../../../node/chain/contracts.js";
import { caseKey, debtorKey } from "../../../node/domain/pseudonyms.js";
import { directoryFileOf, type DirectoryFile } from "../../../node/services/member-directory.js";
import { eventually } from "../../support/api-client.js";
import { ROLE, startConsortium, type TestConsortium } from "../../support/consortium.js";
import { publishDirectory } from "../../support/directory.js";
import { committed } from "../../support/fault-helpers.js";
import { type GatewayProcess, spawnGateway, writeProcessConfig } from "../../support/gateway-process.js";
import { type DebtorPii, expectNoPii, recordingServer, type RecordingServer } from "../../support/recording-server.js";
import { syntheticId18 } from "../../node/domain/identity/synthetic-ids.js";

const HEADER = "合同编号,姓名,身份证号,手机号,本金,欠款余额,逾期天数";
const ANY = { outstandingFen: { min: 0 }, overdueDays: { min: 0 }, capacity: 1_000 };
const BY_ID_BURST = 8;

/**
 * Members attacking members, with real processes: anvil, and each member's gateway its own `node/main.ts` process with
 * its own LevelDB and key. The honest lender (1) works with two agencies; a rival lender (2) holds the pepper and its
 * own key; the honest agency (3) sits behind a server that records every request (and stalls when told to); the other
 * agency (4) is the enumerating one, and its entry in members.json is edited to point at an attacker's server. Every
 * attack is refused, and no server that is not owed them ever holds the honest lender's debtors' personal data.
 */
describe("e2e/adversary: malicious members, staff and operator against real gateway processes", function () {
  this.timeout(180_000);
  let consortium: TestConsortium;
  let provider: JsonRpcProvider;
  let operator: ConsortiumContracts;
  const gw: Record<string, GatewayProcess> = {};
  let front: RecordingServer;
  let attacker: RecordingServer;
  const debtors: DebtorPii[] = [];
  let seq = 0;

  /** Synthetic debtors of the honest lender: Beijing (11) ones go to the honest agency, Guangdong (44) ones to the other. */
  function rows(region: "110105" | "440106", n: number, refs?: string[]): string[] {
    return Array.from({ length: n }, (_, i) => {
      seq++;
      const d = { name: `攻防测试${seq}`, idNumber: syntheticId18("19830303", String(100 + seq).padStart(3, "0"), region), phone: `1370000${String(seq).padStart(4, "0")}` };
      debtors.push(d);
      return `${refs?.[i] ?? `ADV-${seq}`},${d.name},${d.idNumber},${d.phone},2000,1800,60`;
    });
  }

  /** Uploads, previews and commits through the honest lender's gateway; returns the allocation and its case keys. */
  async function commit(lines: string[]): Promise<{ allocationId: string; caseKeys: string[] }> {
    const api = gw.lender!.api;
    const up = await api.upload(`adv-${seq}.csv`, [HEADER, ...lines].join("\n"));
    expect(up.status).to.equal(201);
    const preview = await api.post(`/v1/case-lists/${up.body.id}/allocation`);
    expect(preview.status).to.equal(201);
    expect((await api.post(`/v1/allocations/${preview.body.id}/commit`, { mandateDays: 30 })).status).to.equal(202);
    await committed(api, preview.body.id, 60_000);
    return { allocationId: preview.body.id, caseKeys: preview.body.decisions.map((d: { caseKey: string }) => d.caseKey) };
  }
  const delivery = async (allocationId: string) => (await gw.lender!.api.get(`/v1/allocations/${allocationId}`)).body.handovers?.[0] as { state: string; jobId: string } | undefined;
  const revertOf = (error: unknown) => decodeRevert(revertInterface(operator.caseRegistry.interface, operator.memberRegistry.interface), error)?.name;

  before(async () => {
    consortium = await startConsortium([
      { name: "lender", roles: ROLE.LENDER }, // 1
      { name: "rival", roles: ROLE.LENDER }, // 2
      { name: "agency", roles: ROLE.AGENCY }, // 3
      { name: "prober", roles: ROLE.AGENCY }, // 4
    ]);
    // No answer cache (ethers keeps an identical request's answer, a rejection too, for 250 ms by default): the operator's
    // executeChange after the member's cancellation and the time jump is the very request it made before them, and a
    // cached answer would be the earlier ChangeNotReady. A plain Wallet, not a NonceManager: a NonceManager counts a
    // nonce before estimating gas, so each deliberately reverted attempt leaves a gap the next send would wait behind;
    // the operator's sends here are one after another, each mined before the next, so the node's count is right.
    provider = new JsonRpcProvider(consortium.anvil.rpcUrl, undefined, { staticNetwork: true, cacheTimeout: -1 });
    operator = await connectContracts(consortium.deployment, new Wallet(ANVIL_DEV_KEY, provider));
    const lenderConfig = consortium.member("lender").config;
    const files = {
      lender: await writeProcessConfig(consortium, {
        name: "lender",
        config: { handover: { ...lenderConfig.handover, maxAttempts: 3 }, timeouts: { ...lenderConfig.timeouts, handoverRetryMs: 300, memberStatusRefreshMs: 500 } },
      }),
      agency: await writeProcessConfig(consortium, { name: "agency" }),
      prober: await writeProcessConfig(consortium, {
        name: "prober",
        config: { rateLimits: { ...consortium.member("prober").config.rateLimits, ownershipByIdBurst: BY_ID_BURST, ownershipByIdPerMinute: 1 } },
      }),
    };
    front = await recordingServer({ forward: () => files.agency.url });
    attacker = await recordingServer();
    await publishDirectory(consortium, {
      agency: { name: "示例催收", roles: ["agency"], gatewayUrl: front.url },
      prober: { name: "探查催收", roles: ["agency"], gatewayUrl: files.prober.url },
    });
    // Someone with write access to members.json points the other agency at the attacker's server: the entry no
    // longer matches the metadataHash on chain.
    const directoryFile = directoryFileOf(lenderConfig.chain.deploymentFile);
    const directory = JSON.parse(await readFile(directoryFile, "utf8")) as DirectoryFile;
    const edited = directory.members.find((m) => m.id === 4)!;
    edited.metadata = { ...edited.metadata, gatewayUrl: attacker.url };
    await writeFile(directoryFile, JSON.stringify(directory));
    const started = await Promise.all(Object.entries(files).map(([name, f]) => spawnGateway(name, f.file)));
    for (const p of started) gw[p.name] = p;
    const lender = gw.lender!.api;
    expect((await lender.put("/v1/agencies/3", { name: "示例催收", regions: ["11"], ...ANY })).status).to.equal(200);
    expect((await lender.put("/v1/agencies/4", { name: "探查催收", regions: ["44"], ...ANY })).status).to.equal(200);
  });
  after(async () => {
    await Promise.all(Object.values(gw).map((p) => p.kill()));
    await Promise.all([front?.close(), attacker?.close()]);
    provider?.destroy();
    await consortium?.stop();
  });
  afterEach(() => {
    // Whatever each attack tried: no server that is not owed them holds the lender's debtors' personal data.
    expectNoPii(attacker.requests, debtors, "the attacker's server");
    expectNoPii(front.requests, debtors, "the requests to the agency's gateway");
  });

  it("lender staff cannot point an agency at their own server: gatewayUrl refused, and an edited members.json entry is not believed — nothing reaches the attacker, the handover is not delivered", async () => {
    const pointed = await gw.lender!.api.put("/v1/agencies/4", { name: "探查催收", regions: ["44"], ...ANY, gatewayUrl: attacker.url });
    expect(pointed.status).to.equal(400);
    expect(pointed.body.error.details).to.deep.equal([{ field: "gatewayUrl", code: "NOT_ACCEPTED" }]);
    const members = (await gw.lender!.api.get("/v1/members")).body.members as Array<{ id: number; verified: boolean }>;
    expect(members.find((m) => m.id === 4)?.verified, "the edited entry does not match the chain").to.equal(false);

    const { allocationId } = await commit(rows("440106", 2));
    const ended = await eventually(async () => {
      const d = await delivery(allocationId);
      return d && d.state !== "pending" ? d : undefined;
    }, 40_000, "the delivery to give up");
    expect(ended.state).to.equal("dead-letter");
    const listed = (await gw.lender!.api.get("/v1/handovers")).body.handovers as Array<{ jobId: string; state: string }>;
    expect(listed.find((h) => h.jobId === ended.jobId)?.state).to.equal("dead-letter");
    expect(attacker.requests, "the attacker's server heard nothing").to.deep.equal([]);
  });

  it("a receiving gateway that stalls (503) until the recall gets nothing after it: the delivery ends cancelled", async () => {
    front.setMode("unavailable");
    const before = front.requests.length;
    const { allocationId, caseKeys } = await commit(rows("110105", 2));
    await eventually(async () => (front.requests.length > before ? true : undefined), 30_000, "a first attempt");
    const recall = await gw.lender!.api.post("/v1/cases/actions", { action: "recall", caseKeys });
    expect(recall.status).to.equal(202);
    await eventually(async () => ((await gw.lender!.api.get(`/v1/jobs/${recall.body.id}`)).body.status === "done" ? true : undefined), 30_000, "the recall");
    const recalledAt = Date.now();
    front.setMode("proxy");
    const ended = await eventually(async () => {
      const d = await delivery(allocationId);
      return d && d.state !== "pending" ? d : undefined;
    }, 30_000, "the delivery to end");
    expect(ended.state).to.equal("cancelled");
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(front.requests.filter((r) => r.at > recalledAt), "no request after the recall").to.deep.equal([]);
  });

  it("a rival lender with the pepper cannot register the lender's predictable case keys: CaseRegistryForeignKey; the lender then registers them as creditor", async () => {
    const pepper = { version: 1, secret: Buffer.from(consortium.pepperSecretHex, "hex") };
    const refs = ["LOAN-2026-000101", "LOAN-2026-000102"];
    const lines = rows("110105", 2, refs);
    const keys = refs.map((ref) => caseKey(pepper, 1, ref));
    const debtorKeys = debtors.slice(-2).map((d) => debtorKey(pepper, d.idNumber));
    const rival = await connectContracts(consortium.deployment, new NonceManager(consortium.member("rival").wallet.connect(provider)));
    let reason: string | undefined;
    try {
      await (await rival.caseRegistry.register(keys, debtorKeys)).wait();
    } catch (error) {
      reason = revertOf(error);
    }
    expect(reason).to.equal("CaseRegistryForeignKey");
    for (const key of keys) expect(Number((await operator.caseRegistry.caseOf(key)).creditorId), "nothing registered").to.equal(0);

    const { caseKeys } = await commit(lines);
    expect(caseKeys).to.deep.equal(keys);
    for (const key of keys) {
      const state = await operator.caseRegistry.caseOf(key);
      expect(Number(state.creditorId)).to.equal(1);
      expect(Number(state.agencyId)).to.equal(3);
    }
  });

  it("an agency enumerating ID numbers learns nothing of cases it does not hold, is cut off with 429, and every lookup is audited with a debtorKey and no ID number", async () => {
    const prober = gw.prober!.api;
    // The lender's Beijing debtors are held by the other agency (and one of them was recalled): not this one's.
    const others = debtors.filter((d) => d.idNumber.startsWith("11")).slice(-2);
    const neverSeen = syntheticId18("19991231", "901", "110105");
    const ask = (idNumber: string) => prober.post("/v1/ownership", { idNumber });
    const answers = [];
    for (const id of [neverSeen, ...others.map((d) => d.idNumber)]) answers.push(await ask(id));
    for (const a of answers) {
      expect(a.status).to.equal(200);
      expect(Object.keys(a.body).sort()).to.deep.equal(["cases", "debtorKey"]);
      expect(a.body.cases, "the same answer as for an ID never seen").to.deep.equal([]);
    }
    const statuses: number[] = [];
    for (let i = 0; i < BY_ID_BURST + 2; i++) statuses.push((await ask(syntheticId18("19700101", String(500 + i), "440106"))).status);
    expect(statuses.slice(0, BY_ID_BURST - answers.length)).to.satisfy((s: number[]) => s.every((x) => x === 200));
    expect(statuses.slice(BY_ID_BURST - answers.length)).to.satisfy((s: number[]) => s.length > 0 && s.every((x) => x === 429));

    const audit = await eventually(async () => {
      const r = await prober.get(`/v1/audit?action=${encodeURIComponent("POST /v1/ownership")}&limit=100`);
      return r.body.entries?.length === BY_ID_BURST + 2 + answers.length ? r.body.entries : undefined;
    }, 10_000, "the audit entries");
    const text = JSON.stringify(audit);
    for (const d of [...others, { idNumber: neverSeen }]) expect(text.includes(d.idNumber), "no ID number in the audit log").to.equal(false);
    const answered = (audit as Array<{ status: number; ref?: { debtorKey?: string } }>).filter((e) => e.status === 200);
    expect(answered.map((e) => e.ref?.debtorKey)).to.include.members(answers.map((a) => a.body.debtorKey));
    expect(answered.every((e) => /^0x[0-9a-f]{64}$/.test(e.ref?.debtorKey ?? ""))).to.equal(true);
    expect((audit as Array<{ status: number }>).filter((e) => e.status === 429)).to.have.length(statuses.filter((s) => s === 429).length);
  });

  it("the operator cannot rotate a member's key: rotateSigner reverts, a proposed key cannot act in the window, the member cancels through its gateway, and after the delay nothing is left to execute", async () => {
    const lenderWallet = consortium.member("lender").wallet;
    const rogue = Wallet.createRandom().connect(provider);
    await (await new Wallet(ANVIL_DEV_KEY, provider).sendTransaction({ to: rogue.address, value: 10n ** 18n })).wait();
    const attempt = async (send: () => Promise<{ wait(): Promise<unknown> }>) => {
      try {
        await (await send()).wait();
        return "mined";
      } catch (error) {
        return revertOf(error);
      }
    };
    expect(await attempt(() => operator.memberRegistry.rotateSigner(1, rogue.address))).to.equal("MemberRegistryNotMemberKey");
    await (await operator.memberRegistry.proposeSignerRotation(1, rogue.address)).wait();
    // Inside the window the proposed key is nobody's: it cannot register the member's cases, nor can anyone execute.
    const asRogue = await connectContracts(consortium.deployment, new NonceManager(rogue));
    const pepper = { version: 1, secret: Buffer.from(consortium.pepperSecretHex, "hex") };
    const key = caseKey(pepper, 1, "LOAN-ROGUE-1");
    expect(await attempt(() => asRogue.caseRegistry.register([key], [debtorKey(pepper, syntheticId18("19880808", "808", "110105"))]))).to.equal("MemberRegistryUnknownSigner");
    expect(await attempt(() => operator.memberRegistry.executeChange(1))).to.equal("MemberRegistryChangeNotReady");

    // The member's gateway shows it to its admin and cancels it with the member's own key.
    const admin = gw.lender!.api;
    const shown = await eventually(async () => (await admin.get("/v1/member/pending-change")).body.pending ?? undefined, 10_000, "the proposal at the gateway");
    expect(shown).to.include({ kind: "signer", signer: rogue.address });
    await eventually(async () => (gw.lender!.output().includes("the operator proposed a change to this member") ? true : undefined), 10_000, "the warning in the log");
    const cancelled = await admin.post("/v1/member/pending-change/cancel");
    expect(cancelled.status, JSON.stringify(cancelled.body)).to.equal(200);

    await provider.send("evm_increaseTime", [8 * 86_400]);
    await provider.send("evm_mine", []);
    expect(await attempt(() => operator.memberRegistry.executeChange(1))).to.equal("MemberRegistryNoPendingChange");
    expect((await operator.memberRegistry.memberOf(1)).signer).to.equal(lenderWallet.address);
  });

  it("the operator suspends the member first, then proposes its key: the suspended member still cancels through its gateway, and nothing is left to execute", async () => {
    const lenderWallet = consortium.member("lender").wallet;
    const rogue = Wallet.createRandom().address;
    await (await operator.memberRegistry.suspend(1)).wait();
    await (await operator.memberRegistry.proposeSignerRotation(1, rogue)).wait();
    // The gateway refuses its staff's case work while suspended, and still shows the proposal to its admin.
    const admin = gw.lender!.api;
    await eventually(async () => ((await admin.get("/v1/cases?limit=1")).body.error?.code === "MEMBER_SUSPENDED" ? true : undefined), 30_000, "the suspension at the gateway");
    const shown = await eventually(async () => (await admin.get("/v1/member/pending-change")).body.pending ?? undefined, 10_000, "the proposal at the gateway");
    expect(shown).to.include({ kind: "signer", signer: rogue });
    const cancelled = await admin.post("/v1/member/pending-change/cancel");
    expect(cancelled.status, JSON.stringify(cancelled.body)).to.equal(200);
    expect((await provider.getTransaction(cancelled.body.txHash))!.from).to.equal(lenderWallet.address);

    await provider.send("evm_increaseTime", [8 * 86_400]);
    await provider.send("evm_mine", []);
    let execution = "executed";
    try {
      await operator.memberRegistry.executeChange.staticCall(1);
    } catch (error) {
      execution = String(revertOf(error));
    }
    expect(execution).to.equal("MemberRegistryNoPendingChange");
    expect((await operator.memberRegistry.pendingChangeOf(1)).executableAt).to.equal(0n);
    expect((await operator.memberRegistry.memberOf(1)).signer).to.equal(lenderWallet.address);
    await (await operator.memberRegistry.reinstate(1)).wait();
  });
});
