import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { type HealthDeps, HealthService } from "../../../node/services/health.js";
import { type GatewayDatabase, openDatabase } from "../../../node/store/database.js";

describe("node/services/health (LevelDB on disk)", function () {
  this.timeout(30_000);
  let dir: string;
  let store: GatewayDatabase;
  const deps = (fields: Partial<HealthDeps>): HealthDeps => ({
    memberId: 1,
    memberName: "甲",
    version: "0.0.0",
    chainId: 31337,
    blockNumber: async () => 42,
    store,
    clock: () => Date.UTC(2026, 0, 1),
    outbox: async () => ({ pending: 0 }),
    index: () => Promise.reject(new Error("not yet")),
    evidence: () => ({ lag: 0 }),
    ...fields,
  });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "caseledger-health-"));
    store = await openDatabase(dir);
  });
  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("is ok when the node answers and the store takes a write; a part that cannot report is left out", async () => {
    const status = await new HealthService(deps({})).check();
    expect(status).to.deep.include({ status: "ok", chain: { reachable: true, chainId: 31337, blockNumber: 42 }, store: { writable: true }, outbox: { pending: 0 }, index: undefined });
  });

  it("is degraded when the node does not answer in time, or when the store refuses writes", async () => {
    const slow = await new HealthService(deps({ blockNumber: () => new Promise(() => {}), chainTimeoutMs: 20 })).check();
    expect(slow.status).to.equal("degraded");
    expect(slow.chain).to.deep.equal({ reachable: false, chainId: 31337, error: "timeout" });

    await store.close();
    const closed = await new HealthService(deps({})).check();
    expect(closed.status).to.equal("degraded");
    expect(closed.store?.writable).to.equal(false);
    expect(closed.store?.code).to.match(/^LEVEL_/);
    store = await openDatabase(dir);
  });
});
