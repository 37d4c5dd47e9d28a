import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { startGateway, type Gateway } from "../../../node/gateway.js";
import { ROLE, startConsortium, type TestConsortium } from "../../support/consortium.js";
import { syntheticId18 } from "../domain/identity/synthetic-ids.js";
import { CLI } from "../../support/cli.js";
import { DEFAULTS } from "../../../node/config.js";

const ID = syntheticId18("19900101", "357", "330106");
const HEADER = "合同编号,姓名,身份证号,手机号,本金,欠款余额,逾期天数\n";
const row = (ref: string) => `${ref},测试甲,${ID},,100,100,1\n`;

/** `caseledger cases upload` against a gateway whose one ingest slot and one queue place the test fills. */
describe("node/cli: caseledger cases upload waits in the gateway's queue", function () {
  this.timeout(120_000);
  let consortium: TestConsortium;
  let gateway: Gateway;
  let dir: string;
  let env: Record<string, string>;
  let cliTokenId: string;
  let token: string;
  const logs: Array<Record<string, unknown>> = [];

  before(async () => {
    consortium = await startConsortium([{ name: "lender", roles: ROLE.LENDER }]);
    gateway = await startGateway({ ...consortium.member("lender").config, ingest: { ...DEFAULTS.ingest, maxConcurrent: 1, maxQueued: 1 } }, { log: (e) => logs.push(e) });
    const cli = await gateway.tokens.create("lender", "cli");
    cliTokenId = cli.record.id;
    env = { CASELEDGER_GATEWAY: gateway.url, CASELEDGER_TOKEN: cli.token, CASELEDGER_LANG: "" };
    token = (await gateway.tokens.create("lender", "test")).token;
    dir = await mkdtemp(join(tmpdir(), "caseledger-cli-queue-"));
    await writeFile(join(dir, "list.csv"), HEADER + row("Q-1"));
  });
  after(async () => {
    await gateway?.close();
    await consortium?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** An upload held open by the test: its body ends (or the client leaves) when the test says. */
  const held = (name: string) => {
    let controller!: ReadableStreamDefaultController<Uint8Array>;
    const body = new ReadableStream<Uint8Array>({ start: (c) => void (controller = c) });
    controller.enqueue(new TextEncoder().encode(HEADER));
    const gone = new AbortController();
    const response = fetch(`${gateway.url}/v1/case-lists?name=${name}`, {
      method: "POST",
      body,
      duplex: "half",
      signal: gone.signal,
      headers: { authorization: `Bearer ${token}`, "content-type": "text/csv" },
    });
    response.catch(() => undefined);
    return { response, finish: () => (controller.enqueue(new TextEncoder().encode(row(name))), controller.close()), leave: () => gone.abort() };
  };
  const until = async (what: string, ready: () => boolean | Promise<boolean>) => {
    for (let i = 0; i < 3_000; i++) {
      if (await ready()) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error(`never: ${what}`);
  };
  const counts = async () => (await (await fetch(`${gateway.url}/v1/case-lists/queue`, { headers: { authorization: `Bearer ${token}` } })).json()) as { running: number; queued: number };
  const cliAsked = () => logs.filter((e) => e.staff === cliTokenId && e.path === "/v1/case-lists/queue").length;

  it("on 429 waits Retry-After and tries again, saying so, then prints its place while it waits", async () => {
    const running = held("H-1");
    await until("one running", async () => (await counts()).running === 1);
    const waiting = held("H-2");
    await until("one waiting", async () => (await counts()).queued === 1);

    const child = spawn(process.execPath, [...CLI, "cases", "upload", join(dir, "list.csv")], { env: { ...process.env, ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => (stdout += c));
    child.stderr.on("data", (c) => (stderr += c));
    const exited = new Promise<number>((resolve) => child.on("close", (code) => resolve(code ?? -1)));

    // Refused while the queue is full; the place it waits for is then freed.
    await until("the CLI refused", () => logs.some((e) => e.staff === cliTokenId && e.status === 429));
    waiting.leave();
    // Its retry waits behind the running upload, and it has asked its place at least once since.
    await until("the CLI queued", async () => (await counts()).queued === 1);
    const asked = cliAsked();
    await until("the CLI asked its place", () => cliAsked() >= asked + 2);
    running.finish();
    expect((await running.response).status).to.equal(201);

    expect(await exited, stderr).to.equal(0);
    expect(stderr).to.include("the gateway's upload queue is full; trying again in 5 s (retry 1 of 4)");
    expect(stderr).to.include("queued, position 1");
    expect(stdout).to.match(/rows 1, accepted 1/);
  });
});
