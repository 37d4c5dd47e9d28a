import { randomBytes } from "node:crypto";
import { copyFile, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { JsonRpcProvider, NonceManager, Wallet } from "ethers";
import { ANVIL_DEV_KEY, type AnvilNode, startAnvil } from "../../node/chain/anvil.js";
import { connectContracts } from "../../node/chain/contracts.js";
import { type Deployment, ensureDeployment } from "../../node/chain/deployment.js";
import { DEFAULTS, parseConfig, type GatewayConfig } from "../../node/config.js";
import { encryptionPublicKey, newEncryptionSecret } from "../../node/services/handover-envelope.js";

/**
 * A real consortium for gateway tests: anvil on a free port with its state on disk, the contracts deployed,
 * members admitted with fresh random signing and recovery keys, and per member a data directory with its secret
 * files (mode 600; `keys/recovery.key` stands for the member's cold key: no gateway config names it). Synthetic
 * everything; stop() kills what it started.
 */
export interface TestMember {
  id: number;
  name: string;
  roles: number;
  wallet: Wallet;
  /** The member's cold recovery key (MemberRegistry `recoveryOf`), also written to `keys/recovery.key` in its home. */
  recovery: Wallet;
  /** The member's home directory (its gateway's config paths are relative to it). */
  home: string;
  config: GatewayConfig;
  /** The gateway's X25519 public key (64 hex), to publish in its member metadata. */
  encryptionKey: string;
}

export interface TestConsortium {
  dir: string;
  anvil: AnvilNode;
  deployment: Deployment;
  pepperSecretHex: string;
  members: TestMember[];
  member(name: string): TestMember;
  /** anvil's state file (written every second and on a clean stop). */
  stateFile: string;
  /** Stops anvil; with `kill`, by SIGKILL (the state file then lacks up to its last second). */
  stopChain(options?: { kill?: boolean }): Promise<void>;
  /** Starts anvil again on the same port from its state file — or from `fromFile`, copied over it first (an older state). */
  restartChain(fromFile?: string): Promise<void>;
  stop(): Promise<void>;
}

export { ROLE } from "../../node/domain/consortium/index.js";

/**
 * `persistChain: false` keeps the chain in anvil's memory only: anvil rewrites its whole state file every second, which
 * at a hundred thousand cases costs more than the transactions do (a benchmark of the gateway would measure anvil's
 * disk writes). Restarting such a chain (stopChain/restartChain) loses it.
 */
export async function startConsortium(
  members: Array<{ name: string; roles: number }>,
  options: { persistChain?: boolean } = {},
): Promise<TestConsortium> {
  const dir = await mkdtemp(join(tmpdir(), "caseledger-consortium-"));
  const stateFile = join(dir, "chain", "state.json");
  let anvil = await startAnvil(options.persistChain === false ? {} : { stateFile });
  const deploymentFile = join(dir, "deployment.json");
  const provider = new JsonRpcProvider(anvil.rpcUrl, undefined, { staticNetwork: true });
  const operator = new NonceManager(new Wallet(ANVIL_DEV_KEY, provider));
  const { deployment } = await ensureDeployment({ provider, signer: operator, file: deploymentFile });
  const contracts = await connectContracts(deployment, operator);
  const pepperSecretHex = randomBytes(32).toString("hex");
  const out: TestMember[] = [];
  for (const [i, m] of members.entries()) {
    const wallet = Wallet.createRandom() as unknown as Wallet;
    const recovery = Wallet.createRandom() as unknown as Wallet;
    await (await contracts.memberRegistry.admit(wallet.address, recovery.address, m.roles, `0x${randomBytes(32).toString("hex")}`)).wait();
    // Gas money for the member's own transactions (anvil charges gas; Besu in production does not).
    await (await operator.sendTransaction({ to: wallet.address, value: 10n ** 20n })).wait();
    const home = join(dir, "members", m.name);
    await mkdir(join(home, "keys"), { recursive: true, mode: 0o700 });
    await writeFile(join(home, "keys", "signing.key"), wallet.privateKey.slice(2), { mode: 0o600 });
    await writeFile(join(home, "keys", "recovery.key"), recovery.privateKey.slice(2), { mode: 0o600 });
    await writeFile(join(home, "keys", "pepper.json"), JSON.stringify({ version: 1, secret: pepperSecretHex }), { mode: 0o600 });
    await writeFile(join(home, "keys", "store.key"), randomBytes(32).toString("hex"), { mode: 0o600 });
    const encryptionSecret = newEncryptionSecret();
    await writeFile(join(home, "keys", DEFAULTS.encryptionKeyFileName), encryptionSecret, { mode: 0o600 });
    const config = parseConfig(
      {
        memberId: i + 1,
        memberName: m.name,
        dataDir: "data",
        chain: { rpcUrl: anvil.rpcUrl, deploymentFile },
        secrets: { signingKeyFile: "keys/signing.key", pepperFile: "keys/pepper.json", storeKeyFile: "keys/store.key" },
        http: { port: 0, uploadLimitBytes: 2 * 1024 * 1024 },
        // Test gateways answer plain http on 127.0.0.1.
        handover: { allowHttpPeers: true },
      },
      home,
    );
    out.push({ id: i + 1, name: m.name, roles: m.roles, wallet, recovery, home, config, encryptionKey: encryptionPublicKey(encryptionSecret) });
  }
  provider.destroy();
  const consortium: TestConsortium = {
    dir,
    anvil,
    deployment,
    pepperSecretHex,
    members: out,
    member(name) {
      const found = out.find((m) => m.name === name);
      if (!found) throw new Error(`no member ${name}`);
      return found;
    },
    stateFile,
    async stopChain(options = {}) {
      if (!options.kill) return anvil.stop();
      const exited = new Promise((resolve) => anvil.process.once("exit", resolve));
      if (anvil.process.exitCode === null && anvil.process.signalCode === null) {
        anvil.process.kill("SIGKILL");
        await exited;
      }
    },
    async restartChain(fromFile) {
      await anvil.stop();
      if (fromFile) await copyFile(fromFile, stateFile);
      anvil = await startAnvil({ stateFile, port: anvil.port });
      consortium.anvil = anvil;
    },
    async stop() {
      await anvil.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return consortium;
}
