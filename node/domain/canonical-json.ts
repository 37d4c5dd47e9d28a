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
 * (plain objects, arrays, strings, finite numbers, booleans, null): JSON.stringify writes an object's members in the
 * order of its keys, so each object whose keys are not in UTF-16 code-unit order already is copied with them in that
 * order (JavaScript's default sort) first; the rest is written as it is. Several times quicker on a large value (a
 * case bundle of 10,000 receipts) than writing it piece by piece. Undefined when the value holds anything else, or an
 * object to reorder whose keys a copy could not keep in order (array-index keys, `__proto__`): {@link serialize}
 * writes it, or says why not.
 */
function quick(value: unknown): string | undefined {
  const ordered = inOrder(value, 0);
  return ordered === NOT_PLAIN ? undefined : JSON.stringify(ordered);
}

const NOT_PLAIN = Symbol("not plain JSON");
/** Deeper than this, the piece-by-piece writer takes over (it says where a problem is). */
const QUICK_DEPTH = 512;
/** A key JavaScript orders before the others in any object (an array index), whatever order it was added in. */
const INDEX_KEY = /^(?:0|[1-9]\d{0,9})$/;

/** `value` itself when it is plain JSON with its keys in order, else a copy that is, or NOT_PLAIN. */
function inOrder(value: unknown, depth: number): unknown {
  if (value === null) return value;
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "number":
      return Number.isFinite(value) ? value : NOT_PLAIN;
    case "object": {
      if (depth > QUICK_DEPTH || typeof (value as { toJSON?: unknown }).toJSON === "function") return NOT_PLAIN;
      const proto = Object.getPrototypeOf(value) as unknown;
      if (Array.isArray(value)) {
        if (proto !== Array.prototype) return NOT_PLAIN;
        let copy: unknown[] | undefined;
        for (let i = 0; i < value.length; i++) {
          const item: unknown = value[i];
          if (item === undefined) return NOT_PLAIN;
          const ordered = inOrder(item, depth + 1);
          if (ordered === NOT_PLAIN) return NOT_PLAIN;
          if (ordered !== item && copy === undefined) copy = value.slice(0, i);
          copy?.push(ordered);
        }
        return copy ?? value;
      }
      if (proto !== Object.prototype && proto !== null) return NOT_PLAIN;
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record);
      let sorted = true;
      let same = true;
      const members: unknown[] = new Array(keys.length);
      for (let i = 0; i < keys.length; i++) {
        const k = keys[i] as string;
        if (i > 0 && !((keys[i - 1] as string) < k)) sorted = false;
        const member = record[k];
        // JSON.stringify leaves an undefined member out, as the canonical form does.
        const ordered = member === undefined ? undefined : inOrder(member, depth + 1);
        if (ordered === NOT_PLAIN) return NOT_PLAIN;
        if (ordered !== member) same = false;
        members[i] = ordered;
      }
      if (sorted && same) return value;
      // A copy would take `__proto__` for its prototype, and put array-index keys first whatever their order.
      if (keys.includes("__proto__")) return NOT_PLAIN;
      const order = keys.map((_, i) => i);
      if (!sorted) {
        if (keys.some((k) => INDEX_KEY.test(k))) return NOT_PLAIN;
        order.sort((x, y) => ((keys[x] as string) < (keys[y] as string) ? -1 : 1));
      }
      const copy: Record<string, unknown> = {};
      for (const i of order) copy[keys[i] as string] = members[i];
      return copy;
    }
    default:
      return NOT_PLAIN;
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
