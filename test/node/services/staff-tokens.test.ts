import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { createHash, randomBytes } from "node:crypto";
import { StaffTokens, tokenMember } from "../../../node/services/staff-tokens.js";
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

  it("names the issuing member in a new token; a token of the earlier form (no member) still verifies", async () => {
    const tokens = new StaffTokens(store, 7, clock);
    const { token } = await tokens.create("lender", "n");
    expect(token).to.match(/^clt_7_[A-Za-z0-9_-]{43}$/);
    expect(tokenMember(token)).to.equal(7);
    expect(await tokens.verify(token)).to.not.equal(undefined);
    // A token naming another member is refused before any store read.
    expect(await tokens.verify(token.replace(/^clt_7_/, "clt_8_"))).to.equal(undefined);
    const old = `clt_${randomBytes(32).toString("base64url")}`;
    const record = { id: "0123456789ab", memberId: 7, role: "court" as const, name: "old", createdAt: new Date(now).toISOString() };
    await store.tokens.put(createHash("sha256").update(old).digest("hex"), record);
    expect(tokenMember(old), "47 characters: no member, whatever its secret looks like").to.equal(undefined);
    expect(tokenMember("clt_12_".padEnd(47, "A"))).to.equal(undefined);
    expect(await tokens.verify(old)).to.deep.equal({ tokenId: record.id, memberId: 7, role: "court", name: "old" });
  });

  it("does not cache as valid a token revoked between a verify's store read and its cache write", async () => {
    const tokens = new StaffTokens(store, 7, clock);
    const { token, record } = await tokens.create("agency", "race");
    // The store's read answers, then waits for the test: the revocation runs to its end in between.
    const read = store.tokens.get.bind(store.tokens);
    let readDone!: () => void;
    const readReturned = new Promise<void>((resolve) => (readDone = resolve));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    store.tokens.get = async (key: string) => {
      const value = await read(key);
      readDone();
      await gate;
      return value;
    };
    const racing = tokens.verify(token);
    await readReturned;
    store.tokens.get = read;
    expect(await tokens.revoke(record.id)).to.equal(true);
    release();
    expect(await racing, "a request in flight when the revocation landed").to.not.equal(undefined);
    expect(await tokens.verify(token), "revoked: the in-flight read is not cached").to.equal(undefined);
  });
});
