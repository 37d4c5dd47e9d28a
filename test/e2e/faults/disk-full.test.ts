import { execFile } from "node:child_process";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { expect } from "chai";
import type { ApiResponse } from "../../support/api-client.js";
import { ROLE, startConsortium, type TestConsortium } from "../../support/consortium.js";
import { syntheticList } from "../../support/fault-helpers.js";
import { type GatewayProcess, spawnGateway, writeProcessConfig } from "../../support/gateway-process.js";

const run = promisify(execFile);

/**
 * A full disk under a real gateway process: its data directory on a small tmpfs (this needs root to mount; without it
 * the test is skipped and test/node/http/outage-errors.test.ts covers a failing LevelDB underneath the HTTP layer).
 * Writes answer 507 STORAGE_FULL with a clear message, reads go on, health says why; after space is freed and the
 * gateway restarted, every acknowledged list is there and the refused one left nothing behind.
 */
describe("e2e faults: the disk of the data directory fills up", function () {
  this.timeout(120_000);
  let consortium: TestConsortium;
  let gw: GatewayProcess | undefined;
  let mountPoint: string;
  let mounted = false;
  let file: string;

  before(async function () {
    consortium = await startConsortium([{ name: "lender", roles: ROLE.LENDER }]);
    mountPoint = join(consortium.dir, "small-disk");
    await mkdir(mountPoint, { recursive: true });
    try {
      await run("mount", ["-t", "tmpfs", "-o", "size=8m,mode=0700", "tmpfs", mountPoint]);
      mounted = true;
    } catch (error) {
      console.log(`      (skipped: cannot mount a small tmpfs here — ${String((error as Error).message).split("\n")[0]})`);
      this.skip();
    }
    file = (await writeProcessConfig(consortium, { name: "lender", config: { dataDir: mountPoint, http: { uploadLimitBytes: 64 * 1024 * 1024 } } })).file;
    gw = await spawnGateway("lender", file);
  });
  afterEach(async function () {
    if (this.currentTest?.state !== "failed" || !gw) return;
    await new Promise((r) => setTimeout(r, 1_000));
    console.log(gw.output().slice(-3_000));
  });
  after(async () => {
    await gw?.kill();
    if (mounted) await run("umount", [mountPoint]).catch(() => {});
    await consortium?.stop();
  });

  it("answers 507 STORAGE_FULL, keeps reading, and after space is freed and a restart has every acknowledged list and nothing half-written", async () => {
    const api = gw!.api;
    const kept = await api.upload("kept.csv", syntheticList(50, "KEPT"));
    expect(kept.status).to.equal(201);

    let refused: (ApiResponse & { prefix: string }) | undefined;
    const acknowledged: string[] = [kept.body.id];
    for (let i = 0; i < 12 && !refused; i++) {
      const r = await api.upload(`fill-${i}.csv`, syntheticList(20_000, `FILL${i}`, 100 + i)).catch((error: unknown) => {
        throw new Error(`the upload failed outright (exit ${gw!.proc.exitCode}):\n${gw!.output().slice(-2_000)}`, { cause: error });
      });
      if (r.status === 201) acknowledged.push(r.body.id);
      else refused = { ...r, prefix: `FILL${i}` };
    }
    expect(refused, "the disk never filled").to.not.equal(undefined);
    expect(refused!.status).to.equal(507);
    expect(refused!.body.error.code).to.equal("STORAGE_FULL");
    expect(refused!.body.error.message).to.match(/存储空间已满.*\/ the disk is full/);
    expect(refused!.headers.get("retry-after")).to.match(/^\d+$/);
    expect(JSON.stringify(refused!.body)).to.not.match(/small-disk|\.log|\/tmp\//); // no paths or driver text

    // Still up, still reading; health says what is wrong; further writes are refused the same way.
    expect(gw!.proc.exitCode).to.equal(null);
    const report = await api.get(`/v1/case-lists/${kept.body.id}/report?limit=100`);
    expect(report.status).to.equal(200);
    expect(report.body.totals).to.include({ rows: 50, accepted: 50 });
    const health = await api.get("/v1/health");
    expect(health.status).to.equal(503);
    expect(health.body.store).to.deep.equal({ writable: false, code: "STORAGE_FULL" });
    const again = await api.upload("small.csv", syntheticList(3, "SMALL"));
    expect([503, 507]).to.include(again.status);

    // Space freed; LevelDB keeps refusing until it is reopened, so the gateway is restarted (here: killed, as by a watchdog).
    await run("mount", ["-o", "remount,size=128m", mountPoint]);
    const token = gw!.token;
    await gw!.kill();
    gw = await spawnGateway("lender", file, { token });
    const restarted = gw.api;
    expect((await restarted.get("/v1/health")).body.store).to.deep.equal({ writable: true });
    for (const id of acknowledged) {
      const summary = (await restarted.get(`/v1/case-lists/${id}`)).body;
      expect(summary.state, id).to.equal("ready");
    }
    expect((await restarted.get(`/v1/case-lists/${kept.body.id}/report?limit=100`)).body.rows).to.have.length(50);
    const lists = (await restarted.get("/v1/case-lists")).body.lists as Array<{ id: string; state: string; error?: { code: string } }>;
    const others = lists.filter((l) => !acknowledged.includes(l.id));
    expect(others.every((l) => l.state === "failed")).to.equal(true);
    expect((await restarted.get(`/v1/cases?loanRef=${refused!.prefix}-00000000`)).body.cases).to.deep.equal([]);
    const retry = await restarted.upload("retry.csv", syntheticList(20_000, refused!.prefix, 0));
    expect(retry.status).to.equal(201);
    expect(retry.body.totals).to.include({ accepted: 20_000 });
  });
});
