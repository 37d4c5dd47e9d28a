import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { StaffTokenAdmin } from "../../../node/services/staff-token-admin.js";
import { StaffTokens } from "../../../node/services/staff-tokens.js";
import { type GatewayDatabase, openDatabase } from "../../../node/store/database.js";
import { rejected } from "./refusal.js";

describe("node/services/staff-token-admin (LevelDB on disk)", function () {
  this.timeout(30_000);
  let dir: string;
  let store: GatewayDatabase;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "caseledger-token-admin-"));
    store = await openDatabase(dir);
  });
  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("issues only roles the member holds on chain (admin always), and reports every invalid field", async () => {
    const now = Date.UTC(2026, 0, 1);
    const tokens = new StaffTokens(store, 2, () => now);
    // An agency member: it holds the agency role, not the lender role.
    const admin = new StaffTokenAdmin({ tokens, status: { holdsRole: (role) => role === "agency" } });
    const issued = await admin.issue({ role: "agency", name: " 外呼组 ", ttlDays: 30 });
    expect(issued.record).to.include({ role: "agency", name: "外呼组", expiresAt: new Date(now + 30 * 86_400_000).toISOString() });
    expect((await admin.issue({ role: "admin", name: "a" })).record.role).to.equal("admin");

    const notHeld = await rejected(admin.issue({ role: "lender", name: "l" }));
    expect(notHeld.code).to.equal("VALIDATION_FAILED");
    expect(notHeld.details).to.deep.equal([{ field: "role", code: "ROLE_NOT_HELD" }]);
    const all = await rejected(admin.issue({ role: "boss", name: "", ttlDays: 400 }));
    expect(all.details).to.deep.equal([
      { field: "role", code: "ROLE_UNKNOWN" },
      { field: "name", code: "NAME_INVALID" },
      { field: "ttlDays", code: "TTL_INVALID" },
    ]);

    expect((await admin.list()).tokens).to.have.length(2);
    await admin.revoke(issued.record.id);
    expect((await rejected(admin.revoke(issued.record.id))).code, "revoked already").to.equal("NOT_FOUND");
    expect((await rejected(admin.revoke("not-an-id"))).code).to.equal("NOT_FOUND");
  });
});
