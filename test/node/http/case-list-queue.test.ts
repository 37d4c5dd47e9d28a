import { expect } from "chai";
import { startGateway, type Gateway } from "../../../node/gateway.js";
import { ROLE, startConsortium, type TestConsortium } from "../../support/consortium.js";
import { syntheticId18 } from "../domain/identity/synthetic-ids.js";
import { DEFAULTS } from "../../../node/config.js";

const ID = syntheticId18("19860204", "778", "440106");
const HEADER = "合同编号,姓名,身份证号,手机号,本金,欠款余额,逾期天数";
/** Three rows, one rejected; `prefix` keeps each list's loan refs its own. */
const csv = (prefix: string) => [HEADER, `${prefix}-1,测试甲,${ID},13800138000,100,100,1`, `${prefix}-2,测试乙,bad-id,,1,1,1`, `${prefix}-3,测试丙,${ID},,1,1,1`].join("\n");
const encode = (text: string) => new TextEncoder().encode(text);

/** The ingest queue over real HTTP (real LevelDB, real anvil): one ingest at a time, one waiting. */
describe("node/http: case-list upload queue", function () {
  this.timeout(120_000);
  let consortium: TestConsortium;
  let gateway: Gateway;
  let lenderToken: string;
  let agencyToken: string;

  before(async () => {
    consortium = await startConsortium([{ name: "lender", roles: ROLE.LENDER | ROLE.AGENCY }]);
    const config = consortium.member("lender").config;
    gateway = await startGateway({ ...config, ingest: { ...DEFAULTS.ingest, maxConcurrent: 1, maxQueued: 1 } }, { log: () => undefined });
    lenderToken = (await gateway.tokens.create("lender", "clerk")).token;
    agencyToken = (await gateway.tokens.create("agency", "collector")).token;
  });
  after(async () => {
    await gateway?.close();
    await consortium?.stop();
  });

  const auth = (token = lenderToken) => ({ authorization: `Bearer ${token}` });
  // Response bodies are checked field by field below; `any` keeps the assertions readable.
  const json = async (res: Response | Promise<Response>): Promise<any> => (await res).json();
  const getJson = async (path: string, token?: string): Promise<any> => (await fetch(`${gateway.url}${path}`, { headers: auth(token) })).json();
  /** An upload whose body comes in pieces the test sends (null ends it); abort() is the client going away. */
  const upload = (ref: string, first: string) => {
    let controller!: ReadableStreamDefaultController<Uint8Array>;
    const body = new ReadableStream<Uint8Array>({ start: (c) => void (controller = c) });
    controller.enqueue(encode(first));
    const gone = new AbortController();
    const response = fetch(`${gateway.url}/v1/case-lists?name=${ref}.csv`, {
      method: "POST",
      body,
      duplex: "half",
      signal: gone.signal,
      headers: { ...auth(), "content-type": "text/csv", "x-upload-ref": ref },
    });
    // A client that goes away sees its fetch fail; that failure is the test's to await, not an unhandled rejection.
    response.catch(() => undefined);
    return { response, send: (text: string | null) => (text === null ? controller.close() : controller.enqueue(encode(text))), abort: () => gone.abort() };
  };
  /** Waits (by asking, no clock) until the asker's queue view satisfies `ready`. */
  const queueUntil = async (ready: (view: any) => boolean): Promise<any> => {
    for (let i = 0; i < 500; i++) {
      const view = await getJson("/v1/case-lists/queue");
      if (ready(view)) return view;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error("the queue never reached the state waited for");
  };
  const rowsOf = async (id: string) =>
    (await getJson(`/v1/case-lists/${id}/report`)).rows.map((r: { line: number; status: string; errors: unknown }) => ({ line: r.line, status: r.status, errors: r.errors }));

  it("queues the second upload, refuses a third with 429 and Retry-After, keeps answering ownership checks, and ingests in order", async () => {
    const alone = await json(fetch(`${gateway.url}/v1/case-lists?name=alone.csv`, { method: "POST", body: csv("S"), headers: { ...auth(), "content-type": "text/csv" } }));
    const text = csv("Q1");
    const first = upload("first-upload", text.slice(0, 30));
    await queueUntil((v) => v.running === 1);
    const second = upload("second-upload", csv("Q2"));
    second.send(null);
    const view = await queueUntil((v) => v.queued === 1);
    expect(view.uploads).to.deep.equal([
      { ref: "first-upload", file: "first-upload.csv", state: "running", position: 0 },
      { ref: "second-upload", file: "second-upload.csv", state: "queued", position: 1 },
    ]);

    const third = await fetch(`${gateway.url}/v1/case-lists?name=third.csv`, { method: "POST", body: csv("Q3"), headers: { ...auth(), "content-type": "text/csv" } });
    expect(third.status).to.equal(429);
    expect(Number(third.headers.get("retry-after"))).to.be.greaterThan(0);
    const refusal = await json(third);
    expect(refusal.error.code).to.equal("RATE_LIMITED");
    expect(refusal.error.message).to.include("上传排队已满").and.include("too many uploads are waiting");

    // The metrics see the same queue.
    const scrape = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(scrape).to.match(/^caseledger_ingest_running 1$/m);
    expect(scrape).to.match(/^caseledger_ingest_queued 1$/m);

    // While one upload runs and one waits, an agency's ownership check and the health check are answered.
    const check = await fetch(`${gateway.url}/v1/ownership?caseKey=0x${"ab".repeat(32)}`, { headers: auth(agencyToken) });
    expect(check.status).to.equal(200);
    expect((await fetch(`${gateway.url}/v1/health`)).status).to.equal(200);

    first.send(text.slice(30));
    first.send(null);
    const [one, two] = await Promise.all([json(first.response), json(second.response)]);
    expect([one.state, two.state]).to.deep.equal(["ready", "ready"]);
    // In order: the waiting list was read only after the running one was done.
    expect(Date.parse(two.createdAt)).to.be.at.least(Date.parse(one.completedAt));
    for (const queued of [one, two]) {
      expect(queued.totals).to.deep.equal(alone.totals);
      expect(await rowsOf(queued.id)).to.deep.equal(await rowsOf(alone.id));
    }
    expect(await getJson("/v1/case-lists/queue")).to.deep.include({ running: 0, queued: 0, uploads: [] });
  });

  it("leaves nothing behind when a waiting upload's client goes away", async () => {
    const before = (await getJson("/v1/case-lists")).lists.length;
    const running = upload("held-upload", csv("R1").slice(0, 30));
    await queueUntil((v) => v.running === 1);
    const waiting = upload("leaving-upload", csv("W1"));
    await queueUntil((v) => v.queued === 1);
    waiting.abort();
    await waiting.response.catch(() => undefined);
    await queueUntil((v) => v.queued === 0);
    running.send(csv("R1").slice(30));
    running.send(null);
    expect((await json(running.response)).state).to.equal("ready");
    const lists = (await getJson("/v1/case-lists")).lists;
    expect(lists.length).to.equal(before + 1);
    expect(lists.map((l: { file: string }) => l.file)).to.not.include("leaving-upload.csv");
  });
});
