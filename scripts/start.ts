/**
 * `npm start`: the whole consortium on this machine. Starts anvil on 127.0.0.1 with its state in data/chain/,
 * deploys the contracts once (recorded in data/deployment.json), admits the seven demo members once (see
 * scripts/lib/demo-consortium.ts), starts their gateways with the web console, prints the console URL and one
 * staff token per member, and runs until Ctrl-C. A second `npm start` finds the same chain, contracts, members,
 * stores and tokens.
 */
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { JsonRpcProvider, NonceManager, Wallet } from "ethers";
import { ANVIL_DEV_KEY, startAnvil } from "../node/chain/anvil.js";
import { ensureDeployment } from "../node/chain/deployment.js";
import { describeError } from "../node/chain/describe-error.js";
import { ChainError } from "../node/chain/errors.js";
import { bilingual, msg } from "../node/messages/message.js";
import { DEFAULT_DATA_DIR } from "../node/paths.js";
import { type DemoConsortium, startDemoConsortium, tokenTable } from "./lib/demo-consortium.js";

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
  let consortium: DemoConsortium | undefined;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`收到 ${signal}，正在停止网关并保存链状态 / ${signal}: stopping the gateways, saving the chain state`);
    await consortium?.close();
    await anvil.stop();
    log("已停止 / stopped");
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));

  try {
    const provider = new JsonRpcProvider(anvil.rpcUrl, undefined, { staticNetwork: true });
    // One nonce manager for every operator transaction (deployment, admissions, gas money).
    const operator = new NonceManager(new Wallet(ANVIL_DEV_KEY, provider));
    const { deployment, reused } = await ensureDeployment({
      provider,
      signer: operator,
      file: resolve(dataDir, "deployment.json"),
      whenMissing: "redeploy",
      log,
    }).catch((error: unknown) => {
      // Contracts of an older build: redeploying under the old stores (case keys of the old layout, members and
      // tokens of the old registry) would half-work, so stop and say how to start clean.
      if (error instanceof ChainError && error.code === "DEPLOYMENT_CODE_MISMATCH") {
        throw new StartRefused(bilingual(msg("startup.OLD_DEPLOYMENT", { dataDir })), { cause: error });
      }
      throw error;
    });
    log(reused ? "合约已存在并通过校验 / contracts found and verified" : "合约已部署 / contracts deployed");
    for (const [name, c] of Object.entries(deployment.contracts)) log(`  ${name.padEnd(17)} ${c.address}`);
    consortium = await startDemoConsortium({
      dataDir,
      rpcUrl: anvil.rpcUrl,
      deploymentFile: resolve(dataDir, "deployment.json"),
      deployment,
      provider,
      operator,
      log,
    });
    provider.destroy();
    if (stopping) return;
    log(`数据目录 / data directory: ${dataDir}`);
    console.log("");
    console.log(`  控制台 / console:  ${consortium.consoleUrl}`);
    console.log("  打开控制台，粘贴下表中任一令牌登录 / open the console and paste any token below to log in");
    console.log("");
    console.log(tokenTable(consortium).replace(/^/gm, "  "));
    console.log("");
    console.log("  示例数据 / demo data: npm run demo:data   (writes data/demo/*.csv)");
    console.log("");
    log("按 Ctrl-C 停止 / press Ctrl-C to stop");
  } catch (error) {
    await consortium?.close();
    await anvil.stop();
    throw error;
  }
}

/** Start refused with a message that says what to do: never shortened. */
class StartRefused extends Error {}

main().catch((error: unknown) => {
  // A refusal written for people is printed whole; anything else is cut to its first line (describeError).
  const message = error instanceof StartRefused ? error.message : describeError(error);
  console.error(`[caseledger] 启动失败 / start failed: ${message}`);
  process.exit(1);
});
