import { createPrivateKey, createPublicKey, type KeyObject, sign, verify } from "node:crypto";
import { computeAddress, SigningKey } from "ethers";
import { canonicalBytes } from "../../domain/canonical-json.js";
import type { Permit, SignedPermit } from "../../domain/conduct/permit.js";

/**
 * Signs contact permits with the member's registered secp256k1 key through Node's OpenSSL (tens of microseconds, a
 * permit is on the path of every call an agency places; an EIP-191 signature with its recovery bit costs a hundred times
 * more in JavaScript). The signature is ECDSA over SHA-256 of the permit's canonical JSON (its digest), r ‖ s; the
 * permit carries the public key, and a verifier checks that its address is the member's signer on chain
 * (docs/design.md §25).
 */
export interface PermitSigner {
  /** The uncompressed public key, 0x04…. */
  publicKey: string;
  sign(permit: Permit, digest: string): SignedPermit;
}

const b64url = (hex: string) => Buffer.from(hex, "hex").toString("base64url");

export function permitSigner(privateKey: string): PermitSigner {
  const publicKey = new SigningKey(privateKey).publicKey;
  const x = publicKey.slice(4, 68);
  const y = publicKey.slice(68);
  const key = createPrivateKey({ key: { kty: "EC", crv: "secp256k1", d: b64url(privateKey.replace(/^0x/, "")), x: b64url(x), y: b64url(y) }, format: "jwk" });
  return {
    publicKey,
    sign: (permit, digest) => ({ permit, digest, publicKey, signature: `0x${sign("sha256", canonicalBytes(permit), { key, dsaEncoding: "ieee-p1363" }).toString("hex")}` }),
  };
}

function publicKeyObject(publicKey: string): KeyObject | undefined {
  if (!/^0x04[0-9a-fA-F]{128}$/.test(publicKey)) return undefined;
  return createPublicKey({ key: { kty: "EC", crv: "secp256k1", x: b64url(publicKey.slice(4, 68)), y: b64url(publicKey.slice(68)) }, format: "jwk" });
}

/** Whether `signed` is a permit signed by the key whose address is `signer` (the member's signer on chain). */
export function isPermitSignedBy(signed: SignedPermit, signer: string): boolean {
  const key = publicKeyObject(signed.publicKey);
  if (!key || computeAddress(signed.publicKey).toLowerCase() !== signer.toLowerCase()) return false;
  if (!/^0x[0-9a-fA-F]{128}$/.test(signed.signature)) return false;
  return verify("sha256", canonicalBytes(signed.permit), { key, dsaEncoding: "ieee-p1363" }, Buffer.from(signed.signature.slice(2), "hex"));
}
