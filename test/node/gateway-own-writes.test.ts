import { expect } from "chai";
import { syntheticId18 } from "./domain/identity/synthetic-ids.js";
import { apiClient, eventually } from "../support/api-client.js";
import { ROLE } from "../support/consortium.js";
import { assignCases, fastPeer, type Members, startMembers } from "../support/member-gateways.js";

/**
 * node/gateway.ts: a member reads its own writes. The lender's index polls the chain once an hour here, so only the
 * catch-up its own finished job triggers can show it the case it just assigned (its portfolio said "not on chain" for
 * seconds on a busy machine before).
 */
describe("node/gateway: the index catches up when one of the member's own jobs is mined", function () {
  this.timeout(180_000);
  let members: Members<"lender" | "agency">;

  before(async () => {
    members = await startMembers([
      { name: "lender", roles: ROLE.LENDER, directory: { roles: ["lender"] }, config: (c) => fastPeer({ ...c, timeouts: { ...c.timeouts, indexerPollMs: 3_600_000 } }) },
      { name: "agency", roles: ROLE.AGENCY, directory: { roles: ["agency"] } },
    ]);
  });
  after(async () => members?.stop());

  it("shows the lender the case it assigned without waiting for the next poll", async () => {
    const { lender, agency } = members.gateways;
    const L = apiClient(lender.url, (await lender.tokens.create("lender", "l")).token);
    const A = apiClient(agency.url, (await agency.tokens.create("agency", "a")).token);
    const [caseKey] = await assignCases(L, A, "own-writes.csv", [`OW-1,自写自读,${syntheticId18("19900101", "123", "110101")},,1000,900,30`]);
    const record = await eventually(async () => {
      const c = await lender.indexer.caseOf(caseKey!);
      return c?.status === "Assigned" ? c : undefined;
    }, 30_000, "the lender's own index");
    expect(record.agencyId).to.equal(members.consortium.member("agency").id);
    const portfolio = await L.get("/v1/portfolio");
    expect(portfolio.body.byStatus).to.deep.equal([{ status: "Assigned", cases: 1, outstandingFen: "90000" }]);
  });
});
