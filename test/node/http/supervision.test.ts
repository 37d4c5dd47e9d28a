import { execFile } from "node:child_process";
import { expect } from "chai";
import { writeFile } from "node:fs/promises";
import { reportHash, type ConductReport } from "../../../node/domain/conduct/report.js";
import { monthOf } from "../../../node/domain/fees/month.js";
import type { Gateway } from "../../../node/gateway.js";
import type { ConductFigures } from "../../../node/domain/conduct/report.js";
import type { ConductStats } from "../../../node/services/conduct/stats.js";
import { apiClient } from "../../support/api-client.js";
import { ROLE, type TestConsortium } from "../../support/consortium.js";
import { assignCases, startMembers } from "../../support/member-gateways.js";
import { CLI } from "../../support/cli.js";
import { pdfText } from "../../support/pdf-text.js";
import { syntheticId18 } from "../domain/identity/synthetic-ids.js";

/** Member ids as startConsortium admits them: the lender first, then the agency. */
const [LENDER_ID, AGENCY_ID] = [1, 2];

/** The agency's contact figures as its contact log states them (§25): counts only. */
const agencyStats: ConductStats = {
  figures: (range) => {
    const hours = Array.from({ length: 24 }, () => 0);
    hours[10] = 3;
    hours[23] = 1;
    const row: ConductFigures = {
      agency: AGENCY_ID,
      lender: LENDER_ID,
      ...range,
      contactsByChannel: { call: 3, sms: 1, letter: 0, visit: 0, app: 0, email: 0 },
      contactsByChinaHour: hours,
      connected: 2,
      permitsRefused: { CONTACT_NOT_HELD: 0, CONTACT_QUIET_HOURS: 1, CONTACT_DAILY_CAP: 2, CONTACT_OPEN_COMPLAINT: 0, CONTACT_PROMISE_PENDING: 0, CONTACT_TEXT_REFUSED: 0, CONTACT_TALLY_STALE: 0 },
      violations: { no_permit: 1 } as ConductFigures["violations"],
    };
    return Promise.resolve([row]);
  },
};

/**
 * The supervisor's view (docs/design.md §26) with real gateways on anvil: a SUPERVISOR member (no pepper) asks the
 * lender and the agency for their figures over the peer channel; each answers signed, only to a supervisor; the
 * report keeps both signed answers, adds them up per agency and lender, is notarized in the supervisor's evidence
 * log, renders as PDF, and a changed figure no longer checks.
 */
describe("http: supervision — the monthly conduct report from members' signed figures", function () {
  this.timeout(240_000);
  let consortium: TestConsortium;
  let lender: Gateway;
  let agency: Gateway;
  let supervisor: Gateway;
  let S: ReturnType<typeof apiClient>;
  let L: ReturnType<typeof apiClient>;

  before(async () => {
    ({ consortium, gateways: { lender, agency, supervisor } } = await startMembers([
      { name: "lender", roles: ROLE.LENDER, directory: { name: "示例银行", roles: ["lender"] }, config: (c) => c },
      { name: "agency", roles: ROLE.AGENCY, directory: { name: "示例催收", roles: ["agency"] }, config: (c) => c, options: { conductStats: agencyStats } },
      // A supervisor computes no case keys: its gateway runs without the pepper.
      { name: "supervisor", roles: ROLE.SUPERVISOR, directory: { name: "示例监管", roles: ["supervisor"] }, config: (c) => ({ ...c, secrets: { ...c.secrets, pepperFile: undefined } }) },
    ]));
    expect(supervisor.pepper).to.equal(undefined);
    L = apiClient(lender.url, (await lender.tokens.create("lender", "staff")).token);
    const A = apiClient(agency.url, (await agency.tokens.create("agency", "staff")).token);
    S = apiClient(supervisor.url, (await supervisor.tokens.create("supervisor", "staff")).token);
    // One case with the agency, and one complaint about it at the lender.
    const [caseKey] = await assignCases(L, A, "sup.csv", [`SV-1,监管测试,${syntheticId18("19840404", "501", "440305")},13900003333,1000,900,30`]);
    const token = (await A.post(`/v1/cases/${caseKey}/authorization-letter`)).body.token as string;
    const filed = await fetch(`${agency.url}/v1/public/complaints/${token}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ category: "THREAT_OR_INSULT", text: "电话里骂人" }) });
    expect(filed.status).to.equal(201);
  });
  after(async () => {
    await Promise.all([lender?.close(), agency?.close(), supervisor?.close()]);
    await consortium?.stop();
  });

  it("members answer conduct.stats only to a SUPERVISOR member on chain, signed", async () => {
    const range = { from: Date.now() - 86_400_000, to: Date.now() + 60_000 };
    const refused = await agency.peer.send(1, "conduct.stats", range);
    expect(refused.answer.envelope.refused).to.deep.include({ code: "FORBIDDEN", message: "supervision.NOT_SUPERVISOR" });
    const answered = await supervisor.peer.send<{ member: number; complaints: unknown[] }>(1, "conduct.stats", range);
    expect(answered.answer.envelope.body).to.deep.include({ member: 1, figures: [] });
    expect(answered.answer.envelope.body!.complaints).to.deep.equal([{ agency: AGENCY_ID, lender: LENDER_ID, received: 1, open: 1, byCategory: { THREAT_OR_INSULT: 1 } }]);
    const tooLong = await supervisor.peer.send(1, "conduct.stats", { from: 0, to: Date.now() });
    expect(tooLong.answer.envelope.refused).to.deep.include({ code: "VALIDATION_FAILED" });
  });

  it("builds the month's report from both members' signed figures, notarizes its hash, renders the PDF; a changed figure fails the check", async () => {
    const month = monthOf(Date.now());
    const built = await S.post("/v1/supervision/reports", { month });
    expect(built.status).to.equal(201);
    const report = built.body.report as ConductReport;
    expect(built.body.hash).to.equal(reportHash(report));
    expect(report.statements.map((s) => [s.member, s.answer?.envelope.from, s.problem])).to.deep.equal([
      [1, 1, undefined],
      [2, 2, undefined],
    ]);
    expect(built.body.totals).to.deep.equal([
      { agency: AGENCY_ID, lender: LENDER_ID, statedBy: [LENDER_ID, AGENCY_ID], contacts: 4, connected: 2, capHits: 2, refusals: 3, violations: 1, complaints: 1, openComplaints: 1, byChinaHour: built.body.totals[0].byChinaHour },
    ]);
    expect(built.body.totals[0].byChinaHour[23]).to.equal(1);
    // No personal data in what the supervisor holds.
    const text = JSON.stringify(built.body);
    for (const pii of ["监管测试", "13900003333", "电话里骂人", "SV-1"]) expect(text).to.not.include(pii);
    // Notarized: the record's key is the report's hash, its content hash the canonical report's.
    const record = (await S.get(`/v1/evidence/${built.body.evidence.id}`)).status;
    expect(record).to.equal(403); // a supervisor's staff read no evidence records; the gateway's own log holds it:
    const entry = await supervisor.evidenceLog.entry(built.body.evidence.id);
    expect(entry).to.deep.include({ caseKey: built.body.hash, leafHash: built.body.evidence.leafHash });

    const read = await S.get(`/v1/supervision/reports/${built.body.hash}`);
    expect(read.body.verification).to.deep.equal({ ok: true, statements: [{ member: 1, ok: true }, { member: 2, ok: true }] });
    expect((await S.get("/v1/supervision/reports")).body.reports).to.have.length(1);

    // A figure changed after the agency signed it: the statement no longer checks.
    const forged = structuredClone(report);
    forged.statements[1]!.answer!.envelope.body!.figures[0]!.connected = 0;
    const check = await supervisor.supervision.verify(forged);
    expect(check.ok).to.equal(false);
    expect(check.statements[1]).to.deep.include({ member: 2, ok: false });
    // An answer re-signed by a key that is not the member's on chain fails too.
    const swapped = structuredClone(report);
    swapped.statements[0]!.answer!.signature = report.statements[1]!.answer!.signature;
    expect((await supervisor.supervision.verify(swapped)).statements[0]).to.deep.include({ ok: false, problem: "BAD_SIGNATURE" });

    const pdf = await fetch(`${supervisor.url}/v1/supervision/reports/${built.body.hash}.pdf`, { headers: { authorization: `Bearer ${(await supervisor.tokens.create("supervisor", "pdf")).token}` } });
    expect(pdf.headers.get("content-type")).to.match(/application\/pdf/);
    const bytes = Buffer.from(await pdf.arrayBuffer());
    const words = pdfText(bytes);
    expect(words).to.include(month).and.include(built.body.hash).and.include("催收行为合规月报");
    if (process.env.WRITE_REPORT_PDF) await writeFile(process.env.WRITE_REPORT_PDF, bytes);

    // Only a supervisor builds: the lender's admin is refused (its member holds no SUPERVISOR role).
    const admin = apiClient(lender.url, (await lender.tokens.create("admin", "admin")).token);
    expect((await admin.post("/v1/supervision/reports", { month })).status).to.equal(403);
    expect((await S.post("/v1/supervision/reports", { month: "2026-13" })).status).to.equal(400);
  });

  it("a lender sees its agencies' figures about its own cases, from each agency's signed answer; no one else is answered", async () => {
    const month = monthOf(Date.now());
    const mine = await L.get(`/v1/agency-figures?month=${month}`);
    expect(mine.status).to.equal(200);
    expect(mine.body.agencies).to.have.length(1);
    expect(mine.body.agencies[0]).to.deep.include({ agency: AGENCY_ID });
    expect(mine.body.agencies[0].answerHash).to.match(/^0x[0-9a-f]{64}$/);
    expect(mine.body.agencies[0].figures.map((f: ConductFigures) => [f.lender, f.connected, f.violations.no_permit])).to.deep.equal([[LENDER_ID, 2, 1]]);
    // The supervisor is no lender: the agency refuses it, signed.
    const refused = await supervisor.peer.send(AGENCY_ID, "conduct.lender-figures", { from: Date.now() - 1000, to: Date.now() });
    expect(refused.answer.envelope.refused).to.deep.include({ code: "FORBIDDEN", message: "supervision.NOT_LENDER" });
    expect((await L.get("/v1/agency-figures?month=nope")).status).to.equal(400);
  });

  it("caseledger conduct report builds it from the command line: words, or the gateway's JSON", async () => {
    const env = { ...process.env, CASELEDGER_GATEWAY: supervisor.url, CASELEDGER_TOKEN: (await supervisor.tokens.create("supervisor", "cli")).token };
    const run = (args: string[]) =>
      new Promise<{ code: number; stdout: string }>((resolve) => execFile(process.execPath, [...CLI, ...args], { env }, (error, stdout) => resolve({ code: error ? Number((error as { code?: number }).code) : 0, stdout })));
    const month = monthOf(Date.now());
    const words = await run(["conduct", "report", "--month", month]);
    expect(words.code).to.equal(0);
    expect(words.stdout).to.match(/conduct report \d{4}-\d{2}: 0x[0-9a-f]{64}/).and.include("member #1: signed 0x").and.include("agency #2 · 委托方 / lender #1: contacts 4, connected 2, cap hits 2, violations 1, complaints 1 (1 open) — stated by #1, #2");
    const json = await run(["conduct", "report", "--month", month, "--json"]);
    expect(JSON.parse(json.stdout).hash).to.match(/^0x[0-9a-f]{64}$/);
    expect((await run(["conduct", "report"])).code).to.equal(2);
  });
});
