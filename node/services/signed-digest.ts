import { computeAddress, getBytes, hashMessage, Signature } from "ethers";
import * as secp256k1 from "tiny-secp256k1";

/** What signs gateway-to-gateway messages: the member's registered key (an ethers Wallet). */
export interface DigestSigner {
  signMessage(message: Uint8Array): Promise<string>;
  /** An ethers Wallet's key, held in this process: then signed here with libsecp256k1 (see {@link signDigest}). */
  readonly privateKey?: string;
}

const PRIVATE_KEY = /^0x[0-9a-fA-F]{64}$/;

/**
 * EIP-191 signature of the 32 bytes of a 0x-hex SHA-256 digest (not of its hex text). A signer whose private key is
 * in this process (an ethers Wallet) is signed with libsecp256k1 compiled to WebAssembly (tiny-secp256k1): the same
 * RFC 6979 deterministic, low-s signature ethers would give, byte for byte (checked in the tests), at about a third
 * of its CPU time. Every peer message, acknowledgement and bundle is signed here, so that cost is the consortium's.
 */
export function signDigest(digest: string, signer: DigestSigner): Promise<string> {
  const message = Buffer.from(digest.slice(2), "hex");
  const key = signer.privateKey;
  if (typeof key !== "string" || !PRIVATE_KEY.test(key)) return signer.signMessage(message);
  const { signature, recoveryId } = secp256k1.signRecoverable(getBytes(hashMessage(message)), Buffer.from(key.slice(2), "hex"));
  return Promise.resolve(`0x${Buffer.from(signature).toString("hex")}${(27 + recoveryId).toString(16)}`);
}

/**
 * The address that signed the 32 digest bytes, or undefined for a signature that does not parse. The signature is
 * read by ethers (the forms and checks of `verifyMessage`: 65 bytes or EIP-2098's 64, v as 27/28 or 0/1, s in the
 * lower half) and the key recovered by libsecp256k1 (WebAssembly, ~5× faster than ethers' JavaScript here: every
 * peer message received is recovered twice, its envelope and the answer).
 */
export function digestSigner(digest: string, signature: unknown): string | undefined {
  if (typeof signature !== "string") return undefined;
  try {
    const sig = Signature.from(signature);
    const compact = Buffer.from(sig.r.slice(2) + sig.s.slice(2), "hex");
    const publicKey = secp256k1.recover(getBytes(hashMessage(Buffer.from(digest.slice(2), "hex"))), compact, sig.yParity, false);
    return publicKey ? computeAddress(`0x${Buffer.from(publicKey).toString("hex")}`) : undefined;
  } catch {
    return undefined;
  }
}

/** Whether `signature` over `digest` is by `address` (case-insensitive hex). */
export function signedBy(digest: string, signature: unknown, address: string): boolean {
  return digestSigner(digest, signature)?.toLowerCase() === address.toLowerCase();
}
