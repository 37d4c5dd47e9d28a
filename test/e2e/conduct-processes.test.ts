import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { expect } from "chai";
import { syntheticId18 } from "../node/domain/identity/synthetic-ids.js";
import { apiClient, eventually, type ApiResponse } from "../support/api-client.js";
import { ROLE, startConsortium, type TestConsortium } from "../support/consortium.js";
import { publishDirectory } from "../support/directory.js";
import { spawnGateway, writeProcessConfig, type GatewayProcess } from "../support/gateway-process.js";
import { AGENCY_PROFILE, CASE_LIST_HEADER, handoverDelivered, type ApiClient } from "../support/member-gateways.js";

/** Debian's libfaketime (package `faketime`): preloaded into the gateway processes only, never into anvil. */
const LIBFAKETIME = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1";
const INSTALL = "apt-get install -y faketime (.ci/run does it)";
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const CHINA = 8 * HOUR;

/** Synthetic debtors: the same id number at both lenders (one debtorKey), and another debtor at lender 1. */
const SHARED = { name: "进程测试", id: syntheticId18("19790404", "616", "440305"), phone: "13900061616" };
const OTHER = { name: "夜间测试", id: syntheticId18("19820808", "717", "440305"), phone: "13900071717" };
const CALLBACK = "13900071718";

/**
 * Issue 14's conduct rules end to end with every gateway a real OS process (`node --import tsx node/main.ts`) on anvil:
 * two lenders, two agencies and a supervisor. The gateways' clocks are moved by libfaketime: each process runs with
 * LD_PRELOAD and reads its offset from a file the test rewrites (FAKETIME_NO_CACHE: every clock read looks at it), so
 * that "now" is 10:00 or 23:00 China time whatever the machine's zone and hour. All gateways read the same file: the
 * peer channel refuses envelopes from a clock outside its skew window. Anvil runs without the preload (its block time
 * is real; the rules tested here read the gateway's clock, and the mandates are a month long).
 */
describe("e2e: conduct with gateway processes under a fake clock (libfaketime)", function () {
  this.timeout(600_000);
  let consortium: TestConsortium;
  const procs: Record<string, GatewayProcess> = {};
  const api: Record<string, ApiClient> = {};
  const cases: Record<string, string> = {};
  let clockFile = "";
  /** Day 1, 00:00 China time (epoch ms): the first China day whose 10:00 is still ahead, its next day in the same month. */
  let day1 = 0;

  /** Every gateway's clock to this instant (it runs on from there). */
  const setClock = async (at: number) => {
    const seconds = Math.round((at - Date.now()) / 1000);
    await writeFile(clockFile, `${seconds >= 0 ? "+" : ""}${seconds}s\n`);
  };
  /** Asserts that a time a gateway stamped (epoch ms or ISO) is `at` by the fake clock, give or take the test's run time. */
  const stampedAt = (stamp: number | string, at: number, what: string) => {
    const t = typeof stamp === "number" ? stamp : Date.parse(stamp);
    expect(t - at, `${what}: ${new Date(t).toISOString()}`).to.be.within(-60_000, 30 * 60_000);
  };
  const fakeEnv = () => ({
    LD_PRELOAD: LIBFAKETIME,
    FAKETIME_TIMESTAMP_FILE: clockFile,
    FAKETIME_NO_CACHE: "1",
    FAKETIME_DONT_FAKE_MONOTONIC: "1",
  });
  const permit = (agency: string, caseKey: string, channel = "call") => api[agency]!.post("/v1/contacts/permits", { caseKey, channel });
  const callConnected = async (agency: string, caseKey: string, collector: string) => {
    const p = await permit(agency, caseKey);
    expect(p.status, JSON.stringify(p.body)).to.equal(201);
    // The agency's gateway issued it at 10:00 China time by its fake clock.
    stampedAt(p.body.permit.issuedAt as number, day1 + 10 * HOUR, `${agency}'s permit`);
    const logged = await api[agency]!.post("/v1/contacts", {
      caseKey,
      channel: "call",
      party: "debtor",
      startedAt: new Date(p.body.permit.issuedAt as number).toISOString(),
      durationSeconds: 45,
      outcome: "connected",
      collector,
      evidence: { contentSha256: createHash("sha256").update(`${agency} ${collector}`).digest("hex"), contentSize: 4096, mediaType: "audio/mpeg" },
      permitId: p.body.permit.permitId,
    });
    expect(logged.status, JSON.stringify(logged.body)).to.equal(201);
    expect(logged.body.violations).to.deep.equal([]);
  };
  /** The lender hands one row to agency #agencyId; resolves with its case key once the agency's index shows it. */
  const assign = async (lender: string, agency: string, agencyId: number, file: string, row: string) => {
    expect((await api[lender]!.put(`/v1/agencies/${agencyId}`, AGENCY_PROFILE)).status).to.equal(200);
    const upload = await api[lender]!.upload(file, [CASE_LIST_HEADER, row].join("\n"));
    expect(upload.status, JSON.stringify(upload.body)).to.equal(201);
    const preview = await api[lender]!.post(`/v1/case-lists/${upload.body.id}/allocation`);
    expect(preview.body.decisions[0].agencyId).to.equal(agencyId);
    expect((await api[lender]!.post(`/v1/allocations/${preview.body.id}/commit`, { mandateDays: 30 })).status).to.equal(202);
    await handoverDelivered(api[lender]!, preview.body.id as string);
    const caseKey = preview.body.decisions[0].caseKey as string;
    await eventually(async () => (await api[agency]!.get(`/v1/cases/${caseKey}`)).status === 200 || undefined, 60_000, `${agency}'s index`);
    return caseKey;
  };
  const indexCursor = async (name: string) => ((await api[name]!.get("/v1/health")).body as { index?: { cursor?: number } }).index?.cursor;

  before(async function () {
    if (!existsSync(LIBFAKETIME)) throw new Error(`${LIBFAKETIME} is missing: ${INSTALL}`);
    consortium = await startConsortium([
      { name: "lender1", roles: ROLE.LENDER },
      { name: "lender2", roles: ROLE.LENDER },
      { name: "agencyA", roles: ROLE.AGENCY },
      { name: "agencyB", roles: ROLE.AGENCY },
      { name: "supervisor", roles: ROLE.SUPERVISOR },
    ]);
    clockFile = join(consortium.dir, "faketime");
    // The preload works on this machine's Node: a process one day ahead says so (else the test would prove nothing).
    await writeFile(clockFile, "+86400s\n");
    const probe = spawnSync(process.execPath, ["-e", "console.log(Date.now())"], { env: { ...process.env, ...fakeEnv() }, encoding: "utf8" });
    const ahead = Number(probe.stdout.trim()) - Date.now();
    if (!(ahead > DAY - HOUR && ahead < DAY + HOUR)) throw new Error(`libfaketime did not move Node's clock (${probe.stdout.trim()} ${probe.stderr.slice(0, 300)}): ${INSTALL}`);
    // …and anvil, started without it, is not moved.
    expect(readFileSync(`/proc/${consortium.anvil.process.pid}/environ`, "latin1")).not.to.include("LD_PRELOAD");

    const chinaToday = Math.floor((Date.now() + CHINA) / DAY) * DAY - CHINA;
    day1 = chinaToday + 10 * HOUR > Date.now() + 60_000 ? chinaToday : chinaToday + DAY;
    const monthOf = (t: number) => new Date(t + CHINA).getUTCMonth();
    if (monthOf(day1) !== monthOf(day1 + DAY)) day1 += DAY;
    await setClock(day1 + 10 * HOUR);

    const names = ["lender1", "lender2", "agencyA", "agencyB", "supervisor"];
    for (const name of names) {
      const config = consortium.member(name).config;
      const { file } = await writeProcessConfig(consortium, { name, config: { timeouts: { ...config.timeouts, peerRetryMs: 100 } } });
      procs[name] = await spawnGateway(name, file, { env: fakeEnv(), timeoutMs: 180_000 });
    }
    await publishDirectory(consortium, {
      lender1: { name: "示例银行一", roles: ["lender"], gatewayUrl: procs.lender1!.url },
      lender2: { name: "示例银行二", roles: ["lender"], gatewayUrl: procs.lender2!.url },
      agencyA: { name: "示例催收甲", roles: ["agency"], gatewayUrl: procs.agencyA!.url },
      agencyB: { name: "示例催收乙", roles: ["agency"], gatewayUrl: procs.agencyB!.url },
      supervisor: { name: "示例监管", roles: ["supervisor"], gatewayUrl: procs.supervisor!.url },
    });
    for (const name of names) {
      const role = name.replace(/[0-9AB]$/, "");
      const issued = await procs[name]!.api.post("/v1/staff-tokens", { role, name: `${name} staff` });
      expect(issued.status, JSON.stringify(issued.body)).to.equal(201);
      api[name] = apiClient(procs[name]!.url, issued.body.token as string);
    }
    const row = (contract: string, d: typeof SHARED) => `${contract},${d.name},${d.id},${d.phone},1000,900,30`;
    cases.shared1 = await assign("lender1", "agencyA", 3, "one.csv", row("CP-1", SHARED));
    cases.other1 = await assign("lender1", "agencyA", 3, "two.csv", row("CP-2", OTHER));
    cases.shared2 = await assign("lender2", "agencyB", 4, "three.csv", row("CP-3", SHARED));
    // Agency A's index must know B's holding before A's increments are addressed to B: it has read the chain at
    // least as far as B had when B saw its own case.
    const seenByB = await indexCursor("agencyB");
    await eventually(async () => ((await indexCursor("agencyA")) ?? -1) >= (seenByB ?? Infinity) || undefined, 60_000, "agency A's index to reach B's");
  });

  after(async function () {
    this.timeout(120_000);
    await Promise.all(
      Object.values(procs).map(async (p) => {
        const timer = setTimeout(() => p.proc.kill("SIGKILL"), 20_000);
        await p.stop();
        clearTimeout(timer);
      }),
    );
    await consortium?.stop();
  });

  it("counts the debtor's connected contacts at agencies A and B together: the third closes the day at both", async () => {
    await callConnected("agencyA", cases.shared1!, "A-001");
    await callConnected("agencyB", cases.shared2!, "B-001");
    await callConnected("agencyA", cases.shared1!, "A-002");
    for (const [agency, caseKey] of [["agencyA", cases.shared1!], ["agencyB", cases.shared2!]] as const) {
      const refused = await eventually(async () => {
        const r = await permit(agency, caseKey);
        return r.status === 409 ? r : undefined;
      }, 60_000, `${agency}'s cap`);
      expect(refused.body.error.code).to.equal("CONTACT_DAILY_CAP");
      expect(refused.body.error.details).to.deep.include({ cap: 3 });
    }
    // Another debtor's day is open.
    expect((await permit("agencyA", cases.other1!)).status).to.equal(201);
  });

  it("refuses at 23:00 China time (the debtor's quiet hours) once the clock file says so", async () => {
    await setClock(day1 + 23 * HOUR);
    const r = await eventually(async () => {
      const answer = await permit("agencyA", cases.other1!, "sms");
      return answer.status === 409 ? answer : undefined;
    }, 30_000, "the quiet hours");
    expect(r.body.error.code).to.equal("CONTACT_QUIET_HOURS");
  });

  it("at 10:00 the next day, a complaint from the letter's public page pauses permits until the lender closes it", async () => {
    await setClock(day1 + DAY + 10 * HOUR);
    // A new China day: the debtor's cap is open again, and so is the other debtor's day.
    const reopened = await eventually(async () => {
      const r = await permit("agencyB", cases.shared2!);
      return r.status === 201 ? r : undefined;
    }, 30_000, "the new day");
    stampedAt(reopened.body.permit.issuedAt as number, day1 + DAY + 10 * HOUR, "agency B's permit of day 2");
    const letter = await api.agencyA!.post(`/v1/cases/${cases.other1}/authorization-letter`);
    expect(letter.status, JSON.stringify(letter.body)).to.equal(201);
    const page = await fetch(`${procs.agencyA!.url}${letter.body.path as string}`);
    expect([page.status, page.headers.get("content-type")]).to.deep.equal([200, "text/html; charset=utf-8"]);
    const filed: ApiResponse = await apiClient(procs.agencyA!.url).post(`/v1/public/complaints/${letter.body.token as string}`, {
      category: "HARASSMENT",
      text: "半夜打电话",
      callback: CALLBACK,
    });
    expect(filed.status, JSON.stringify(filed.body)).to.equal(201);
    stampedAt(filed.body.receivedAt as string, day1 + DAY + 10 * HOUR, "the complaint");
    const paused = await permit("agencyA", cases.other1!);
    expect([paused.status, paused.body.error?.code]).to.deep.equal([409, "CONTACT_OPEN_COMPLAINT"]);

    const open = (await api.lender1!.get("/v1/complaints?state=open")).body.complaints as Array<{ id: string; caseKey: string }>;
    expect(open.map((c) => c.caseKey)).to.deep.equal([cases.other1]);
    expect((await api.lender1!.post(`/v1/complaints/${open[0]!.id}/close`, { resolution: "AGENCY_WARNED" })).status).to.equal(200);
    // The closing notice reaches the agency through the lender's outbox; then the case may be called again.
    const granted = await eventually(async () => {
      const r = await permit("agencyA", cases.other1!);
      return r.status === 201 ? r : undefined;
    }, 60_000, "permits after the complaint closed");
    expect(granted.body.permit.permitId).to.be.a("string");
  });

  it("the supervisor's report of the month shows the counts per agency and lender", async () => {
    const month = new Date(day1 + CHINA).toISOString().slice(0, 7);
    const built = await api.supervisor!.post("/v1/supervision/reports", { month });
    expect(built.status, JSON.stringify(built.body)).to.equal(201);
    stampedAt(built.body.report.generatedAt as string, day1 + DAY + 10 * HOUR, "the report");
    const totals = built.body.totals as Array<{ agency: number; lender: number; connected: number; capHits: number; complaints: number; openComplaints: number; byChinaHour: number[] }>;
    const pair = (agency: number, lender: number) => totals.find((t) => t.agency === agency && t.lender === lender);
    expect(pair(3, 1)).to.deep.include({ connected: 2, complaints: 1, openComplaints: 0 });
    expect(pair(3, 1)!.capHits).to.be.greaterThan(0);
    expect(pair(4, 2)).to.deep.include({ connected: 1, complaints: 0 });
    expect(pair(4, 2)!.capHits).to.be.greaterThan(0);
    // The connected calls were at 10:00 China time, by the gateways' fake clock.
    expect(pair(3, 1)!.byChinaHour[10]).to.equal(2);
    expect(pair(4, 2)!.byChinaHour[10]).to.equal(1);
  });

  it("no gateway process wrote the debtors' names, id numbers or phone numbers to its output", () => {
    for (const p of Object.values(procs)) {
      const out = p.output();
      expect(out.length, p.name).to.be.greaterThan(0);
      for (const secret of [SHARED.name, SHARED.id, SHARED.phone, OTHER.name, OTHER.id, OTHER.phone, CALLBACK]) expect(out.includes(secret), `${p.name} wrote ${secret.slice(0, 2)}…`).to.equal(false);
    }
  });
});
