/**
 * `npm start`: the embedded consortium chain. Starts anvil on 127.0.0.1 with its state in data/chain/,
 * deploys the contracts once (recorded in data/deployment.json), prints where everything is, and runs
 * until Ctrl-C. A second `npm start` finds the same chain and the same contracts.
 */
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { JsonRpcProvider, NonceManager, Wallet } from "ethers";
import { ANVIL_DEV_KEY, startAnvil } from "../node/chain/anvil.js";
import { ensureDeployment } from "../node/chain/deployment.js";
import { describeError } from "../node/chain/describe-error.js";
import { DEFAULT_DATA_DIR } from "../node/paths.js";

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      "data-dir": { type: "string", default: process.env.CASELEDGER_DATA_DIR ?? DEFAULT_DATA_DIR },
      "chain-port": { type: "string", default: process.env.CASELEDGER_CHAIN_PORT ?? "8545" },
    },
  });
  const dataDir = resolve(values["data-dir"]);
  const log = (line: string) => console.log(`[caseledger] ${line}`);

  const anvil = await startAnvil({ port: Number(values["chain-port"]), stateFile: resolve(dataDir, "chain", "state.json") });
  log(`链节点已启动 / chain node (anvil) at ${anvil.rpcUrl}, chain id ${anvil.chainId}`);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`收到 ${signal}，正在停止并保存链状态 / ${signal}: stopping, saving the chain state`);
    await anvil.stop();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));

  try {
    const provider = new JsonRpcProvider(anvil.rpcUrl, undefined, { staticNetwork: true });
    const { deployment, reused } = await ensureDeployment({
      provider,
      signer: new NonceManager(new Wallet(ANVIL_DEV_KEY, provider)),
      file: resolve(dataDir, "deployment.json"),
      whenMissing: "redeploy",
      log,
    });
    log(reused ? "合约已存在并通过校验 / contracts found and verified" : "合约已部署 / contracts deployed");
    for (const [name, c] of Object.entries(deployment.contracts)) log(`  ${name.padEnd(17)} ${c.address}`);
    log(`数据目录 / data directory: ${dataDir}`);
    log("按 Ctrl-C 停止 / press Ctrl-C to stop");
    provider.destroy();
  } catch (error) {
    await anvil.stop();
    throw error;
  }
}

main().catch((error: unknown) => {
  const message = describeError(error);
  console.error(`[caseledger] 启动失败 / start failed: ${message}`);
  process.exit(1);
});
