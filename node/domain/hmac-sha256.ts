/**
 * HMAC-SHA256 (RFC 2104, FIPS 180-4) for one fixed key and many short messages: the key's inner and outer pad
 * blocks are compressed once, so a message of up to 55 bytes costs two compressions and no allocation. The ingest
 * pseudonymizes two short strings per row of a million-row upload; node:crypto's createHmac costs ~2.5 µs a call
 * there (object, key setup, digest buffer), this ~0.5 µs. Checked against node:crypto in the tests.
 */
const K = Int32Array.of(
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
);
const INITIAL = Int32Array.of(0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19);
const BLOCK = 64;

/** The SHA-256 compression function: `state` absorbs the 64-byte block of `bytes` at `offset`. */
function compress(state: Int32Array, bytes: Uint8Array, offset: number, w: Int32Array): void {
  for (let i = 0; i < 16; i++) {
    const j = offset + i * 4;
    w[i] = ((bytes[j] as number) << 24) | ((bytes[j + 1] as number) << 16) | ((bytes[j + 2] as number) << 8) | (bytes[j + 3] as number);
  }
  for (let i = 16; i < 64; i++) {
    const x = w[i - 15] as number;
    const y = w[i - 2] as number;
    const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
    const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
    w[i] = ((w[i - 16] as number) + s0 + (w[i - 7] as number) + s1) | 0;
  }
  let a = state[0] as number;
  let b = state[1] as number;
  let c = state[2] as number;
  let d = state[3] as number;
  let e = state[4] as number;
  let f = state[5] as number;
  let g = state[6] as number;
  let h = state[7] as number;
  for (let i = 0; i < 64; i++) {
    const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (h + s1 + ((e & f) ^ (~e & g)) + (K[i] as number) + (w[i] as number)) | 0;
    const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (s0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  state[0] = ((state[0] as number) + a) | 0;
  state[1] = ((state[1] as number) + b) | 0;
  state[2] = ((state[2] as number) + c) | 0;
  state[3] = ((state[3] as number) + d) | 0;
  state[4] = ((state[4] as number) + e) | 0;
  state[5] = ((state[5] as number) + f) | 0;
  state[6] = ((state[6] as number) + g) | 0;
  state[7] = ((state[7] as number) + h) | 0;
}

const encoder = new TextEncoder();

export class HmacSha256 {
  readonly #inner = INITIAL.slice();
  readonly #outer = INITIAL.slice();
  readonly #w = new Int32Array(64);
  readonly #state = new Int32Array(8);
  /** Message bytes with their padding (grown for long messages). */
  #buffer = new Uint8Array(4 * BLOCK);
  readonly #outerBlock = new Uint8Array(BLOCK);

  /** `key` of at most 64 bytes (a pepper is 32). */
  constructor(key: Uint8Array) {
    if (key.length > BLOCK) throw new TypeError("HmacSha256: keys longer than 64 bytes are not supported");
    const pad = new Uint8Array(BLOCK);
    pad.fill(0x36);
    for (let i = 0; i < key.length; i++) pad[i] = (pad[i] as number) ^ (key[i] as number);
    compress(this.#inner, pad, 0, this.#w);
    pad.fill(0x5c);
    for (let i = 0; i < key.length; i++) pad[i] = (pad[i] as number) ^ (key[i] as number);
    compress(this.#outer, pad, 0, this.#w);
    pad.fill(0);
    // The outer message is always the 32-byte inner digest: its padding never changes.
    this.#outerBlock[32] = 0x80;
    this.#outerBlock[62] = ((BLOCK + 32) * 8) >>> 8;
    this.#outerBlock[63] = ((BLOCK + 32) * 8) & 0xff;
  }

  /**
   * HMAC of `message` (UTF-8 encoded) as eight big-endian 32-bit words in `out` (valid until the next call when
   * `out` is omitted).
   */
  digestWords(message: string, out: Int32Array = this.#state): Int32Array {
    const length = this.#encode(message);
    let buffer = this.#buffer;
    const padded = (length + 9 + BLOCK - 1) & ~(BLOCK - 1);
    if (padded > buffer.length) {
      const grown = new Uint8Array(padded * 2);
      grown.set(buffer.subarray(0, length));
      this.#buffer = buffer = grown;
    }
    buffer[length] = 0x80;
    buffer.fill(0, length + 1, padded - 8);
    // Bit length of ipad block + message; messages here are far below 2^29 bytes.
    const bits = (BLOCK + length) * 8;
    buffer[padded - 8] = 0;
    buffer[padded - 7] = 0;
    buffer[padded - 6] = 0;
    buffer[padded - 5] = Math.floor(bits / 2 ** 32) & 0xff;
    buffer[padded - 4] = bits >>> 24;
    buffer[padded - 3] = (bits >>> 16) & 0xff;
    buffer[padded - 2] = (bits >>> 8) & 0xff;
    buffer[padded - 1] = bits & 0xff;
    const state = out;
    state.set(this.#inner);
    for (let offset = 0; offset < padded; offset += BLOCK) compress(state, buffer, offset, this.#w);
    const block = this.#outerBlock;
    for (let i = 0; i < 8; i++) {
      const word = state[i] as number;
      block[i * 4] = word >>> 24;
      block[i * 4 + 1] = (word >>> 16) & 0xff;
      block[i * 4 + 2] = (word >>> 8) & 0xff;
      block[i * 4 + 3] = word & 0xff;
    }
    state.set(this.#outer);
    compress(state, block, 0, this.#w);
    return state;
  }

  /** HMAC of `message` (UTF-8) as 32 bytes. */
  digest(message: string): Uint8Array {
    const words = this.digestWords(message);
    const out = new Uint8Array(32);
    for (let i = 0; i < 8; i++) {
      const word = words[i] as number;
      out[i * 4] = word >>> 24;
      out[i * 4 + 1] = (word >>> 16) & 0xff;
      out[i * 4 + 2] = (word >>> 8) & 0xff;
      out[i * 4 + 3] = word & 0xff;
    }
    return out;
  }

  /** Writes `message` as UTF-8 at the start of the buffer; returns its byte length. */
  #encode(message: string): number {
    const n = message.length;
    let buffer = this.#buffer;
    if (n + 9 > buffer.length) this.#buffer = buffer = new Uint8Array((n + 9) * 4);
    for (let i = 0; i < n; i++) {
      const code = message.charCodeAt(i);
      if (code >= 0x80) {
        // Not ASCII: let TextEncoder do the rest (at most 3 bytes per UTF-16 code unit).
        if (i + (n - i) * 3 + 9 > buffer.length) {
          const grown = new Uint8Array(i + (n - i) * 3 + 9 + BLOCK);
          grown.set(buffer.subarray(0, i));
          this.#buffer = buffer = grown;
        }
        return i + encoder.encodeInto(message.slice(i), buffer.subarray(i)).written;
      }
      buffer[i] = code;
    }
    return n;
  }
}
