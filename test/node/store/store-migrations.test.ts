import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { Level } from "level";
import { openDatabase } from "../../../node/store/database.js";
import { STORE_VERSION, storeVersion } from "../../../node/store/store-migrations.js";

const HASH = `0x${"ab".repeat(32)}`;

/** Writes `meta` the way gateways before the split did: every kind of thing under its key prefix. */
async function writeVersion1Store(dataDir: string): Promise<void> {
  const db = new Level<string, unknown>(join(dataDir, "store"), { valueEncoding: "json" });
  await db.open();
  const meta = db.sublevel<string, unknown>("meta", { valueEncoding: "json" });
  await meta.batch([
    { type: "put", key: "handover/J1", value: { jobId: "J1", agencyId: 2, state: "pending", attempts: 0, packages: [], updatedAt: "2026-01-01T00:00:00.000Z" } },
    { type: "put", key: `received/${HASH}`, value: { packageHash: HASH, accepted: 3, rejected: [], creditorId: 1, receivedAt: "2026-01-01T00:00:00.000Z" } },
    { type: "put", key: "handover-nonce/1/n-1", value: { keepUntil: 4_102_444_800_000 } },
    { type: "put", key: "health/probe", value: "2026-01-01T00:00:00.000Z" },
    { type: "put", key: "someday/unknown", value: 1 },
  ]);
  await db.close();
}

async function metaKeys(dataDir: string): Promise<string[]> {
  const db = new Level<string, unknown>(join(dataDir, "store"), { valueEncoding: "json" });
  await db.open();
  const keys: string[] = [];
  for await (const key of db.sublevel<string, unknown>("meta", { valueEncoding: "json" }).keys()) keys.push(key);
  const version = await storeVersion(db);
  await db.close();
  return [...keys, `version ${version}`];
}

describe("store migrations", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "caseledger-migrate-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("moves the shared meta keys of an older store to their own sublevels, once", async () => {
    await writeVersion1Store(dir);
    const store = await openDatabase(dir);
    expect(await store.handoverDeliveries.get("J1")).to.deep.include({ jobId: "J1", agencyId: 2, state: "pending" });
    expect(await store.handoverReceipts.get(HASH)).to.deep.include({ packageHash: HASH, accepted: 3, creditorId: 1 });
    expect(await store.handoverNonces.seen(1, "n-1")).to.equal(true);
    expect(await store.handoverNonces.count()).to.equal(1);
    await store.close();
    // The health probe is dropped (rewritten by every check); a key no version knew stays.
    expect(await metaKeys(dir)).to.deep.equal(["someday/unknown", `version ${STORE_VERSION}`]);

    const again = await openDatabase(dir);
    expect(await again.handoverReceipts.count()).to.equal(1);
    expect(await again.handoverDeliveries.get("J1")).to.deep.include({ jobId: "J1" });
    await again.close();
    expect(await metaKeys(dir)).to.deep.equal(["someday/unknown", `version ${STORE_VERSION}`]);
  });

  it("marks a new store as current", async () => {
    const store = await openDatabase(dir);
    await store.close();
    expect(await metaKeys(dir)).to.deep.equal([`version ${STORE_VERSION}`]);
  });

  it("leaves a store at the current version alone (a meta key written after it stays where it is)", async () => {
    await (await openDatabase(dir)).close();
    await writeVersion1Store(dir);
    const store = await openDatabase(dir);
    expect(await store.handoverDeliveries.get("J1")).to.equal(undefined);
    await store.close();
  });
});
