import { chmod, mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { buildGenesis, type GenesisFile } from "./genesis.js";
import { newNodeKey, nodeKeyFrom, publicNodeKey } from "./node-keys.js";
import { decodeQbftExtraData } from "./qbft-extra-data.js";
import { describeNodes, renderCompose, renderNodeConfig, renderPermissions, renderSummary } from "./render.js";
import type { NetworkSpec } from "./spec.js";
import { parseToml } from "./toml.js";

export interface GenerateOptions {
  spec: NetworkSpec;
  outDir: string;
  /** The compiler's EVM version (hardhat.config.ts): the genesis milestones follow it. */
  evmVersion: string;
  /** Write no key files (a committable example): node ids come from `key.pub` files, or fresh keys whose private half is dropped. */
  publicOnly?: boolean;
  /** Replace an existing genesis.json (only before the chain has started: a new genesis is a new chain). */
  newGenesis?: boolean;
  /** Seconds since the epoch for a new genesis' timestamp. */
  now?: number;
}

export interface GenerateResult {
  files: string[];
  createdKeys: string[];
  genesisKept: boolean;
  /** Validators in the description that the kept genesis does not have: they join by vote (network/README.md). */
  validatorsToVoteIn: string[];
  summary: ReturnType<typeof renderSummary>;
}

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

/**
 * Writes the network's files into `outDir`:
 *   genesis.json, permissions_config.toml, docker-compose.yml, network.json (public summary)
 *   nodes/<name>/key (mode 600, never committed), key.pub, config.toml, permissions/permissions_config.toml, data/ (Besu's)
 * Re-running keeps existing keys and an existing genesis (the chain's identity); configs and allowlists are rewritten
 * from the description, so adding a node is: describe it, re-run, distribute, reload permissions.
 */
export async function generateNetwork(options: GenerateOptions): Promise<GenerateResult> {
  const { spec, outDir } = options;
  const files: string[] = [];
  const createdKeys: string[] = [];
  const put = async (relative: string, text: string, mode = 0o644) => {
    const path = join(outDir, relative);
    await writeFile(path, text, { mode });
    await chmod(path, mode);
    files.push(relative);
  };
  await mkdir(join(outDir, "nodes"), { recursive: true });

  const publicKeys = new Map<string, string>();
  const addresses = new Map<string, string>();
  for (const node of spec.nodes) {
    const dir = join(outDir, "nodes", node.name);
    await mkdir(join(dir, "data"), { recursive: true, mode: 0o700 });
    await mkdir(join(dir, "permissions"), { recursive: true, mode: 0o700 });
    const keyFile = join(dir, "key");
    const pubFile = join(dir, "key.pub");
    let publicKey: string;
    if (await exists(keyFile)) {
      publicKey = nodeKeyFrom(await readFile(keyFile, "utf8")).publicKey;
    } else if (options.publicOnly && (await exists(pubFile))) {
      publicKey = publicNodeKey((await readFile(pubFile, "utf8")).trim().replace(/^0x/, "")).publicKey;
    } else {
      const key = newNodeKey();
      publicKey = key.publicKey;
      if (!options.publicOnly) {
        // As Besu writes its own key files: 0x and 64 hex digits, no newline.
        await put(`nodes/${node.name}/key`, key.privateKey, 0o600);
        createdKeys.push(node.name);
      }
    }
    publicKeys.set(node.name, publicKey);
    addresses.set(node.name, publicNodeKey(publicKey).address);
    await put(`nodes/${node.name}/key.pub`, `0x${publicKey}\n`);
  }
  const nodes = describeNodes(spec, publicKeys, addresses);
  const validators = nodes.filter((n) => n.spec.role === "validator").map((n) => n.address);

  const genesisPath = join(outDir, "genesis.json");
  let genesis: GenesisFile;
  const genesisKept = !options.newGenesis && (await exists(genesisPath));
  if (genesisKept) {
    genesis = JSON.parse(await readFile(genesisPath, "utf8")) as GenesisFile;
  } else {
    genesis = buildGenesis(spec, validators, options.evmVersion, options.now ?? Math.floor(Date.now() / 1000));
    await put("genesis.json", `${JSON.stringify(genesis, null, 2)}\n`);
  }
  const inGenesis = new Set(decodeQbftExtraData(genesis.extraData).validators);
  const validatorsToVoteIn = validators.filter((v) => !inGenesis.has(v));

  const permissions = renderPermissions(spec, nodes);
  await put("permissions_config.toml", permissions);
  for (const node of nodes) {
    await put(`nodes/${node.spec.name}/config.toml`, renderNodeConfig(spec, node, nodes));
    await put(`nodes/${node.spec.name}/permissions/permissions_config.toml`, permissions);
  }
  await put("docker-compose.yml", renderCompose(spec));
  const summary = renderSummary(spec, nodes);
  await put("network.json", `${JSON.stringify(summary, null, 2)}\n`);

  // Read back what was written: a file Besu would refuse must fail here, not on a member's server.
  for (const file of files.filter((f) => f.endsWith(".toml"))) parseToml(await readFile(join(outDir, file), "utf8"));
  JSON.parse(await readFile(genesisPath, "utf8"));
  return { files, createdKeys, genesisKept, validatorsToVoteIn, summary };
}
