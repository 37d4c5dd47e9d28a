import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import type { DirectoryEntry } from "../../../node/services/member-directory.js";
import type { ServiceError } from "../../../node/services/service-error.js";
import { SessionService } from "../../../node/services/session.js";
import { StaffTokens } from "../../../node/services/staff-tokens.js";
import { tokenDigest } from "../../../node/http/session-router.js";
import { type GatewayDatabase, openDatabase } from "../../../node/store/database.js";

describe("node/services/session (LevelDB on disk)", function () {
  this.timeout(30_000);
  let dir: string;
  let store: GatewayDatabase;
  let now: number;
  const entries: DirectoryEntry[] = [
    { id: 1, name: "甲银行", roles: ["lender"], verified: true, status: "Active", gatewayUrl: "http://127.0.0.1:1" },
    { id: 2, name: "乙催收", roles: ["agency"], verified: true, status: "Suspended" },
    { id: 3, name: "丙律所", roles: ["agency"], verified: false, status: "Active" },
  ];
  const service = () => new SessionService({ store, directory: { list: async () => entries }, memberId: 1, memberName: "甲银行", clock: () => now });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "caseledger-session-"));
    store = await openDatabase(dir);
    now = Date.UTC(2026, 0, 1);
  });
  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("says a token is this member's only while it is neither revoked nor expired, by the service's clock", async () => {
    const tokens = new StaffTokens(store, 1, () => now);
    const { token, record } = await tokens.create("lender", "l", 1);
    expect(await service().probe(tokenDigest(token))).to.deep.equal({ mine: true, memberId: 1, memberName: "甲银行" });
    now = Date.parse(record.expiresAt!);
    expect((await service().probe(tokenDigest(token))).mine, "expired").to.equal(false);
    now = Date.UTC(2026, 0, 1);
    await tokens.revoke(record.id);
    expect((await service().probe(tokenDigest(token))).mine, "revoked").to.equal(false);
    const otherMember = await new StaffTokens(store, 2, () => now).create("agency", "a");
    expect(await service().probe(tokenDigest(otherMember.token))).to.deep.equal({ mine: false, memberId: 1, memberName: undefined });
    const malformed = await service()
      .probe("xyz")
      .catch((error: ServiceError) => error);
    expect((malformed as ServiceError).code).to.equal("VALIDATION_FAILED");
  });

  it("lists only verified, active members in the console directory; me carries the member's roles", async () => {
    expect(await service().consoleDirectory()).to.deep.equal({ self: 1, members: [{ id: 1, name: "甲银行", roles: ["lender"], gatewayUrl: "http://127.0.0.1:1" }] });
    expect(await service().me({ role: "lender", name: "l", tokenId: "abc" })).to.deep.equal({ memberId: 1, memberName: "甲银行", memberRoles: ["lender"], role: "lender", staffName: "l", tokenId: "abc" });
    expect((await service().members()).members).to.have.length(3);
  });
});
