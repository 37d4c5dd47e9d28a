import { expect } from "chai";
import { JsonRpcProvider, NonceManager, Wallet } from "ethers";
import { ANVIL_DEV_KEY } from "../../../node/chain/anvil.js";
import { connectContracts } from "../../../node/chain/contracts.js";
import { startGateway, type Gateway } from "../../../node/gateway.js";
import { mountedRoutes } from "../../../node/http/openapi.js";
import { DOCUMENTED_ROUTES } from "../../../node/http/openapi-routes.js";
import { STAFF_ROLES, type StaffRole } from "../../../node/services/staff-tokens.js";
import type { AuditEntry } from "../../../node/store/audit-log.js";
import { ROLE, startConsortium, type TestConsortium } from "../../support/consortium.js";
import { syntheticId18 } from "../domain/identity/synthetic-ids.js";
import { roomyLimits } from "../../support/roomy-limits.js";

/**
 * Every documented route × every staff role × the caller's standing → the status it must get, against real gateways
 * on anvil over real HTTP. The table below has one row per route of the OpenAPI route list (openapi-routes.ts); a
 * route without a row, or a row without a route, fails the suite. Each row gives the request to send and what an
 * allowed role gets (a success, or the validation/404 answer of a harmless request); who is allowed comes from the
 * route list's `role` column, so the list and the gateway must agree. Columns:
 * - own member, per role: allowed → the row's status; not allowed → 403 FORBIDDEN;
 * - another member's token (same role, issued by another gateway) → 401;
 * - the same gateway code serving a member suspended in MemberRegistry → 403 MEMBER_SUSPENDED (except the few
 *   routes a suspended member keeps: who am I, its tokens, its audit log, the operator's proposal and its cancel);
 * - no token, a malformed one, a revoked one, an expired one → 401.
 * Public routes answer the same whatever the caller presents.
 */

interface Row {
  /** The path to request (parameters filled in); the route's own path when absent. */
  path?: string;
  body?: string | ((role: StaffRole | undefined) => unknown);
  contentType?: string;
  /** The status of an allowed caller. */
  ok: number;
  /** Exceptions for some allowed roles. */
  byRole?: Partial<Record<StaffRole, number>>;
  /** Whether a suspended member's staff may still call it (with its normal role rules). */
  whileSuspended?: boolean;
}

const UNKNOWN_KEY = `0x${"11".repeat(32)}`;
const ID = syntheticId18("19850505", "321", "440305");
const CSV = `合同编号,姓名,身份证号,手机号,本金,欠款余额,逾期天数\nM-1,矩阵测试,${ID},13912345678,1000,900,30\n`;
const JSON_TYPE = "application/json";

const TABLE: Record<string, Row> = {
  // pages and public API
  "GET /": { ok: 200 },
  "GET /a/:token": { path: `/a/${"A".repeat(43)}`, ok: 200 },
  "GET /console/:file": { path: "/console/console.js", ok: 200 },
  "GET /console/vendor/:file": { path: "/console/vendor/qrcode.mjs", ok: 200 },
  "GET /console/messages.json": { ok: 200 },
  "GET /verify": { ok: 200 },
  "GET /v1/health": { ok: 200 },
  // From loopback (as every request here is): served whatever the caller presents; metrics.test.ts covers the rest.
  "GET /metrics": { ok: 200 },
  "GET /v1/openapi.json": { ok: 200 },
  "POST /v1/handover": { body: () => ({}), ok: 400 },
  "POST /v1/peer": { body: () => ({}), ok: 400 },
  "GET /v1/public/authorizations/:token": { path: `/v1/public/authorizations/${"A".repeat(43)}`, ok: 404 },
  "GET /v1/console/directory": { ok: 200 },
  "POST /v1/public/complaints/:token": { path: `/v1/public/complaints/${"A".repeat(43)}`, body: () => ({}), ok: 404 },
  // session
  "GET /v1/me": { ok: 200, whileSuspended: true },
  "GET /v1/members": { ok: 200 },
  // case lists and allocations
  "POST /v1/case-lists": { path: "/v1/case-lists?name=matrix.csv", body: CSV, contentType: "text/csv", ok: 201 },
  "GET /v1/case-lists": { ok: 200 },
  "GET /v1/case-lists/queue": { ok: 200 },
  "GET /v1/case-lists/:id": { path: "/v1/case-lists/nope", ok: 404 },
  "GET /v1/case-lists/:id/report": { path: "/v1/case-lists/nope/report", ok: 404 },
  "GET /v1/case-lists/:id/rejected.csv": { path: "/v1/case-lists/nope/rejected.csv", ok: 404 },
  "POST /v1/case-lists/:id/allocation": { path: "/v1/case-lists/nope/allocation", ok: 404 },
  "GET /v1/allocations/:id": { path: "/v1/allocations/nope", ok: 404 },
  "GET /v1/allocations/:id/decisions": { path: "/v1/allocations/nope/decisions", ok: 404 },
  "POST /v1/allocations/:id/commit": { path: "/v1/allocations/nope/commit", body: () => ({}), ok: 404 },
  "GET /v1/handovers": { ok: 200 },
  "GET /v1/handovers/:jobId": { path: "/v1/handovers/nope", ok: 404 },
  "POST /v1/handovers/:jobId/retry": { path: "/v1/handovers/nope/retry", ok: 404 },
  // agencies
  "GET /v1/agencies": { ok: 200 },
  "GET /v1/agencies/:id": { path: "/v1/agencies/99", ok: 404 },
  "PUT /v1/agencies/:id": { path: "/v1/agencies/99", body: () => ({ regions: "nope" }), ok: 400 },
  "DELETE /v1/agencies/:id": { path: "/v1/agencies/99", ok: 404 },
  "GET /v1/profile": { ok: 404 },
  "PUT /v1/profile": { body: () => ({ capacity: -1 }), ok: 400 },
  // cases
  "GET /v1/cases": { ok: 200 },
  "GET /v1/cases/:caseKey": { path: `/v1/cases/${UNKNOWN_KEY}`, ok: 404 },
  "POST /v1/cases/actions": { body: (role) => ({ action: role === "agency" ? "accept" : "recall", caseKeys: [] }), ok: 400 },
  "GET /v1/jobs/:id": { path: "/v1/jobs/nope", ok: 404 },
  "GET /v1/case-summaries": { ok: 200 },
  "GET /v1/portfolio": { ok: 200 },
  "GET /v1/scorecards": { ok: 200 },
  "POST /v1/cases/:caseKey/authorization-letter": { path: `/v1/cases/${UNKNOWN_KEY}/authorization-letter`, ok: 404 },
  // evidence
  "POST /v1/evidence": { body: "bytes", contentType: "application/octet-stream", ok: 400 },
  "POST /v1/evidence/hash": { body: () => ({ caseKey: UNKNOWN_KEY }), ok: 400 },
  "GET /v1/evidence": { ok: 400 },
  "GET /v1/evidence/status": { ok: 200 },
  "GET /v1/evidence/:id": { path: "/v1/evidence/99", ok: 404 },
  "GET /v1/evidence/:id/content": { path: "/v1/evidence/99/content", ok: 404 },
  "GET /v1/evidence/:id/receipt": { path: "/v1/evidence/99/receipt", ok: 404 },
  "POST /v1/evidence/:leafHash/court-verification": { path: "/v1/evidence/0x12/court-verification", body: () => ({}), ok: 400 },
  "POST /v1/verify": { body: () => ({}), ok: 400 },
  "POST /v1/bundles": { body: () => ({ caseKey: UNKNOWN_KEY }), ok: 404 },
  "POST /v1/bundles/verify": { body: () => ({}), ok: 200 },
  "POST /v1/bundles/court-verification": { body: () => ({}), ok: 400 },
  "POST /v1/bundles/report": { body: () => ({}), ok: 200 },
  // ownership
  "GET /v1/ownership": { ok: 400 },
  "POST /v1/ownership": { body: () => ({}), ok: 400 },
  // repayments
  // contacts
  "POST /v1/contacts/permits": { body: () => ({}), ok: 400 },
  "POST /v1/contacts": { body: () => ({}), ok: 400 },
  "GET /v1/contacts": { ok: 200 },
  "GET /v1/contacts/promises": { ok: 200 },
  "GET /v1/contacts/figures": { path: "/v1/contacts/figures?from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z", ok: 200 },
  "POST /v1/repayments": { body: () => ({}), ok: 400 },
  "GET /v1/repayments": { ok: 200 },
  "POST /v1/repayments/confirm": { body: () => ({ ids: [] }), ok: 400 },
  "POST /v1/repayments/:id/confirm": { path: "/v1/repayments/nope/confirm", body: () => ({}), ok: 404 },
  "POST /v1/repayments/:id/dispute": { path: "/v1/repayments/nope/dispute", body: () => ({}), ok: 404 },
  "POST /v1/repayments/:id/reverse": { path: "/v1/repayments/nope/reverse", body: () => ({}), ok: 404 },
  "GET /v1/cases/:caseKey/repayments": { path: `/v1/cases/${UNKNOWN_KEY}/repayments`, ok: 404 },
  "POST /v1/cases/:caseKey/waivers": { path: `/v1/cases/${UNKNOWN_KEY}/waivers`, body: () => ({ amountFen: "100", reason: "HARDSHIP" }), ok: 404 },
  "POST /v1/repayments/reconcile": { body: "借据号,金额,交易日期\nM-1,1.00,2026-01-02\n", contentType: "text/csv", ok: 200 },
  "POST /v1/cases/:caseKey/repayments": { path: `/v1/cases/${UNKNOWN_KEY}/repayments`, body: () => ({}), ok: 400 },
  // administration
  "GET /v1/staff-tokens": { ok: 200, whileSuspended: true },
  "POST /v1/staff-tokens": { body: () => ({ role: "nope", name: "x" }), ok: 400, whileSuspended: true },
  "DELETE /v1/staff-tokens/:id": { path: "/v1/staff-tokens/000000000000", ok: 404, whileSuspended: true },
  "GET /v1/member/pending-change": { ok: 200, whileSuspended: true },
  "POST /v1/member/pending-change/cancel": { ok: 404, whileSuspended: true },
  "GET /v1/audit": { ok: 200, whileSuspended: true },
  "GET /v1/audit/verify": { ok: 200, whileSuspended: true },
  // fee schedules and statements
  // mediations (design §28): a harmless request each; the matrix's members hold no MEDIATOR role
  "POST /v1/mediations": { body: () => ({}), ok: 400 },
  "GET /v1/mediations": { ok: 200 },
  "GET /v1/mediations/:hash": { path: `/v1/mediations/${UNKNOWN_KEY}`, ok: 404 },
  "POST /v1/mediations/:hash/request": { path: `/v1/mediations/${UNKNOWN_KEY}/request`, ok: 404 },
  "POST /v1/mediations/:hash/approve": { path: `/v1/mediations/${UNKNOWN_KEY}/approve`, ok: 404 },
  "POST /v1/mediations/:hash/refuse": { path: `/v1/mediations/${UNKNOWN_KEY}/refuse`, body: () => ({ reason: "OTHER" }), ok: 404 },
  "POST /v1/mediations/:hash/acceptance": { path: `/v1/mediations/${UNKNOWN_KEY}/acceptance`, body: () => ({}), ok: 404 },
  "GET /v1/mediations/:hash/schedule": { path: `/v1/mediations/${UNKNOWN_KEY}/schedule`, ok: 404 },
  "POST /v1/mediations/:hash/filing": { path: `/v1/mediations/${UNKNOWN_KEY}/filing`, body: () => ({}), ok: 400 },
  "GET /v1/fee-schedules": { ok: 200 },
  "GET /v1/fee-schedules/:hash": { path: `/v1/fee-schedules/${UNKNOWN_KEY}`, ok: 404 },
  "POST /v1/fee-schedules": { body: () => ({}), ok: 400 },
  "POST /v1/fee-schedules/:hash/accept": { path: `/v1/fee-schedules/${UNKNOWN_KEY}/accept`, ok: 404 },
  "POST /v1/fee-schedules/:hash/resend": { path: `/v1/fee-schedules/${UNKNOWN_KEY}/resend`, ok: 404 },
  "GET /v1/statements": { ok: 200 },
  "GET /v1/statements/:hash": { path: `/v1/statements/${UNKNOWN_KEY}`, ok: 404 },
  "GET /v1/statements/:hash.csv": { path: `/v1/statements/${UNKNOWN_KEY}.csv`, ok: 404 },
  "GET /v1/statements/:hash.pdf": { path: `/v1/statements/${UNKNOWN_KEY}.pdf`, ok: 404 },
  "POST /v1/statements": { body: () => ({}), ok: 400 },
  "POST /v1/statements/:hash/resend": { path: `/v1/statements/${UNKNOWN_KEY}/resend`, ok: 404 },
  "POST /v1/statements/:hash/accept": { path: `/v1/statements/${UNKNOWN_KEY}/accept`, ok: 404 },
  "POST /v1/statements/:hash/dispute": { path: `/v1/statements/${UNKNOWN_KEY}/dispute`, body: () => ({}), ok: 400 },
  // conduct: text screening, complaints
  "POST /v1/conduct/screen": { body: () => ({ text: "您好，请联系我们", channel: "sms" }), ok: 200 },
  "GET /v1/conduct/lexicon": { ok: 200 },
  "GET /v1/complaints": { ok: 200 },
  "GET /v1/complaints/:id": { path: "/v1/complaints/nope", ok: 404 },
  "POST /v1/complaints/:id/share": { path: "/v1/complaints/nope/share", ok: 404 },
  "POST /v1/complaints/:id/close": { path: "/v1/complaints/nope/close", body: () => ({ resolution: "UNFOUNDED" }), ok: 404 },
  "GET /v1/complaint-notices": { ok: 200 },
  // The matrix's members hold no SUPERVISOR role on chain: building is refused, signed reports are absent.
  "POST /v1/supervision/reports": { body: () => ({ month: "2026-11" }), ok: 403 },
  "GET /v1/supervision/reports": { ok: 200 },
  "GET /v1/agency-figures": { path: "/v1/agency-figures?month=2026-11", ok: 200 },
  "GET /v1/supervision/reports/:hash": { path: `/v1/supervision/reports/${UNKNOWN_KEY}`, ok: 404 },
  "GET /v1/supervision/reports/:hash.pdf": { path: `/v1/supervision/reports/${UNKNOWN_KEY}.pdf`, ok: 404 },
};

const MALFORMED = ["Bearer", "Bearer clt_", `Bearer clt_${"A".repeat(300)}`, "Basic dXNlcjpwYXNz", "Bearer clt_abc def", "Bearer  clt_abc", "Token clt_abc"];

type Column =
  | { kind: "own" | "other" | "suspended"; role: StaffRole }
  | { kind: "none" | "malformed" | "revoked" | "expired" };

const routeKey = (r: { method: string; path: string }) => `${r.method} ${r.path}`;
const allowed = (route: (typeof DOCUMENTED_ROUTES)[number], role: StaffRole) => role === "admin" || route.role.split(",").includes(role);

describe("http: access control matrix (every route × every staff role × own / other / suspended member / no, bad, revoked, expired token)", function () {
  this.timeout(180_000);
  let consortium: TestConsortium;
  let home: Gateway;
  let other: Gateway;
  let suspended: Gateway;
  const tokens = { home: {} as Record<StaffRole, string>, other: {} as Record<StaffRole, string>, suspended: {} as Record<StaffRole, string> };
  let revoked: string;
  let expired: string;
  const mismatches: string[] = [];
  let requests = 0;

  before(async () => {
    const all = ROLE.LENDER | ROLE.AGENCY | ROLE.COURT;
    consortium = await startConsortium([
      { name: "home", roles: all },
      { name: "other", roles: all },
      { name: "suspended", roles: all },
    ]);
    const provider = new JsonRpcProvider(consortium.anvil.rpcUrl, undefined, { staticNetwork: true });
    const operator = await connectContracts(consortium.deployment, new NonceManager(new Wallet(ANVIL_DEV_KEY, provider)));
    await (await operator.memberRegistry.suspend(consortium.member("suspended").id)).wait();
    provider.destroy();
    // Hundreds of refused tokens from one address: the failed-attempt limit is tested on its own, elsewhere.
    const roomy = (name: string) => {
      const config = consortium.member(name).config;
      return { ...config, rateLimits: roomyLimits(config.rateLimits) };
    };
    [home, other, suspended] = await Promise.all([
      startGateway(roomy("home"), { log: () => {} }),
      startGateway(roomy("other"), { log: () => {} }),
      startGateway(roomy("suspended"), { log: () => {} }),
    ]);
    for (const role of STAFF_ROLES) {
      tokens.home[role] = (await home.tokens.create(role, `home ${role}`)).token;
      tokens.other[role] = (await other.tokens.create(role, `other ${role}`)).token;
      tokens.suspended[role] = (await suspended.tokens.create(role, `suspended ${role}`)).token;
    }
    const r = await home.tokens.create("admin", "to revoke");
    revoked = r.token;
    expect(await home.tokens.verify(revoked)).to.not.equal(undefined); // cached now: revocation must drop it
    expect(await home.tokens.revoke(r.record.id)).to.equal(true);
    expired = (await home.tokens.create("admin", "short-lived", 0.5 / 86_400)).token; // half a second
    expect(await home.tokens.verify(expired)).to.not.equal(undefined);
    await new Promise((resolve) => setTimeout(resolve, 600));
  });
  after(async () => {
    await Promise.all([home?.close(), other?.close(), suspended?.close()]);
    await consortium?.stop();
  });

  it("has a row for every documented route, and documents every mounted route", () => {
    const documented = DOCUMENTED_ROUTES.map(routeKey);
    expect(Object.keys(TABLE).filter((k) => !documented.includes(k)), "rows for routes that are not documented").to.deep.equal([]);
    expect(documented.filter((k) => !(k in TABLE)), "documented routes without a row in the access matrix").to.deep.equal([]);
    const mounted = new Set(mountedRoutes(home.app).map(routeKey));
    expect(documented.filter((k) => !mounted.has(k)), "documented but not mounted").to.deep.equal([]);
    expect([...mounted].filter((k) => !documented.includes(k)), "mounted but not documented").to.deep.equal([]);
  });

  it("answers every cell of the matrix with the expected status and error code", async () => {
    // One route's cells in turn (a commit answers 409 while the same id is being committed), routes side by side.
    const groups: Array<Array<() => Promise<void>>> = [];
    let malformedIndex = 0;
    for (const route of DOCUMENTED_ROUTES) {
      const cells: Array<() => Promise<void>> = [];
      groups.push(cells);
      const row = TABLE[routeKey(route)]!;
      const columns: Column[] = [{ kind: "none" }, { kind: "malformed" }, { kind: "revoked" }, { kind: "expired" }];
      for (const role of STAFF_ROLES) columns.push({ kind: "own", role }, { kind: "other", role }, { kind: "suspended", role });
      for (const column of columns) {
        const role = "role" in column ? column.role : undefined;
        const gateway = column.kind === "suspended" ? suspended : home;
        let authorization: string | undefined;
        if (column.kind === "own") authorization = `Bearer ${tokens.home[column.role]}`;
        else if (column.kind === "other") authorization = `Bearer ${tokens.other[column.role]}`;
        else if (column.kind === "suspended") authorization = `Bearer ${tokens.suspended[column.role]}`;
        else if (column.kind === "malformed") authorization = MALFORMED[malformedIndex++ % MALFORMED.length];
        else if (column.kind === "revoked") authorization = `Bearer ${revoked}`;
        else if (column.kind === "expired") authorization = `Bearer ${expired}`;

        let expected: number;
        let code: string | undefined;
        if (route.role === "none") expected = row.ok;
        else if (column.kind === "own" || (column.kind === "suspended" && row.whileSuspended)) {
          if (allowed(route, role!)) expected = row.byRole?.[role!] ?? row.ok;
          else [expected, code] = [403, "FORBIDDEN"];
        } else if (column.kind === "suspended") [expected, code] = [403, "MEMBER_SUSPENDED"];
        else [expected, code] = [401, "UNAUTHENTICATED"];

        cells.push(async () => {
          const body = typeof row.body === "function" ? JSON.stringify(row.body(role)) : row.body;
          const res = await fetch(`${gateway.url}${row.path ?? route.path}`, {
            method: route.method,
            headers: {
              ...(authorization ? { authorization } : {}),
              ...(body === undefined ? {} : { "content-type": row.contentType ?? JSON_TYPE }),
            },
            body,
          });
          requests++;
          const text = await res.text();
          let errorCode: string | undefined;
          try {
            errorCode = (JSON.parse(text) as { error?: { code?: string } }).error?.code;
          } catch {
            // pages and files
          }
          const cell = `${route.method} ${route.path} [${column.kind}${role ? ` ${role}` : ""}]`;
          if (res.status !== expected) mismatches.push(`${cell}: ${res.status} ${errorCode ?? ""}, expected ${expected}`);
          else if (code && errorCode !== code) mismatches.push(`${cell}: code ${errorCode}, expected ${code}`);
        });
      }
    }
    // A few at a time: one consortium, many requests, no more sockets than a client would open.
    const queue = [...groups];
    await Promise.all(
      Array.from({ length: 6 }, async () => {
        for (let group = queue.shift(); group; group = queue.shift()) for (const cell of group) await cell();
      }),
    );
    expect(requests).to.equal(DOCUMENTED_ROUTES.length * (4 + 3 * STAFF_ROLES.length));
    expect(mismatches).to.deep.equal([]);
  });

  it("audited the staff actions of the matrix: who, what, status, no personal data, an intact hash chain", async () => {
    const admin = { authorization: `Bearer ${tokens.home.admin}` };
    const entries: AuditEntry[] = [];
    for (let after = 0; ; ) {
      const page = (await (await fetch(`${home.url}/v1/audit?after=${after}&limit=50`, { headers: admin })).json()) as { entries: AuditEntry[]; next: number | null };
      entries.push(...page.entries);
      if (page.next === null) break;
      after = page.next;
    }
    expect(entries.map((e) => e.seq)).to.deep.equal(entries.map((_, i) => i + 1));
    const lenderToken = (await home.tokens.verify(tokens.home.lender))!.tokenId;
    const upload = entries.find((e) => e.action === "POST /v1/case-lists" && e.status === 201 && "tokenId" in e.actor && e.actor.tokenId === lenderToken);
    expect(upload, "the lender's upload").to.not.equal(undefined);
    expect(upload!.actor).to.deep.equal({ tokenId: lenderToken, role: "lender" });
    expect(upload!.ref?.location).to.match(/^\/v1\/case-lists\//);
    // Refused attempts are recorded too: the court tried to upload.
    expect(entries.some((e) => e.action === "POST /v1/case-lists" && e.status === 403 && "role" in e.actor && e.actor.role === "court")).to.equal(true);
    // A read that opens personal data is audited with its case key; an ownership check is when it answers (the
    // matrix's are malformed, 400: nothing was looked up).
    expect(entries.some((e) => e.action === "GET /v1/cases/:caseKey" && e.caseKeys?.[0] === UNKNOWN_KEY)).to.equal(true);
    expect(entries.some((e) => e.action.includes("/v1/ownership") || e.action.includes("/v1/verify") || e.action.startsWith("GET /v1/cases "))).to.equal(false);
    // Unauthenticated requests are nobody's action.
    expect(entries.every((e) => "tokenId" in e.actor || "memberId" in e.actor || "system" in e.actor)).to.equal(true);
    const text = JSON.stringify(entries);
    for (const secret of [ID, "矩阵测试", "13912345678", "M-1", tokens.home.admin, tokens.home.lender]) expect(text).not.to.include(secret);
    const verify = (await (await fetch(`${home.url}/v1/audit/verify`, { headers: admin })).json()) as { ok: boolean; entries: number };
    expect(verify).to.deep.include({ ok: true, entries: entries.length });
  });

  it("notices an edited, a removed or a reordered audit entry", async () => {
    const entries = home.store.audit;
    const third = (await entries.get(3)) as AuditEntry;
    await entries.putAt(3, { ...third, status: 200 === third.status ? 204 : 200 });
    expect(await home.audit.verify()).to.deep.include({ ok: false, brokenAt: 3, problem: "hash" });
    await entries.putAt(3, third);
    expect((await home.audit.verify()).ok).to.equal(true);
    const fifth = (await entries.get(5)) as AuditEntry;
    await entries.del(5);
    expect(await home.audit.verify()).to.deep.include({ ok: false, brokenAt: 5, problem: "sequence" });
    await entries.putAt(5, fifth);
    const second = (await entries.get(2)) as AuditEntry;
    const fourth = (await entries.get(4)) as AuditEntry;
    await entries.putAt(2, { ...fourth, seq: 2 });
    expect(await home.audit.verify()).to.deep.include({ ok: false, brokenAt: 2, problem: "link" });
    await entries.putAt(2, second);
    expect((await home.audit.verify()).ok).to.equal(true);
  });
});
