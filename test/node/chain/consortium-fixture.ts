import { copyFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { JsonRpcProvider, Wallet, keccak256, toUtf8Bytes } from "ethers";
import { Level } from "level";
import { ANVIL_CHAIN_ID, ANVIL_DEV_KEY, type AnvilNode, startAnvil } from "../../../node/chain/anvil.js";
import { type ConsortiumContracts, connectContracts } from "../../../node/chain/contracts.js";
import { type Deployment, ensureDeployment } from "../../../node/chain/deployment.js";
import { ROLE } from "../../../node/domain/consortium/index.js";

/**
 * A real anvil with the consortium deployed and four members admitted, for the chain adapter's tests.
 * The keys are anvil's published development keys (accounts 1–4 of its test mnemonic), test-only.
 */
export const DEV_KEYS = {
  lender: "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
  lender2: "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
  agency: "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
  agency2: "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a",
} as const;
export type MemberName = keyof typeof DEV_KEYS;

export const DAY = 86_400;

/**
 * A synthetic bytes32 key (no personal data behind it): `testKey("case", 7)`. Bytes 1–4 name the originator as
 * in a real caseKey (CaseRegistry lets only that member register it): member 1, the lender, unless told.
 */
export function testKey(label: string, i: number, originator = 1): string {
  const hash = keccak256(toUtf8Bytes(`caseledger/test/chain/${label}/${i}`));
  return `${hash.slice(0, 4)}${originator.toString(16).padStart(8, "0")}${hash.slice(12)}`;
}

export interface Consortium {
  dir: string;
  stateFile: string;
  anvil: AnvilNode;
  provider: JsonRpcProvider;
  deployment: Deployment;
  contracts: ConsortiumContracts;
  /** Member ids, admitted in this order: lender 1, lender2 2, agency 3, agency2 4. */
  ids: Record<MemberName, number>;
  /** A Wallet of the member on the current provider. */
  wallet(name: MemberName): Wallet;
  /** Contracts connected to the member's wallet (for sending directly, beside the submitter). */
  as(name: MemberName): Promise<ConsortiumContracts>;
  /** Latest block time. */
  now(): Promise<number>;
  /** Stops anvil (its state is written on the way out). */
  stopChain(): Promise<void>;
  /** Starts anvil again on the same port from the state file (or from `fromFile`, copied over it first). */
  restartChain(fromFile?: string): Promise<void>;
  /** A LevelDB in the temporary directory (closed by close()). */
  level(name?: string): Promise<Level<string, string>>;
  close(): Promise<void>;
}

export async function startConsortium(): Promise<Consortium> {
  const dir = await mkdtemp(join(tmpdir(), "caseledger-chain-"));
  const stateFile = join(dir, "chain", "state.json");
  const levels: Level<string, string>[] = [];
  let anvil = await startAnvil({ stateFile });
  const provider = new JsonRpcProvider(anvil.rpcUrl, ANVIL_CHAIN_ID, { staticNetwork: true, cacheTimeout: -1 });
  try {
    const operator = new Wallet(ANVIL_DEV_KEY, provider);
    const { deployment } = await ensureDeployment({ provider, signer: operator, file: join(dir, "deployment.json") });
    const contracts = await connectContracts(deployment, operator);
    const ids = {} as Record<MemberName, number>;
    for (const name of Object.keys(DEV_KEYS) as MemberName[]) {
      const roles = name.startsWith("lender") ? ROLE.LENDER : ROLE.AGENCY;
      const signer = new Wallet(DEV_KEYS[name]).address;
      await (await contracts.memberRegistry.admit(signer, Wallet.createRandom().address, roles, testKey("metadata", roles))).wait();
      ids[name] = Number(await contracts.memberRegistry.memberIdOf(signer));
    }
    const consortium: Consortium = {
      dir,
      stateFile,
      get anvil() {
        return anvil;
      },
      provider,
      deployment,
      contracts,
      ids,
      wallet: (name) => new Wallet(DEV_KEYS[name], provider),
      as: (name) => connectContracts(deployment, new Wallet(DEV_KEYS[name], provider)),
      async now() {
        const block = await provider.getBlock("latest");
        return block?.timestamp ?? Math.floor(Date.now() / 1000);
      },
      async stopChain() {
        await anvil.stop();
      },
      async restartChain(fromFile) {
        await anvil.stop();
        if (fromFile) await copyFile(fromFile, stateFile);
        anvil = await startAnvil({ port: anvil.port, stateFile });
        if (anvil.rpcUrl !== provider._getConnection().url) throw new Error("anvil came back on another port");
      },
      async level(name = "store") {
        const db = new Level<string, string>(join(dir, name));
        await db.open();
        levels.push(db);
        return db;
      },
      async close() {
        provider.destroy();
        await anvil.stop();
        for (const db of levels) await db.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
    return consortium;
  } catch (error) {
    provider.destroy();
    await anvil.stop();
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
