import { writeFile } from "node:fs/promises";
import { isError, JsonRpcProvider } from "ethers";
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
    const own = await connectContracts(consortium.deployment, m.wallet.connect(provider));
    // A running gateway sends with the same key (its anchorer notarizes at start): a nonce taken under it is retried.
    for (let attempt = 1; ; attempt++) {
      try {
        await (await own.memberRegistry.updateMetadata(m.id, metadataHash(meta))).wait();
        break;
      } catch (error) {
        const raced = isError(error, "NONCE_EXPIRED") || isError(error, "REPLACEMENT_UNDERPRICED");
        if (!raced || attempt === 10) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
      }
    }
    file.members.push({ id: m.id, metadata: meta });
  }
  await writeFile(directoryFileOf(consortium.members[0]!.config.chain.deploymentFile), JSON.stringify(file));
  provider.destroy();
}
