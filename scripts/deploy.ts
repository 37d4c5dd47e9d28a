/**
 * `npm run deploy -- [--rpc URL] [--out FILE] [--key-file FILE] [--operator ADDRESS] [--gas-price WEI]
 *  [--redeploy] [--json]`
 *
 * Deploys MemberRegistry, CaseRegistry, EvidenceRegistry and ConductPolicy to any JSON-RPC endpoint (anvil on
 * 127.0.0.1:8545 by default) and records them in data/deployment.json. Run again, it verifies the code
 * at the recorded addresses instead of deploying a second time.
 */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { JsonRpcProvider, NonceManager, Wallet } from "ethers";
import { ANVIL_CHAIN_ID, ANVIL_DEV_KEY } from "../node/chain/anvil.js";
import { ensureDeployment } from "../node/chain/deployment.js";
import { describeError } from "../node/chain/describe-error.js";
import { ChainError } from "../node/chain/errors.js";
import { DEFAULT_DATA_DIR } from "../node/paths.js";

const HELP = `用法 / usage: npm run deploy -- [options]
  --rpc URL           JSON-RPC endpoint (default http://127.0.0.1:8545)
  --out FILE          deployment record (default data/deployment.json)
  --key-file FILE     file holding the deployer's private key (hex); not needed on anvil (chain 31337)
  --operator ADDRESS  governance account of the MemberRegistry (default: the deployer)
  --gas-price WEI     send legacy transactions at this gas price (Besu with free gas: 0)
  --redeploy          deploy a new set even if the recorded one is on chain
  --json              print the deployment record as JSON`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      rpc: { type: "string", default: "http://127.0.0.1:8545" },
      out: { type: "string", default: resolve(DEFAULT_DATA_DIR, "deployment.json") },
      "key-file": { type: "string" },
      operator: { type: "string" },
      "gas-price": { type: "string" },
      redeploy: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const provider = new JsonRpcProvider(values.rpc, undefined, { staticNetwork: true });
  let chainId: number;
  try {
    chainId = Number((await provider.getNetwork()).chainId);
  } catch (cause) {
    throw new ChainError("RPC_UNAVAILABLE", `no JSON-RPC node answers at ${values.rpc}`, { cause });
  }
  let key: string;
  if (values["key-file"]) key = (await readFile(values["key-file"], "utf8")).trim();
  else if (chainId === ANVIL_CHAIN_ID) key = ANVIL_DEV_KEY;
  else throw new ChainError("KEY_MISSING", `chain ${chainId} is not a development chain: give --key-file`);

  const log = values.json ? () => {} : (line: string) => console.error(`[deploy] ${line}`);
  const { deployment, reused } = await ensureDeployment({
    provider,
    signer: new NonceManager(new Wallet(key, provider)),
    file: values.out,
    operator: values.operator,
    force: values.redeploy,
    gasPrice: values["gas-price"] === undefined ? undefined : BigInt(values["gas-price"]),
    log,
  });
  if (values.json) {
    console.log(JSON.stringify({ reused, ...deployment }, null, 2));
  } else {
    console.log(reused ? "已验证现有部署 / verified the existing deployment" : "部署完成 / deployed");
    console.log(`  chain ${deployment.chainId}, from block ${deployment.deployBlock}, record ${values.out}`);
    for (const [name, c] of Object.entries(deployment.contracts)) console.log(`  ${name.padEnd(17)} ${c.address}`);
  }
  provider.destroy();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    const message = describeError(error);
    console.error(`部署失败 / deployment failed: ${message}`);
    process.exit(1);
  },
);
