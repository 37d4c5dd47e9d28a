import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

/** A sealed value's bytes: what its `v1.<nonce>.<ciphertext>.<tag>` form carries in base64url. */
export interface SealedParts {
  nonce: Buffer;
  body: Buffer;
  tag: Buffer;
}

/**
 * AES-256-GCM encryption of personal data at rest (names, ID numbers, phones). Each value gets a fresh
 * 96-bit nonce; the sealed form is `v1.<nonce>.<ciphertext>.<tag>` in base64url, and `context` (e.g. the
 * record's key) is bound as associated data so that a sealed value copied under another key does not open.
 */
export class PiiCipher {
  static readonly VERSION = "v1";
  readonly #key: Buffer;
  /** Random nonces drawn from a pool: one randomBytes call per 4,096 seals instead of one per seal. */
  #pool = Buffer.alloc(0);
  /** GCM tags are checked at full length: a shorter tag would let a forger try 2^32 values instead of 2^128. */
  static readonly TAG_BYTES = 16;
  #poolOffset = 0;

  constructor(key: Uint8Array) {
    if (key.length !== 32) throw new TypeError("the store key must be 32 bytes");
    this.#key = Buffer.from(key);
  }

  /** A copy of the key, for the ingest's worker thread (workerData: it never leaves the process). */
  exportKey(): Uint8Array {
    return Uint8Array.from(this.#key);
  }

  seal(plaintext: string, context: string): string {
    return PiiCipher.format(this.sealParts(plaintext, context));
  }

  /** seal() without the text form: for stores that keep the bytes (node/store/record-encodings.ts). */
  sealParts(plaintext: string, context: string): SealedParts {
    const nonce = this.#nonce();
    const cipher = createCipheriv("aes-256-gcm", this.#key, nonce, { authTagLength: PiiCipher.TAG_BYTES });
    cipher.setAAD(Buffer.from(context, "utf8"));
    const body = cipher.update(plaintext, "utf8");
    // GCM is a stream mode: final() adds no bytes, it computes the tag.
    const rest = cipher.final();
    return { nonce, body: rest.length === 0 ? body : Buffer.concat([body, rest]), tag: cipher.getAuthTag() };
  }

  /** The text form of a sealed value. */
  static format(parts: SealedParts): string {
    return `${PiiCipher.VERSION}.${parts.nonce.toString("base64url")}.${parts.body.toString("base64url")}.${parts.tag.toString("base64url")}`;
  }

  /** Throws when the value was tampered with, sealed under another key or another context. */
  open(sealed: string, context: string): string {
    const [version, nonce, body, tag] = sealed.split(".");
    if (version !== PiiCipher.VERSION || nonce === undefined || body === undefined || tag === undefined) {
      throw new TypeError("not a sealed value");
    }
    const decipher = createDecipheriv("aes-256-gcm", this.#key, Buffer.from(nonce, "base64url"), { authTagLength: PiiCipher.TAG_BYTES });
    decipher.setAAD(Buffer.from(context, "utf8"));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
  }

  #nonce(): Buffer {
    if (this.#poolOffset + 12 > this.#pool.length) {
      this.#pool = randomBytes(12 * 4096);
      this.#poolOffset = 0;
    }
    const nonce = this.#pool.subarray(this.#poolOffset, this.#poolOffset + 12);
    this.#poolOffset += 12;
    return nonce;
  }

  sealJson(value: unknown, context: string): string {
    return this.seal(JSON.stringify(value), context);
  }

  openJson<T>(sealed: string, context: string): T {
    return JSON.parse(this.open(sealed, context)) as T;
  }
}
