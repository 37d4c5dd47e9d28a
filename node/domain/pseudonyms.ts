import { createHmac } from "node:crypto";
import { inspect } from "node:util";
import { CASE_KEY_ORIGINATOR_SHIFT } from "./consortium/index.js";
import { HmacSha256 } from "./hmac-sha256.js";
import { isCanonicalId18 } from "./identity/id-number.js";
import { isWellFormedUnicode } from "./identity/normalize-text.js";

/**
 * The pseudonymous keys that go on chain instead of PII, per docs/design.md §12:
 *   debtorKey = HMAC-SHA256(pepper_v, "caseledger/debtor/v1\0" + canonicalId18)
 *   caseKey   = HMAC-SHA256(pepper_v, "caseledger/case/v1\0" + originatorMemberId + "\0" + loanRef)
 * (strings UTF-8 encoded, the member id in decimal without leading zeros).
 *
 * Key layout, one Solidity bytes32 written as `0x` + 64 lowercase hex: byte 0 is the pepper version (1–255).
 * debtorKey: bytes 1–31 are the first 31 bytes of the HMAC. caseKey: bytes 1–4 are the originator's member id
 * (uint32, big-endian), bytes 5–31 the first 27 bytes of the HMAC — CaseRegistry lets only the member a key
 * names register it, so a lender holding the pepper cannot register (block, or take) another lender's cases.
 * The version makes keys of different peppers distinct and tells which pepper a key came from, so the pepper
 * can rotate; it also keeps every key non-zero, which CaseRegistry requires. 216 bits of HMAC (per originator)
 * still leave collisions out of reach.
 *
 * Errors are TypeErrors whose messages never hold an ID number, a loan reference or a secret.
 */

export interface Pepper {
  /** 1–255; byte 0 of every key made with this pepper. */
  version: number;
  /** Exactly 32 bytes. */
  secret: Uint8Array;
}

/** `0x` + 64 lowercase hex characters: a bytes32. */
export type PseudonymKey = string;

export const PEPPER_SECRET_LENGTH = 32;
export const MAX_PEPPER_VERSION = 255;
export const DEBTOR_KEY_DOMAIN = "caseledger/debtor/v1\0";
export const CASE_KEY_DOMAIN = "caseledger/case/v1\0";
/** Member ids are uint32 on chain, assigned from 1. */
const MAX_MEMBER_ID = 0xffff_ffff;
const HMAC_BYTES_KEPT = 31;
/** caseKey: 4 bytes of originator id, then this many of the HMAC (the bytes below CaseRegistry's originator). */
const CASE_HMAC_BYTES_KEPT = CASE_KEY_ORIGINATOR_SHIFT / 8;
const VERSION_PREFIX = Array.from({ length: 256 }, (_, v) => `0x${v.toString(16).padStart(2, "0")}`);

export function debtorKey(pepper: Pepper, canonicalId18: string): PseudonymKey {
  checkPepper(pepper);
  if (typeof canonicalId18 !== "string" || !isCanonicalId18(canonicalId18)) {
    throw new TypeError("debtorKey needs a canonical 18-character ID number (use parseIdNumber first)");
  }
  return keyOf(pepper, DEBTOR_KEY_DOMAIN + canonicalId18);
}

export function caseKey(pepper: Pepper, originatorMemberId: number, loanRef: string): PseudonymKey {
  checkPepper(pepper);
  if (!Number.isSafeInteger(originatorMemberId) || originatorMemberId < 1 || originatorMemberId > MAX_MEMBER_ID) {
    throw new TypeError("caseKey needs a member id, an integer 1…4294967295");
  }
  if (typeof loanRef !== "string" || loanRef.length === 0 || !isWellFormedUnicode(loanRef)) {
    throw new TypeError("caseKey needs a non-empty, well-formed loan reference");
  }
  const mac = createHmac("sha256", pepper.secret).update(`${CASE_KEY_DOMAIN}${originatorMemberId}\0${loanRef}`, "utf8").digest();
  return (
    (VERSION_PREFIX[pepper.version] as string) +
    originatorMemberId.toString(16).padStart(8, "0") +
    mac.toString("hex", 0, CASE_HMAC_BYTES_KEPT)
  );
}

/** The originator's member id in bytes 1–4 of a caseKey. Throws a TypeError on anything that is not a key. */
export function originatorOfCaseKey(key: PseudonymKey): number {
  if (!isPseudonymKey(key)) throw new TypeError("not a pseudonym key (0x + 64 hex characters, version ≥ 1)");
  return Number.parseInt(key.slice(4, 12), 16);
}

const HEX_CODES = Uint8Array.from("0123456789abcdef", (c) => c.charCodeAt(0));

/**
 * debtorKey and caseKey for one pepper and many rows (the ingest): the same keys as the functions above, with the
 * pepper checked once and its HMAC key state computed once.
 */
export class Pseudonymizer {
  readonly #hmac: HmacSha256;
  /** A key's 66 characters as bytes: `0x`, the version byte in hex, then the HMAC's. */
  readonly #text = Buffer.alloc(66);

  constructor(pepper: Pepper) {
    checkPepper(pepper);
    this.#hmac = new HmacSha256(pepper.secret);
    this.#text.write((VERSION_PREFIX[pepper.version] as string), 0, "latin1");
  }

  debtorKey(canonicalId18: string): PseudonymKey {
    if (typeof canonicalId18 !== "string" || !isCanonicalId18(canonicalId18)) {
      throw new TypeError("debtorKey needs a canonical 18-character ID number (use parseIdNumber first)");
    }
    return this.#key(DEBTOR_KEY_DOMAIN + canonicalId18, 0);
  }

  caseKey(originatorMemberId: number, loanRef: string): PseudonymKey {
    if (!Number.isSafeInteger(originatorMemberId) || originatorMemberId < 1 || originatorMemberId > MAX_MEMBER_ID) {
      throw new TypeError("caseKey needs a member id, an integer 1…4294967295");
    }
    if (typeof loanRef !== "string" || loanRef.length === 0 || !isWellFormedUnicode(loanRef)) {
      throw new TypeError("caseKey needs a non-empty, well-formed loan reference");
    }
    const text = this.#text;
    // Bytes 1–4: the originator, big-endian, as hex characters.
    for (let i = 0; i < 8; i++) text[4 + i] = HEX_CODES[(originatorMemberId >>> (28 - 4 * i)) & 0x0f] as number;
    return this.#key(`${CASE_KEY_DOMAIN}${originatorMemberId}\0${loanRef}`, 31 - CASE_HMAC_BYTES_KEPT);
  }

  /** `prefix` bytes after the version are already written; the HMAC fills the rest. */
  #key(message: string, prefix: number): PseudonymKey {
    const words = this.#hmac.digestWords(message);
    const text = this.#text;
    // The version byte is in place; then the HMAC's first bytes, as hex characters. Written as bytes and read
    // as one flat string: a concatenation would leave a rope that every later reader flattens.
    for (let i = 0; i < 31 - prefix; i++) {
      const byte = ((words[i >>> 2] as number) >>> (24 - 8 * (i & 3))) & 0xff;
      const at = 4 + (prefix + i) * 2;
      text[at] = HEX_CODES[byte >>> 4] as number;
      text[at + 1] = HEX_CODES[byte & 0x0f] as number;
    }
    return text.toString("latin1");
  }
}

/** The pepper version in byte 0 of a key. Throws a TypeError on anything that is not a key. */
export function pepperVersionOf(key: PseudonymKey): number {
  if (!isPseudonymKey(key)) throw new TypeError("not a pseudonym key (0x + 64 hex characters, version ≥ 1)");
  return Number.parseInt(key.slice(2, 4), 16);
}

/** `0x` + 64 hex characters (either case) whose first byte, the pepper version, is not 0. */
export function isPseudonymKey(key: unknown): key is PseudonymKey {
  if (typeof key !== "string" || key.length !== 66 || key.charCodeAt(0) !== 0x30) return false;
  if (key.charCodeAt(1) !== 0x78 && key.charCodeAt(1) !== 0x58) return false;
  for (let i = 2; i < 66; i++) if (!isHexCode(key.charCodeAt(i))) return false;
  return !(key.charCodeAt(2) === 0x30 && key.charCodeAt(3) === 0x30);
}

function keyOf(pepper: Pepper, message: string): PseudonymKey {
  const mac = createHmac("sha256", pepper.secret).update(message, "utf8").digest();
  return (VERSION_PREFIX[pepper.version] as string) + mac.toString("hex", 0, HMAC_BYTES_KEPT);
}

function checkPepper(pepper: Pepper): void {
  if (typeof pepper !== "object" || pepper === null) throw new TypeError("pepper is missing");
  const { version, secret } = pepper;
  if (!Number.isInteger(version) || version < 1 || version > MAX_PEPPER_VERSION) {
    throw new TypeError("pepper version must be an integer 1…255");
  }
  if (!(secret instanceof Uint8Array) || secret.length !== PEPPER_SECRET_LENGTH) {
    throw new TypeError("pepper secret must be exactly 32 bytes");
  }
}

function isHexCode(code: number): boolean {
  return (code >= 0x30 && code <= 0x39) || (code >= 0x61 && code <= 0x66) || (code >= 0x41 && code <= 0x46);
}

/**
 * The pepper file: UTF-8 JSON, one object,
 *
 *   { "version": 1, "secret": "<64 hex characters: the 32-byte secret>", "comment": "optional, free text" }
 *
 * `version` an integer 1–255 (raise it by one on every rotation); `secret` hex in either case, `0x` optional,
 * generated with e.g. `openssl rand -hex 32`; no other member. Readable by the gateway's user only, never in the
 * repository. The returned pepper prints and serializes without its secret (util.inspect, JSON.stringify).
 * Every error is a TypeError that says what is wrong without quoting the file.
 */
export function parsePepperFile(text: string): Pepper {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    // JSON.parse's own message quotes the text around the error, which may be the secret: not passed on.
    throw new TypeError('pepper file is not valid JSON; expected {"version": 1, "secret": "<64 hex characters>"}');
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw new TypeError('pepper file must hold one JSON object {"version": …, "secret": …}');
  }
  const record = data as Record<string, unknown>;
  for (const name of Object.keys(record)) {
    if (name !== "version" && name !== "secret" && name !== "comment") {
      throw new TypeError('pepper file has a member other than "version", "secret" and "comment"');
    }
  }
  const { version, secret, comment } = record;
  if (typeof version !== "number" || !Number.isInteger(version) || version < 1 || version > MAX_PEPPER_VERSION) {
    throw new TypeError('pepper file: "version" must be an integer 1…255');
  }
  if (comment !== undefined && typeof comment !== "string") {
    throw new TypeError('pepper file: "comment" must be a string');
  }
  if (typeof secret !== "string") throw new TypeError('pepper file: "secret" must be a string of 64 hex characters');
  const hex = secret.startsWith("0x") || secret.startsWith("0X") ? secret.slice(2) : secret;
  if (hex.length !== PEPPER_SECRET_LENGTH * 2) {
    throw new TypeError(`pepper file: "secret" must be 64 hex characters (32 bytes); it has ${hex.length}`);
  }
  for (let i = 0; i < hex.length; i++) {
    if (!isHexCode(hex.charCodeAt(i))) throw new TypeError('pepper file: "secret" has a character that is not hex');
  }
  const bytes = new Uint8Array(Buffer.from(hex, "hex"));
  if (bytes.every((b) => b === 0)) throw new TypeError('pepper file: "secret" is all zeros, a placeholder');
  return makePepper(version, bytes);
}

/** A Pepper whose secret stays out of logs: util.inspect and JSON.stringify show only the version. */
function makePepper(version: number, secret: Uint8Array): Pepper {
  const pepper: Pepper = { version, secret };
  const redacted = (): { version: number; secret: string } => ({ version: pepper.version, secret: "[redacted]" });
  Object.defineProperty(pepper, "toJSON", { value: redacted, enumerable: false });
  Object.defineProperty(pepper, inspect.custom, { value: () => `Pepper ${inspect(redacted())}`, enumerable: false });
  return pepper;
}
