import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { AgencyService } from "../../../node/services/agencies.js";
import { type GatewayDatabase, openDatabase } from "../../../node/store/database.js";
import { rejected } from "./refusal.js";

const T0 = Date.UTC(2026, 0, 1);
const profile = { name: "示例催收", regions: ["44", "11"], outstandingFen: { min: "0", max: "100000000" }, overdueDays: { min: 30 }, capacity: 5000 };

describe("node/services/agencies (LevelDB on disk)", function () {
  this.timeout(30_000);
  let dir: string;
  let store: GatewayDatabase;
  let service: AgencyService;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "caseledger-agencies-"));
    store = await openDatabase(dir);
    service = new AgencyService({ store, memberId: 2, clock: () => T0 });
  });
  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("stores a valid profile normalized and stamped with the clock; refuses an invalid one with every field's code", async () => {
    const stored = await service.put("3", profile);
    expect(stored).to.deep.include({ agencyId: 3, regions: ["11", "44"], updatedAt: new Date(T0).toISOString() });
    expect(await service.get("3")).to.deep.equal(stored);
    expect((await service.list()).map((a) => a.agencyId)).to.deep.equal([3]);

    const bad = await rejected(service.put("4", { ...profile, capacity: -1 }));
    expect(bad.code).to.equal("VALIDATION_FAILED");
    expect((bad.details as Array<{ field: string; code: string }>).map((d) => `${d.field}:${d.code}`)).to.deep.equal(["capacity:INTEGER_INVALID"]);
    // Where an agency's gateway answers comes from the chain-verified member directory, never from a staff token.
    for (const gatewayUrl of ["https://attacker.example", "ftp://x", ""]) {
      const refused = await rejected(service.put("4", { ...profile, gatewayUrl }));
      expect(refused).to.deep.include({ code: "VALIDATION_FAILED", details: [{ field: "gatewayUrl", code: "NOT_ACCEPTED" }] });
    }
    expect(await store.agencies.get(4)).to.equal(undefined);
    expect((await rejected(service.put("0", profile))).code).to.equal("VALIDATION_FAILED");

    await service.remove("3");
    expect((await rejected(service.get("3"))).code).to.equal("NOT_FOUND");
    expect((await rejected(service.remove("3"))).code).to.equal("NOT_FOUND");
  });

  it("keeps the agency's own profile under its own member id", async () => {
    expect((await rejected(service.ownProfile())).code).to.equal("NOT_FOUND");
    const own = await service.putOwnProfile({ ...profile, agencyId: 99 });
    expect(own.agencyId).to.equal(2);
    expect(await service.ownProfile()).to.deep.equal(own);
  });
});
