import { createHash, getHashes } from "node:crypto";

/**
 * SM3 (GB/T 32905-2016, ISO/IEC 10118-3:2018), the Chinese national hash standard (国密), as an incremental hasher.
 * OpenSSL's implementation is used when Node was built with it; otherwise this module's own, which the tests check
 * against the standard's examples and against OpenSSL. 256-bit output, lowercase hex.
 */
export interface Sm3Hasher {
  update(data: Uint8Array): Sm3Hasher;
  digest(): string;
}

const IV = [0x7380166f, 0x4914b2b9, 0x172442d7, 0xda8a0600, 0xa96f30bc, 0x163138aa, 0xe38dee4d, 0xb0fb0e4e];
const rotl = (x: number, n: number) => ((x << (n & 31)) | (x >>> (32 - (n & 31)))) >>> 0;
const p0 = (x: number) => (x ^ rotl(x, 9) ^ rotl(x, 17)) >>> 0;
const p1 = (x: number) => (x ^ rotl(x, 15) ^ rotl(x, 23)) >>> 0;
const T = Array.from({ length: 64 }, (_, j) => rotl(j < 16 ? 0x79cc4519 : 0x7a879d8a, j % 32));

/** The standard's algorithm in plain TypeScript (no OpenSSL). */
export class PureSm3 implements Sm3Hasher {
  readonly #v = Uint32Array.from(IV);
  readonly #block = new Uint8Array(64);
  readonly #w = new Uint32Array(68);
  readonly #w1 = new Uint32Array(64);
  #used = 0;
  #length = 0; // bytes; safe up to 2^53
  #done = false;

  update(data: Uint8Array): this {
    if (this.#done) throw new Error("digest() was already called");
    this.#length += data.length;
    this.#absorb(data);
    return this;
  }

  digest(): string {
    if (this.#done) throw new Error("digest() was already called");
    this.#done = true;
    const bits = BigInt(this.#length) * 8n;
    const padLength = this.#used < 56 ? 56 - this.#used : 120 - this.#used;
    const tail = new Uint8Array(padLength + 8);
    tail[0] = 0x80;
    new DataView(tail.buffer).setBigUint64(padLength, bits, false);
    this.#absorb(tail);
    return Array.from(this.#v, (x) => x.toString(16).padStart(8, "0")).join("");
  }

  #absorb(data: Uint8Array): void {
    let offset = 0;
    while (offset < data.length) {
      const take = Math.min(64 - this.#used, data.length - offset);
      this.#block.set(data.subarray(offset, offset + take), this.#used);
      this.#used += take;
      offset += take;
      if (this.#used === 64) {
        this.#compress(this.#block);
        this.#used = 0;
      }
    }
  }

  #compress(block: Uint8Array): void {
    const w = this.#w;
    const w1 = this.#w1;
    const view = new DataView(block.buffer, block.byteOffset, 64);
    for (let j = 0; j < 16; j++) w[j] = view.getUint32(j * 4, false);
    for (let j = 16; j < 68; j++) {
      w[j] = (p1((w[j - 16]! ^ w[j - 9]! ^ rotl(w[j - 3]!, 15)) >>> 0) ^ rotl(w[j - 13]!, 7) ^ w[j - 6]!) >>> 0;
    }
    for (let j = 0; j < 64; j++) w1[j] = (w[j]! ^ w[j + 4]!) >>> 0;
    const v = this.#v;
    let a = v[0]!, b = v[1]!, c = v[2]!, d = v[3]!, e = v[4]!, f = v[5]!, g = v[6]!, h = v[7]!;
    for (let j = 0; j < 64; j++) {
      const a12 = rotl(a, 12);
      const ss1 = rotl((a12 + e + T[j]!) >>> 0, 7);
      const ss2 = (ss1 ^ a12) >>> 0;
      const ff = j < 16 ? a ^ b ^ c : (a & b) | (a & c) | (b & c);
      const gg = j < 16 ? e ^ f ^ g : (e & f) | (~e & g);
      const tt1 = ((ff >>> 0) + d + ss2 + w1[j]!) >>> 0;
      const tt2 = ((gg >>> 0) + h + ss1 + w[j]!) >>> 0;
      d = c;
      c = rotl(b, 9);
      b = a;
      a = tt1;
      h = g;
      g = rotl(f, 19);
      f = e;
      e = p0(tt2);
    }
    const out = [a, b, c, d, e, f, g, h];
    for (let i = 0; i < 8; i++) v[i] = (v[i]! ^ out[i]!) >>> 0;
  }
}

let openSslHasSm3: boolean | undefined;

/** Whether Node's OpenSSL provides SM3 (it usually does; some distribution builds leave it out). */
export function nativeSm3Available(): boolean {
  openSslHasSm3 ??= getHashes().includes("sm3");
  return openSslHasSm3;
}

/** An SM3 hasher: OpenSSL's when available (several times faster), else {@link PureSm3}. */
export function createSm3(): Sm3Hasher {
  if (!nativeSm3Available()) return new PureSm3();
  const hash = createHash("sm3");
  const hasher: Sm3Hasher = {
    update(data) {
      hash.update(data);
      return hasher;
    },
    digest: () => hash.digest("hex"),
  };
  return hasher;
}
