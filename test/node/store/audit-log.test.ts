import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { AuditLog, MAX_AUDIT_CASE_KEYS } from "../../../node/store/audit-log.js";
import { type GatewayDatabase, openDatabase } from "../../../node/store/database.js";

const key = (i: number) => `0x${(i + 1).toString(16).padStart(64, "1")}`;

/** The audit log in a real LevelDB: order under concurrent appends, the chain across a reopen, what it refuses to hold. */
describe("node/store/audit-log", () => {
  let dir: string;
  let store: GatewayDatabase;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "caseledger-audit-"));
    store = await openDatabase(dir);
  });
  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("numbers concurrent appends in call order, pages them, and continues the chain after a reopen", async () => {
    const audit = await AuditLog.open(store.audit, Date.now);
    const written = await Promise.all(Array.from({ length: 25 }, (_, i) => audit.append({ actor: { tokenId: "ab12", role: "lender" }, action: `POST /v1/x${i}` })));
    expect(written.map((e) => e.seq)).to.deep.equal(Array.from({ length: 25 }, (_, i) => i + 1));
    expect(written[1]!.prev).to.equal(written[0]!.hash);
    const first = await audit.page({ limit: 10 });
    expect(first.entries.map((e) => e.action)).to.deep.equal(Array.from({ length: 10 }, (_, i) => `POST /v1/x${i}`));
    expect(first.next).to.equal(10);
    expect((await audit.page({ after: 20, limit: 10 })).next).to.equal(null);
    // One action's entries only, paged the same way.
    const one = await audit.page({ action: "POST /v1/x7", limit: 10 });
    expect(one.entries.map((e) => e.seq)).to.deep.equal([8]);
    expect(one.next).to.equal(null);
    const some = await audit.page({ action: "POST /v1/x1", limit: 1 });
    expect([some.entries.map((e) => e.seq), some.next]).to.deep.equal([[2], 2]);
    const reopened = await AuditLog.open(store.audit, Date.now);
    expect(reopened.head).to.deep.equal({ seq: 25, hash: written[24]!.hash });
    const next = await reopened.append({ actor: { system: "handover" }, action: "handover.delivered" });
    expect(next).to.deep.include({ seq: 26, prev: written[24]!.hash });
    expect(await reopened.verify()).to.deep.equal({ ok: true, entries: 26, head: next.hash });
  });

  it("writes appends that arrive together in one write each round, in call order; a failed write fails its batch only", async () => {
    const audit = await AuditLog.open(store.audit, Date.now);
    const writes: number[] = [];
    const putMany = store.audit.putMany.bind(store.audit);
    let failNext = false;
    store.audit.putMany = (entries) => {
      writes.push(entries.length);
      if (failNext) {
        failNext = false;
        return Promise.reject(new Error("disk full"));
      }
      return putMany(entries);
    };
    const written = await Promise.all(Array.from({ length: 100 }, (_, i) => audit.append({ actor: { system: "handover" }, action: `x${i}` })));
    expect(writes).to.deep.equal([1, 99]);
    expect(written.map((e) => e.action)).to.deep.equal(Array.from({ length: 100 }, (_, i) => `x${i}`));
    failNext = true;
    const failed = await Promise.allSettled([audit.append({ actor: { system: "handover" }, action: "lost" })]);
    expect(failed[0]?.status).to.equal("rejected");
    expect(audit.head.seq).to.equal(100);
    const next = await audit.append({ actor: { system: "handover" }, action: "after" });
    expect(next).to.deep.include({ seq: 101, prev: written[99]!.hash });
    expect(await audit.verify()).to.deep.equal({ ok: true, entries: 101, head: next.hash });
  });

  it("keeps case keys and plain ids only: anything else a caller hands in is dropped", async () => {
    const audit = await AuditLog.open(store.audit, Date.now);
    const keys = Array.from({ length: MAX_AUDIT_CASE_KEYS + 5 }, (_, i) => key(i));
    const entry = await audit.append({
      actor: { tokenId: "clt_secret-张三", role: "lender-with-a-very-long-role-name" },
      action: "POST /v1/cases 张三 110101199003077777",
      caseKeys: ["110101199003077777", "张三", key(0).toUpperCase().replace("0X", "0x"), ...keys.slice(1)],
      ref: { id: "L-1", name: "张三", phone: "138 0013 8000", location: "/v1/jobs/j1", "bad key": "x", n: 7 },
    });
    expect(entry.actor).to.deep.equal({ tokenId: "cece", role: "lender-with-a-ve" }); // hex digits only: token ids are hex
    expect(entry.action).to.equal("unnamed");
    expect(entry.caseKeys).to.have.length(MAX_AUDIT_CASE_KEYS);
    expect(entry.caseCount).to.equal(MAX_AUDIT_CASE_KEYS + 5);
    expect(entry.caseKeys![0]).to.equal(key(0));
    expect(entry.ref).to.deep.equal({ id: "L-1", location: "/v1/jobs/j1", n: 7 });
    expect(JSON.stringify(entry)).not.to.match(/张三|110101199003077777|138 0013/);
  });
});
