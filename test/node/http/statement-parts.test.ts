import { expect } from "chai";
import { canonicalJson } from "../../../node/domain/canonical-json.js";
import { monthOf } from "../../../node/domain/fees/month.js";
import { statementHash, type StatementDocument } from "../../../node/domain/fees/statement-document.js";
import type { ConfirmedRepayment, StatementAssignment } from "../../../node/domain/fees/statement-input.js";
import { splitStatement, statementHeader } from "../../../node/domain/fees/statement-parts.js";
import { startGateway, type Gateway } from "../../../node/gateway.js";
import type { StatementAssignmentSource, StatementEntrySource } from "../../../node/services/fees/statement-sources.js";
import type { PeerExchange } from "../../../node/services/peer/channel.js";
import { apiClient, eventually } from "../../support/api-client.js";
import { ROLE, type TestConsortium } from "../../support/consortium.js";
import { startMembers } from "../../support/member-gateways.js";

const LINES = 10_000;
/** Synthetic case keys of member 1, the lender. */
const key = (i: number) => `0x0100000001${i.toString(16).padStart(54, "0")}`;

/**
 * A month of 10,000 lines between real gateways on anvil: far over one peer message, so the lender's gateway sends
 * the header and then the lines in parts, each a signed caseledger-peer/1 message through the durable outbox; the
 * agency's gateway keeps the parts and checks the whole (its hash, its arithmetic) once all are there. Refused with
 * codes: a part of a statement never announced or already whole, a part twice, lines that do not hash to the
 * announcement, parts whose whole is not the announced statement. The agency's gateway down while the lender issues
 * and proposes: both arrive once it is back, with nobody pressing anything.
 */
describe("http: a statement of 10,000 lines in parts, and through the agency's outage", function () {
  this.timeout(180_000);
  let consortium: TestConsortium;
  let lender: Gateway;
  let agency: Gateway;
  let rival: Gateway;
  let L: ReturnType<typeof apiClient>;
  let LAdmin: ReturnType<typeof apiClient>;
  let A: ReturnType<typeof apiClient>;
  const quiet = () => {};
  const month = monthOf(Date.now());
  /** The first day of the month `n` months after the statement's: a new schedule version must start after every month stated. */
  const firstDayAfter = (n: number) => {
    const [year, m] = month.split("-").map(Number) as [number, number];
    return new Date(Date.UTC(year, m - 1 + n, 1)).toISOString().slice(0, 10);
  };
  const now = Date.now();
  const confirmed: ConfirmedRepayment[] = Array.from({ length: LINES }, (_, i) => ({
    entryId: `rep-${i}`,
    caseKey: key(i),
    agencyId: 2,
    amountFen: BigInt(10_001 + i),
    paidAt: new Date(now - 2_000).toISOString(),
    confirmedAt: new Date(now - 1_000).toISOString(),
  }));
  const assigned: StatementAssignment[] = confirmed.map((c, i) => ({ caseKey: c.caseKey, assignedAt: new Date(now - 40 * 86_400_000).toISOString(), overdueDays: i % 200 }));
  const entries: StatementEntrySource = { entries: () => Promise.resolve({ confirmed, reversals: [], open: [] }) };
  const assignments: StatementAssignmentSource = { assignments: () => Promise.resolve(assigned) };
  const fast = (g: "lender" | "agency" | "rival", port = 0) => {
    const config = consortium.member(g).config;
    return { ...config, http: { ...config.http, port }, timeouts: { ...config.timeouts, peerRetryMs: 100 } };
  };
  const schedule = (version: number, effectiveFrom: string) => ({
    agencyId: 2,
    version,
    effectiveFrom,
    model: { kind: "full-risk", buckets: [{ fromDays: 0, toDays: 90, bp: 1250 }, { fromDays: 91, toDays: null, bp: 2000 }] },
  });
  const atAgency = (hash: string) =>
    eventually(async () => {
      const r = await A.get(`/v1/statements/${hash}`);
      return r.status === 200 && r.body.state === "received" ? (r.body.doc as StatementDocument) : undefined;
    }, 60_000, `statement ${hash} at the agency`);
  const refusal = (exchange: PeerExchange) => `${exchange.answer.envelope.refused?.code} ${exchange.answer.envelope.refused?.message}`;

  before(async () => {
    ({ consortium, gateways: { lender, agency, rival } } = await startMembers([
      { name: "lender", roles: ROLE.LENDER, directory: { name: "示例银行", roles: ["lender"] }, options: { statementEntries: entries, statementAssignments: assignments } },
      { name: "agency", roles: ROLE.AGENCY, directory: { name: "示例催收", roles: ["agency"] } },
      { name: "rival", roles: ROLE.LENDER, directory: { name: "竞争对手", roles: ["lender"] } },
    ]));
    L = apiClient(lender.url, (await lender.tokens.create("lender", "l")).token);
    LAdmin = apiClient(lender.url, (await lender.tokens.create("admin", "la")).token);
    A = apiClient(agency.url, (await agency.tokens.create("agency", "a")).token);
    const proposed = await LAdmin.post("/v1/fee-schedules", schedule(1, "2020-01-01"));
    expect(proposed.status, JSON.stringify(proposed.body)).to.equal(201);
    const hash = proposed.body.hash as string;
    // The lender's gateway holds its signed proposal once the agency's gateway has answered it.
    await eventually(async () => ((await LAdmin.get(`/v1/fee-schedules/${hash}`)).body.proposal ? true : undefined), 20_000, "the proposal answered");
    expect((await A.post(`/v1/fee-schedules/${hash}/accept`)).body.state).to.equal("agreed");
  });
  after(async () => {
    await Promise.all([lender?.close(), agency?.close(), rival?.close()]);
    await consortium?.stop();
  });

  let hash: string;
  let doc: StatementDocument;
  it("sends 10,000 lines in parts; the agency's gateway checks the whole once every part is there", async () => {
    const started = Date.now();
    const issued = await L.post("/v1/statements", { agencyId: 2, month });
    expect(issued.status, JSON.stringify(issued.body)).to.equal(201);
    expect(issued.body.totals.lines).to.equal(LINES);
    hash = issued.body.hash;
    doc = (await L.get(`/v1/statements/${hash}`)).body.doc as StatementDocument;
    // Far over one peer message (1 MB), so in several parts.
    expect(canonicalJson(doc).length).to.be.greaterThan(2_500_000);
    expect(splitStatement(doc).length).to.be.greaterThan(4);
    const received = await atAgency(hash);
    expect(received.lines).to.have.length(LINES);
    expect(statementHash(received)).to.equal(hash);
    const atLender = await eventually(async () => {
      const r = (await L.get(`/v1/statements/${hash}`)).body;
      return r.deliveredAt ? r : undefined;
    }, 20_000, "the lender's record of delivery");
    expect(atLender.deliveryError).to.equal(undefined);
    expect(atLender.issue.envelope).to.include({ kind: "statement.issue", from: 1, to: 2 });
    expect(Date.now() - started).to.be.lessThan(30_000);
    // The agency can decide on it like any other: the lines are all there.
    const disputed = await A.post(`/v1/statements/${hash}/dispute`, { lines: [{ lineId: doc.lines[LINES - 1]!.lineId, reason: "PAID_LATER" }] });
    expect(disputed.status, JSON.stringify(disputed.body)).to.equal(200);
  });

  it("refuses with codes: a part never announced or of a whole statement, a part twice, lines not as announced, a whole not as announced", async () => {
    const part0 = splitStatement(doc)[0]!.part;
    expect(refusal(await lender.peer.send(2, "statement.part", { hash: `0x${"ab".repeat(32)}`, index: 0, ...part0 }))).to.equal("NOT_FOUND fees.PART_UNKNOWN");
    expect(refusal(await lender.peer.send(2, "statement.part", { hash, index: 0, ...part0 }))).to.equal("CONFLICT fees.PART_COMPLETE");

    // A statement announced and being sent: another issue time, so another hash.
    const next: StatementDocument = { ...doc, issuedAt: new Date().toISOString() };
    const nextHash = statementHash(next);
    const parts = splitStatement(next);
    const header = await lender.peer.send(2, "statement.issue", { header: statementHeader(next), hash: nextHash, parts: parts.map((p) => p.announced) });
    expect(header.answer.envelope.body).to.deep.equal({ received: nextHash, state: "receiving", missing: parts.map((_, i) => i) });
    // A rival cannot feed parts of the lender's statement.
    expect(refusal(await rival.peer.send(2, "statement.part", { hash: nextHash, index: 0, ...parts[0]!.part }))).to.equal("NOT_FOUND fees.PART_UNKNOWN");
    expect((await lender.peer.send(2, "statement.part", { hash: nextHash, index: 0, ...parts[0]!.part })).answer.envelope.refused).to.equal(undefined);
    expect(refusal(await lender.peer.send(2, "statement.part", { hash: nextHash, index: 0, ...parts[0]!.part }))).to.equal("CONFLICT fees.PART_DUPLICATE");
    const p1 = parts[1]!.part;
    const raised = p1.lines.map((l, k) => (k === 0 ? { ...l, feeFen: (BigInt(l.feeFen) + 1n).toString() } : l));
    expect(refusal(await lender.peer.send(2, "statement.part", { hash: nextHash, index: 1, lines: raised, apart: p1.apart }))).to.equal("VALIDATION_FAILED fees.PART_HASH");
    expect(refusal(await lender.peer.send(2, "statement.part", { hash: nextHash, index: parts.length, ...p1 }))).to.equal("VALIDATION_FAILED fees.PART_INDEX");

    // Parts announced for other lines than the statement hash covers: each part checks, the whole does not.
    const other: StatementDocument = { ...next, lines: next.lines.map((l, k) => (k === 0 ? { ...l, feeFen: (BigInt(l.feeFen) + 1n).toString() } : l)) };
    const otherParts = splitStatement(other);
    const lying = await lender.peer.send(2, "statement.issue", { header: statementHeader(other), hash: `0x${"cd".repeat(32)}`, parts: otherParts.map((p) => p.announced) });
    expect(lying.answer.envelope.refused).to.equal(undefined);
    const answers: PeerExchange[] = [];
    for (const [index, p] of otherParts.entries()) answers.push(await lender.peer.send(2, "statement.part", { hash: `0x${"cd".repeat(32)}`, index, ...p.part }));
    expect(answers.slice(0, -1).every((a) => a.answer.envelope.refused === undefined)).to.equal(true);
    expect(refusal(answers.at(-1)!)).to.equal("VALIDATION_FAILED fees.HASH_MISMATCH");
    // Refused once, refused for good: announcing it again does not reopen it.
    const again = await lender.peer.send(2, "statement.issue", { header: statementHeader(other), hash: `0x${"cd".repeat(32)}`, parts: otherParts.map((p) => p.announced) });
    expect(refusal(again)).to.equal("CONFLICT fees.PART_COMPLETE");
    // A member with no schedule signed with the agency has nothing buffered: its header is refused.
    const rivals = { ...statementHeader(next), creditorId: 3 };
    expect(refusal(await rival.peer.send(2, "statement.issue", { header: rivals, hash: `0x${"ef".repeat(32)}`, parts: parts.map((p) => p.announced) }))).to.equal("VALIDATION_FAILED fees.STATEMENT_WRONG");
    expect(refusal(await rival.peer.send(2, "statement.part", { hash: `0x${"ef".repeat(32)}`, index: 0, ...parts[0]!.part }))).to.equal("NOT_FOUND fees.PART_UNKNOWN");
    expect((await A.get("/v1/statements")).body.statements.map((s: { hash: string }) => s.hash)).to.deep.equal([hash]);
  });

  it("delivers a statement and a proposal made while the agency's gateway is down once it is back, with nobody pressing anything", async () => {
    const port = Number(new URL(agency.url).port);
    await agency.close();
    const issued = await L.post("/v1/statements", { agencyId: 2, month });
    expect(issued.status, JSON.stringify(issued.body)).to.equal(201);
    const proposed = await LAdmin.post("/v1/fee-schedules", schedule(2, firstDayAfter(1)));
    expect(proposed.status, JSON.stringify(proposed.body)).to.equal(201);
    await eventually(async () => ((await lender.peerOutbox.get(`statement:${issued.body.hash}`))?.attempts ?? 0) >= 1 || undefined, 10_000, "a failed attempt");
    expect((await lender.peerOutbox.get(`statement:${issued.body.hash}`))?.state).to.equal("pending");
    expect((await L.get(`/v1/statements/${issued.body.hash}`)).body.deliveredAt).to.equal(undefined);
    agency = await startGateway(fast("agency", port), { log: quiet });
    const received = await atAgency(issued.body.hash);
    expect(received.supersedes).to.equal(hash);
    expect(received.lines).to.have.length(LINES);
    await eventually(async () => ((await A.get(`/v1/fee-schedules/${proposed.body.hash}`)).body.state === "received" ? true : undefined), 30_000, "the proposal at the agency");
  });

  it("marks a statement and a proposal whose attempts ran out as dead letters, and resends them on request", async () => {
    // The lender's gateway again, trying each message once only.
    const lenderPort = Number(new URL(lender.url).port);
    await lender.close();
    const once = fast("lender", lenderPort);
    lender = await startGateway({ ...once, peer: { ...once.peer, maxAttempts: 1 } }, { log: quiet, statementEntries: entries, statementAssignments: assignments });
    const agencyPort = Number(new URL(agency.url).port);
    await agency.close();
    const proposed = await LAdmin.post("/v1/fee-schedules", schedule(3, firstDayAfter(2)));
    const issued = await L.post("/v1/statements", { agencyId: 2, month });
    expect([proposed.status, issued.status]).to.deep.equal([201, 201]);
    await eventually(async () => ((await LAdmin.get(`/v1/fee-schedules/${proposed.body.hash}`)).body.deliveryError === "DEAD_LETTER" ? true : undefined), 10_000, "the proposal's dead letter");
    await eventually(async () => ((await L.get(`/v1/statements/${issued.body.hash}`)).body.deliveryError === "DEAD_LETTER" ? true : undefined), 10_000, "the statement's dead letter");
    agency = await startGateway(fast("agency", agencyPort), { log: quiet });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await A.get(`/v1/statements/${issued.body.hash}`)).status).to.equal(404);
    expect((await L.post(`/v1/fee-schedules/${proposed.body.hash}/resend`)).status).to.equal(403);
    expect((await LAdmin.post(`/v1/fee-schedules/${proposed.body.hash}/resend`)).body.deliveryError).to.equal(undefined);
    expect((await L.post(`/v1/statements/${issued.body.hash}/resend`)).body.deliveryError).to.equal(undefined);
    expect((await atAgency(issued.body.hash)).lines).to.have.length(LINES);
    await eventually(async () => ((await A.get(`/v1/fee-schedules/${proposed.body.hash}`)).body.state === "received" ? true : undefined), 10_000, "the proposal at the agency");
    const atLender = await eventually(async () => {
      const r = (await L.get(`/v1/statements/${issued.body.hash}`)).body;
      return r.deliveredAt ? r : undefined;
    }, 10_000, "the statement delivered");
    expect(atLender.deliveryError).to.equal(undefined);
  });
});
