import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { StaffTokens } from "../../../node/services/staff-tokens.js";
import { type GatewayDatabase, openDatabase } from "../../../node/store/database.js";

describe("node/services/staff-tokens (LevelDB on disk)", function () {
  this.timeout(30_000);
  let dir: string;
  let store: GatewayDatabase;
  // A clock the tests move: expiry is judged against it.
  let now = Date.UTC(2026, 0, 1);
  const clock = () => now;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "caseledger-tokens-"));
    store = await openDatabase(dir);
  });
  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("verifies a token on every use, from its stored digest only", async () => {
    const tokens = new StaffTokens(store, 7, clock);
    const { token, record } = await tokens.create("agency", "外呼组 / calls");
    const staff = { tokenId: record.id, memberId: 7, role: "agency", name: "外呼组 / calls" };
    expect(await tokens.verify(token)).to.deep.equal(staff);
    expect(await tokens.verify(token), "again, from the cache").to.deep.equal(staff);
    // A fresh instance (a restarted gateway) reads the same record; the secret itself is stored nowhere.
    expect(await new StaffTokens(store, 7, clock).verify(token)).to.deep.equal(staff);
    for await (const [key, value] of store.tokens.entries()) {
      expect(key).to.match(/^[0-9a-f]{64}$/);
      expect(JSON.stringify(value)).to.not.include(token.slice(4));
    }
  });

  it("refuses unknown, malformed, revoked, expired and other members' tokens", async () => {
    const tokens = new StaffTokens(store, 7, clock);
    const { token } = await tokens.create("agency", "a");
    expect(await tokens.verify(undefined)).to.equal(undefined);
    expect(await tokens.verify("")).to.equal(undefined);
    expect(await tokens.verify(token.slice(4))).to.equal(undefined);
    expect(await tokens.verify(`${token}x`)).to.equal(undefined);
    expect(await tokens.verify(`clt_${"a".repeat(300)}`)).to.equal(undefined);
    expect(await new StaffTokens(store, 8, clock).verify(token), "another member's gateway").to.equal(undefined);

    const { token: revoked, record } = await tokens.create("lender", "r");
    expect(await tokens.verify(revoked)).to.not.equal(undefined);
    expect(await tokens.revoke(record.id)).to.equal(true);
    expect(await tokens.verify(revoked), "revoked while cached").to.equal(undefined);
    expect(await new StaffTokens(store, 7, clock).verify(revoked), "revoked, read from the store").to.equal(undefined);

    const { token: expiring, record: short } = await tokens.create("court", "e", 1);
    expect(await tokens.verify(expiring)).to.not.equal(undefined);
    // Expiry is judged on every use, also for a token already verified (and cached).
    const issuedAt = now;
    try {
      now = Date.parse(short.expiresAt as string) + 1;
      expect(await tokens.verify(expiring)).to.equal(undefined);
      expect(await new StaffTokens(store, 7, clock).verify(expiring)).to.equal(undefined);
    } finally {
      now = issuedAt;
    }
    expect(await tokens.verify(expiring)).to.not.equal(undefined);
  });
});
