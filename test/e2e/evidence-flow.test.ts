import { type ChildProcess, execFile, spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { expect } from "chai";
import { JsonRpcProvider, keccak256, toUtf8Bytes, Wallet } from "ethers";
import { freePort } from "../../node/chain/anvil.js";
import { connectContracts } from "../../node/chain/contracts.js";
import { PROJECT_ROOT } from "../../node/paths.js";
import { apiClient, eventually } from "../support/api-client.js";
import { ROLE, startConsortium, type TestConsortium } from "../support/consortium.js";
import { CLI } from "../support/cli.js";

const run = promisify(execFile);
/** Synthetic keys; bytes 1–4 name member 1, the lender, which alone may register them as cases. */
const key = (label: string) => `0x0100000001${keccak256(toUtf8Bytes(`caseledger/test/e2e-evidence/${label}`)).slice(12)}`;
const sha256 = (data: Uint8Array | string) => createHash("sha256").update(data).digest("hex");

/** `caseledger verify` as a user runs it: a real process, its output and exit code. */
async function caseledger(args: string[]): Promise<{ code: number; stdout: string }> {
  try {
    const { stdout } = await run(process.execPath, [...CLI, ...args], { cwd: PROJECT_ROOT });
    return { code: 0, stdout };
  } catch (e) {
    const err = e as { code: number; stdout: string };
    return { code: err.code, stdout: err.stdout };
  }
}

/**
 * One member's gateway as a real process (node/main.ts --config), anchoring every 0.2 s or 3 records, killed with
 * SIGKILL while records stream in and anchors go out, then restarted: the log and the chain agree, no checkpoint is
 * anchored twice, no acknowledged record is lost. Then record → anchor → receipt → verify by CLI, API and the
 * contract's view, which all agree.
 */
describe("e2e: evidence log, anchoring through kill -9, and verification four ways", function () {
  this.timeout(120_000);
  let consortium: TestConsortium;
  let configFile: string;
  let port: number;
  let child: ChildProcess | undefined;
  let api: ReturnType<typeof apiClient>;
  let token: string | undefined;
  const caseKey = key("case");

  const startChild = async () => {
    const proc = spawn(process.execPath, ["--import", "tsx", "node/main.ts", "--config", configFile], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, CASELEDGER_ANCHOR_INTERVAL_S: "0.2", CASELEDGER_ANCHOR_EVERY_RECORDS: "3" },
      stdio: ["ignore", "ignore", "pipe"],
    });
    child = proc;
    let stderr = "";
    proc.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = /initial admin token \(shown once\): (\S+)/.exec(stderr);
      if (match && !token) token = match[1];
    });
    const url = `http://127.0.0.1:${port}`;
    await eventually(async () => {
      if (proc.exitCode !== null) throw new Error(`the gateway exited: ${stderr.slice(-500)}`);
      const ok = await fetch(`${url}/v1/health`).then((r) => r.status === 200, () => false);
      return ok && token ? true : undefined;
    }, 30_000, "the gateway process");
    api = apiClient(url, token);
  };
  const kill = async () => {
    const proc = child!;
    const exited = new Promise((resolve) => proc.once("exit", resolve));
    proc.kill("SIGKILL");
    await exited;
    child = undefined;
  };

  before(async () => {
    consortium = await startConsortium([{ name: "lender", roles: ROLE.LENDER }]);
    const member = consortium.member("lender");
    const provider = new JsonRpcProvider(consortium.anvil.rpcUrl, undefined, { staticNetwork: true });
    const contracts = await connectContracts(consortium.deployment, new Wallet(member.wallet.privateKey, provider));
    await (await contracts.caseRegistry.register([caseKey], [key("debtor")])).wait();
    provider.destroy();
    port = await freePort();
    const c = member.config;
    configFile = join(consortium.dir, "lender.config.json");
    await writeFile(configFile, JSON.stringify({ memberId: c.memberId, memberName: c.memberName, dataDir: c.dataDir, chain: { rpcUrl: c.chain.rpcUrl, deploymentFile: c.chain.deploymentFile }, secrets: c.secrets, http: { port } }));
    await startChild();
  });
  after(async () => {
    if (child) await kill();
    await consortium?.stop();
  });

  it("loses no acknowledged record and anchors nothing twice across two kill -9 during anchoring", async () => {
    await eventually(async () => ((await api.post("/v1/evidence/hash", body(-1))).status === 201 ? true : undefined), 20_000, "the case in the index");
    const acknowledged = new Map<number, string>();
    function body(i: number) {
      return { caseKey, kind: "sms", contentSha256: sha256(`sms ${i} ${randomBytes(4).toString("hex")}`), contentSize: 20 + i, mediaType: "text/plain" };
    }
    let i = 0;
    for (const round of [0, 1]) {
      const stopAt = Date.now() + 1_200;
      const writers = Array.from({ length: 4 }, async () => {
        while (Date.now() < stopAt + 2_000) {
          const res = await api.post("/v1/evidence/hash", body(i++)).catch(() => undefined);
          if (!res) return; // the process is gone
          if (res.status === 201) acknowledged.set(res.body.id, res.body.leafHash);
        }
      });
      await new Promise((r) => setTimeout(r, 1_200));
      await kill(); // mid-stream, with anchors every 0.2 s or 3 records
      await Promise.all(writers);
      await startChild();
      expect(acknowledged.size, `round ${round}`).to.be.greaterThan(3);
    }
    const status = await eventually(async () => {
      const s = (await api.get("/v1/evidence/status")).body;
      return s.lag === 0 && s.anchoredSize > 0 ? s : undefined;
    }, 20_000, "the log fully anchored");
    for (const [id, leafHash] of acknowledged) {
      const receipt = (await api.get(`/v1/evidence/${id}/receipt`)).body;
      expect(receipt.leafHash, `record ${id}`).to.equal(leafHash);
      expect(receipt.status).to.equal("anchored");
    }
    const provider = new JsonRpcProvider(consortium.anvil.rpcUrl, undefined, { staticNetwork: true });
    try {
      const { evidenceRegistry } = await connectContracts(consortium.deployment, provider);
      const latest = await evidenceRegistry.latestCheckpoint(1);
      expect(Number(latest.treeSize)).to.equal(status.logSize);
      const sizes = (await evidenceRegistry.queryFilter(evidenceRegistry.filters.CheckpointAnchored(1))).map((e) => Number(e.args.treeSize));
      expect(sizes).to.deep.equal([...new Set(sizes)].sort((a, b) => a - b));
      // Every transaction the member ever sent: the one registration, then anchors — none reverted, none repeated.
      expect(await provider.getTransactionCount(consortium.member("lender").wallet.address)).to.equal(1 + sizes.length);
    } finally {
      provider.destroy();
    }
  });

  it("verifies a recorded file by CLI (offline and against the chain), API and contract view, all agreeing", async () => {
    const file = Buffer.from(`合成调解协议 / synthetic mediation agreement ${randomBytes(8).toString("hex")}`);
    const recorded = await api.post(`/v1/evidence?caseKey=${caseKey}&kind=mediation-agreement&keep=true`, file, { "content-type": "application/pdf" });
    expect(recorded.status).to.equal(201);
    const empty = await api.post(`/v1/evidence?caseKey=${caseKey}&kind=letter`, new Uint8Array(0), { "content-type": "application/pdf" });
    const receipt = await eventually(async () => {
      const r = (await api.get(`/v1/evidence/${recorded.body.id}/receipt`)).body;
      return r.status === "anchored" ? r : undefined;
    }, 20_000, "the receipt to be anchored");
    const emptyReceipt = await eventually(async () => {
      const r = (await api.get(`/v1/evidence/${empty.body.id}/receipt`)).body;
      return r.status === "anchored" ? r : undefined;
    }, 20_000, "the 0-byte record's receipt");
    const dir = consortium.dir;
    await writeFile(join(dir, "agreement.pdf"), file);
    await writeFile(join(dir, "agreement.receipt.json"), JSON.stringify(receipt));
    await writeFile(join(dir, "empty.pdf"), new Uint8Array(0));
    await writeFile(join(dir, "empty.receipt.json"), JSON.stringify(emptyReceipt));
    const tampered = Buffer.from(file);
    tampered[tampered.length - 1] = tampered[tampered.length - 1]! ^ 0x20;
    await writeFile(join(dir, "tampered.pdf"), tampered);
    const contract = consortium.deployment.contracts.EvidenceRegistry.address;
    const online = ["--rpc", consortium.anvil.rpcUrl, "--contract", contract, "--json"];

    const cli = await caseledger(["verify", join(dir, "agreement.pdf"), join(dir, "agreement.receipt.json"), ...online]);
    expect(cli.code).to.equal(0);
    const viaCli = JSON.parse(cli.stdout);
    const viaApi = (await api.post("/v1/verify", { receipt, sha256: sha256(file), size: file.length })).body;
    expect(viaCli.verdict).to.equal("valid");
    expect(viaApi.verdict).to.equal("valid");
    expect(viaCli.steps.map((s: { code: string }) => s.code)).to.deep.equal(viaApi.steps.map((s: { code: string }) => s.code));
    expect(viaCli.anchor).to.deep.equal(viaApi.anchor);
    const provider = new JsonRpcProvider(consortium.anvil.rpcUrl, undefined, { staticNetwork: true });
    try {
      const { evidenceRegistry } = await connectContracts(consortium.deployment, provider);
      expect(await evidenceRegistry.verifyRecord(1, receipt.checkpoint.treeSize, receipt.leafIndex, Buffer.from(receipt.record), receipt.inclusionProof)).to.equal(true);
    } finally {
      provider.destroy();
    }

    const zero = await caseledger(["verify", join(dir, "empty.pdf"), join(dir, "empty.receipt.json"), ...online]);
    expect(JSON.parse(zero.stdout).verdict).to.equal("valid");

    const offline = await caseledger(["verify", join(dir, "agreement.pdf"), join(dir, "agreement.receipt.json")]);
    expect(offline.code).to.equal(5);
    expect(offline.stdout).to.match(/INCOMPLETE/);
    expect(offline.stdout).to.match(/offline: the anchor was not checked/);

    const bad = await caseledger(["verify", join(dir, "tampered.pdf"), join(dir, "agreement.receipt.json"), ...online]);
    expect(bad.code).to.equal(1);
    expect(JSON.parse(bad.stdout)).to.include({ verdict: "invalid", failedStep: "file" });

    const missing = await caseledger(["verify", join(dir, "nope.pdf"), join(dir, "agreement.receipt.json")]);
    expect(missing.code).to.equal(3);
  });
});
