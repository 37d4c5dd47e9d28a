import { createHash } from "node:crypto";
import { expect } from "chai";
import { startGateway, type Gateway } from "../../node/gateway.js";
import type { HandoverDelivery } from "../../node/store/handover-deliveries.js";
import type { ServiceError } from "../../node/services/service-error.js";
import { apiClient, eventually } from "../support/api-client.js";
import { ROLE, startConsortium, type TestConsortium } from "../support/consortium.js";
import { publishDirectory } from "../support/directory.js";
import { syntheticId18 } from "../node/domain/identity/synthetic-ids.js";

const HEADER = "合同编号,姓名,身份证号,手机号,本金,欠款余额,逾期天数";
const PROFILE = { name: "示例催收", regions: ["*"], outstandingFen: { min: 0 }, overdueDays: { min: 0 }, capacity: 1000 };

/**
 * The consortium-wide daily cap end to end: anvil with the contracts, two lenders and two agencies as real gateways on
 * real HTTP. One debtor has a case at each lender; lender 1 assigns its case to agency A, lender 2 to agency B. Their
 * connected contacts count together through signed tally increments over the peer channel, and the third one
 * closes the debtor's day at both agencies. All gateways share a clock moved to a chosen China time (the chain's
 * block time is not read by the rules tested here).
 */
describe("e2e: contact permits across two lenders and two agencies", function () {
  this.timeout(300_000);
  let consortium: TestConsortium;
  const gateways: Record<string, Gateway> = {};
  const api: Record<string, ReturnType<typeof apiClient>> = {};
  const cases: Record<string, string> = {};
  /** Per gateway: milliseconds added to the real time. */
  const offsets: Record<string, number> = {};
  const quiet = () => {};
  /** The offset that makes now `hh:mm` China time (the nearest such time, within ±12 h). */
  const offsetTo = (hh: number, mm = 0) => {
    const now = Date.now();
    const chinaMinute = Math.floor(((now + 8 * 3_600_000) % 86_400_000) / 60_000);
    let delta = hh * 60 + mm - chinaMinute;
    if (delta > 720) delta -= 1440;
    if (delta < -720) delta += 1440;
    return delta * 60_000;
  };
  const setAll = (ms: number) => {
    for (const name of Object.keys(offsets)) offsets[name] = ms;
  };
  const clockOf = (name: string) => () => Date.now() + (offsets[name] ?? 0);
  const startedAt = (name: string) => new Date(clockOf(name)()).toISOString();
  const contact = (name: string, permitId: string | undefined, collector: string, over: Record<string, unknown> = {}) => ({
    caseKey: cases[name],
    channel: "call",
    party: "debtor",
    startedAt: startedAt(name),
    durationSeconds: 45,
    outcome: "connected",
    collector,
    evidence: { contentSha256: createHash("sha256").update(`${name} ${collector} ${Math.random()}`).digest("hex"), contentSize: 4096, mediaType: "audio/mpeg" },
    ...(permitId ? { permitId } : {}),
    ...over,
  });
  const permit = (name: string, channel = "call") => api[name]!.post("/v1/contacts/permits", { caseKey: cases[name], channel });
  const callConnected = async (name: string, collector: string) => {
    const p = await permit(name);
    expect(p.status, JSON.stringify(p.body)).to.equal(201);
    const logged = await api[name]!.post("/v1/contacts", contact(name, p.body.permit.permitId, collector));
    expect(logged.status, JSON.stringify(logged.body)).to.equal(201);
    expect(logged.body.violations).to.deep.equal([]);
    return logged.body;
  };

  before(async () => {
    consortium = await startConsortium([
      { name: "lender1", roles: ROLE.LENDER },
      { name: "lender2", roles: ROLE.LENDER },
      { name: "agencyA", roles: ROLE.AGENCY },
      { name: "agencyB", roles: ROLE.AGENCY },
    ]);
    const names = ["lender1", "lender2", "agencyA", "agencyB"];
    for (const n of names) offsets[n] = offsetTo(10);
    for (const n of names) {
      const config = consortium.member(n).config;
      gateways[n] = await startGateway({ ...config, http: { ...config.http, port: 0 }, timeouts: { ...config.timeouts, peerRetryMs: 100 } }, { log: quiet, clock: clockOf(n) });
    }
    await publishDirectory(consortium, {
      lender1: { name: "示例银行一", roles: ["lender"], gatewayUrl: gateways.lender1!.url },
      lender2: { name: "示例银行二", roles: ["lender"], gatewayUrl: gateways.lender2!.url },
      agencyA: { name: "示例催收甲", roles: ["agency"], gatewayUrl: gateways.agencyA!.url },
      agencyB: { name: "示例催收乙", roles: ["agency"], gatewayUrl: gateways.agencyB!.url },
    });
    for (const n of names) api[n] = apiClient(gateways[n]!.url, (await gateways[n]!.tokens.create(n.startsWith("lender") ? "lender" : "agency", "staff")).token);
    const debtor = syntheticId18("19800303", "515", "440305");
    for (const [lender, agency, agencyId] of [["lender1", "agencyA", 3], ["lender2", "agencyB", 4]] as const) {
      expect((await api[lender]!.put(`/v1/agencies/${agencyId}`, PROFILE)).status).to.equal(200);
      const upload = await api[lender]!.upload("list.csv", [HEADER, `CT-${lender},联系测试,${debtor},13900005151,1000,900,30`].join("\n"));
      expect(upload.status).to.equal(201);
      const preview = await api[lender]!.post(`/v1/case-lists/${upload.body.id}/allocation`);
      expect((await api[lender]!.post(`/v1/allocations/${preview.body.id}/commit`, { mandateDays: 30 })).status).to.equal(202);
      await eventually(async () => {
        const r = await api[lender]!.get(`/v1/allocations/${preview.body.id}`);
        return (r.body.handovers?.[0] as HandoverDelivery | undefined)?.state === "delivered" || undefined;
      }, 60_000, `${lender}'s handover`);
      cases[agency] = preview.body.decisions[0].caseKey as string;
      await eventually(async () => (await api[agency]!.get(`/v1/cases/${cases[agency]}`)).status === 200 || undefined, 30_000, `${agency}'s index`);
    }
    // Each agency's index must know the other's holding before increments can be addressed to it.
    for (const [n, other] of [["agencyA", "agencyB"], ["agencyB", "agencyA"]] as const) {
      await eventually(async () => (await gateways[n]!.indexer.caseOf(cases[other]!))?.agencyId ? true : undefined, 30_000, `${n} sees ${other}'s case`);
    }
  });
  after(async () => {
    await Promise.all(Object.values(gateways).map((g) => g.close()));
    await consortium?.stop();
  });

  it("counts one debtor's connected contacts at both agencies: the third closes the day at either", async () => {
    await callConnected("agencyA", "A-001");
    await callConnected("agencyB", "B-001");
    await callConnected("agencyA", "A-002");
    for (const n of ["agencyA", "agencyB"]) {
      const refused = await eventually(async () => {
        const r = await permit(n);
        return r.status === 409 ? r : undefined;
      }, 30_000, `${n}'s cap`);
      expect(refused.body.error.code).to.equal("CONTACT_DAILY_CAP");
      expect(refused.body.error.details).to.deep.include({ cap: 3 });
    }
    // The recording is in the agency's evidence log, of that case.
    const [latest] = (await api.agencyA!.get(`/v1/contacts?caseKey=${cases.agencyA}`)).body.contacts as Array<{ evidence: { id: number } }>;
    expect((await api.agencyA!.get(`/v1/evidence/${latest!.evidence.id}`)).body).to.include({ kind: "call-recording", caseKey: cases.agencyA });
    const figures = (await api.agencyB!.get(`/v1/contacts/figures?from=${new Date(Date.now() - 86_400_000 * 2).toISOString()}&to=${new Date(Date.now() + 86_400_000 * 2).toISOString()}`)).body.figures;
    expect(figures).to.have.length(1);
    expect(figures[0]).to.deep.include({ agency: consortium.member("agencyB").id, lender: consortium.member("lender2").id, connected: 1 });
    expect(figures[0].permitsRefused.CONTACT_DAILY_CAP).to.be.greaterThan(0);
  });

  it("flags a contact logged without a permit, and refuses one on a case the agency does not hold", async () => {
    const logged = await api.agencyA!.post("/v1/contacts", contact("agencyA", undefined, "A-003", { outcome: "no_answer" }));
    expect(logged.status).to.equal(201);
    expect(logged.body.violations).to.deep.equal(["no_permit"]);
    const other = await api.agencyA!.post("/v1/contacts", { ...contact("agencyA", undefined, "A-004"), caseKey: cases.agencyB });
    expect([other.status, other.body.error.code]).to.deep.equal([403, "CONTACT_NOT_HELD"]);
    const refused = await api.agencyA!.post("/v1/contacts/permits", { caseKey: cases.agencyB, channel: "sms" });
    expect([refused.status, refused.body.error.code]).to.deep.equal([403, "CONTACT_NOT_HELD"]);
  });

  it("refuses at 22:30 in the debtor's time zone, whatever the servers' zone", async () => {
    setAll(offsetTo(22, 30));
    const r = await permit("agencyA", "sms");
    expect([r.status, r.body.error.code]).to.deep.equal([409, "CONTACT_QUIET_HOURS"]);
    setAll(offsetTo(7, 59));
    expect((await permit("agencyB", "sms")).body.error.code).to.equal("CONTACT_QUIET_HOURS");
  });

  it("refuses an increment from a gateway whose clock is far off (the peer channel's skew window)", async () => {
    setAll(offsetTo(10));
    offsets.agencyB = offsets.agencyB! + 3_600_000;
    const body = { debtorKey: `0x${"00".repeat(32)}`, day: "2026-01-01", permitId: "a".repeat(32), state: "connected", expiresAt: 0 };
    const error = await gateways.agencyB!.peer.send(3, "conduct.tally", { marks: [body] }).then(
      () => undefined,
      (e: unknown) => e as ServiceError,
    );
    expect(error?.code).to.equal("PEER_UNREACHABLE");
    expect(error?.details).to.deep.include({ code: "PEER_STALE" });
    offsets.agencyB = offsets.agencyA!;
  });
});
