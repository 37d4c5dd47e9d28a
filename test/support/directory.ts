import { writeFile } from "node:fs/promises";
import { JsonRpcProvider, NonceManager, Wallet } from "ethers";
import { ANVIL_DEV_KEY } from "../../node/chain/anvil.js";
import { connectContracts } from "../../node/chain/contracts.js";
import { type DirectoryFile, directoryFileOf, type MemberMetadata, metadataHash } from "../../node/services/member-directory.js";
import type { TestConsortium } from "./consortium.js";

/**
 * Publishes the member directory of a test consortium as `npm start` does: members.json beside the deployment
 * record, and each member's metadataHash on chain set to match (by the operator). A member's encryption key is
 * published with it unless the metadata given says otherwise.
 */
export async function publishDirectory(consortium: TestConsortium, metadata: Record<string, MemberMetadata>): Promise<void> {
  const provider = new JsonRpcProvider(consortium.anvil.rpcUrl, undefined, { staticNetwork: true });
  const operator = new NonceManager(new Wallet(ANVIL_DEV_KEY, provider));
  const contracts = await connectContracts(consortium.deployment, operator);
  const file: DirectoryFile = { format: "caseledger-members/1", members: [] };
  for (const m of consortium.members) {
    const given = metadata[m.name];
    if (!given) continue;
    const meta: MemberMetadata = { encryptionKey: m.encryptionKey, ...given };
    await (await contracts.memberRegistry.updateMetadata(m.id, metadataHash(meta))).wait();
    file.members.push({ id: m.id, metadata: meta });
  }
  await writeFile(directoryFileOf(consortium.members[0]!.config.chain.deploymentFile), JSON.stringify(file));
  provider.destroy();
}
