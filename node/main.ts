/**
 * `node dist/node/main.js --config FILE` (this file, built; `npm run gateway -- --config FILE` builds first) —
 * runs one member's gateway until SIGINT/SIGTERM.
 * When no admin token is active (first start, or all revoked or expired), it creates one and prints it once:
 * whoever may start the gateway may administer it.
 */
import { parseArgs } from "node:util";
import { ConfigError, loadConfig } from "./config.js";
import { describeError } from "./chain/describe-error.js";
import { ChainError } from "./chain/errors.js";
import { jsonLog, startGateway } from "./gateway.js";
import { bilingual } from "./messages/message.js";
import { SecretFileError } from "./store/secret-file.js";

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { config: { type: "string" } } });
  const file = values.config ?? process.env.CASELEDGER_CONFIG;
  if (!file) {
    console.error("用法 / usage: node dist/node/main.js --config FILE (or CASELEDGER_CONFIG)");
    return 2;
  }
  const config = await loadConfig(file);
  const gateway = await startGateway(config);
  if (!(await gateway.tokens.hasActiveAdmin())) {
    const { token } = await gateway.tokens.create("admin", "initial admin");
    console.error(`[caseledger] 初始管理员令牌（只显示一次）/ initial admin token (shown once): ${token}`);
  }
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  jsonLog({ level: "info", msg: "stopping" });
  await gateway.close();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof ConfigError || error instanceof SecretFileError) console.error(error.message);
    else if (error instanceof ChainError) console.error(`[caseledger] 启动失败 / start failed: ${bilingual(error.text)} (${describeError(error)})`);
    else console.error(`[caseledger] 启动失败 / start failed: ${describeError(error)}`);
    process.exit(error instanceof ConfigError || error instanceof SecretFileError ? 4 : 1);
  },
);
