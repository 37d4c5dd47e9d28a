import { expect } from "chai";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EVM_VERSION } from "../../../hardhat.config.js";
import { CHAIN_PROFILES } from "../../../node/config.js";
import { generateNetwork } from "../../../scripts/network/generate-network.js";
import { nodeKeyFrom } from "../../../scripts/network/node-keys.js";
import { decodeQbftExtraData } from "../../../scripts/network/qbft-extra-data.js";
import { LOGS_RANGE } from "../../../scripts/network/render.js";
import { parseSpec, SpecError } from "../../../scripts/network/spec.js";
import { checkNetworkDir, keyShapedTokens, listFiles } from "./network-checks.js";

const EXAMPLE_SPEC = "network/consortium.example.json";

describe("scripts/network/generate-network", () => {
  let dir: string;
  let raw: Record<string, unknown> & { nodes: Array<Record<string, unknown>> };
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "caseledger-network-"));
    raw = JSON.parse(await readFile(EXAMPLE_SPEC, "utf8"));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it("writes a QBFT network whose files parse and agree: genesis, extraData, allowlists, configs, compose", async () => {
    const spec = parseSpec(raw);
    const result = await generateNetwork({ spec, outDir: dir, evmVersion: EVM_VERSION, now: 1_800_000_000 });
    expect(result.createdKeys).to.deep.equal(spec.nodes.map((n) => n.name));
    expect(result.genesisKept).to.equal(false);
    expect(result.validatorsToVoteIn).to.deep.equal([]);
    const { genesis } = await checkNetworkDir(dir, spec, EVM_VERSION);
    expect(genesis.timestamp).to.equal(`0x${(1_800_000_000).toString(16)}`);

    // The validators are the addresses of the private keys in the validators' key files.
    const keys = new Map<string, ReturnType<typeof nodeKeyFrom>>();
    for (const n of spec.nodes) keys.set(n.name, nodeKeyFrom(await readFile(join(dir, "nodes", n.name, "key"), "utf8")));
    const validatorAddresses = spec.nodes.filter((n) => n.role === "validator").map((n) => keys.get(n.name)!.address);
    expect(decodeQbftExtraData(genesis.extraData as string).validators).to.deep.equal(validatorAddresses);
    expect(result.summary.validators.map((v) => v.address)).to.deep.equal(validatorAddresses);

    // The gateway's "besu" profile pages logs the way these nodes allow, and sends at the gas price they mine.
    expect(CHAIN_PROFILES.besu.logPageBlocks).to.be.at.most(LOGS_RANGE);
    expect(CHAIN_PROFILES.besu.gasPrice).to.equal(0n);
    expect(result.summary.gatewayChain[0]).to.deep.equal({ node: "rpc", chain: { profile: "besu", rpcUrl: "http://127.0.0.1:8545" } });
  });

  it("keeps each private key in its own mode-600 key file and nowhere else", async () => {
    const spec = parseSpec(raw);
    await generateNetwork({ spec, outDir: dir, evmVersion: EVM_VERSION });
    const files = await listFiles(dir);
    const keyFiles = files.filter((f) => f.endsWith("/key"));
    expect(keyFiles).to.have.length(spec.nodes.length);
    const secrets = new Set<string>();
    for (const f of keyFiles) {
      expect((await stat(join(dir, f))).mode & 0o777, f).to.equal(0o600);
      const text = await readFile(join(dir, f), "utf8");
      expect(text).to.match(/^0x[0-9a-f]{64}$/); // Besu's own key-file format
      secrets.add(text.slice(2));
    }
    for (const f of files.filter((f) => !f.endsWith("/key"))) {
      const text = (await readFile(join(dir, f), "utf8")).toLowerCase();
      for (const token of keyShapedTokens(text)) expect(secrets.has(token), `${f} holds a node's private key`).to.equal(false);
      for (const s of secrets) expect(text.includes(s), `${f} holds a node's private key`).to.equal(false);
    }
  });

  it("re-runs without touching keys or genesis; a new validator gets a key, the allowlists, and must be voted in", async () => {
    const first = parseSpec(raw);
    await generateNetwork({ spec: first, outDir: dir, evmVersion: EVM_VERSION });
    const genesisBefore = await readFile(join(dir, "genesis.json"), "utf8");
    const keyBefore = await readFile(join(dir, "nodes", "bank", "key"), "utf8");

    raw.nodes.push({ name: "amc", member: "示例资产管理", role: "validator", host: "127.0.0.1", p2pPort: 30307, rpcPort: 8547, metricsPort: 9547 });
    const second = parseSpec(raw);
    const result = await generateNetwork({ spec: second, outDir: dir, evmVersion: EVM_VERSION });
    expect(result.genesisKept).to.equal(true);
    expect(result.createdKeys).to.deep.equal(["amc"]);
    expect(await readFile(join(dir, "genesis.json"), "utf8")).to.equal(genesisBefore);
    expect(await readFile(join(dir, "nodes", "bank", "key"), "utf8")).to.equal(keyBefore);
    const amc = nodeKeyFrom(await readFile(join(dir, "nodes", "amc", "key"), "utf8"));
    expect(result.validatorsToVoteIn).to.deep.equal([amc.address]);
    const permissions = await readFile(join(dir, "permissions_config.toml"), "utf8");
    expect(permissions).to.include(`enode://${amc.publicKey}@127.0.0.1:30307`);
    // The genesis still names the first four: the fifth joins by qbft_proposeValidatorVote (network/README.md).
    expect(decodeQbftExtraData(JSON.parse(genesisBefore).extraData).validators).to.not.include(amc.address);
  });

  it("writes no key at all in --public-only mode and keeps the node ids of existing key.pub files", async () => {
    const spec = parseSpec(raw);
    await generateNetwork({ spec, outDir: dir, evmVersion: EVM_VERSION, publicOnly: true });
    const files = await listFiles(dir);
    expect(files.filter((f) => f.endsWith("/key"))).to.deep.equal([]);
    const pubBefore = await readFile(join(dir, "nodes", "rpc", "key.pub"), "utf8");
    await generateNetwork({ spec, outDir: dir, evmVersion: EVM_VERSION, publicOnly: true, newGenesis: true });
    expect(await readFile(join(dir, "nodes", "rpc", "key.pub"), "utf8")).to.equal(pubBefore);
    await checkNetworkDir(dir, spec, EVM_VERSION);
  });

  it("follows the compiler: the milestones of another EVM version, and a refusal for one Besu has no milestone for", async () => {
    const spec = parseSpec(raw);
    await generateNetwork({ spec, outDir: dir, evmVersion: "shanghai" });
    const genesis = JSON.parse(await readFile(join(dir, "genesis.json"), "utf8"));
    expect(genesis.config).to.include({ londonBlock: 0, shanghaiTime: 0 });
    expect(genesis.config).to.not.have.property("cancunTime");
    await checkNetworkDir(dir, spec, "shanghai");
    let error: unknown;
    await generateNetwork({ spec, outDir: dir, evmVersion: "paris", newGenesis: true }).catch((e: unknown) => (error = e));
    expect(String(error)).to.match(/evmVersion paris has no Besu milestone/);
  });

  it("its checks catch a network directory that disagrees with itself", async () => {
    const spec = parseSpec(raw);
    await generateNetwork({ spec, outDir: dir, evmVersion: EVM_VERSION });
    const edits: Array<[string, (text: string) => string, RegExp]> = [
      ["genesis.json", (t) => t.replace('"cancunTime": 0,', ""), /the genesis milestones' EVM version/],
      ["genesis.json", (t) => t.replace('"zeroBaseFee": true', '"zeroBaseFee": false'), /zeroBaseFee/],
      ["permissions_config.toml", (t) => t.replace(/\n {2}"enode:[^\n]*30311",?/, ""), /nodes-allowlist/],
      ["nodes/cfc/config.toml", (t) => t.replace('genesis-file="/opt/besu/genesis.json"', 'genesis-file="/opt/besu/other.json"'), /^AssertionError: cfc/],
      ["nodes/rpc/config.toml", (t) => t.replace('rpc-http-api=["ETH","NET","WEB3"]', 'rpc-http-api=["ETH","NET","ADMIN"]'), /rpc exposes ADMIN/],
      ["docker-compose.yml", (t) => t.replace("      - ./genesis.json:/opt/besu/genesis.json:ro\n", ""), /docker-compose\.yml mounts \.\/genesis\.json/],
    ];
    for (const [file, edit, message] of edits) {
      const path = join(dir, file);
      const original = await readFile(path, "utf8");
      const changed = edit(original);
      expect(changed, `${file}: the edit must change something`).to.not.equal(original);
      await writeFile(path, changed);
      let error: unknown;
      await checkNetworkDir(dir, spec, EVM_VERSION).catch((e: unknown) => (error = e));
      expect(String(error), file).to.match(message);
      await writeFile(path, original);
    }
    await checkNetworkDir(dir, spec, EVM_VERSION);
  });

  it("refuses a description QBFT or the consortium cannot live with, naming every problem and its place", () => {
    const bad = structuredClone(raw);
    bad.nodes = bad.nodes.filter((n) => n.name !== "lawfirm"); // 3 validators
    bad.nodes[1]!.member = bad.nodes[0]!.member; // one member, two validators
    bad.nodes[2]!.p2pPort = bad.nodes[0]!.p2pPort; // same host and port
    bad.nodes[3]!.hostAllowlist = ["*"];
    bad.nodes[0]!.hostAllowlist = ["localhost"]; // a validator's RPC is loopback-only
    bad.qbft = { blockPeriodSeconds: 5, requestTimeoutSeconds: 5 };
    bad.accountsAllowlist = ["0x123"];
    bad.chainId = 0;
    try {
      parseSpec(bad);
      expect.fail("accepted an invalid description");
    } catch (e) {
      expect(e).to.be.instanceOf(SpecError);
      const problems = (e as SpecError).problems.join("\n");
      for (const expected of [
        /at least 4 validators.*has 3/,
        /runs 2 validators/,
        /collector\.p2pPort: 127\.0\.0\.1:30303 is already taken by bank\.p2pPort/,
        /nodes\[3\]\.hostAllowlist must list the host names/,
        /nodes\[0\]: a validator's JSON-RPC listens on 127\.0\.0\.1 only/,
        /requestTimeoutSeconds must be longer than qbft\.blockPeriodSeconds/,
        /accountsAllowlist\[0\] is not an address/,
        /chainId must be an integer/,
      ]) {
        expect(problems).to.match(expected);
      }
    }
  });
});
