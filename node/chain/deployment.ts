import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { Contract, ContractFactory, type JsonRpcProvider, type Signer, isAddress, keccak256 } from "ethers";
import { type Artifact, CONTRACT_NAMES, type ContractName, codeMatchesArtifact, loadArtifact } from "./artifacts.js";
import { DEFAULTS } from "../config.js";
import { ChainError } from "./errors.js";
import { freshReceipts, waitForReceipt } from "./rpc.js";

/** Where the consortium contracts live: `data/deployment.json`. */
export interface Deployment {
  format: "caseledger-deployment/1";
  chainId: number;
  deployer: string;
  operator: string;
  /** First block that holds CaseLedger events: where indexers start. */
  deployBlock: number;
  deployedAt: string;
  contracts: Record<ContractName, DeployedContract>;
}

export interface DeployedContract {
  address: string;
  txHash: string;
  block: number;
  /** keccak256 of the runtime code as deployed (immutables filled in). */
  codeHash: string;
}

export interface EnsureDeploymentOptions {
  provider: JsonRpcProvider;
  signer: Signer;
  /** The deployment record to read and (re)write. */
  file: string;
  /** Governance account of the MemberRegistry (a multisig in production). Default: the signer. */
  operator?: string;
  /**
   * What to do when the recorded contracts are not on chain (a fresh or reset chain): `fail` (default,
   * for real networks) or `redeploy` (the embedded development chain).
   */
  whenMissing?: "fail" | "redeploy";
  /** Deploy anew even when the recorded deployment verifies. */
  force?: boolean;
  /** Legacy transactions at this gas price (Besu with free gas: 0). Default: the node's fee market. */
  gasPrice?: bigint;
  log?: (line: string) => void;
}

export interface EnsureDeploymentResult {
  deployment: Deployment;
  /** True when the recorded deployment was verified and reused, false when contracts were deployed. */
  reused: boolean;
}

/** Reads `file`; undefined when it does not exist. Throws DEPLOYMENT_INVALID when it is not a deployment. */
export async function readDeployment(file: string): Promise<Deployment | undefined> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw cause;
  }
  let parsed: Deployment;
  try {
    parsed = JSON.parse(text) as Deployment;
  } catch (cause) {
    throw new ChainError("DEPLOYMENT_INVALID", `${file} is not JSON`, { cause });
  }
  const valid =
    parsed?.format === "caseledger-deployment/1" &&
    Number.isSafeInteger(parsed.chainId) &&
    CONTRACT_NAMES.every((name) => isAddress(parsed.contracts?.[name]?.address));
  if (!valid) throw new ChainError("DEPLOYMENT_INVALID", `${file} is not a CaseLedger deployment record`);
  return parsed;
}

/** Writes the record atomically (temporary file + rename): a crash never leaves half a file. */
async function writeDeployment(file: string, deployment: Deployment): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(deployment, null, 2)}\n`, { mode: 0o644 });
  await rename(tmp, file);
}

/**
 * Checks that every recorded contract is on chain with the code of the current build and wired to the
 * recorded MemberRegistry. Returns the problems found; empty means the deployment is good.
 */
export async function verifyDeployment(
  provider: JsonRpcProvider,
  deployment: Deployment,
  artifacts: Record<ContractName, Artifact>,
): Promise<{ missing: ContractName[]; mismatched: ContractName[] }> {
  const missing: ContractName[] = [];
  const mismatched: ContractName[] = [];
  for (const name of CONTRACT_NAMES) {
    const code = await provider.getCode(deployment.contracts[name].address);
    if (code === "0x") missing.push(name);
    else if (!codeMatchesArtifact(code, artifacts[name])) mismatched.push(name);
  }
  if (missing.length === 0 && mismatched.length === 0) {
    const registry = deployment.contracts.MemberRegistry.address.toLowerCase();
    for (const name of ["CaseRegistry", "EvidenceRegistry", "ConductPolicy"] as const) {
      const contract = new Contract(deployment.contracts[name].address, artifacts[name].abi as never, provider);
      const wired = String(await contract.getFunction("memberRegistry")()).toLowerCase();
      if (wired !== registry) mismatched.push(name);
    }
  }
  return { missing, mismatched };
}

/**
 * Deploys the consortium contracts, or verifies and reuses the deployment recorded in `file`. Never
 * deploys a second set silently: a record whose contracts differ from the build is an error to resolve
 * by hand (`force`), because members and gateways point at the recorded addresses.
 */
export async function ensureDeployment(options: EnsureDeploymentOptions): Promise<EnsureDeploymentResult> {
  const { provider, signer, file } = options;
  const log = options.log ?? (() => {});
  const chainId = Number((await provider.getNetwork()).chainId);
  const artifacts = Object.fromEntries(
    await Promise.all(CONTRACT_NAMES.map(async (name) => [name, await loadArtifact(name)] as const)),
  ) as Record<ContractName, Artifact>;

  const recorded = await readDeployment(file);
  if (recorded && !options.force) {
    if (recorded.chainId !== chainId) {
      throw new ChainError(
        "CHAIN_MISMATCH",
        `${file} records chain ${recorded.chainId} but the node is chain ${chainId}; point --rpc at the right node or use --redeploy`,
      );
    }
    const { missing, mismatched } = await verifyDeployment(provider, recorded, artifacts);
    if (missing.length === 0 && mismatched.length === 0) {
      log(`verified the recorded deployment on chain ${chainId}`);
      return { deployment: recorded, reused: true };
    }
    if (mismatched.length > 0) {
      throw new ChainError(
        "DEPLOYMENT_CODE_MISMATCH",
        `the code at the recorded address of ${mismatched.join(", ")} is not the current build; use --redeploy for a new deployment`,
      );
    }
    if (options.whenMissing !== "redeploy") {
      throw new ChainError(
        "DEPLOYMENT_MISSING",
        `${missing.join(", ")} not found at the recorded address on chain ${chainId} (was the chain reset?); use --redeploy`,
      );
    }
    log(`the recorded contracts are not on this chain (it was reset); deploying anew`);
  }

  const deployer = await signer.getAddress();
  const operator = options.operator ?? deployer;
  if (!isAddress(operator)) throw new ChainError("DEPLOYMENT_INVALID", `operator ${operator} is not an address`);
  const overrides = options.gasPrice === undefined ? {} : { gasPrice: options.gasPrice, type: 0 };

  const deployed = {} as Record<ContractName, DeployedContract>;
  for (const name of CONTRACT_NAMES) {
    const args = name === "MemberRegistry" ? [operator] : [deployed.MemberRegistry.address];
    const factory = new ContractFactory(artifacts[name].abi as never, artifacts[name].bytecode, signer);
    const contract = await factory.deploy(...args, overrides);
    const sent = contract.deploymentTransaction();
    const receipt = sent && (await waitForReceipt(freshReceipts(provider), sent.hash, DEFAULTS.timeouts.receiptMs, { pollMs: DEFAULTS.timeouts.receiptPollMs }));
    if (!receipt || receipt.status !== 1) throw new ChainError("DEPLOYMENT_INVALID", `deploying ${name} failed`);
    const address = await contract.getAddress();
    deployed[name] = {
      address,
      txHash: receipt.hash,
      block: receipt.blockNumber,
      codeHash: keccak256(await provider.getCode(address)),
    };
    log(`deployed ${name} at ${address} (block ${receipt.blockNumber})`);
  }

  const deployment: Deployment = {
    format: "caseledger-deployment/1",
    chainId,
    deployer,
    operator,
    deployBlock: deployed.MemberRegistry.block,
    deployedAt: new Date().toISOString(),
    contracts: deployed,
  };
  await writeDeployment(file, deployment);
  return { deployment, reused: false };
}
