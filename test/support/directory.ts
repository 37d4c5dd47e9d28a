import { writeFile } from "node:fs/promises";
import { JsonRpcProvider, NonceManager } from "ethers";
import { connectContracts } from "../../node/chain/contracts.js";
import { type DirectoryFile, directoryFileOf, type MemberMetadata, metadataHash } from "../../node/services/member-directory.js";
import type { TestConsortium } from "./consortium.js";

/**
 * Publishes the member directory of a test consortium as `npm start` does: members.json beside the deployment
 * record, and each member's metadataHash on chain set to match (by the member's own key: the operator can only propose).
 * A member's encryption key is published with it unless the metadata given says otherwise.
 */
export async function publishDirectory(consortium: TestConsortium, metadata: Record<string, MemberMetadata>): Promise<void> {
  const provider = new JsonRpcProvider(consortium.anvil.rpcUrl, undefined, { staticNetwork: true });
  const file: DirectoryFile = { format: "caseledger-members/1", members: [] };
  for (const m of consortium.members) {
    const given = metadata[m.name];
    if (!given) continue;
    const meta: MemberMetadata = { encryptionKey: m.encryptionKey, ...given };
    const own = await connectContracts(consortium.deployment, new NonceManager(m.wallet.connect(provider)));
    await (await own.memberRegistry.updateMetadata(m.id, metadataHash(meta))).wait();
    file.members.push({ id: m.id, metadata: meta });
  }
  await writeFile(directoryFileOf(consortium.members[0]!.config.chain.deploymentFile), JSON.stringify(file));
  provider.destroy();
}
