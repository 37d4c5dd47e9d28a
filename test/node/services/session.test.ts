import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import type { DirectoryEntry } from "../../../node/services/member-directory.js";
import { SessionService } from "../../../node/services/session.js";
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

  it("lists only verified, active members in the console directory; me carries the member's roles", async () => {
    expect(await service().consoleDirectory()).to.deep.equal({ self: 1, members: [{ id: 1, name: "甲银行", roles: ["lender"], gatewayUrl: "http://127.0.0.1:1" }] });
    expect(await service().me({ role: "lender", name: "l", tokenId: "abc" })).to.deep.equal({ memberId: 1, memberName: "甲银行", memberRoles: ["lender"], role: "lender", staffName: "l", tokenId: "abc" });
    expect((await service().members()).members).to.have.length(3);
    // No answer about whose a token is: the console sends a token only where the token itself says.
    expect("probe" in service()).to.equal(false);
  });
});
