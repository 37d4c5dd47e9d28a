import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import type { CaseRecord } from "../../../node/chain/case-events.js";
import type { CaseJobSpec } from "../../../node/chain/case-jobs.js";
import type { CasePage } from "../../../node/chain/case-index-store.js";
import { maskIdNumber } from "../../../node/domain/identity/id-number.js";
import { maskName } from "../../../node/domain/identity/name.js";
import { maskPhone } from "../../../node/domain/identity/phone.js";
import type { Pepper } from "../../../node/domain/pseudonyms.js";
import { ingestCaseList } from "../../../node/services/case-list-ingest.js";
import { CaseService } from "../../../node/services/cases.js";
import { type GatewayDatabase, openDatabase } from "../../../node/store/database.js";
import { PiiCipher } from "../../../node/store/pii-cipher.js";
import { syntheticId18 } from "../domain/identity/synthetic-ids.js";
import { rejected } from "./refusal.js";

const LENDER_ID = 1;
const AGENCY_ID = 2;
const OTHER_AGENCY_ID = 3;
const T0 = Date.UTC(2026, 0, 1);
const NAME = "测试专用姓名";
const ID = syntheticId18("19800101", "321", "440106");
const PHONE = "13912345678";
const pepper: Pepper = { version: 1, secret: new Uint8Array(32).fill(7) };

describe("node/services/cases (LevelDB on disk, a fixed clock)", function () {
  this.timeout(30_000);
  let dir: string;
  let store: GatewayDatabase;
  let caseKey: string;
  let now: number;
  const cipher = new PiiCipher(randomBytes(32));
  const chain = new Map<string, CaseRecord>();
  const enqueued: CaseJobSpec[] = [];

  const record = (caseKey: string, fields: Partial<CaseRecord>): CaseRecord => ({
    caseKey,
    debtorKey: `0x${"d".repeat(64)}`,
    creditorId: LENDER_ID,
    agencyId: AGENCY_ID,
    status: "Assigned",
    assignedAt: T0 / 1000 - 10,
    until: T0 / 1000 + 3_600,
    registered: { txHash: `0x${"1".repeat(64)}`, block: 1 },
    lastChange: { txHash: `0x${"1".repeat(64)}`, block: 1, logIndex: 0 },
    ...fields,
  });
  const page = (filter: (r: CaseRecord) => boolean): CasePage => ({ cases: [...chain.values()].filter(filter), next: undefined });
  const serviceOf = (memberId: number) =>
    new CaseService({
      store,
      cipher,
      memberId,
      clock: () => now,
      indexer: {
        caseOf: async (key) => chain.get(key),
        casesOfAgency: async (id) => page((r) => r.agencyId === id),
        casesOfCreditor: async (id) => page((r) => r.creditorId === id),
        history: async () => [],
      },
      submitter: {
        enqueue: async (spec) => {
          enqueued.push(spec);
          const job: Awaited<ReturnType<CaseService["act"]>> = { id: `job-${enqueued.length}`, kind: spec.kind, params: {}, createdAt: new Date(now).toISOString(), status: "pending", total: 1, done: 0, failed: 0, txs: [] };
          return job;
        },
        job: async () => undefined,
        items: async () => [],
      },
    });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "caseledger-cases-"));
    store = await openDatabase(dir);
    now = T0;
    chain.clear();
    enqueued.length = 0;
    const csv = `合同编号,姓名,身份证号,手机号,本金,欠款余额,逾期天数\nL-1,${NAME},${ID},${PHONE},1000,800,40\n`;
    const summary = await ingestCaseList({ store, cipher, pepper, memberId: LENDER_ID, clock: () => now }, { file: "a.csv", chunks: [new TextEncoder().encode(csv)], uploadedBy: "staff" });
    for await (const row of store.reportRows.rows(summary.id)) caseKey = row.caseKey!;
    chain.set(caseKey, record(caseKey, {}));
  });
  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("shows the creditor its case with the personal data opened", async () => {
    const view = await serviceOf(LENDER_ID).get(caseKey);
    expect(view.masked).to.equal(false);
    expect(view.person).to.include({ name: NAME, idNumber: ID, phone: PHONE });
    expect(view).to.not.have.property("pii");
    expect(view).to.include({ loanRef: "L-1", creditorId: LENDER_ID });
  });

  it("shows the agency the case in full while its mandate runs, masked once it has expired", async () => {
    const agency = serviceOf(AGENCY_ID);
    const held = await agency.get(caseKey);
    expect(held.masked).to.equal(false);
    expect(held.person).to.include({ name: NAME, idNumber: ID, phone: PHONE });
    expect(held.actions).to.include("returnCases");

    now = T0 + 3_601_000; // one second past the mandate's last
    const expired = await agency.get(caseKey);
    expect(expired.masked).to.equal(true);
    expect(expired.status).to.equal("Expired");
    expect(expired.actions).to.not.include("returnCases");
    expect(expired.person).to.deep.equal({ name: maskName(NAME), idNumber: maskIdNumber(ID), phone: maskPhone(PHONE) });
    expect(JSON.stringify(expired)).to.not.include(ID).and.not.include(PHONE);
  });

  it("masks the case for the agency once the lender recalled it", async () => {
    chain.set(caseKey, record(caseKey, { status: "Recalled" }));
    const view = await serviceOf(AGENCY_ID).get(caseKey);
    expect(view.masked).to.equal(true);
    expect(view.person?.name).to.equal(maskName(NAME));
  });

  it("answers not found to a member that is neither creditor nor agency, and refuses a malformed key", async () => {
    expect((await rejected(serviceOf(OTHER_AGENCY_ID).get(caseKey))).code).to.equal("NOT_FOUND");
    expect((await rejected(serviceOf(LENDER_ID).get(`0x${"e".repeat(64)}`))).code, "on neither chain nor store").to.equal("NOT_FOUND");
    expect((await rejected(serviceOf(LENDER_ID).get("L-1"))).code).to.equal("VALIDATION_FAILED");
  });

  it("finds the lender's case by its loan reference, and lists by role", async () => {
    const lender = serviceOf(LENDER_ID);
    const byRef = await lender.list({ role: "lender", asAgency: false, loanRef: "L-1", limit: 10 });
    expect(byRef.cases).to.have.length(1);
    expect(byRef.cases[0]).to.include({ caseKey, masked: false });
    expect((await lender.list({ role: "lender", asAgency: false, loanRef: "L-404", limit: 10 })).cases).to.deep.equal([]);
    expect((await lender.list({ role: "lender", asAgency: false, limit: 10 })).cases.map((c) => c?.caseKey)).to.deep.equal([caseKey]);
    expect((await serviceOf(AGENCY_ID).list({ role: "agency", asAgency: false, limit: 10 })).cases.map((c) => c?.caseKey)).to.deep.equal([caseKey]);
    expect((await serviceOf(OTHER_AGENCY_ID).list({ role: "agency", asAgency: false, limit: 10 })).cases).to.deep.equal([]);
  });

  it("queues only the actions the staff member's role may take; a court takes none", async () => {
    const lender = serviceOf(LENDER_ID);
    expect((await rejected(lender.act("court", { action: "recall", caseKeys: [caseKey] }))).code).to.equal("FORBIDDEN");
    expect((await rejected(lender.act("agency", { action: "recall", caseKeys: [caseKey] }))).code).to.equal("FORBIDDEN");
    expect((await rejected(lender.act("lender", { action: "accept", caseKeys: [caseKey] }))).code).to.equal("FORBIDDEN");
    expect((await rejected(lender.act("lender", { action: "recall", caseKeys: [] }))).code).to.equal("VALIDATION_FAILED");
    expect((await rejected(lender.act("lender", { action: "recall", caseKeys: ["L-1"] }))).code).to.equal("VALIDATION_FAILED");
    expect(enqueued).to.deep.equal([]);

    await lender.act("lender", { action: "extend", caseKeys: [caseKey], until: "1800000000" });
    await serviceOf(AGENCY_ID).act("agency", { action: "accept", caseKeys: [caseKey] });
    await lender.act("admin", { action: "returnCases", caseKeys: [caseKey] });
    expect(enqueued).to.deep.equal([
      { kind: "extend", until: 1_800_000_000, caseKeys: [caseKey] },
      { kind: "accept", caseKeys: [caseKey] },
      { kind: "returnCases", caseKeys: [caseKey] },
    ]);
  });
});
