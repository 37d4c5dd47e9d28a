import { expect } from "chai";
import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { MILESTONES, evmVersionOf } from "../../../scripts/network/genesis.js";
import { publicNodeKey, enodeUrl } from "../../../scripts/network/node-keys.js";
import { decodeQbftExtraData } from "../../../scripts/network/qbft-extra-data.js";
import { CONTAINER, LOGS_RANGE, RPC_APIS } from "../../../scripts/network/render.js";
import type { NetworkSpec } from "../../../scripts/network/spec.js";
import { parseToml, type TomlDocument } from "../../../scripts/network/toml.js";

/** Every file under `dir`, relative, sorted. */
export async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string) => {
    for (const entry of await readdir(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) await walk(path);
      else out.push(relative(dir, path));
    }
  };
  await walk(dir);
  return out.sort();
}

/**
 * The checks that hold for any network directory the generator wrote (a fresh one with keys, or the committed
 * example without): everything parses, the genesis is QBFT with free gas and the compiler's milestones, its
 * extraData names the validators' node keys, the allowlists and bootnodes name every node, every config points at
 * the shared genesis and the mounts of docker-compose.yml.
 */
export async function checkNetworkDir(dir: string, spec: NetworkSpec, evmVersion: string) {
  const genesis = JSON.parse(await readFile(join(dir, "genesis.json"), "utf8")) as Record<string, unknown> & { config: Record<string, unknown> };
  const summary = JSON.parse(await readFile(join(dir, "network.json"), "utf8")) as { chainId: number; nodes: Array<{ name: string; enode: string; address: string }> };
  const permissions = parseToml(await readFile(join(dir, "permissions_config.toml"), "utf8"));
  const compose = await readFile(join(dir, "docker-compose.yml"), "utf8");

  // Node ids from key.pub (public), enodes from the description's hosts and ports.
  const nodes = await Promise.all(
    spec.nodes.map(async (n) => {
      const pub = (await readFile(join(dir, "nodes", n.name, "key.pub"), "utf8")).trim().replace(/^0x/, "");
      const { address } = publicNodeKey(pub);
      return { spec: n, publicKey: pub, address, enode: enodeUrl(pub, n.host, n.p2pPort) };
    }),
  );

  // Genesis: QBFT, free gas, milestones = the compiler's EVM version, no pre-funded accounts needed.
  const { config } = genesis;
  expect(config.chainId).to.equal(spec.chainId);
  expect(summary.chainId).to.equal(spec.chainId);
  expect(config.qbft).to.deep.equal({
    blockperiodseconds: spec.qbft.blockPeriodSeconds,
    epochlength: spec.qbft.epochLength,
    requesttimeoutseconds: spec.qbft.requestTimeoutSeconds,
  });
  expect(config.zeroBaseFee, "zeroBaseFee").to.equal(true);
  expect(genesis).to.not.have.property("baseFeePerGas");
  for (const other of ["ibft2", "clique", "ethash", "terminalTotalDifficulty", "contractSizeLimit"]) expect(config).to.not.have.property(other);
  expect(evmVersionOf(config), "the genesis milestones' EVM version").to.equal(evmVersion);
  const upTo = MILESTONES.findIndex((m) => m.evm === evmVersion);
  MILESTONES.forEach((m, i) => {
    if (i <= upTo) expect(config[m.key], m.key).to.equal(0);
    else expect(config, `${m.key} is later than ${evmVersion}`).to.not.have.property(m.key);
  });
  expect(genesis.difficulty).to.equal("0x1");
  expect(BigInt(genesis.gasLimit as string)).to.equal(BigInt(spec.gasLimit));
  expect(genesis.alloc).to.deep.equal({});

  // extraData names exactly the validators' node-key addresses, in the description's order.
  const validators = nodes.filter((n) => n.spec.role === "validator");
  expect(decodeQbftExtraData(genesis.extraData as string)).to.deep.equal({
    vanity: `0x${"00".repeat(32)}`,
    validators: validators.map((v) => v.address),
    round: 0,
    seals: [],
  });

  // Permissions: every node's enode, nothing else; the accounts of the description.
  expect([...(permissions["nodes-allowlist"] as string[])].sort(), "nodes-allowlist").to.deep.equal(nodes.map((n) => n.enode).sort());
  expect(summary.nodes.map((n) => n.enode)).to.deep.equal(nodes.map((n) => n.enode));
  if (spec.accountsAllowlist.length) expect(permissions["accounts-allowlist"]).to.deep.equal(spec.accountsAllowlist);
  else expect(permissions).to.not.have.property("accounts-allowlist");

  const configs = new Map<string, TomlDocument>();
  for (const n of nodes) {
    const name = n.spec.name;
    const cfg = parseToml(await readFile(join(dir, "nodes", name, "config.toml"), "utf8"));
    configs.set(name, cfg);
    // Each node's own copy of the allowlists is the shared one.
    expect(parseToml(await readFile(join(dir, "nodes", name, "permissions", "permissions_config.toml"), "utf8"))).to.deep.equal(permissions);
    expect(cfg, name).to.deep.include({
      "genesis-file": CONTAINER.genesis,
      "data-path": CONTAINER.data,
      "node-private-key-file": CONTAINER.key,
      "p2p-host": n.spec.host,
      "p2p-port": n.spec.p2pPort,
      "min-gas-price": 0,
      "revert-reason-enabled": true,
      "permissions-nodes-config-file-enabled": true,
      "permissions-nodes-config-file": CONTAINER.permissions,
      "rpc-http-port": n.spec.rpcPort,
      "rpc-max-logs-range": LOGS_RANGE,
      "rpc-ws-enabled": false,
      "graphql-http-enabled": false,
      "metrics-enabled": true,
      "metrics-host": "127.0.0.1",
    });
    expect(cfg["permissions-accounts-config-file-enabled"] === true, name).to.equal(spec.accountsAllowlist.length > 0);
    // Bootnodes: the other validators, all of them in the allowlist (Besu refuses to start otherwise).
    const boot = cfg.bootnodes as string[];
    expect([...boot].sort()).to.deep.equal(validators.filter((v) => v.spec.name !== name).map((v) => v.enode).sort());
    for (const b of boot) expect(permissions["nodes-allowlist"]).to.include(b);
    // JSON-RPC: validators on loopback with admin APIs; rpc nodes without any admin API, behind a host allowlist.
    const apis = cfg["rpc-http-api"] as string[];
    if (n.spec.role === "validator") {
      expect(cfg["rpc-http-host"], name).to.equal("127.0.0.1");
      expect(apis).to.deep.equal([...RPC_APIS.validator]);
    } else {
      for (const api of apis) expect(["ETH", "NET", "WEB3"], `${name} exposes ${api}`).to.include(api);
      expect(cfg["host-allowlist"]).to.deep.equal(n.spec.hostAllowlist);
      expect(cfg["host-allowlist"]).to.not.include("*");
    }
    // docker-compose.yml mounts the shared genesis, this node's config, key and data where the config says.
    const service = compose.split(/\n(?= {2}[a-z][a-z0-9-]*:)/).find((block) => block.startsWith(`  ${name}:`));
    expect(service, `service ${name}`).to.be.a("string");
    for (const mount of [
      `./genesis.json:${CONTAINER.genesis}:ro`,
      `./nodes/${name}/config.toml:${CONTAINER.config}:ro`,
      `./nodes/${name}/key:${CONTAINER.key}:ro`,
      `./nodes/${name}/permissions:${CONTAINER.permissionsDir}\n`,
      `./nodes/${name}/data:${CONTAINER.data}\n`,
    ]) {
      expect(`${service}\n`.includes(`- ${mount}`), `${name}: docker-compose.yml mounts ${mount.trim()}`).to.equal(true);
    }
    expect(service).to.include(`--config-file=${CONTAINER.config}`);
  }
  expect(compose).to.match(/network_mode: host/);
  expect(compose.match(/^ {2}[a-z][a-z0-9-]*: #/gm)?.length).to.equal(spec.nodes.length);
  return { genesis, nodes, configs, permissions };
}

/** 64-hex-digit tokens (a private key's shape), apart from the BFT mixHash constant. */
export function keyShapedTokens(text: string): string[] {
  return [...text.matchAll(/(?<![0-9a-fA-FxX])(?:0x)?([0-9a-fA-F]{64})(?![0-9a-fA-F])/g)]
    .map((m) => m[1]!.toLowerCase())
    .filter((t) => t !== "63746963616c2062797a616e74696e65206661756c7420746f6c6572616e6365");
}
