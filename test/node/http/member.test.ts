import { randomBytes } from "node:crypto";
import { expect } from "chai";
import { JsonRpcProvider, NonceManager, Wallet } from "ethers";
import { ANVIL_DEV_KEY } from "../../../node/chain/anvil.js";
import { connectContracts } from "../../../node/chain/contracts.js";
import { startGateway, type Gateway } from "../../../node/gateway.js";
import { apiClient, eventually } from "../../support/api-client.js";
import { ROLE, startConsortium, type TestConsortium } from "../../support/consortium.js";

/**
 * The member's defence against the operator's timelocked proposals, on anvil: the gateway sees a proposal against its
 * own member (and logs a warning), shows it to admins only, and an admin cancels it with the member's own key — the
 * cancellation is on chain and in the audit log; a suspended member cancels too. The answer carries the member's
 * recovery key address as the chain holds it.
 */
describe("node/http: /v1/member/pending-change — an operator proposal is seen and cancelled by the member", function () {
  this.timeout(120_000);
  let consortium: TestConsortium;
  let gateway: Gateway;
  let provider: JsonRpcProvider;
  let operator: Awaited<ReturnType<typeof connectContracts>>;
  const logs: Array<Record<string, unknown>> = [];
  let admin: ReturnType<typeof apiClient>;
  let lender: ReturnType<typeof apiClient>;

  before(async () => {
    consortium = await startConsortium([{ name: "lender", roles: ROLE.LENDER }]);
    const config = { ...consortium.member("lender").config, timeouts: { ...consortium.member("lender").config.timeouts, memberStatusRefreshMs: 200 } };
    gateway = await startGateway(config, { log: (entry) => logs.push(entry) });
    provider = new JsonRpcProvider(consortium.anvil.rpcUrl, undefined, { staticNetwork: true });
    operator = await connectContracts(consortium.deployment, new NonceManager(new Wallet(ANVIL_DEV_KEY, provider)));
    admin = apiClient(gateway.url, (await gateway.tokens.create("admin", "管理员")).token);
    lender = apiClient(gateway.url, (await gateway.tokens.create("lender", "张经理")).token);
  });
  after(async () => {
    await gateway?.close();
    provider?.destroy();
    await consortium?.stop();
  });

  it("answers null and 404 on cancel while nothing is pending", async () => {
    const r = await admin.get("/v1/member/pending-change");
    expect(r.status).to.equal(200);
    expect(r.body).to.deep.equal({ pending: null, recovery: consortium.member("lender").recovery.address });
    const c = await admin.post("/v1/member/pending-change/cancel");
    expect(c.status).to.equal(404);
    expect(c.body.error.code).to.equal("NOT_FOUND");
  });

  it("shows a proposed signer rotation to admins (kind, signer, executable at) and logs a warning; other roles are refused", async () => {
    const id = gateway.config.memberId;
    const rogue = Wallet.createRandom().address;
    const tx = await operator.memberRegistry.proposeSignerRotation(id, rogue);
    const mined = await tx.wait();
    const block = await provider.getBlock(mined!.blockNumber);
    const executableAt = new Date((block!.timestamp + 7 * 86_400) * 1000).toISOString();
    const r = await admin.get("/v1/member/pending-change");
    expect(r.status).to.equal(200);
    expect(r.body.pending).to.deep.equal({ kind: "signer", signer: rogue, executableAt });
    // The background watch notices without being asked.
    await eventually(async () => logs.find((l) => l.level === "warn" && String(l.msg).includes("operator proposed") && l.signer === rogue), 10_000, "the warning");
    for (const path of ["/v1/member/pending-change", "/v1/member/pending-change/cancel"]) {
      const refused = path.endsWith("cancel") ? await lender.post(path) : await lender.get(path);
      expect(refused.status, path).to.equal(403);
    }
    expect(Number((await operator.memberRegistry.pendingChangeOf(id)).executableAt), "a refused cancel changed nothing").to.be.greaterThan(0);
  });

  it("an admin cancels it with the member's own key: on chain, in the audit log, and gone from the answer", async () => {
    const id = gateway.config.memberId;
    const c = await admin.post("/v1/member/pending-change/cancel");
    expect(c.status, JSON.stringify(c.body)).to.equal(200);
    expect(c.body.cancelled.kind).to.equal("signer");
    expect(c.body.txHash).to.match(/^0x[0-9a-f]{64}$/);
    const tx = await provider.getTransaction(c.body.txHash);
    expect(tx!.from).to.equal(consortium.member("lender").wallet.address);
    expect(Number((await operator.memberRegistry.pendingChangeOf(id)).executableAt)).to.equal(0);
    const events = await operator.memberRegistry.queryFilter(operator.memberRegistry.filters.MemberChangeCancelled(id));
    expect(events.map((e) => e.args.by)).to.deep.equal([consortium.member("lender").wallet.address]);
    expect((await admin.get("/v1/member/pending-change")).body.pending).to.equal(null);
    const audit = await admin.get("/v1/audit?action=POST%20%2Fv1%2Fmember%2Fpending-change%2Fcancel");
    const entries = audit.body.entries as Array<{ status: number; actor: { role: string } }>;
    // The lender's refused attempt is there too (403), and the admin's cancellation.
    expect(entries.map((e) => `${e.actor.role} ${e.status}`)).to.include.members(["lender 403", "admin 200"]);
  });

  it("shows a proposed metadata update with its hash", async () => {
    const hash = `0x${randomBytes(32).toString("hex")}`;
    await (await operator.memberRegistry.proposeMetadataUpdate(gateway.config.memberId, hash)).wait();
    const r = await admin.get("/v1/member/pending-change");
    expect(r.body.pending).to.include({ kind: "metadata", metadataHash: hash });
    expect((await admin.post("/v1/member/pending-change/cancel")).status).to.equal(200);
  });

  it("suspended, the member still cancels with its gateway's key: a proposed recovery key is shown and cancelled", async () => {
    const id = gateway.config.memberId;
    await (await operator.memberRegistry.suspend(id)).wait();
    // The gateway knows its member is suspended (it refuses case work) and still lets its admin see and cancel.
    await eventually(async () => (await lender.get("/v1/cases?limit=1")).body?.error?.code === "MEMBER_SUSPENDED" || undefined, 10_000, "the suspension seen");
    const rogue = Wallet.createRandom().address;
    await (await operator.memberRegistry.proposeRecoveryChange(id, rogue)).wait();
    const r = await admin.get("/v1/member/pending-change");
    expect(r.body.pending, JSON.stringify(r.body)).to.include({ kind: "recovery", recovery: rogue });
    expect(r.body.recovery).to.equal(consortium.member("lender").recovery.address);
    const c = await admin.post("/v1/member/pending-change/cancel");
    expect(c.status, JSON.stringify(c.body)).to.equal(200);
    expect(c.body.cancelled.kind).to.equal("recovery");
    expect(await operator.memberRegistry.recoveryOf(id)).to.equal(consortium.member("lender").recovery.address);
    await (await operator.memberRegistry.reinstate(id)).wait();
  });
});
