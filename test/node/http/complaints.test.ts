import { expect } from "chai";
import type { GatewayConfig } from "../../../node/config.js";
import type { Gateway } from "../../../node/gateway.js";
import { apiClient, eventually } from "../../support/api-client.js";
import { ROLE, type TestConsortium } from "../../support/consortium.js";
import { assignCases, fastPeer, startMembers } from "../../support/member-gateways.js";
import { syntheticId18 } from "../domain/identity/synthetic-ids.js";

const WORDS = "催收员每天晚上十一点打电话，还说要通知我的单位";
const CALLBACK = "13900001111";
const DAY = 86_400_000;

/**
 * Complaints and text screening over real HTTP between real gateways on anvil (docs/design.md §26): a complaint from
 * the public page reaches the creditor (the agency's gateway keeps no word of it), the agency is told it exists and
 * its permits' guard answers "open" until the creditor closes it; the lender sees, shares and closes; bad input and a
 * flood are refused; forged peer messages are refused signed; a text is screened with rule and span, the lexicon's
 * hash notarized.
 */
describe("http: complaints from the public page, the holder's notices, text screening", function () {
  this.timeout(240_000);
  let consortium: TestConsortium;
  let lender: Gateway;
  let agency: Gateway;
  let rival: Gateway;
  let L: ReturnType<typeof apiClient>;
  let A: ReturnType<typeof apiClient>;
  let cases: string[];
  let token: string;
  let skew = 0;
  const config = (c: GatewayConfig): GatewayConfig => ({
    ...fastPeer(c),
    http: { ...c.http, trustProxy: ["127.0.0.1"] },
    rateLimits: { ...c.rateLimits, complaintBurst: 6, complaintPerHour: 1 },
  });
  /** Runs `fn` with the agency's clock at 10:00 China time (outside the quiet hours of §25), then puts it back. */
  const atTenInChina = async <T>(fn: () => Promise<T>): Promise<T> => {
    const chinaHour = ((Date.now() / 3_600_000 + 8) % 24 + 24) % 24;
    skew = ((10 - chinaHour + 24) % 24) * 3_600_000;
    try {
      return await fn();
    } finally {
      skew = 0;
    }
  };
  /** A public request as the page sends it; `from` is the address a trusted proxy forwards for. */
  const complain = (body: unknown, from = "203.0.113.1", letter = token) =>
    fetch(`${agency.url}/v1/public/complaints/${letter}`, { method: "POST", headers: { "content-type": "application/json", "x-forwarded-for": from }, body: JSON.stringify(body) });

  before(async () => {
    ({ consortium, gateways: { lender, agency, rival } } = await startMembers([
      { name: "lender", roles: ROLE.LENDER, directory: { name: "示例银行", roles: ["lender"] }, config },
      { name: "agency", roles: ROLE.AGENCY, directory: { name: "示例催收", roles: ["agency"] }, config, options: { clock: () => Date.now() + skew } },
      { name: "rival", roles: ROLE.AGENCY, directory: { name: "另一催收", roles: ["agency"] }, config },
    ]));
    L = apiClient(lender.url, (await lender.tokens.create("lender", "staff")).token);
    A = apiClient(agency.url, (await agency.tokens.create("agency", "staff")).token);
    const ids = Array.from({ length: 2 }, (_, i) => syntheticId18("19830303", String(400 + i), "440305"));
    cases = await assignCases(L, A, "complaints.csv", ids.map((id, i) => `CP-${i},投诉测试${i},${id},1390002${String(i).padStart(4, "0")},1000,900,30`));
    const letter = await A.post(`/v1/cases/${cases[0]}/authorization-letter`);
    expect(letter.status).to.equal(201);
    token = letter.body.token as string;
  });
  after(async () => {
    await Promise.all([lender?.close(), agency?.close(), rival?.close()]);
    await consortium?.stop();
  });

  it("a complaint from the public page reaches the creditor sealed; the agency learns its category only, and its permits' guard says open", async () => {
    expect((await agency.conductGuards.openComplaint(cases[0]!)).open).to.equal(false);
    const res = await complain({ category: "HARASSMENT", text: WORDS, callback: `+86 ${CALLBACK}` });
    expect(res.status).to.equal(201);
    const { reference } = (await res.json()) as { reference: string };
    expect(reference).to.match(/^[0-9a-f]{24}$/);

    const list = (await L.get("/v1/complaints")).body.complaints as Array<Record<string, unknown>>;
    expect(list).to.have.length(1);
    expect(list[0]).to.include({ id: reference, caseKey: cases[0], agencyId: 2, category: "HARASSMENT", state: "open", shared: false });
    expect(JSON.stringify(list)).to.not.include(WORDS).and.not.include(CALLBACK);
    const one = await L.get(`/v1/complaints/${reference}`);
    expect(one.body).to.include({ text: WORDS, callback: CALLBACK });
    // At rest the words are sealed: the raw store holds no clear text.
    const stored = await lender.store.complaints.complaint(reference);
    expect(JSON.stringify(stored)).to.not.include(WORDS).and.not.include(CALLBACK);

    // The agency keeps the creditor's signed answer as its notice: the category, not the words.
    expect(await agency.conductGuards.openComplaint(cases[0]!)).to.deep.equal({ open: true, category: "HARASSMENT" });
    expect(await agency.conductGuards.openComplaint(cases[1]!)).to.deep.equal({ open: false });
    const notices = (await A.get("/v1/complaint-notices")).body.notices as Array<Record<string, unknown>>;
    expect(notices).to.have.length(1);
    expect(notices[0]).to.include({ id: reference, caseKey: cases[0], creditorId: 1, category: "HARASSMENT", state: "open" });
    expect(notices[0]!.envelopeHash).to.match(/^0x[0-9a-f]{64}$/);
    expect(JSON.stringify(notices)).to.not.include(WORDS);
    const agencyRows: string[] = [];
    for await (const n of agency.store.complaints.notices()) agencyRows.push(JSON.stringify(n));
    expect(agencyRows.join()).to.not.include(WORDS).and.not.include(CALLBACK);
    // The agency's contact permits (§25) pause on the open complaint; another case of the same creditor is not paused.
    await atTenInChina(async () => {
      const paused = await A.post("/v1/contacts/permits", { caseKey: cases[0], channel: "call" });
      expect([paused.status, paused.body.error.code]).to.deep.equal([409, "CONTACT_OPEN_COMPLAINT"]);
      expect((await A.post("/v1/contacts/permits", { caseKey: cases[1], channel: "call" })).status).to.equal(201);
      // A text with a forbidden term is refused with its rule and span, before anything else is counted.
      const text = "您好，再不还款就让你坐牢";
      const refused = await A.post("/v1/contacts/permits", { caseKey: cases[1], channel: "sms", text });
      expect([refused.status, refused.body.error.code]).to.deep.equal([422, "CONTACT_TEXT_REFUSED"]);
      expect(refused.body.error.details).to.deep.include({ rule: "LEGAL-01", category: "FALSE_LEGAL_CLAIM", span: [10, 12], lexiconVersion: "2026.1" });
      expect(JSON.stringify(refused.body)).to.not.include("坐牢");
    });
    // Only the lender's staff read complaints; only the agency's read notices.
    expect((await A.get("/v1/complaints")).status).to.equal(403);
    expect((await L.get("/v1/complaint-notices")).status).to.equal(403);
  });

  it("the lender shares the words (never the number) and closes with a resolution code; the agency's guard reopens permits", async () => {
    const [c] = (await L.get("/v1/complaints")).body.complaints as Array<{ id: string }>;
    const shared = await L.post(`/v1/complaints/${c!.id}/share`);
    expect(shared.status).to.equal(200);
    expect(shared.body).to.include({ shared: true });
    const notice = ((await A.get("/v1/complaint-notices")).body.notices as Array<Record<string, unknown>>)[0]!;
    expect(notice).to.include({ text: WORDS });
    expect(JSON.stringify(notice)).to.not.include(CALLBACK);

    const bad = await L.post(`/v1/complaints/${c!.id}/close`, { resolution: "WHATEVER" });
    expect([bad.status, bad.body.error.code, bad.body.error.details[0].field]).to.deep.equal([400, "VALIDATION_FAILED", "resolution"]);
    // Two staff close it at the same moment: one closes it, the other is told it is closed (one notice goes out).
    // (The service itself: over HTTP the two requests rarely meet between the read and the write.)
    const both = await Promise.all([1, 2].map(() => lender.complaints.close(c!.id, { resolution: "AGENCY_WARNED" }, "staff").then(() => "closed", (e: { code: string }) => e.code)));
    expect(both.sort()).to.deep.equal(["CONFLICT", "closed"]);
    const closed = await L.get(`/v1/complaints/${c!.id}`);
    expect(closed.body).to.include({ state: "closed", resolution: "AGENCY_WARNED" });
    expect((await L.post(`/v1/complaints/${c!.id}/close`, { resolution: "AGENCY_WARNED" })).status).to.equal(409);
    expect((await L.get("/v1/complaints/ffffffffffffffffffffffff")).status).to.equal(404);
    // The closing notice travels through the outbox; the agency's copy follows.
    await eventually(async () => (await agency.conductGuards.openComplaint(cases[0]!)).open === false || undefined, 30_000, "the closing notice");
    // Closed: the agency's permits for the case are granted again.
    await atTenInChina(async () => expect((await A.post("/v1/contacts/permits", { caseKey: cases[0], channel: "call" })).status).to.equal(201));
    const after = ((await A.get("/v1/complaint-notices")).body.notices as Array<Record<string, unknown>>)[0]!;
    expect(after).to.include({ state: "closed", resolution: "AGENCY_WARNED", text: WORDS });
    // The lender's scorecard counts it for the agency; the chain-only view has no complaints.
    const cards = (await L.get("/v1/scorecards")).body.agencies as Array<{ agencyId: number; complaints: unknown }>;
    expect(cards.find((c) => c.agencyId === 2)?.complaints).to.deep.equal({ received: 1, open: 0 });
    const chainOnly = (await L.get("/v1/scorecards?view=consortium")).body.agencies as Array<{ complaints: unknown }>;
    expect(chainOnly.every((c) => c.complaints === null)).to.equal(true);
  });

  it("refuses bad input: unknown token, category not in the list, empty and oversized text, a bad call-back number, an expired letter", async () => {
    const problem = async (res: Response) => {
      const body = (await res.json()) as { error: { code: string; details?: Array<{ field: string; code: string }> } };
      return [res.status, body.error.code, body.error.details?.map((d) => `${d.field}:${d.code}`).join(",")];
    };
    let n = 10;
    const from = () => `198.51.100.${n++}`;
    expect(await problem(await complain({ category: "HARASSMENT", text: "x" }, from(), "A".repeat(43)))).to.deep.equal([404, "NOT_FOUND", undefined]);
    expect(await problem(await complain({ category: "ANNOYED", text: "x" }, from()))).to.deep.equal([400, "VALIDATION_FAILED", "category:CATEGORY_UNKNOWN"]);
    expect(await problem(await complain({ category: "OTHER", text: " \n " }, from()))).to.deep.equal([400, "VALIDATION_FAILED", "text:TEXT_EMPTY"]);
    expect(await problem(await complain({ category: "OTHER", text: "长".repeat(2001) }, from()))).to.deep.equal([400, "VALIDATION_FAILED", "text:TEXT_TOO_LONG"]);
    expect(await problem(await complain({ category: "OTHER", text: "请回电", callback: "12345" }, from()))).to.deep.equal([400, "VALIDATION_FAILED", "callback:CALLBACK_INVALID"]);
    expect(await problem(await complain({}, from()))).to.deep.equal([400, "VALIDATION_FAILED", "category:CATEGORY_UNKNOWN,text:TEXT_EMPTY"]);
    skew = 366 * DAY;
    try {
      expect(await problem(await complain({ category: "OTHER", text: "一年后" }, from()))).to.deep.equal([410, "COMPLAINT_LETTER_EXPIRED", undefined]);
    } finally {
      skew = 0;
    }
    // None of them reached the creditor.
    expect((await L.get("/v1/complaints")).body.complaints).to.have.length(1);
  });

  it("refuses forged peer messages, signed: a complaint from an agency that does not hold the case, a notice from a member that is not the creditor", async () => {
    const body = { id: "ab".repeat(12), caseKey: cases[1], category: "OTHER", text: "伪造", receivedAt: new Date().toISOString() };
    const forged = await rival.peer.send(1, "complaint.file", body);
    expect(forged.answer.envelope.refused).to.deep.include({ code: "FORBIDDEN", message: "complaint.NOT_HOLDER" });
    const notice = await rival.peer.send(2, "complaint.notice", { id: "cd".repeat(12), caseKey: cases[1], category: "OTHER", state: "open", receivedAt: new Date().toISOString() });
    expect(notice.answer.envelope.refused).to.deep.include({ code: "FORBIDDEN", message: "complaint.NOT_CREDITOR" });
    expect(await agency.conductGuards.openComplaint(cases[1]!)).to.deep.equal({ open: false });
    const malformed = await agency.peer.send(1, "complaint.file", { ...body, caseKey: "0x12" });
    expect(malformed.answer.envelope.refused).to.deep.include({ code: "VALIDATION_FAILED", message: "complaint.MALFORMED" });
  });

  it("a flood from one address gets 429 with Retry-After; so does one letter from many addresses", async () => {
    const fresh = async () => (await A.post(`/v1/cases/${cases[1]}/authorization-letter`)).body.token as string;
    const [first, second] = [await fresh(), await fresh()];
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 9; i++) {
      const res = await complain({ category: "WRONG_PERSON" }, "192.0.2.77", i % 2 ? first : second);
      statuses.push(res.status);
      if (res.status === 429) retryAfter = res.headers.get("retry-after");
    }
    expect(statuses).to.deep.equal([...Array(6).fill(400), 429, 429, 429]);
    expect(Number(retryAfter)).to.be.greaterThan(0);
    // One letter's bucket: many addresses (as a trusted proxy forwards them) do not refill it.
    const third = await fresh();
    const byLetter: number[] = [];
    for (let i = 0; i < 8; i++) byLetter.push((await complain({ category: "WRONG_PERSON" }, `192.0.2.${100 + i}`, third)).status);
    expect(byLetter).to.deep.equal([...Array(6).fill(400), 429, 429]);
    // Another letter from a fresh address is answered.
    expect((await complain({ category: "WRONG_PERSON" }, "192.0.2.200", first)).status).to.equal(400);
  });

  it("screens a text: refused with rule, category and span; the lexicon's hash is notarized in the evidence log", async () => {
    const text = "您好，如不还款我们将通知你的单位";
    const res = await A.post("/v1/conduct/screen", { text, channel: "sms" });
    expect(res.status).to.equal(200);
    expect(res.body).to.include({ ok: false, rule: "DISCLOSE-01", category: "THIRD_PARTY_DISCLOSURE", lexiconVersion: "2026.1", channel: "sms" });
    expect(Array.from(text).slice(...(res.body.span as [number, number])).join("")).to.equal("通知你的单位");
    expect((await L.post("/v1/conduct/screen", { text: "您好，请联系我们协商还款", channel: "template" })).body).to.include({ ok: true });
    const bad = await A.post("/v1/conduct/screen", { text: "", channel: "fax" });
    expect(bad.body.error.details.map((d: { field: string }) => d.field)).to.deep.equal(["text", "channel"]);
    // The permit seam gets the span in UTF-16 units of the same text.
    const guarded = await agency.conductGuards.screenText(`𠀀${text}`, "sms");
    expect(guarded).to.deep.include({ ok: false, rule: "DISCLOSE-01", span: [12, 18] });

    const lexicon = (await A.get("/v1/conduct/lexicon")).body;
    expect(lexicon.hash).to.match(/^0x[0-9a-f]{64}$/);
    expect(lexicon.notarized).to.include({ version: "2026.1", hash: lexicon.hash });
    const record = (await A.get(`/v1/evidence/${lexicon.notarized.evidenceId}`)).body;
    expect(record).to.include({ kind: "other", caseKey: lexicon.hash, leafHash: lexicon.notarized.leafHash });
    const content = (await A.get(`/v1/evidence/${lexicon.notarized.evidenceId}/content`)).body;
    expect(content).to.include({ format: "caseledger-lexicon-use/1", version: "2026.1", lexiconHash: lexicon.hash, member: 2 });
    // A restart notarizes nothing new for the same version.
    expect((await agency.screening.start()).evidenceId).to.equal(lexicon.notarized.evidenceId);
  });
});
