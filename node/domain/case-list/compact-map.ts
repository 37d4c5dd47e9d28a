/**
 * A map from strings to 64-bit digests, kept as 64-bit hashes in typed arrays: about 32 bytes per entry
 * instead of the ~150 of a Map of strings, so that de-duplicating a million-row file stays within the
 * streaming memory budget. Keys are compared by a 64-bit hash: a false match needs a ~2^-64 accident, and
 * then the stored 64-bit digest to agree as well.
 */
export class CompactDigestMap {
  #slots: Uint32Array;
  #capacity: number;
  #size = 0;

  constructor(initialCapacity = 1 << 16) {
    let capacity = 16;
    while (capacity < initialCapacity) capacity *= 2;
    this.#capacity = capacity;
    this.#slots = new Uint32Array(capacity * 4);
  }

  get size(): number {
    return this.#size;
  }

  /** The digest stored for `key`, as two 32-bit halves joined in a string, or undefined. */
  get(key: string): string | undefined {
    const [hi, lo] = hash64(key);
    const i = this.#find(hi, lo);
    if (i < 0) return undefined;
    const s = this.#slots;
    return `${s[i + 2]}:${s[i + 3]}`;
  }

  /** Stores `digest` (any string; it is hashed to 64 bits) for `key`; returns false if the key was present. */
  set(key: string, digest: string): boolean {
    if ((this.#size + 1) * 2 > this.#capacity) this.#grow();
    const [hi, lo] = hash64(key);
    const [dhi, dlo] = hash64(digest);
    return this.#insert(hi, lo, dhi, dlo);
  }

  /**
   * One probe for "seen before?": stores the digest (two 32-bit words) under the key (two 32-bit words, not both
   * zero) unless the key is present. Returns {@link INSERTED}, {@link SAME_DIGEST} or {@link OTHER_DIGEST}.
   */
  upsertWords(hi: number, lo: number, dhi: number, dlo: number): number {
    if ((this.#size + 1) * 2 > this.#capacity) this.#grow();
    const i = this.#probe(hi, lo);
    const s = this.#slots;
    if (s[i] === 0 && s[i + 1] === 0) {
      this.#fill(i, hi, lo, dhi, dlo);
      return INSERTED;
    }
    return s[i + 2] === dhi >>> 0 && s[i + 3] === dlo >>> 0 ? SAME_DIGEST : OTHER_DIGEST;
  }

  /** Hash of `digest` in the form {@link get} returns, to compare with. */
  static digestOf(digest: string): string {
    const [hi, lo] = hash64(digest);
    return `${hi}:${lo}`;
  }

  /** Offset of the slot that holds the key, or of the empty slot where it goes (linear probing; keys are never 0:0). */
  #probe(hi: number, lo: number): number {
    const s = this.#slots;
    const mask = this.#capacity - 1;
    let slot = (lo ^ hi) & mask;
    for (;;) {
      const i = slot * 4;
      const khi = s[i] as number;
      const klo = s[i + 1] as number;
      if ((khi === 0 && klo === 0) || (khi === hi && klo === lo)) return i;
      slot = (slot + 1) & mask;
    }
  }

  #fill(i: number, hi: number, lo: number, dhi: number, dlo: number): void {
    const s = this.#slots;
    s[i] = hi;
    s[i + 1] = lo;
    s[i + 2] = dhi;
    s[i + 3] = dlo;
    this.#size += 1;
  }

  #find(hi: number, lo: number): number {
    const i = this.#probe(hi, lo);
    const s = this.#slots;
    return s[i] === 0 && s[i + 1] === 0 ? -1 : i;
  }

  #insert(hi: number, lo: number, dhi: number, dlo: number): boolean {
    const i = this.#probe(hi, lo);
    const s = this.#slots;
    if (s[i] !== 0 || s[i + 1] !== 0) return false;
    this.#fill(i, hi, lo, dhi, dlo);
    return true;
  }

  #grow(): void {
    const old = this.#slots;
    this.#capacity *= 2;
    this.#slots = new Uint32Array(this.#capacity * 4);
    this.#size = 0;
    for (let i = 0; i < old.length; i += 4) {
      if (old[i] !== 0 || old[i + 1] !== 0) this.#insert(old[i] as number, old[i + 1] as number, old[i + 2] as number, old[i + 3] as number);
    }
  }
}

export const INSERTED = 0;
export const SAME_DIGEST = 1;
export const OTHER_DIGEST = 2;

/** Result words of {@link hash64Words} and {@link Hash128.finish} (read them before the next call). */
export const hashWords = new Uint32Array(4);

/** {@link hash64} without allocating: the two words land in hashWords[0] and hashWords[1]. */
export function hash64Words(text: string): void {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  hashWords[0] = h1;
  hashWords[1] = h2;
  if (h1 === 0 && h2 === 0) hashWords[1] = 1;
}

/**
 * {@link hash128} fed piece by piece, so that a row's fingerprint needs no concatenated string: feeding the
 * pieces gives the words of hash128 of their concatenation.
 */
export class Hash128 {
  #h1 = 0xdeadbeef;
  #h2 = 0x41c6ce57;
  #h3 = 0x9e3779b9;
  #h4 = 0x85ebca6b;

  reset(): void {
    this.#h1 = 0xdeadbeef;
    this.#h2 = 0x41c6ce57;
    this.#h3 = 0x9e3779b9;
    this.#h4 = 0x85ebca6b;
  }

  addCode(c: number): void {
    this.#h1 = Math.imul(this.#h1 ^ c, 2654435761);
    this.#h2 = Math.imul(this.#h2 ^ c, 1597334677);
    this.#h3 = Math.imul(this.#h3 ^ c, 2246822519);
    this.#h4 = Math.imul(this.#h4 ^ c, 3266489917);
  }

  add(text: string): void {
    let h1 = this.#h1;
    let h2 = this.#h2;
    let h3 = this.#h3;
    let h4 = this.#h4;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 2654435761);
      h2 = Math.imul(h2 ^ c, 1597334677);
      h3 = Math.imul(h3 ^ c, 2246822519);
      h4 = Math.imul(h4 ^ c, 3266489917);
    }
    this.#h1 = h1;
    this.#h2 = h2;
    this.#h3 = h3;
    this.#h4 = h4;
  }

  /** The four words (as hash128 mixes them) into hashWords[0..3]. */
  finish(): void {
    let h1 = this.#h1;
    let h2 = this.#h2;
    let h3 = this.#h3;
    let h4 = this.#h4;
    h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
    h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h3 ^ (h3 >>> 13), 3266489909);
    h3 = Math.imul(h3 ^ (h3 >>> 16), 2246822507) ^ Math.imul(h4 ^ (h4 >>> 13), 3266489909);
    h4 = Math.imul(h4 ^ (h4 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
    hashWords[0] = h1;
    hashWords[1] = h2;
    hashWords[2] = h3;
    hashWords[3] = h4;
  }
}

/**
 * A fast 64-bit string hash (two independent 32-bit multiply–xorshift lanes over UTF-16 code units, after
 * cyrb53), never both halves zero (zero marks an empty slot). Not cryptographic: it only has to make accidental
 * collisions vanishingly rare within one file, and it runs a million times per million-row upload.
 */
export function hash64(text: string): [number, number] {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  const hi = h1 >>> 0;
  const lo = h2 >>> 0;
  return hi === 0 && lo === 0 ? [0, 1] : [hi, lo];
}

/**
 * 128 bits in one pass (four independent lanes), as four base-36 words: the content fingerprint of a row, where
 * an accidental match must be out of reach and a million rows are hashed per upload.
 */
export function hash128(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  let h3 = 0x9e3779b9;
  let h4 = 0x85ebca6b;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
    h3 = Math.imul(h3 ^ c, 2246822519);
    h4 = Math.imul(h4 ^ c, 3266489917);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h3 ^ (h3 >>> 13), 3266489909);
  h3 = Math.imul(h3 ^ (h3 >>> 16), 2246822507) ^ Math.imul(h4 ^ (h4 >>> 13), 3266489909);
  h4 = Math.imul(h4 ^ (h4 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return `${(h1 >>> 0).toString(36)}.${(h2 >>> 0).toString(36)}.${(h3 >>> 0).toString(36)}.${(h4 >>> 0).toString(36)}`;
}
