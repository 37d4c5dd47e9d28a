import { canonicalDigest } from "../domain/canonical-json.js";
import { digestSigner, type DigestSigner, signDigest } from "./signed-digest.js";

export const ACK_FORMAT = "caseledger-handover-ack/1";

/**
 * The receiving agency's answer to a handover package, signed by its registered signing key: the sender counts a
 * package delivered only on this, checked against the agency's signer on chain, and notarizes its hash.
 */
export interface HandoverAck {
  format: typeof ACK_FORMAT;
  /** The inner package's hash (what the creditor signed and what the evidence log names). */
  packageHash: string;
  agencyId: number;
  creditorId: number;
  accepted: number;
  /** Case keys the chain did not show assigned to the agency by this creditor. */
  rejected: string[];
  receivedAt: string;
}

export interface SignedAck {
  ack: HandoverAck;
  /** 0x-hex SHA-256 of the ack's canonical JSON. */
  ackHash: string;
  /** EIP-191 signature of the 32 ackHash bytes. */
  signature: string;
}

export function ackHash(ack: HandoverAck): string {
  return canonicalDigest(ack);
}

export async function signAck(ack: HandoverAck, signer: DigestSigner): Promise<SignedAck> {
  const hash = ackHash(ack);
  return { ack, ackHash: hash, signature: await signDigest(hash, signer) };
}

/**
 * Why an answer is not a valid acknowledgement of `expect` signed by `signer` (the agency's current key on chain),
 * or undefined when it is.
 */
export function ackProblem(
  answer: unknown,
  expect: { packageHash: string; agencyId: number; creditorId: number; cases: number; signer: string },
): string | undefined {
  const a = answer as Partial<SignedAck> | undefined;
  const ack = a?.ack;
  if (!ack || ack.format !== ACK_FORMAT || typeof a.signature !== "string" || !Array.isArray(ack.rejected)) return "no signed acknowledgement";
  if (ack.packageHash !== expect.packageHash || ack.agencyId !== expect.agencyId || ack.creditorId !== expect.creditorId) return "acknowledgement of another package";
  if (!Number.isSafeInteger(ack.accepted) || ack.accepted + ack.rejected.length !== expect.cases) return "acknowledgement with a wrong case count";
  let hash: string;
  try {
    hash = ackHash(ack);
  } catch {
    return "malformed acknowledgement";
  }
  if (hash !== a.ackHash) return "acknowledgement hash mismatch";
  const recovered = digestSigner(hash, a.signature);
  if (recovered === undefined) return "acknowledgement signature invalid";
  return recovered.toLowerCase() === expect.signer.toLowerCase() ? undefined : "acknowledgement not signed by the agency's registered key";
}
