import { computeAddress, SigningKey } from "ethers";
import * as secp256k1 from "tiny-secp256k1";
import { canonicalDigest } from "../../domain/canonical-json.js";
import type { Permit, SignedPermit } from "../../domain/conduct/permit.js";

/**
 * Signs contact permits with the member's registered secp256k1 key through libsecp256k1 compiled to WebAssembly
 * (tiny-secp256k1): a permit is on the path of every call an agency places, and secp256k1 is slow elsewhere (on a
 * 2 GHz Xeon: ~330 µs a signature here, ~1 ms through OpenSSL, which has no fast code for this curve, ~1.1 ms in
 * ethers' JavaScript). The signature is ECDSA over SHA-256 of the permit's canonical JSON (its digest), r ‖ s, low s,
 * with RFC 6979's deterministic nonce; the permit carries the public key, and a verifier checks that its address is
 * the member's signer on chain (docs/design.md §25). Any ECDSA verifier of SHA-256 over secp256k1 checks it (OpenSSL:
 * `dsaEncoding: "ieee-p1363"`).
 */
export interface PermitSigner {
  /** The uncompressed public key, 0x04…. */
  publicKey: string;
  sign(permit: Permit, digest: string): SignedPermit;
}

const hexBytes = (hex: string) => Buffer.from(hex.slice(2), "hex");

/** Signs with `privateKey` (0x + 64 hex). The digest given is the permit's (permitDigest): it is what gets signed. */
export function permitSigner(privateKey: string): PermitSigner {
  const publicKey = new SigningKey(privateKey).publicKey;
  const secret = hexBytes(privateKey);
  return {
    publicKey,
    sign: (permit, digest) => ({ permit, digest, publicKey, signature: `0x${Buffer.from(secp256k1.sign(hexBytes(digest), secret)).toString("hex")}` }),
  };
}

/**
 * Whether `signed` is a permit signed by the key whose address is `signer` (the member's signer on chain): the digest
 * is recomputed from the permit (a digest the permit does not hash to proves nothing), the key's address compared,
 * and the signature checked (any r ‖ s that verifies, high s included, as OpenSSL would).
 */
export function isPermitSignedBy(signed: SignedPermit, signer: string): boolean {
  if (!/^0x04[0-9a-fA-F]{128}$/.test(signed.publicKey) || !/^0x[0-9a-fA-F]{128}$/.test(signed.signature)) return false;
  try {
    // A key that is not a point of the curve throws here (a permit from nobody: false, never an exception).
    if (computeAddress(signed.publicKey).toLowerCase() !== signer.toLowerCase()) return false;
    return secp256k1.verify(hexBytes(canonicalDigest(signed.permit)), hexBytes(signed.publicKey), hexBytes(signed.signature), false);
  } catch {
    return false;
  }
}
