import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { expect } from "chai";
import { startGateway, type Gateway } from "../../node/gateway.js";
import { apiClient } from "../support/api-client.js";
import { ROLE, startConsortium, type TestConsortium } from "../support/consortium.js";
import { gb18030 } from "../node/domain/csv/helpers.js";
import { syntheticId18 } from "../node/domain/identity/synthetic-ids.js";

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(path)));
    else out.push(path);
  }
  return out;
}

/**
 * Every trap of the case-list issue against a real gateway, then a scan of everything the gateway wrote — its
 * LevelDB files, its log lines, every API response, and the chain's state file — for the raw ID numbers and
 * phones of the input.
 */
describe("e2e: bad input, and no raw PII anywhere the gateway writes", function () {
  this.timeout(180_000);
  let consortium: TestConsortium;
  let gateway: Gateway;
  let api: ReturnType<typeof apiClient>;
  const logs: string[] = [];
  const responses: string[] = [];
  const ids = Array.from({ length: 6 }, (_, i) => syntheticId18(`19${70 + i}0${(i % 9) + 1}1${i}`, `${100 + i}`, "440106"));
  const phones = ["13800000001", "13900000002", "15000000003", "18600000004"];
  const HEADER = "合同编号,姓名,身份证号,手机号,本金,欠款余额,逾期天数";
  const traps = [
    HEADER,
    `T-1,测试甲,${ids[0]},${phones[0]},100,100,1`,
    `T-2,${"长".repeat(5_000)},${ids[1]},${phones[1]},100,100,1`,
    `T-3,测试丙,${ids[2]},${phones[2]},100,-5,1`,
    `T-4,测试丁,${syntheticId18("20991231", "123", "110101")},,100,100,1`,
    `T-5,测试戊,${ids[3]},12345678901,100,100,1`,
    `T-6,测试己,${ids[4]},${phones[3]},abc,100,1`,
    `T-7,测试庚,${ids[5]},,100,100,-1`,
  ].join("\r\n");

  before(async () => {
    consortium = await startConsortium([
      { name: "lender", roles: ROLE.LENDER },
      { name: "other", roles: ROLE.LENDER },
    ]);
    gateway = await startGateway(consortium.member("lender").config, { log: (e) => logs.push(JSON.stringify(e)) });
    const raw = apiClient(gateway.url, (await gateway.tokens.create("lender", "clerk")).token);
    const record = <T extends { body: unknown }>(r: T) => {
      responses.push(typeof r.body === "string" ? r.body : JSON.stringify(r.body));
      return r;
    };
    api = {
      get: async (p) => record(await raw.get(p)),
      post: async (p, b, h) => record(await raw.post(p, b, h)),
      put: async (p, b) => record(await raw.put(p, b)),
      del: async (p) => record(await raw.del(p)),
      upload: async (n, c) => record(await raw.upload(n, c)),
    };
  });
  after(async () => {
    await gateway?.close().catch(() => undefined);
    await consortium?.stop();
  });

  it("gives every trap row its code and leaves the good row accepted", async () => {
    const up = await api.upload("traps.csv", traps);
    expect(up.status).to.equal(201);
    const report = await api.get(`/v1/case-lists/${up.body.id}/report`);
    const codes = Object.fromEntries(report.body.rows.map((r: { loanRef: string; status: string; errors: Array<{ field: string; code: string }> }) => [r.loanRef, r.status === "accepted" ? "accepted" : r.errors.map((e) => `${e.field}:${e.code}`).join(" ")]));
    expect(codes).to.deep.equal({
      "T-1": "accepted",
      "T-2": "name:FIELD_TOO_LONG",
      "T-3": "outstanding:AMOUNT_NEGATIVE",
      "T-4": "id_number:ID_BIRTH_DATE",
      "T-5": "phone:PHONE_INVALID",
      "T-6": "principal:AMOUNT_NOT_NUMBER",
      "T-7": "overdue_days:INTEGER_INVALID",
    });
    await api.get(`/v1/case-lists/${up.body.id}/rejected.csv`);
  });

  it("reads the same list in GBK to the same report", async () => {
    const utf = await api.upload("traps.csv", traps);
    const gbk = await api.upload("traps-gbk.csv", gb18030(traps));
    expect(gbk.status).to.equal(201);
    expect(gbk.body.encoding).to.equal("gb18030");
    const a = (await api.get(`/v1/case-lists/${utf.body.id}/report`)).body.rows;
    const b = (await api.get(`/v1/case-lists/${gbk.body.id}/report`)).body.rows;
    expect(b.map((r: { status: string }) => r.status)).to.deep.equal(a.map((r: { status: string }) => r.status));
  });

  it("fails whole files that are not case lists, with a clear code, and writes no case", async () => {
    const before = (await api.get("/v1/case-lists")).body.lists.filter((l: { state: string }) => l.state === "ready").length;
    const cases = async () => {
      let n = 0;
      for await (const _ of gateway.store.cases.keys()) n += 1;
      return n;
    };
    const count = await cases();
    const cases_ = [
      ["empty", "", 400, "FILE_EMPTY"],
      ["not csv", new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0, 0, 8, 0]), 400, "FILE_NOT_CSV"],
      ["no id column", "合同编号,姓名,本金,欠款余额,逾期天数\nX-1,测试,1,1,1", 400, "HEADER_MISSING_COLUMN"],
      ["too large", `${HEADER}\n${"9".repeat(3 * 1024 * 1024)}`, 413, "PAYLOAD_TOO_LARGE"],
    ] as const;
    for (const [what, body, status, code] of cases_) {
      const r = await api.upload(`${what}.csv`, body);
      expect(r.status, what).to.equal(status);
      expect(r.body.error.code, what).to.equal(code);
    }
    expect(await cases()).to.equal(count);
    expect((await api.get("/v1/case-lists")).body.lists.filter((l: { state: string }) => l.state === "ready").length).to.equal(before);
  });

  it("refuses another member's token", async () => {
    const other = await startGateway(consortium.member("other").config, { log: () => {} });
    try {
      const foreign = (await other.tokens.create("lender", "foreign")).token;
      const r = await apiClient(gateway.url, foreign).get("/v1/case-lists");
      expect(r.status).to.equal(401);
    } finally {
      await other.close();
    }
  });

  it("wrote no raw ID number or phone anywhere: store files, logs, responses, the chain", async () => {
    await gateway.close();
    const dataDir = consortium.member("lender").config.dataDir;
    const haystacks: Array<[string, Buffer]> = [];
    for (const file of await filesUnder(dataDir)) haystacks.push([file, await readFile(file)]);
    haystacks.push(["logs", Buffer.from(logs.join("\n"))], ["responses", Buffer.from(responses.join("\n"))]);
    await consortium.anvil.stop();
    const stateFile = join(consortium.dir, "chain", "state.json");
    if ((await stat(stateFile).catch(() => undefined))?.size) haystacks.push(["chain state", await readFile(stateFile)]);
    expect(haystacks.length).to.be.greaterThan(5);
    for (const [where, bytes] of haystacks) {
      for (const secret of [...ids, ...phones]) {
        expect(bytes.includes(Buffer.from(secret)), `${secret.slice(0, 4)}… in ${where}`).to.equal(false);
      }
    }
    await consortium.restartChain();
  });
});
