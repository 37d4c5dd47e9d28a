import { createHash } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { startGateway, type Gateway } from "../../../node/gateway.js";
import { ROLE, startConsortium, type TestConsortium } from "../../support/consortium.js";
import { publishDirectory } from "../../support/directory.js";
import { syntheticId18 } from "../domain/identity/synthetic-ids.js";
import { caseledger } from "../../support/cli.js";
import { workbookBytes } from "../../support/workbook.js";

describe("node/cli: caseledger cases upload / allocate / commit / check (against real gateways)", function () {
  this.timeout(180_000);
  let consortium: TestConsortium;
  let lender: Gateway;
  let agency: Gateway;
  let dir: string;
  let lenderEnv: Record<string, string>;
  let agencyEnv: Record<string, string>;
  const ID = syntheticId18("19900101", "246", "330106");

  before(async () => {
    consortium = await startConsortium([
      { name: "lender", roles: ROLE.LENDER },
      { name: "agency", roles: ROLE.AGENCY },
    ]);
    lender = await startGateway(consortium.member("lender").config, { log: () => {} });
    agency = await startGateway(consortium.member("agency").config, { log: () => {} });
    lenderEnv = { CASELEDGER_GATEWAY: lender.url, CASELEDGER_TOKEN: (await lender.tokens.create("lender", "cli")).token };
    agencyEnv = { CASELEDGER_GATEWAY: agency.url, CASELEDGER_TOKEN: (await agency.tokens.create("agency", "cli")).token };
    await publishDirectory(consortium, { agency: { name: "示例催收", roles: ["agency"], gatewayUrl: agency.url } });
    const admin = (await lender.tokens.create("admin", "setup")).token;
    await fetch(`${lender.url}/v1/agencies/2`, {
      method: "PUT",
      headers: { authorization: `Bearer ${admin}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "示例催收", regions: ["*"], outstandingFen: { min: 0 }, overdueDays: { min: 0 }, capacity: 100 }),
    });
    dir = await mkdtemp(join(tmpdir(), "caseledger-cli-remote-"));
    await writeFile(join(dir, "list.csv"), `合同编号,姓名,身份证号,手机号,本金,欠款余额,逾期天数\nC-1,测试甲,${ID},,100,100,1\nC-2,测试乙,bad,,1,1,1\n`);
  });
  after(async () => {
    await Promise.all([lender?.close(), agency?.close()]);
    await consortium?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("uploads an .xlsx workbook's named sheet with --sheet", async () => {
    const book = await workbookBytes([
      { name: "说明", rows: [["填写说明"]] },
      { name: "清单", rows: [["合同编号", "姓名", "身份证号", "手机号", "本金", "欠款余额", "逾期天数"], ["W-1", "测试甲", ID, "", 100, 100, 1]] },
    ]);
    await writeFile(join(dir, "list.xlsx"), book);
    const up = await caseledger(["cases", "upload", join(dir, "list.xlsx"), "--sheet", "清单", "--json"], lenderEnv);
    expect(up.code, up.stderr).to.equal(0);
    const summary = JSON.parse(up.stdout);
    expect(summary).to.deep.include({ file: "list.xlsx", state: "ready" });
    expect(summary.totals).to.include({ rows: 1, accepted: 1 });
    const missing = await caseledger(["cases", "upload", join(dir, "list.xlsx"), "--sheet", "Sheet9"], lenderEnv);
    expect(missing.code).to.not.equal(0);
    expect(missing.stderr).to.include("SHEET_NOT_FOUND");
  });

  it("uploads, allocates, commits with --wait, and the agency checks ownership — with --json and in words", async () => {
    const upload = await caseledger(["cases", "upload", join(dir, "list.csv"), "--json"], lenderEnv);
    expect(upload.code).to.equal(1); // one row rejected
    const list = JSON.parse(upload.stdout);
    expect(list.totals).to.include({ accepted: 1, rejected: 1 });

    const allocate = await caseledger(["cases", "allocate", list.id, "--json"], lenderEnv);
    expect(allocate.code).to.equal(0);
    const preview = JSON.parse(allocate.stdout);
    expect(preview.decisions[0]).to.include({ agencyId: 2 });

    const commit = await caseledger(["cases", "commit", preview.id, "--wait", "--mandate-days", "10"], lenderEnv);
    expect(commit.code, commit.stderr).to.equal(0);
    expect(commit.stdout).to.match(/committed, 1\/1 on chain, 0 failed/);
    expect(commit.stdout).to.match(/handover to agency 2: delivered/);

    let check = await caseledger(["cases", "check", "--creditor", "1", "--loan-ref", "C-1"], agencyEnv);
    for (let i = 0; i < 50 && check.code !== 0; i++) {
      await new Promise((r) => setTimeout(r, 200));
      check = await caseledger(["cases", "check", "--creditor", "1", "--loan-ref", "C-1"], agencyEnv);
    }
    expect(check.code).to.equal(0);
    expect(check.stdout).to.match(/AUTHORIZED/);
    expect(check.stdout).to.match(/proof: chain 31337/);
    const byId = await caseledger(["cases", "check", "--id-number", "-", "--json"], agencyEnv, `${ID}\n`);
    expect(byId.code).to.equal(0);
    expect(JSON.parse(byId.stdout).cases[0].authorized).to.equal(true);
    const none = await caseledger(["cases", "check", "--creditor", "1", "--loan-ref", "NOPE"], agencyEnv);
    expect(none.code).to.equal(1);
    expect(none.stdout).to.match(/NOT AUTHORIZED/);
  });

  it("caseledger scorecards: the lender's agencies by name, in words and --json; the agency sees the consortium view", async () => {
    // After the commit above, agency 2 holds one case of the lender (the index may still be catching up).
    let json = await caseledger(["scorecards", "--json"], lenderEnv);
    for (let i = 0; i < 50 && JSON.parse(json.stdout || "{}").agencies?.length !== 1; i++) {
      await new Promise((r) => setTimeout(r, 200));
      json = await caseledger(["scorecards", "--json"], lenderEnv);
    }
    expect(json.code, json.stderr).to.equal(0);
    const body = JSON.parse(json.stdout);
    expect(body.view).to.equal("lender");
    expect(body.agencies[0]).to.deep.include({ agencyId: 2, name: "示例催收", cases: 1, assignments: 1, complaints: { received: 0, open: 0 } });
    const words = await caseledger(["scorecards"], lenderEnv);
    expect(words.code).to.equal(0);
    expect(words.stdout).to.match(/lender view/);
    expect(words.stdout).to.match(/agency 2 示例催收: 1 cases, 1 assignments/);
    expect(words.stdout).to.match(/recovery\s+30d — \(0\) · 90d — \(0\) · 180d — \(0\)/);
    expect(words.stdout).to.match(/complaints 0 \(0 open\)/);
    const agencyView = await caseledger(["scorecards"], agencyEnv);
    expect(agencyView.code).to.equal(0);
    expect(agencyView.stdout).to.match(/consortium-wide/);
    expect(agencyView.stdout).to.not.match(/recovery/);
  });

  it("caseledger cases settle: the stated amount and the terms go on chain; an amount with 3 decimals is a usage error", async () => {
    const found = (await (await fetch(`${lender.url}/v1/cases?loanRef=C-1`, { headers: { authorization: `Bearer ${lenderEnv.CASELEDGER_TOKEN}` } })).json()) as { cases: { caseKey: string }[] };
    const caseKey = found.cases[0]!.caseKey;
    const bad = await caseledger(["cases", "settle", "--case", `${caseKey}=12.345`], lenderEnv);
    expect(bad.code).to.equal(2);
    expect(bad.stderr).to.match(/expected KEY=AMOUNT in yuan/);
    const terms = join(dir, "terms.txt");
    await writeFile(terms, "synthetic settlement terms for the command line");
    const run = await caseledger(["cases", "settle", "--case", `${caseKey}=88.8`, "--terms", terms, "--terms-type", "text/plain", "--wait"], lenderEnv);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.match(/1 cases, 88\.80 yuan in all, done \(1 done, 0 failed\)/);
    let settled;
    for (let i = 0; i < 50 && !settled; i++) {
      settled = (await lender.indexer.history(caseKey)).find((e) => e.type === "CaseSettled");
      if (!settled) await new Promise((r) => setTimeout(r, 200));
    }
    expect(settled).to.deep.include({ settledFen: "8880", termsHash: `0x${createHash("sha256").update("synthetic settlement terms for the command line").digest("hex")}` });
  });

  it("shows the first 20 unmatched cases in words and says how many more --json lists", async () => {
    // 130 cases for an agency that takes 100: at least 30 stay unmatched (capacity).
    const rows = Array.from({ length: 130 }, (_, i) => `M-${i},测试丙,${syntheticId18("19850101", String(100 + i), "110101")},,10,10,5`);
    await writeFile(join(dir, "many.csv"), `合同编号,姓名,身份证号,手机号,本金,欠款余额,逾期天数\n${rows.join("\n")}\n`);
    const upload = await caseledger(["cases", "upload", join(dir, "many.csv"), "--json"], lenderEnv);
    expect(upload.code, upload.stderr).to.equal(0);
    const listId = JSON.parse(upload.stdout).id;
    const words = await caseledger(["cases", "allocate", listId], lenderEnv);
    expect(words.code, words.stderr).to.equal(0);
    const shown = words.stdout.split("\n").filter((l) => /^ {2}unmatched M-\d+: /.test(l));
    expect(shown).to.have.length(20);
    const more = /(\d+) more unmatched \(--json lists them all\)/.exec(words.stdout);
    expect(more, words.stdout).to.not.equal(null);
    const unmatched = Number(/unmatched (\d+);/.exec(words.stdout)![1]);
    expect(unmatched).to.be.at.least(30);
    expect(Number(more![1])).to.equal(unmatched - 20);
  });

  it("exits 2 without a gateway, 4 with a bad token, 5 when the gateway is unreachable", async () => {
    expect((await caseledger(["cases", "allocate", "x"], { CASELEDGER_GATEWAY: "", CASELEDGER_TOKEN: "" })).code).to.equal(2);
    const bad = await caseledger(["cases", "allocate", "x"], { ...lenderEnv, CASELEDGER_TOKEN: "clt_wrong" });
    expect(bad.code).to.equal(4);
    expect(bad.stderr).to.match(/UNAUTHENTICATED/);
    expect((await caseledger(["cases", "allocate", "x"], { ...lenderEnv, CASELEDGER_GATEWAY: "http://127.0.0.1:9" })).code).to.equal(5);
  });
});
