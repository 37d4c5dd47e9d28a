import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { feeScheduleHash, feeScheduleToJson, type FeeSchedule } from "../../../node/domain/fees/fee-schedule.js";
import { statementDocument, statementHash } from "../../../node/domain/fees/statement-document.js";
import { computeStatement } from "../../../node/domain/fees/statement.js";
import { type GatewayDatabase, openDatabase } from "../../../node/store/database.js";

/** The feeSchedules and statements sublevels in a real LevelDB: kept across a reopen, listed by pair and month. */
describe("node/store: FeeScheduleStore and StatementStore", () => {
  let dir: string;
  let store: GatewayDatabase;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "caseledger-fees-store-"));
    store = await openDatabase(dir);
  });
  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  const schedule = (agencyId: number, version: number, effectiveFrom: string): FeeSchedule => ({ creditorId: 1, agencyId, version, effectiveFrom, model: { kind: "no-risk", fixedFeeFen: 100n, per: "month" } });

  it("keeps schedules by hash, lists a pair's by version, and still has them after a reopen", async () => {
    const at = "2026-11-01T00:00:00.000Z";
    for (const s of [schedule(3, 2, "2026-02-01"), schedule(4, 1, "2026-01-01"), schedule(3, 1, "2026-01-01")]) {
      await store.feeSchedules.put({ hash: feeScheduleHash(s), schedule: feeScheduleToJson(s), state: "proposed", createdAt: at, updatedAt: at });
    }
    await store.close();
    store = await openDatabase(dir);
    expect((await store.feeSchedules.list({ agencyId: 3 })).map((r) => r.schedule.version)).to.deep.equal([1, 2]);
    expect(await store.feeSchedules.list({ creditorId: 1 })).to.have.length(3);
    expect((await store.feeSchedules.get(feeScheduleHash(schedule(4, 1, "2026-01-01"))))?.schedule.agencyId).to.equal(4);
  });

  it("keeps statements whole (bigint-free JSON) and lists them without their lines, newest month first", async () => {
    const make = (month: string) => {
      const doc = statementDocument(computeStatement({ creditorId: 1, agencyId: 3, month, schedules: [], assignments: [] }, {}), { issuedAt: `${month}-28T00:00:00.000Z` });
      return { hash: statementHash(doc), doc, state: "issued" as const, createdAt: doc.issuedAt, updatedAt: doc.issuedAt };
    };
    const older = make("2026-10");
    const newer = make("2026-11");
    await store.statements.put(older);
    await store.statements.put(newer);
    const list = await store.statements.list({ creditorId: 1 });
    expect(list.map((s) => s.month)).to.deep.equal(["2026-11", "2026-10"]);
    expect(list[0]).to.not.have.property("doc");
    expect(await store.statements.list({ month: "2026-10" })).to.have.length(1);
    const got = await store.statements.get(newer.hash);
    expect(statementHash(got!.doc)).to.equal(newer.hash);
  });
});
