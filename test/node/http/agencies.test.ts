import { expect } from "chai";
import { startGateway, type Gateway } from "../../../node/gateway.js";
import { ROLE, startConsortium, type TestConsortium } from "../../support/consortium.js";

describe("node/http: /v1/agencies and /v1/profile", function () {
  this.timeout(120_000);
  let consortium: TestConsortium;
  let gateway: Gateway;
  let lender: string;
  let agency: string;

  before(async () => {
    consortium = await startConsortium([{ name: "lender", roles: ROLE.LENDER }]);
    gateway = await startGateway(consortium.member("lender").config, { log: () => {} });
    lender = (await gateway.tokens.create("lender", "l")).token;
    agency = (await gateway.tokens.create("agency", "a")).token;
  });
  after(async () => {
    await gateway?.close();
    await consortium?.stop();
  });

  // Response bodies are checked field by field below; `any` keeps the assertions readable.
  const send = async (method: string, path: string, token: string, body?: unknown): Promise<{ status: number; body: any }> => {
    const res = await fetch(`${gateway.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
    return { status: res.status, body: res.status === 204 ? undefined : await res.json() };
  };
  const profile = {
    name: "示例催收",
    regions: ["44", "11"],
    outstandingFen: { min: "0", max: "100000000" },
    overdueDays: { min: 30 },
    capacity: 5000,
  };

  it("keeps the lender's agency list: put, get, list, delete", async () => {
    const put = await send("PUT", "/v1/agencies/3", lender, profile);
    expect(put.status).to.equal(200);
    expect(put.body).to.deep.include({ agencyId: 3, name: "示例催收", regions: ["11", "44"], capacity: 5000 });
    expect(put.body).not.to.have.property("gatewayUrl");
    // A lender staff token cannot say where an agency's handovers go (the directory does): refused, nothing stored.
    const pointed = await send("PUT", "/v1/agencies/5", lender, { ...profile, gatewayUrl: "http://127.0.0.1:9/" });
    expect(pointed.status).to.equal(400);
    expect(pointed.body.error).to.deep.include({ code: "VALIDATION_FAILED", messageId: "api.GATEWAY_URL_FROM_DIRECTORY", details: [{ field: "gatewayUrl", code: "NOT_ACCEPTED" }] });
    expect((await send("GET", "/v1/agencies/5", lender)).status).to.equal(404);
    expect((await send("GET", "/v1/agencies/3", lender)).body.outstandingFen).to.deep.equal({ min: "0", max: "100000000" });
    await send("PUT", "/v1/agencies/4", lender, { ...profile, name: "示例律所", regions: ["*"] });
    expect((await send("GET", "/v1/agencies", lender)).body.agencies.map((a: { agencyId: number }) => a.agencyId)).to.deep.equal([3, 4]);
    expect((await send("DELETE", "/v1/agencies/4", lender)).status).to.equal(204);
    expect((await send("GET", "/v1/agencies/4", lender)).status).to.equal(404);
  });

  it("names each error's message by catalog id and parameters beside its words, so a client renders one language", async () => {
    const missing = await send("GET", "/v1/agencies/77", lender);
    expect(missing.status).to.equal(404);
    expect(missing.body.error).to.deep.include({ code: "NOT_FOUND", messageId: "api.NOT_FOUND" });
    expect(missing.body.error.params).to.deep.include({ id: "77", thingEn: "agency" });
    expect(missing.body.error.message).to.match(/ \/ not found: agency 77$/);
    const badId = await send("PUT", "/v1/agencies/0", lender, profile);
    expect(badId.body.error).to.deep.include({ code: "VALIDATION_FAILED", messageId: "api.AGENCY_ID_INVALID" });
    expect(badId.body.error).to.not.have.property("params");
  });

  it("rejects an invalid profile with every field's code, and malformed JSON with 400", async () => {
    const bad = await send("PUT", "/v1/agencies/3", lender, { name: "", regions: ["99"], outstandingFen: { min: "5", max: "1" }, capacity: -1 });
    expect(bad.status).to.equal(400);
    expect(bad.body.error.code).to.equal("VALIDATION_FAILED");
    const codes = bad.body.error.details.map((d: { field: string; code: string }) => `${d.field}:${d.code}`);
    expect(codes).to.deep.equal(["name:FIELD_MISSING", "regions[0]:REGION_INVALID", "outstandingFen:RANGE_INVERTED", "overdueDays:FIELD_MISSING", "capacity:INTEGER_INVALID"]);
    const malformed = await send("PUT", "/v1/agencies/3", lender, "{not json");
    expect(malformed.status).to.equal(400);
    expect(malformed.body.error.code).to.equal("BAD_REQUEST");
  });

  it("lets an agency keep its own profile; roles are enforced both ways", async () => {
    expect((await send("PUT", "/v1/profile", agency, profile)).body).to.deep.include({ agencyId: 1 });
    expect((await send("GET", "/v1/profile", agency)).body.name).to.equal("示例催收");
    expect((await send("GET", "/v1/profile", lender)).status).to.equal(403);
    expect((await send("GET", "/v1/agencies", agency)).status).to.equal(403);
  });
});
