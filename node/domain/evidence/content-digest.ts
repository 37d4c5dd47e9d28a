import { createHash } from "node:crypto";
import { createSm3 } from "./sm3.js";

/** What a verifier or the gateway knows about a file's content: its digests and length. */
export interface ContentDigest {
  /** Lowercase hex, no 0x. */
  sha256: string;
  /** Bytes; absent when a caller gave only a hash. */
  size?: number;
  /** Lowercase hex, when computed. */
  sm3?: string;
}

/** Hashes content chunk by chunk (bounded memory whatever its size): SHA-256 always, SM3 on request. */
export class ContentHasher {
  readonly #sha256 = createHash("sha256");
  readonly #sm3;
  #size = 0;

  constructor(options: { sm3?: boolean } = {}) {
    this.#sm3 = options.sm3 ? createSm3() : undefined;
  }

  update(chunk: Uint8Array): void {
    this.#sha256.update(chunk);
    this.#sm3?.update(chunk);
    this.#size += chunk.length;
  }

  get size(): number {
    return this.#size;
  }

  digest(): Required<Pick<ContentDigest, "sha256" | "size">> & Pick<ContentDigest, "sm3"> {
    return { sha256: this.#sha256.digest("hex"), size: this.#size, ...(this.#sm3 ? { sm3: this.#sm3.digest() } : {}) };
  }
}
