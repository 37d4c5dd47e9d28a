import { createHash } from "node:crypto";
/**
 * RFC 8785 JSON Canonicalization Scheme for the values CaseLedger signs and hashes: objects with keys sorted by
 * UTF-16 code units, no white space, strings and numbers serialized as ECMAScript's JSON.stringify does (which
 * is what RFC 8785 specifies for them). Rejects what JCS cannot represent the same way everywhere: non-finite
 * numbers, bigints, undefined inside arrays, functions, symbols.
 */
export function canonicalJson(value: unknown): string {
  const written = quick(value);
  if (written !== undefined) return written;
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

/**
 * The canonical form written by the engine's own JSON.stringify, for values made only of what JSON itself holds
 * (plain objects, arrays, strings, finite numbers, booleans, null): given the sorted list of every key in the value,
 * JSON.stringify writes each object's members in that list's order, which is UTF-16 code-unit order as RFC 8785
 * asks (JavaScript's default sort). Several times quicker on a large value (a case bundle of 10,000 receipts) than
 * writing it piece by piece. Undefined when the value holds anything else: {@link serialize} writes it, or says why not.
 */
function quick(value: unknown): string | undefined {
  const keys = new Set<string>();
  if (!plainJson(value, keys)) return undefined;
  // A list naming __proto__ would read the prototype of every object that lacks its own.
  if (keys.has("__proto__")) return undefined;
  return JSON.stringify(value, [...keys].sort());
}

/** Whether `value` is JSON as it is (what JSON.stringify and {@link serialize} write the same), collecting its keys. */
function plainJson(value: unknown, keys: Set<string>): boolean {
  if (value === null) return true;
  switch (typeof value) {
    case "string":
    case "boolean":
      return true;
    case "number":
      return Number.isFinite(value);
    case "object": {
      const proto = Object.getPrototypeOf(value) as unknown;
      if (typeof (value as { toJSON?: unknown }).toJSON === "function") return false;
      if (Array.isArray(value)) {
        if (proto !== Array.prototype) return false;
        for (let i = 0; i < value.length; i++) if (value[i] === undefined || !plainJson(value[i], keys)) return false;
        return true;
      }
      if (proto !== Object.prototype && proto !== null) return false;
      const record = value as Record<string, unknown>;
      for (const k of Object.keys(record)) {
        const v = record[k];
        if (v === undefined) continue;
        keys.add(k);
        if (!plainJson(v, keys)) return false;
      }
      return true;
    }
    default:
      return false;
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
  return `0x${createHash("sha256").update(canonicalJson(value), "utf8").digest("hex")}`;
}
