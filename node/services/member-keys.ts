import { Contract, JsonRpcProvider, Wallet } from "ethers";
import type { MemberRegistry } from "../../types/ethers-contracts/index.js";
import { loadArtifact } from "../chain/artifacts.js";
import { decodeRevert, revertInterface } from "../chain/case-revert.js";
import { readDeployment } from "../chain/deployment.js";
import { describeError } from "../chain/describe-error.js";
import { isNetworkError } from "../chain/rpc.js";
import { memberStatusName } from "../domain/consortium/index.js";
import { parseHexKey, readSecretFile } from "../store/secret-file.js";
import { type ProposedChange, proposedChange } from "./pending-change.js";

/**
 * A member's keys in MemberRegistry as its officer manages them with the cold recovery key (`caseledger member`),
 * away from the gateway: read the member's signer, recovery key, status and pending proposal; send `rotateSigner`,
 * `cancelChange` or `changeRecovery` signed with a key file and wait for it to be mined.
 */
export type KeyAction = "rotate-signer" | "cancel-change" | "change-recovery";

export interface MemberKeys {
  memberId: number;
  status: ReturnType<typeof memberStatusName>;
  signer: string;
  recovery: string;
  pending: ProposedChange | null;
}

/** Reads a private key file (mode 600, 64 hex characters); the error never holds the key. */
export async function readKeyFile(path: string): Promise<Wallet> {
  return new Wallet(`0x${parseHexKey(await readSecretFile(path, "key"), "the key").toString("hex")}`);
}

/** The MemberRegistry address named by a deployment file; undefined when the file does not exist. */
export async function registryFromDeployment(file: string): Promise<string | undefined> {
  return (await readDeployment(file))?.contracts.MemberRegistry.address;
}

/** True when the error says the chain node could not be reached. */
export function isChainUnreachable(error: unknown): boolean {
  return isNetworkError(error);
}

/** Runs `task` against MemberRegistry at `address` through `rpc`, signing with `wallet` when given. */
export async function withMemberRegistry<T>(rpc: string, address: string, wallet: Wallet | undefined, task: (registry: MemberRegistry) => Promise<T>): Promise<T> {
  const provider = new JsonRpcProvider(rpc, undefined, { staticNetwork: true });
  try {
    const abi = (await loadArtifact("MemberRegistry")).abi;
    return await task(new Contract(address, abi as never, wallet ? wallet.connect(provider) : provider) as unknown as MemberRegistry);
  } finally {
    provider.destroy();
  }
}

export async function readMemberKeys(registry: MemberRegistry, memberId: number): Promise<MemberKeys> {
  const [member, recovery, pending] = await Promise.all([registry.memberOf(memberId), registry.recoveryOf(memberId), registry.pendingChangeOf(memberId)]);
  return { memberId, status: memberStatusName(member.status), signer: member.signer, recovery, pending: proposedChange(pending) ?? null };
}

/** Sends the change and waits for it; `refused` names the contract's custom error (nothing changed). */
export async function sendKeyChange(
  registry: MemberRegistry,
  action: KeyAction,
  memberId: number,
  to: string | undefined,
  gasPrice: bigint | undefined,
): Promise<{ txHash: string; blockNumber: number } | { refused: string }> {
  const fee = gasPrice === undefined ? {} : { type: 0, gasPrice };
  let tx;
  try {
    if (action === "rotate-signer") tx = await registry.rotateSigner(memberId, to!, fee);
    else if (action === "change-recovery") tx = await registry.changeRecovery(memberId, to!, fee);
    else tx = await registry.cancelChange(memberId, fee);
  } catch (error) {
    if (isNetworkError(error)) throw error;
    return { refused: decodeRevert(revertInterface(registry.interface), error)?.name ?? describeError(error) };
  }
  const mined = await tx.wait();
  if (!mined || mined.status !== 1) return { refused: `transaction ${tx.hash} reverted` };
  return { txHash: mined.hash, blockNumber: mined.blockNumber };
}
