import { createHash } from "node:crypto";
/**
 * RFC 8785 JSON Canonicalization Scheme for the values CaseLedger signs and hashes: objects with keys sorted by
 * UTF-16 code units, no white space, strings and numbers serialized as ECMAScript's JSON.stringify does (which
 * is what RFC 8785 specifies for them). Rejects what JCS cannot represent the same way everywhere: non-finite
 * numbers, bigints, undefined inside arrays, functions, symbols.
 */
export function canonicalJson(value: unknown): string {
  return serialize(value, "$");
}

function serialize(value: unknown, path: string): string {
  if (value === null) return "null";
  switch (typeof value) {
    case "boolean":
      return value ? "true" : "false";
    case "string":
      return JSON.stringify(value);
    case "number":
      if (!Number.isFinite(value)) throw new TypeError(`${path}: ${value} has no JSON form`);
      return JSON.stringify(value);
    case "object": {
      if (Array.isArray(value)) return `[${value.map((v, i) => serialize(v, `${path}[${i}]`)).join(",")}]`;
      const entries = Object.keys(value)
        .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
        .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
        .map((k) => `${JSON.stringify(k)}:${serialize((value as Record<string, unknown>)[k], `${path}.${k}`)}`);
      return `{${entries.join(",")}}`;
    }
    default:
      throw new TypeError(`${path}: a ${typeof value} has no canonical JSON form`);
  }
}

/** The UTF-8 bytes of {@link canonicalJson}. */
export function canonicalBytes(value: unknown): Uint8Array {
  return new TextEncoder().encode(canonicalJson(value));
}

/**
 * 0x-hex SHA-256 of the canonical JSON: the digest every signed gateway-to-gateway message (handover package, its
 * acknowledgement, caseledger-peer/1 envelopes) is signed over.
 */
export function canonicalDigest(value: unknown): string {
  return `0x${createHash("sha256").update(canonicalBytes(value)).digest("hex")}`;
}
