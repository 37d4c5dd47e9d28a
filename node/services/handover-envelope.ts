import { createHash, randomBytes } from "node:crypto";
import { xchacha20poly1305 } from "@noble/ciphers/chacha.js";
import { x25519 } from "@noble/curves/ed25519.js";
import { hkdf } from "@noble/hashes/hkdf.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { canonicalBytes } from "../domain/canonical-json.js";
import { HANDOVER_MAX_AGE_MS, HANDOVER_MAX_CASES, HANDOVER_MAX_SKEW_MS, type HandoverProblem, type SignedHandover } from "../domain/handover.js";

/**
 * What goes over the wire since handover packages are sealed (docs/design.md §15): the signed package of
 * `caseledger-handover/1` encrypted to the receiving agency's X25519 key (published in its on-chain-hashed member
 * metadata), under a clear header that carries only what the receiver's cheap checks need — no personal data.
 */
export const ENVELOPE_FORMAT = "caseledger-handover/2";
export const ENVELOPE_ALG = "X25519-HKDF-SHA256-XChaCha20Poly1305";

export interface EnvelopeHeader {
  format: typeof ENVELOPE_FORMAT;
  chainId: number;
  caseRegistry: string;
  creditorId: number;
  agencyId: number;
  createdAt: string;
  /** The inner package's nonce (32 hex). */
  nonce: string;
  /** How many cases the sealed package holds. */
  cases: number;
}

export interface SealedHandover {
  header: EnvelopeHeader;
  sealed: {
    alg: typeof ENVELOPE_ALG;
    /** The sender's ephemeral X25519 public key, 64 hex (one key pair per package). */
    epk: string;
    /** XChaCha20 nonce, 48 hex. */
    iv: string;
    /** base64 of ciphertext ‖ 16-byte Poly1305 tag. */
    ciphertext: string;
  };
  /** 0x-hex SHA-256 of canonical JSON {header, alg, epk, iv, ciphertextHash}: what the creditor signed. */
  envelopeHash: string;
  /** EIP-191 signature of the 32 envelopeHash bytes by the creditor member's signing key. */
  signature: string;
}

const INFO = new TextEncoder().encode(ENVELOPE_FORMAT);
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const HEX32 = /^[0-9a-f]{64}$/;

/** A new X25519 secret key as 64 hex digits (the `secrets.encryptionKeyFile` content). */
export function newEncryptionSecret(): string {
  return hex(x25519.utils.randomSecretKey());
}

/** The public key to publish as MemberMetadata.encryptionKey (64 hex digits). */
export function encryptionPublicKey(secretHex: string): string {
  return hex(x25519.getPublicKey(Buffer.from(secretHex, "hex")));
}

export function isEncryptionKey(value: unknown): value is string {
  return typeof value === "string" && HEX32.test(value);
}

function aeadKey(shared: Uint8Array, epk: Uint8Array, recipient: Uint8Array): Uint8Array {
  return hkdf(sha256, shared, Buffer.concat([epk, recipient]), INFO, 32);
}

export function envelopeHash(e: Pick<SealedHandover, "header" | "sealed">): string {
  const ciphertextHash = createHash("sha256").update(Buffer.from(e.sealed.ciphertext, "base64")).digest("hex");
  const signed = { header: e.header, alg: e.sealed.alg, epk: e.sealed.epk, iv: e.sealed.iv, ciphertextHash };
  return `0x${createHash("sha256").update(canonicalBytes(signed)).digest("hex")}`;
}

/** Seals a signed package to the agency's public key and signs the envelope with the creditor's key. */
export async function sealHandover(
  inner: SignedHandover,
  recipientKeyHex: string,
  signer: { signMessage(message: Uint8Array): Promise<string> },
): Promise<SealedHandover> {
  const pkg = inner.package;
  const header: EnvelopeHeader = {
    format: ENVELOPE_FORMAT,
    chainId: pkg.chainId,
    caseRegistry: pkg.caseRegistry,
    creditorId: pkg.creditorId,
    agencyId: pkg.agencyId,
    createdAt: pkg.createdAt,
    nonce: pkg.nonce,
    cases: pkg.cases.length,
  };
  const recipient = Buffer.from(recipientKeyHex, "hex");
  const esk = x25519.utils.randomSecretKey();
  const epk = x25519.getPublicKey(esk);
  const key = aeadKey(x25519.getSharedSecret(esk, recipient), epk, recipient);
  const iv = randomBytes(24);
  const ciphertext = xchacha20poly1305(key, iv, canonicalBytes(header)).encrypt(canonicalBytes(inner));
  const sealed = { alg: ENVELOPE_ALG, epk: hex(epk), iv: hex(iv), ciphertext: Buffer.from(ciphertext).toString("base64") } as const;
  const hash = envelopeHash({ header, sealed });
  const signature = await signer.signMessage(Buffer.from(hash.slice(2), "hex"));
  return { header, sealed, envelopeHash: hash, signature };
}

export type EnvelopeProblem = HandoverProblem | "UNDECRYPTABLE" | "HEADER_MISMATCH";

type Expected = { agencyId: number; chainId: number; caseRegistry: string; now: number };

/** The checks that cost next to nothing, on the clear header and the envelope's shape. */
export function precheckEnvelope(e: SealedHandover, expect: Expected): EnvelopeProblem | undefined {
  const h = e?.header;
  const s = e?.sealed;
  if (!h || h.format !== ENVELOPE_FORMAT || !s || s.alg !== ENVELOPE_ALG || typeof e.signature !== "string" || typeof e.envelopeHash !== "string") return "FORMAT";
  if (typeof s.epk !== "string" || !HEX32.test(s.epk) || typeof s.iv !== "string" || !/^[0-9a-f]{48}$/.test(s.iv) || typeof s.ciphertext !== "string") return "FORMAT";
  if (typeof h.nonce !== "string" || !/^[0-9a-f]{32}$/.test(h.nonce) || typeof h.createdAt !== "string") return "FORMAT";
  if (!Number.isSafeInteger(h.creditorId) || typeof h.caseRegistry !== "string" || !Number.isSafeInteger(h.cases)) return "FORMAT";
  if (h.agencyId !== expect.agencyId) return "WRONG_AGENCY";
  if (h.chainId !== expect.chainId || h.caseRegistry.toLowerCase() !== expect.caseRegistry.toLowerCase()) return "WRONG_CHAIN";
  const age = expect.now - Date.parse(h.createdAt);
  if (!Number.isFinite(age) || age > HANDOVER_MAX_AGE_MS) return "TOO_OLD";
  if (age < -HANDOVER_MAX_SKEW_MS) return "FROM_THE_FUTURE";
  if (h.cases <= 0) return "EMPTY";
  if (h.cases > HANDOVER_MAX_CASES) return "TOO_MANY";
  return undefined;
}

/**
 * Opens an envelope with the agency's secret key. The header is the AEAD's associated data, so a header changed in
 * transit fails here as surely as a changed ciphertext; the inner package must then say what the header said.
 */
export function openHandover(e: SealedHandover, secretHex: string): { inner: SignedHandover } | { problem: EnvelopeProblem } {
  let inner: SignedHandover;
  try {
    const secret = Buffer.from(secretHex, "hex");
    const epk = Buffer.from(e.sealed.epk, "hex");
    const key = aeadKey(x25519.getSharedSecret(secret, epk), epk, x25519.getPublicKey(secret));
    const plain = xchacha20poly1305(key, Buffer.from(e.sealed.iv, "hex"), canonicalBytes(e.header)).decrypt(Buffer.from(e.sealed.ciphertext, "base64"));
    inner = JSON.parse(Buffer.from(plain).toString("utf8")) as SignedHandover;
  } catch {
    return { problem: "UNDECRYPTABLE" };
  }
  const p = inner?.package;
  const h = e.header;
  if (
    !p ||
    !Array.isArray(p.cases) ||
    p.creditorId !== h.creditorId ||
    p.agencyId !== h.agencyId ||
    p.chainId !== h.chainId ||
    p.caseRegistry !== h.caseRegistry ||
    p.createdAt !== h.createdAt ||
    p.nonce !== h.nonce ||
    p.cases.length !== h.cases
  ) {
    return { problem: "HEADER_MISMATCH" };
  }
  return { inner };
}
