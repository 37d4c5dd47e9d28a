import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { JsonRpcProvider, Network, NonceManager, Wallet } from "ethers";
import type { GatewayConfig } from "./config.js";
import { readDeployment } from "./chain/deployment.js";
import { ChainError } from "./chain/errors.js";
import { parsePepperFile, type Pepper } from "./domain/pseudonyms.js";
import { createApp } from "./http/app.js";
import { agenciesRouter, profileRouter } from "./http/agencies-router.js";
import { caseListsRouter } from "./http/case-lists-router.js";
import type { Logger } from "./http/error-handler.js";
import { healthRouter, type HealthStatus } from "./http/health-router.js";
import { recoverCaseLists } from "./services/case-list-ingest.js";
import { StaffTokens } from "./services/staff-tokens.js";
import { type GatewayDatabase, openDatabase } from "./store/database.js";
import { PiiCipher } from "./store/pii-cipher.js";
import { parseHexKey, readSecretFile } from "./store/secret-file.js";

export const VERSION = "0.1.0";

export interface Gateway {
  config: GatewayConfig;
  url: string;
  store: GatewayDatabase;
  tokens: StaffTokens;
  provider: JsonRpcProvider;
  signer: NonceManager;
  pepper: Pepper;
  cipher: PiiCipher;
  health(): Promise<HealthStatus>;
  close(): Promise<void>;
}

export interface StartOptions {
  log?: Logger;
}

/** JSON lines on stdout. Callers never pass personal data; messages are about requests, jobs and blocks. */
export const jsonLog: Logger = (event) => process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), ...event })}\n`);

/** Loads the three secrets; each refused when missing, malformed or readable by other users. */
async function loadSecrets(config: GatewayConfig) {
  const signingKey = parseHexKey(await readSecretFile(config.secrets.signingKeyFile, "signing key"), "signing key");
  const pepper = parsePepperFile(await readSecretFile(config.secrets.pepperFile, "pepper"));
  const storeKey = parseHexKey(await readSecretFile(config.secrets.storeKeyFile, "store key"), "store key");
  return { signingKey, pepper, storeKey };
}

/** Starts one member's gateway: store, chain connection, HTTP. The composition root. */
export async function startGateway(config: GatewayConfig, options: StartOptions = {}): Promise<Gateway> {
  const log = options.log ?? jsonLog;
  const { signingKey, pepper, storeKey } = await loadSecrets(config);
  const deployment = await readDeployment(config.chain.deploymentFile);
  if (!deployment) {
    throw new ChainError("DEPLOYMENT_MISSING", `no deployment record at ${config.chain.deploymentFile}; deploy first (npm run deploy)`);
  }
  const store = await openDatabase(config.dataDir);
  const recovered = await recoverCaseLists(store);
  if (recovered.discarded.length || recovered.finished.length) log({ level: "warn", msg: "recovered case lists", ...recovered });

  const provider = new JsonRpcProvider(config.chain.rpcUrl, Network.from(deployment.chainId), {
    staticNetwork: true,
    pollingInterval: 500,
  });
  const signer = new NonceManager(new Wallet(`0x${signingKey.toString("hex")}`, provider));
  const cipher = new PiiCipher(storeKey);
  const tokens = new StaffTokens(store, config.memberId);

  const health = async (): Promise<HealthStatus> => {
    let chain: HealthStatus["chain"];
    try {
      // eth_blockNumber itself: ethers caches getBlockNumber(), and health must see the node as it is now.
      const blockNumber = await Promise.race([
        provider.send("eth_blockNumber", []).then((hex: string) => Number(hex)),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error("timeout")), 2_000)),
      ]);
      chain = { reachable: true, chainId: deployment.chainId, blockNumber };
    } catch (error) {
      chain = { reachable: false, chainId: deployment.chainId, error: (error as Error).message.slice(0, 200) };
    }
    return { status: chain.reachable ? "ok" : "degraded", memberId: config.memberId, memberName: config.memberName, version: VERSION, chain };
  };

  const app = createApp({
    tokens,
    log,
    publicRoutes: { "/v1/health": healthRouter(health) },
    staffRoutes: {
      "/case-lists": caseListsRouter({
        ingest: { store, cipher, pepper, memberId: config.memberId },
        store,
        uploadLimitBytes: config.http.uploadLimitBytes,
      }),
      "/agencies": agenciesRouter(store),
      "/profile": profileRouter(store, config.memberId),
    },
  });
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(config.http.port, config.http.host, () => resolve(s));
    s.once("error", reject);
  });
  // Uploads of hundreds of megabytes take a while; keep idle sockets bounded all the same.
  server.requestTimeout = 30 * 60_000;
  server.headersTimeout = 30_000;
  const address = server.address() as AddressInfo;
  const url = `http://${config.http.host}:${address.port}`;
  log({ level: "info", msg: "gateway started", memberId: config.memberId, url });

  return {
    config,
    url,
    store,
    tokens,
    provider,
    signer,
    pepper,
    cipher,
    health,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      provider.destroy();
      await store.close();
    },
  };
}
