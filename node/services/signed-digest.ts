import { verifyMessage } from "ethers";

/** What signs gateway-to-gateway messages: the member's registered key (an ethers Wallet). */
export interface DigestSigner {
  signMessage(message: Uint8Array): Promise<string>;
}

/** EIP-191 signature of the 32 bytes of a 0x-hex SHA-256 digest (not of its hex text). */
export function signDigest(digest: string, signer: DigestSigner): Promise<string> {
  return signer.signMessage(Buffer.from(digest.slice(2), "hex"));
}

/** The address that signed the 32 digest bytes, or undefined for a signature that does not parse. */
export function digestSigner(digest: string, signature: unknown): string | undefined {
  if (typeof signature !== "string") return undefined;
  try {
    return verifyMessage(Buffer.from(digest.slice(2), "hex"), signature);
  } catch {
    return undefined;
  }
}

/** Whether `signature` over `digest` is by `address` (case-insensitive hex). */
export function signedBy(digest: string, signature: unknown, address: string): boolean {
  return digestSigner(digest, signature)?.toLowerCase() === address.toLowerCase();
}
