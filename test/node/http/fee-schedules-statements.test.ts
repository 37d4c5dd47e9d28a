import { expect } from "chai";
import { keccak256, toUtf8Bytes } from "ethers";
import { canonicalDigest } from "../../../node/domain/canonical-json.js";
import type { Gateway } from "../../../node/gateway.js";
import { feeScheduleHash, feeScheduleToJson, type FeeSchedule } from "../../../node/domain/fees/fee-schedule.js";
import { monthOf } from "../../../node/domain/fees/month.js";
import { statementHash, type StatementDocument } from "../../../node/domain/fees/statement-document.js";
import { splitStatement, statementHeader } from "../../../node/domain/fees/statement-parts.js";
import type { ConfirmedRepayment } from "../../../node/domain/fees/statement-input.js";
import type { StatementEntrySource } from "../../../node/services/fees/statement-sources.js";
import type { PeerExchange } from "../../../node/services/peer/channel.js";
import { signEnvelope, newPeerId, PEER_FORMAT } from "../../../node/services/peer/envelope.js";
import { apiClient, eventually } from "../../support/api-client.js";
import { ROLE, type TestConsortium } from "../../support/consortium.js";
import { startMembers } from "../../support/member-gateways.js";
import { pdfText } from "../../support/pdf-text.js";

/** Synthetic case keys; bytes 1–4 name member 1, the lender, which alone may register them. */
const key = (label: string) => `0x0100000001${keccak256(toUtf8Bytes(`caseledger/test/fees/${label}`)).slice(12)}`;
const DAY = 86_400;

/**
 * Fee schedules and statements between real gateways on anvil, over caseledger-peer/1: the lender proposes, the
 * agency accepts, both hold both signatures and notarize; the lender issues a month's statement, the agency disputes
 * a line of it, then accepts the corrected one, and both notarize it. Refused: an agency accepting a schedule it was
 * not sent, a third member issuing a statement in the lender's name or its own, a line tampered with by the creditor
 * or on the way.
 */
describe("http: fee schedules and monthly statements between a lender's and an agency's gateways", function () {
  this.timeout(180_000);
  let consortium: TestConsortium;
  let lender: Gateway;
  let agency: Gateway;
  let rival: Gateway;
  let L: ReturnType<typeof apiClient>;
  let LAdmin: ReturnType<typeof apiClient>;
  let A: ReturnType<typeof apiClient>;
  let RAdmin: ReturnType<typeof apiClient>;
  const caseA = key("a");
  const caseB = key("b");
  const month = monthOf(Date.now());
  const paidAt = new Date(Date.now() - 60_000).toISOString();
  const confirmed: ConfirmedRepayment[] = [
    { entryId: "rep-1", caseKey: caseA, agencyId: 2, amountFen: 1_000_000n, paidAt, confirmedAt: new Date().toISOString() },
    { entryId: "rep-2", caseKey: caseB, agencyId: 2, amountFen: 333n, paidAt, confirmedAt: new Date().toISOString() },
  ];
  const entries: StatementEntrySource = { entries: () => Promise.resolve({ confirmed, reversals: [], open: [] }) };
  const schedule = {
    agencyId: 2,
    version: 1,
    effectiveFrom: "2020-01-01",
    model: { kind: "half-risk", caseFeeFen: "5000", buckets: [{ fromDays: 0, toDays: 90, bp: 1500 }, { fromDays: 91, toDays: null, bp: 2500 }] },
  };
  let scheduleHash: string;
  /** A statement as a member's gateway sends it (docs/design.md §23): the header, then its parts; the last answer. */
  const sendWhole = async (from: Gateway, doc: StatementDocument, hash: string): Promise<PeerExchange> => {
    const parts = splitStatement(doc);
    const header = await from.peer.send(2, "statement.issue", { header: statementHeader(doc), hash, parts: parts.map((p) => p.announced) });
    if (header.answer.envelope.refused) return header;
    let last = header;
    for (const [index, p] of parts.entries()) last = await from.peer.send(2, "statement.part", { hash, index, ...p.part });
    return last;
  };
  const receivedAtAgency = (hash: string) =>
    eventually(async () => {
      const r = await A.get(`/v1/statements/${hash}`);
      return r.status === 200 ? r : undefined;
    }, 20_000, "the statement at the agency");

  before(async () => {
    ({ consortium, gateways: { lender, agency, rival } } = await startMembers([
      { name: "lender", roles: ROLE.LENDER, directory: { name: "示例银行", roles: ["lender"] }, config: (c) => c, options: { statementEntries: entries } },
      { name: "agency", roles: ROLE.AGENCY, directory: { name: "示例催收", roles: ["agency"] }, config: (c) => c },
      { name: "rival", roles: ROLE.LENDER | ROLE.AGENCY, directory: { name: "竞争对手", roles: ["lender", "agency"] }, config: (c) => c },
    ]));
    L = apiClient(lender.url, (await lender.tokens.create("lender", "l")).token);
    LAdmin = apiClient(lender.url, (await lender.tokens.create("admin", "la")).token);
    A = apiClient(agency.url, (await agency.tokens.create("agency", "a")).token);
    RAdmin = apiClient(rival.url, (await rival.tokens.create("admin", "ra")).token);
    const job = await lender.submitter.enqueue({ kind: "registerAndAssign", agencyId: 2, until: Math.floor(Date.now() / 1000) + 30 * DAY, items: [{ caseKey: caseA, debtorKey: key("d1") }, { caseKey: caseB, debtorKey: key("d2") }] });
    await lender.submitter.waitForJob(job.id, { timeoutMs: 30_000 });
    await eventually(async () => ((await lender.indexer.caseOf(caseB))?.agencyId === 2 ? true : undefined), 20_000, "the lender's index");
  });
  after(async () => {
    await Promise.all([lender?.close(), agency?.close(), rival?.close()]);
    await consortium?.stop();
  });

  it("lets only the lender's admin propose; the agency's gateway receives the schedule with the lender's signature", async () => {
    expect((await L.post("/v1/fee-schedules", schedule)).status).to.equal(403);
    const bad = await LAdmin.post("/v1/fee-schedules", { ...schedule, model: { ...schedule.model, buckets: [{ fromDays: 0, toDays: 90, bp: 1500 }, { fromDays: 92, toDays: null, bp: 2500 }] } });
    expect([bad.status, bad.body.error.code, bad.body.error.details.problems[0].code]).to.deep.equal([400, "VALIDATION_FAILED", "BUCKET_GAP"]);
    const proposed = await LAdmin.post("/v1/fee-schedules", schedule);
    expect(proposed.status, JSON.stringify(proposed.body)).to.equal(201);
    expect(proposed.body).to.include({ state: "proposed" });
    expect(proposed.body.deliveryError).to.equal(undefined);
    scheduleHash = proposed.body.hash;
    // Through the outbox: the lender's gateway holds its signed proposal once the agency's gateway has answered it.
    await eventually(async () => ((await LAdmin.get(`/v1/fee-schedules/${scheduleHash}`)).body.proposal ? true : undefined), 20_000, "the proposal answered");
    const seen = await A.get("/v1/fee-schedules?creditorId=1");
    expect(seen.body.schedules.map((s: { hash: string; state: string }) => `${s.hash} ${s.state}`)).to.deep.equal([`${scheduleHash} received`]);
    expect(seen.body.schedules[0].proposal.envelope).to.include({ kind: "fee-schedule.propose", from: 1, to: 2 });
  });

  it("refuses an acceptance of a schedule the agency was not sent, at either end", async () => {
    expect((await A.post(`/v1/fee-schedules/0x${"ab".repeat(32)}/accept`)).status).to.equal(404);
    // The agency's own gateway, or a rival's, signing an acceptance of something the lender never proposed to it.
    const forged = await agency.peer.send(1, "fee-schedule.accept", { hash: `0x${"ab".repeat(32)}` });
    expect(forged.answer.envelope.refused?.code).to.equal("NOT_FOUND");
    const rivals = await rival.peer.send(1, "fee-schedule.accept", { hash: scheduleHash });
    expect(rivals.answer.envelope.refused?.code).to.equal("NOT_FOUND");
    expect((await LAdmin.get(`/v1/fee-schedules/${scheduleHash}`)).body.state).to.equal("proposed");
  });

  it("agrees a schedule when the agency accepts: both sides hold both signatures and notarize it", async () => {
    const accepted = await A.post(`/v1/fee-schedules/${scheduleHash}/accept`);
    expect(accepted.status, JSON.stringify(accepted.body)).to.equal(200);
    expect(accepted.body.state).to.equal("agreed");
    const atLender = (await L.get(`/v1/fee-schedules?agencyId=2`)).body.schedules[0];
    expect(atLender).to.include({ hash: scheduleHash, state: "agreed" });
    for (const [gateway, record] of [[lender, atLender], [agency, accepted.body]] as const) {
      expect(record.proposal.envelope.from).to.equal(1);
      expect(record.acceptance.envelope).to.include({ kind: "fee-schedule.accept", from: 2 });
      const entry = await gateway.evidenceLog.entry(record.evidenceId);
      const notarized = JSON.parse(entry!.record) as { caseKey: string; kind: string };
      expect(notarized).to.include({ caseKey: scheduleHash, kind: "other" });
    }
  });

  let firstHash: string;
  it("issues the month's statement to the agency, whose gateway checks and keeps it", async () => {
    expect((await A.post("/v1/statements", { agencyId: 2, month })).status).to.equal(403);
    const issued = await L.post("/v1/statements", { agencyId: 2, month });
    expect(issued.status, JSON.stringify(issued.body)).to.equal(201);
    expect(issued.body.deliveryError).to.equal(undefined);
    // Two repayments at 15% (1,000,000 → 150,000; 333 → 49.95 → 50) and two half-risk case fees of 5,000.
    expect(issued.body.totals).to.include({ lines: 4, repaidFen: "1000333", commissionFen: "150050", fixedFeeFen: "10000", feeFen: "160050" });
    firstHash = issued.body.hash;
    const atAgency = await receivedAtAgency(firstHash);
    expect(atAgency.body).to.include({ state: "received", hash: firstHash });
    expect(statementHash(atAgency.body.doc as StatementDocument)).to.equal(firstHash);
  });

  it("refuses a new schedule version that would come into force in or before a month already stated", async () => {
    const [y, m] = month.split("-").map(Number) as [number, number];
    const next = m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, "0")}-01`;
    for (const effectiveFrom of [`${month}-01`, `${month}-28`]) {
      const refused = await LAdmin.post("/v1/fee-schedules", { ...schedule, version: 2, effectiveFrom });
      expect([refused.status, refused.body.error?.code], effectiveFrom).to.deep.equal([409, "SCHEDULE_OVERLAPS_STATEMENT"]);
      expect(refused.body.error.message).to.contain(month);
    }
    expect((await LAdmin.get("/v1/fee-schedules?agencyId=2")).body.schedules).to.have.length(1);
    // A creditor that skips its own gateway's check: the agency's gateway refuses the proposal, signed.
    const sneaked: FeeSchedule = { creditorId: 1, agencyId: 2, version: 2, effectiveFrom: `${month}-01`, model: { kind: "full-risk", buckets: [{ fromDays: 0, toDays: null, bp: 100 }] } };
    const direct = await lender.peer.send(2, "fee-schedule.propose", { schedule: feeScheduleToJson(sneaked), hash: feeScheduleHash(sneaked) });
    expect(direct.answer.envelope.refused?.code).to.equal("SCHEDULE_OVERLAPS_STATEMENT");
    expect((await A.get("/v1/fee-schedules?creditorId=1")).body.schedules).to.have.length(1);
    // The month after the last statement is free: the proposal is kept (and never priced until the agency agrees).
    const later = await LAdmin.post("/v1/fee-schedules", { ...schedule, version: 2, effectiveFrom: next });
    expect(later.status, JSON.stringify(later.body)).to.equal(201);
  });

  it("refuses a statement from a third member, in the lender's name or its own", async () => {
    const doc = (await L.get(`/v1/statements/${firstHash}`)).body.doc as StatementDocument;
    const inLendersName = await sendWhole(rival, doc, firstHash);
    expect(inLendersName.answer.envelope.refused?.code).to.equal("FORBIDDEN");
    // In its own name: its header names schedules the agency never signed with it, so nothing of it is kept.
    const own = { ...doc, creditorId: 3 };
    const inItsOwn = await sendWhole(rival, own, statementHash(own));
    expect(inItsOwn.answer.envelope.refused?.code).to.equal("VALIDATION_FAILED");
    expect(inItsOwn.answer.envelope.refused?.message).to.equal("fees.STATEMENT_WRONG");
    expect((await RAdmin.post("/v1/statements", { agencyId: 2, month })).body.error.code).to.equal("CONFLICT");
    // Nor may it decide on the lender's statement in the agency's place.
    const decided = await rival.peer.send(1, "statement.accept", { hash: firstHash });
    expect(decided.answer.envelope.refused?.code).to.equal("NOT_FOUND");
    expect((await L.get(`/v1/statements/${firstHash}`)).body.state).to.equal("issued");
  });

  it("refuses a tampered line: a creditor's own arithmetic, or a line changed on the way", async () => {
    const doc = (await L.get(`/v1/statements/${firstHash}`)).body.doc as StatementDocument;
    const i = doc.lines.findIndex((l) => l.kind === "repayment");
    const line = doc.lines[i]!;
    const raised = BigInt(line.feeFen) + 100n;
    const lines = doc.lines.map((l, k) => (k === i ? { ...l, feeFen: raised.toString() } : l));
    const tampered = { ...doc, lines, totals: { ...doc.totals, commissionFen: (BigInt(doc.totals.commissionFen) + 100n).toString(), feeFen: (BigInt(doc.totals.feeFen) + 100n).toString() } };
    const refused = await sendWhole(lender, tampered, statementHash(tampered));
    expect(refused.answer.envelope.refused?.code).to.equal("VALIDATION_FAILED");
    expect(refused.answer.envelope.refused?.message).to.equal("fees.STATEMENT_WRONG");
    // On the way: the lender's signed envelope with one line changed after signing — as it is, and with its hash redone.
    const signed = await signEnvelope({ format: PEER_FORMAT, kind: "statement.part", from: 1, to: 2, id: newPeerId(), sentAt: new Date().toISOString(), body: { hash: firstHash, index: 0, ...splitStatement(doc)[0]!.part } }, consortium.member("lender").wallet);
    const envelope = { ...signed.envelope, body: { hash: firstHash, index: 0, ...splitStatement(tampered)[0]!.part } };
    const asIs = await apiClient(agency.url).post("/v1/peer", { ...signed, envelope });
    expect([asIs.status, asIs.body.error.code]).to.deep.equal([400, "PEER_FORMAT"]);
    const rehashed = await apiClient(agency.url).post("/v1/peer", { ...signed, envelope, hash: canonicalDigest(envelope) });
    expect([rehashed.status, rehashed.body.error.code]).to.deep.equal([403, "PEER_BAD_SIGNATURE"]);
    expect((await A.get("/v1/statements")).body.statements.map((s: { hash: string }) => s.hash)).to.deep.equal([firstHash]);
  });

  it("takes a dispute of lines, then the corrected statement's acceptance, notarized by both members", async () => {
    const doc = (await A.get(`/v1/statements/${firstHash}`)).body.doc as StatementDocument;
    expect((await A.post(`/v1/statements/${firstHash}/dispute`, { lines: [{ lineId: "nope", reason: "no such line" }] })).status).to.equal(400);
    const disputed = await A.post(`/v1/statements/${firstHash}/dispute`, { lines: [{ lineId: doc.lines[0]!.lineId, reason: "PAID_LATER" }] });
    expect(disputed.status, JSON.stringify(disputed.body)).to.equal(200);
    expect(disputed.body.state).to.equal("disputed");
    expect((await L.get(`/v1/statements/${firstHash}`)).body).to.include({ state: "disputed" });

    const second = await L.post("/v1/statements", { agencyId: 2, month });
    expect(second.body.supersedes).to.equal(firstHash);
    await receivedAtAgency(second.body.hash);
    const accepted = await A.post(`/v1/statements/${second.body.hash}/accept`);
    expect(accepted.status, JSON.stringify(accepted.body)).to.equal(200);
    const atLender = (await L.get(`/v1/statements/${second.body.hash}`)).body;
    expect(atLender.state).to.equal("accepted");
    for (const [gateway, id] of [[lender, atLender.evidenceId], [agency, accepted.body.evidenceId]] as const) {
      const entry = await gateway.evidenceLog.entry(id);
      expect(JSON.parse(entry!.record)).to.include({ caseKey: second.body.hash, kind: "other" });
    }
    // Both members' records name the same two signatures: the creditor's issue and the agency's acceptance.
    const [l, a] = await Promise.all([lender.evidenceLog.entry(atLender.evidenceId), agency.evidenceLog.entry(accepted.body.evidenceId)]);
    expect(JSON.parse(l!.inline!).signatures).to.deep.equal(JSON.parse(a!.inline!).signatures);
  });

  it("exports the statement as CSV and PDF at either gateway", async () => {
    const { hash } = (await A.get("/v1/statements")).body.statements[0];
    const csv = await fetch(`${agency.url}/v1/statements/${hash}.csv`, { headers: { authorization: `Bearer ${(await agency.tokens.create("agency", "csv")).token}` } });
    const bytes = Buffer.from(await csv.arrayBuffer());
    const text = bytes.toString("utf8");
    expect(csv.headers.get("content-type")).to.match(/^text\/csv/);
    expect([...bytes.subarray(0, 3)]).to.deep.equal([0xef, 0xbb, 0xbf]);
    expect(text).to.include("total,fees,,,,,,0.00,,,,1600.50,");
    const pdf = await fetch(`${lender.url}/v1/statements/${hash}.pdf`, { headers: { authorization: `Bearer ${(await lender.tokens.create("lender", "pdf")).token}` } });
    const body = pdfText(Buffer.from(await pdf.arrayBuffer()));
    // Its own name from its configuration, the other member's from the chain-verified directory.
    expect(body).to.include(`债权人：${consortium.member("lender").config.memberName}（成员 #1）`);
    expect(body).to.include("催收机构：示例催收（成员 #2）");
    expect(body).to.include("应付费用合计 1600.50 元");
  });
});
