/**
 * `npm run network:generate -- [--spec FILE] [--out DIR] [--public-only] [--new-genesis] [--json]`
 *
 * Turns the consortium's network description (default network/consortium.example.json) into a Besu QBFT network in
 * DIR (default network/out, ignored by git): node keys, enode URLs, the genesis with QBFT extraData, permissions,
 * one config.toml per node, docker-compose.yml and network.json. Re-running keeps keys and genesis.
 */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { EVM_VERSION } from "../../hardhat.config.js";
import { generateNetwork } from "./generate-network.js";
import { parseSpec, SpecError } from "./spec.js";

const HELP = `用法 / usage: npm run network:generate -- [options]
  --spec FILE      network description (default network/consortium.example.json)
  --out DIR        output directory (default network/out; never commit it: it holds the node keys)
  --public-only    write no private keys (for a committed example)
  --new-genesis    replace an existing genesis.json (only before the chain has started)
  --json           print the result as JSON`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      spec: { type: "string", default: "network/consortium.example.json" },
      out: { type: "string", default: "network/out" },
      "public-only": { type: "boolean", default: false },
      "new-genesis": { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(values.spec, "utf8"));
  } catch (cause) {
    console.error(`无法读取网络描述 / cannot read the network description ${values.spec}: ${(cause as Error).message}`);
    return 3;
  }
  const spec = parseSpec(raw);
  const outDir = resolve(values.out);
  const result = await generateNetwork({
    spec,
    outDir,
    evmVersion: EVM_VERSION,
    publicOnly: values["public-only"],
    newGenesis: values["new-genesis"],
  });
  if (values.json) {
    console.log(JSON.stringify({ outDir, ...result }, null, 2));
    return 0;
  }
  console.log(`已生成 / generated ${result.files.length} files in ${values.out} (EVM ${EVM_VERSION}, chain ${spec.chainId})`);
  if (result.createdKeys.length) console.log(`  新节点密钥 / new node keys: ${result.createdKeys.join(", ")} (mode 600: keep them off git and backups you do not control)`);
  console.log(result.genesisKept ? "  保留现有创世文件 / kept the existing genesis.json" : "  新创世文件 / new genesis.json");
  for (const v of result.summary.validators) console.log(`  validator ${v.name.padEnd(12)} ${v.address}  (${v.member})`);
  if (result.validatorsToVoteIn.length) {
    console.log(`  需投票加入的验证者 / validators to vote in (qbft_proposeValidatorVote): ${result.validatorsToVoteIn.join(", ")}`);
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof SpecError) {
      console.error(error.message);
      process.exit(3);
    }
    console.error(`生成失败 / generation failed: ${(error as Error).message}`);
    process.exit(1);
  },
);
