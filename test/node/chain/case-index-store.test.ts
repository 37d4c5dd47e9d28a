import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { Level } from "level";
import type { CaseChange } from "../../../node/chain/case-events.js";
import { CaseIndexStore } from "../../../node/chain/case-index-store.js";
import type { KvStore } from "../../../node/store/kv-store.js";
import { testKey } from "./consortium-fixture.js";

/** The index store's reads against a real LevelDB (the chain side is in case-indexer.test.ts). */
describe("node/chain/case-index-store (LevelDB on disk)", function () {
  this.timeout(30_000);
  let dir: string;
  let level: Level<string, string>;
  let db: KvStore & { getManyCalls: number; failNext?: boolean };
  let store: CaseIndexStore;
  const caseKey = (i: number) => testKey("store/case", i);

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "caseledger-index-store-"));
    level = new Level<string, string>(dir);
    const sub = level.sublevel<string, string>("index", {}) as unknown as KvStore;
    // The real sublevel, counting getMany calls (and failing one on request).
    db = {
      getManyCalls: 0,
      get: (key) => sub.get(key),
      getMany(keys) {
        db.getManyCalls++;
        return db.failNext ? Promise.reject(new Error("disk on fire")) : sub.getMany(keys);
      },
      batch: (operations, options) => sub.batch(operations, options),
      keys: (options) => sub.keys(options),
      iterator: (options) => sub.iterator(options),
      clear: (options) => sub.clear(options),
    };
    store = new CaseIndexStore(db);
    await store.reset("0x00000000000000000000000000000000000000aa", 1);
    const changes: CaseChange[] = [];
    for (let i = 0; i < 40; i++) {
      const at = { block: 2, txHash: testKey("store/tx", 0), time: 1_800_000_000 };
      changes.push({ ...at, type: "CaseRegistered", logIndex: i, caseKey: caseKey(i), debtorKey: testKey("store/debtor", i), creditorId: 1 });
      if (i % 2 === 0) changes.push({ ...at, type: "CasesAssigned", logIndex: 40, caseKey: caseKey(i), creditorId: 1, agencyId: 3, until: 1_900_000_000 });
    }
    changes.sort((a, b) => a.logIndex - b.logIndex);
    await store.applyPage(changes, { block: 2, blockHash: "0x02" });
  });
  afterEach(async () => {
    await level.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("reads the cases asked for in one turn of the event loop with one getMany, each caller its own record", async () => {
    db.getManyCalls = 0;
    const keys = [...Array.from({ length: 40 }, (_, i) => caseKey(i)), testKey("store/case", 999)];
    const records = await Promise.all(keys.map((key) => store.caseOf(key.toUpperCase().replace("0X", "0x"))));
    expect(db.getManyCalls).to.equal(1);
    records.slice(0, 40).forEach((record, i) => {
      expect(record).to.include({ caseKey: caseKey(i), status: i % 2 === 0 ? "Assigned" : "Registered", agencyId: i % 2 === 0 ? 3 : 0 });
    });
    expect(records[40]).to.equal(undefined);
    // Later turns read again, and see what was written in between (no copy is kept).
    await store.applyPage([{ type: "CaseRecalled", block: 3, logIndex: 0, txHash: testKey("store/tx", 1), time: 1_800_000_100, caseKey: caseKey(0), agencyId: 3 }], { block: 3, blockHash: "0x03" });
    expect(await store.caseOf(caseKey(0))).to.include({ status: "Recalled" });
    expect(db.getManyCalls).to.be.greaterThan(1);
  });

  it("gives every case's events case by case, in caseKey order and each in chain order, in one scan", async () => {
    await store.applyPage([{ type: "CaseAccepted", block: 3, logIndex: 0, txHash: testKey("store/tx", 1), time: 1_800_000_100, caseKey: caseKey(2), agencyId: 3 }], { block: 3, blockHash: "0x03" });
    const all: { caseKey: string; types: string[] }[] = [];
    for await (const { caseKey: key, entries } of store.histories()) all.push({ caseKey: key, types: entries.map((e) => e.type) });
    expect(all.map((h) => h.caseKey)).to.deep.equal(Array.from({ length: 40 }, (_, i) => caseKey(i)).sort());
    expect(all.find((h) => h.caseKey === caseKey(2))!.types).to.deep.equal(["CaseRegistered", "CasesAssigned", "CaseAccepted"]);
    expect(all.find((h) => h.caseKey === caseKey(1))!.types).to.deep.equal(["CaseRegistered"]);
  });

  it("fails every read of a turn when LevelDB fails, and reads again on the next", async () => {
    db.failNext = true;
    const results = await Promise.allSettled([store.caseOf(caseKey(0)), store.caseOf(caseKey(1))]);
    expect(results.map((r) => r.status)).to.deep.equal(["rejected", "rejected"]);
    db.failNext = false;
    expect(await store.caseOf(caseKey(1))).to.include({ status: "Registered" });
  });
});
