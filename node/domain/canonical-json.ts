import { createHash } from "node:crypto";
/**
 * RFC 8785 JSON Canonicalization Scheme for the values CaseLedger signs and hashes: objects with keys sorted by
 * UTF-16 code units, no white space, strings and numbers serialized as ECMAScript's JSON.stringify does (which
 * is what RFC 8785 specifies for them). Rejects what JCS cannot represent the same way everywhere: non-finite
 * numbers, bigints, undefined inside arrays, functions, symbols.
 */
export function canonicalJson(value: unknown): string {
  try {
    return serialize(value);
  } catch (error) {
    if (error instanceof NoCanonicalForm) throw new TypeError(`$${error.path.join("")}: ${error.problem}`);
    throw error;
  }
}

/** Where in the value the problem is: collected on the way out of the recursion, never built on the way in. */
class NoCanonicalForm extends Error {
  readonly path: string[] = [];
  constructor(readonly problem: string) {
    super(problem);
  }
}

function serialize(value: unknown): string {
  if (value === null) return "null";
  switch (typeof value) {
    case "boolean":
      return value ? "true" : "false";
    case "string":
      return JSON.stringify(value);
    case "number":
      if (!Number.isFinite(value)) throw new NoCanonicalForm(`${value} has no JSON form`);
      return JSON.stringify(value);
    case "object": {
      if (Array.isArray(value)) {
        let out = "[";
        for (let i = 0; i < value.length; i++) {
          try {
            out += (i === 0 ? "" : ",") + serialize(value[i]);
          } catch (error) {
            if (error instanceof NoCanonicalForm) error.path.unshift(`[${i}]`);
            throw error;
          }
        }
        return `${out}]`;
      }
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record)
        .filter((k) => record[k] !== undefined)
        .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      let out = "{";
      for (let i = 0; i < keys.length; i++) {
        const k = keys[i]!;
        try {
          out += `${i === 0 ? "" : ","}${JSON.stringify(k)}:${serialize(record[k])}`;
        } catch (error) {
          if (error instanceof NoCanonicalForm) error.path.unshift(`.${k}`);
          throw error;
        }
      }
      return `${out}}`;
    }
    default:
      throw new NoCanonicalForm(`a ${typeof value} has no canonical JSON form`);
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
