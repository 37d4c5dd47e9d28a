import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { agreementHash } from "../../../node/domain/mediation/agreement.js";
import { type GatewayDatabase, openDatabase } from "../../../node/store/database.js";
import type { StoredMediation } from "../../../node/store/mediation-store.js";
import { sampleAgreement } from "../domain/mediation/helpers.js";

/** Mediation agreements in a real LevelDB (design §28): by hash, newest first, by case and by state, across a reopen. */
describe("node/store/mediation-store", () => {
  let dir: string;
  let store: GatewayDatabase;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "caseledger-mediations-"));
    store = await openDatabase(dir);
  });
  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("keeps each agreement by its hash and lists them newest first, by case and by state, across a reopen", async () => {
    const record = (graceDays: number, caseKey: string, state: StoredMediation["state"], createdAt: string): StoredMediation => {
      const agreement = sampleAgreement({ graceDays, caseKey });
      return { hash: agreementHash(agreement), agreement, side: "creditor", state, createdAt, updatedAt: createdAt };
    };
    const a = record(1, `0x${"aa".repeat(32)}`, "draft", "2026-12-01T00:00:00.000Z");
    const b = record(2, `0x${"aa".repeat(32)}`, "effective", "2026-12-02T00:00:00.000Z");
    const c = record(3, `0x${"bb".repeat(32)}`, "refused", "2026-12-03T00:00:00.000Z");
    for (const r of [a, b, c]) await store.mediations.put(r);
    await store.mediations.put({ ...a, state: "requested", creditorSignature: "0x12" });
    await store.close();
    store = await openDatabase(dir);

    expect((await store.mediations.get(a.hash))?.state).to.equal("requested");
    expect(await store.mediations.get(`0x${"00".repeat(32)}`)).to.equal(undefined);
    expect((await store.mediations.list()).map((r) => r.hash)).to.deep.equal([c.hash, b.hash, a.hash]);
    expect((await store.mediations.list({ caseKey: `0x${"aa".repeat(32)}` })).map((r) => r.hash)).to.deep.equal([b.hash, a.hash]);
    expect((await store.mediations.list({ state: "effective" })).map((r) => r.hash)).to.deep.equal([b.hash]);
  });
});
