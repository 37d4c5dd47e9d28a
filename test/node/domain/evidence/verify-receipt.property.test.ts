import { expect } from "chai";
import fc from "fast-check";
import { canonicalJson } from "../../../../node/domain/canonical-json.js";
import { MEMBER_STATUS } from "../../../../node/domain/consortium/index.js";
import { type ChainFacts, questionsFor, ZERO_HASH } from "../../../../node/domain/evidence/chain-facts.js";
import { EVIDENCE_KINDS } from "../../../../node/domain/evidence/kinds.js";
import { parseReceipt, type ReceiptSource } from "../../../../node/domain/evidence/receipt-parse.js";
import { verifyReceipt } from "../../../../node/domain/evidence/verify-receipt.js";
import { STEP_NAMES, type VerificationResult } from "../../../../node/domain/evidence/verification.js";
import { leafHash, toBytes32 } from "../../../../node/domain/merkle/index.js";
import { propertyParameters } from "../../../support/property.js";
import { CHAIN_ID, CONTRACT, fixture, MEMBER } from "./receipt-fixtures.js";

/**
 * Receipt verification under random tampering. The chain is modelled honestly: a world that holds exactly one
 * anchored checkpoint (the fixture's), one transaction, one block and one member, and answers whatever questions a
 * (tampered) receipt leads the verifier to ask, as node/chain/evidence-chain-reader.ts would ask a real node.
 */
const F = fixture();
const ORIGINAL = JSON.parse(JSON.stringify(F.receipt)) as Record<string, unknown>;

function honestChain(source: ReceiptSource): ChainFacts {
  const parsed = parseReceipt(source);
  if (!parsed.ok || parsed.receipt.status !== "anchored") return F.chain;
  let member = MEMBER;
  try {
    const m = (JSON.parse(parsed.receipt.record) as { member?: unknown }).member;
    if (typeof m === "number") member = m;
  } catch {
    // the verifier fails the record step before it asks the chain
  }
  const q = questionsFor(parsed.receipt, member, F.trust.contract);
  const ours = q.contract.toLowerCase() === CONTRACT.toLowerCase();
  const anchored = ours && member === MEMBER && q.treeSize === F.receipt.checkpoint.treeSize;
  return {
    reachable: true,
    chainId: CHAIN_ID,
    contract: q.contract,
    rootAt: anchored ? F.receipt.checkpoint.root : ZERO_HASH,
    anchorTx: q.txHash === F.receipt.anchor.txHash ? F.chain.anchorTx : { found: false },
    block: q.blockNumber === F.receipt.anchor.blockNumber ? F.chain.block : q.blockNumber < 1_000 ? { number: q.blockNumber, timestamp: F.receipt.anchor.blockTime + q.blockNumber } : null,
    member: member === MEMBER ? F.chain.member : { status: MEMBER_STATUS.None, roles: 0 },
  };
}

function verify(source: ReceiptSource, file = F.file): VerificationResult {
  return verifyReceipt({ receipt: source, file, chain: honestChain(source), trust: F.trust });
}

function expectWellFormed(result: VerificationResult): void {
  expect(result.steps.map((s) => s.step)).to.deep.equal([...STEP_NAMES]);
  for (const step of result.steps) expect(step.message).to.be.a("string").and.match(/[\u4e00-\u9fff].*\/ [A-Za-z]/);
  if (result.verdict === "invalid") expect(result.failedStep).to.be.oneOf([...STEP_NAMES]);
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Path = Array<string | number>;

/** Every path to a value inside the receipt (fields, nested fields, proof elements). */
function pathsOf(value: Json, prefix: Path = []): Path[] {
  if (value === null || typeof value !== "object") return [prefix];
  const entries: Array<[string | number, Json]> = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  return [prefix, ...entries.flatMap(([k, v]) => pathsOf(v, [...prefix, k]))];
}
const PATHS = pathsOf(ORIGINAL as Json).filter((p) => p.length > 0);

/** The value at `path`, or undefined when an earlier change removed or retyped what held it. */
function getAt(value: Json, path: Path): Json | undefined {
  let v: Json | undefined = value;
  for (const k of path) v = v !== null && typeof v === "object" ? (v as Record<string | number, Json>)[k] : undefined;
  return v;
}
function setAt(value: Json, path: Path, next: Json | undefined): Json {
  const copy = structuredClone(value);
  const parent = getAt(copy, path.slice(0, -1)) as Record<string | number, Json> | undefined;
  if (parent === null || typeof parent !== "object") return copy;
  const key = path.at(-1)!;
  if (next === undefined) {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete parent[key];
  } else parent[key] = next;
  return copy;
}

const HEX = "0123456789abcdef";
/** Another hex digit of a different value (a change of letter case alone is no change to an address). */
const otherHexDigit = (c: string, k: number) => {
  const digits = HEX.replace(c.toLowerCase(), "");
  const d = digits[k % digits.length]!;
  return c === c.toUpperCase() && c !== c.toLowerCase() ? d.toUpperCase() : d;
};

/** One change to a receipt, as a forger or a damaged file would make it; named, so that a counterexample reads well. */
type Mutation = (receipt: Json) => Json;
const named = (name: string, apply: Mutation): Mutation => Object.assign((r: Json) => apply(r), { toString: () => name });
const recordOf = (r: Json): Record<string, Json> | undefined => {
  try {
    const value = JSON.parse(String((r as { record?: unknown }).record)) as unknown;
    return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, Json>) : undefined;
  } catch {
    return undefined;
  }
};

const pathArb = fc.constantFrom(...PATHS);

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  // a hex digit changed anywhere it occurs (hashes, proof elements, root, addresses)
  fc.tuple(pathArb, fc.nat(), fc.nat()).map(([path, at, k]): Mutation => named(`hex digit ${at} of ${path.join(".")}`, (r) => {
    const v = getAt(r, path);
    if (typeof v !== "string" || !/^0x[0-9a-fA-F]+$/.test(v)) return setAt(r, path, typeof v === "number" ? v + 1 + (k % 5) : `${String(v)}x`);
    const i = 2 + (at % (v.length - 2));
    return setAt(r, path, v.slice(0, i) + otherHexDigit(v[i]!, k) + v.slice(i + 1));
  })),
  // a number changed: off by some, negative, a fraction, huge, zero
  fc.tuple(pathArb, fc.oneof(fc.integer({ min: 1, max: 1_000 }), fc.constantFrom(-1, 0.5, 2 ** 53, 1e300, -0))).map(([path, delta]): Mutation => named(`number ${path.join(".")} by ${delta}`, (r) => {
    const v = getAt(r, path);
    if (typeof v !== "number") return setAt(r, path, delta);
    const next = Number.isInteger(delta) && delta > 0 && delta < 1_000_000 ? v + delta : delta;
    return setAt(r, path, Object.is(next, v) || next === v ? v + 1 : next);
  })),
  // a field dropped
  pathArb.map((path): Mutation => named(`drop ${path.join(".")}`, (r) => setAt(r, path, undefined))),
  // a field's type changed
  fc.tuple(pathArb, fc.constantFrom<Json>(null, true, "", "0", [], {}, 0, "0x")).map(([path, replacement]): Mutation => named(`retype ${path.join(".")} as ${JSON.stringify(replacement)}`, (r) => {
    const v = getAt(r, path);
    const next = typeof v === "number" && replacement === 0 ? String(v) : typeof v === "string" && replacement === "" ? Number.parseInt(v, 16) || 7 : replacement;
    return setAt(r, path, JSON.stringify(next) === JSON.stringify(v) ? [v ?? null] : next);
  })),
  // proof elements removed, added, swapped, duplicated
  fc.tuple(fc.constantFrom("remove", "add", "swap", "duplicate", "reverse"), fc.nat(), fc.nat()).map(([op, i, j]): Mutation => named(`proof ${op} ${i} ${j}`, (r) => {
    const held = (r as { inclusionProof?: unknown }).inclusionProof;
    if (!Array.isArray(held) || held.length < 2) return setAt(r, ["inclusionProof"], [...(Array.isArray(held) ? held : []), ZERO_HASH]);
    const proof = [...(held as string[])];
    const a = i % proof.length;
    const b = (a + 1 + (j % (proof.length - 1))) % proof.length;
    if (op === "remove") proof.splice(a, 1);
    else if (op === "add") proof.splice(a, 0, toBytes32(leafHash(Uint8Array.of(i & 0xff))));
    else if (op === "swap") [proof[a], proof[b]] = [proof[b]!, proof[a]!];
    else if (op === "duplicate") proof[b] = proof[a]!;
    else proof.reverse();
    return setAt(r, ["inclusionProof"], proof);
  })),
  // a field of the record changed and the record re-canonicalized; the forger may recompute the leaf hash too
  fc
    .tuple(
      fc.constantFrom("member", "caseKey", "kind", "contentSha256", "contentSize", "mediaType", "capturedAt", "salt", "v", "prev", "sm3"),
      fc.nat(),
      fc.boolean(),
    )
    .map(([field, k, forger]): Mutation => named(`record.${field} (${k})${forger ? ", leaf hash recomputed" : ""}`, (r) => {
      const record = recordOf(r);
      if (!record) return setAt(r, ["record"], `${String((r as { record?: unknown }).record)} `);
      const v = record[field];
      const next: Json =
        field === "kind"
          ? EVIDENCE_KINDS.filter((kind) => kind !== v)[k % (EVIDENCE_KINDS.length - 1)]!
          : typeof v === "number"
            ? v + 1 + (k % 3)
            : typeof v === "string"
              ? field === "capturedAt" && !Number.isNaN(Date.parse(v))
                ? new Date(Date.parse(v) - 1_000 * (1 + (k % 100))).toISOString()
                : /^(0x)?[0-9a-f]+$/.test(v)
                  ? v.slice(0, -1) + otherHexDigit(v.at(-1)!, k)
                  : `${v}x`
              : `0x${"ab".repeat(32)}`;
      const text = canonicalJson({ ...record, [field]: next });
      const changed = setAt(r, ["record"], text);
      return forger ? setAt(changed, ["leafHash"], toBytes32(leafHash(new TextEncoder().encode(text)))) : changed;
    })),
  // a character of the record text changed (no longer canonical, not JSON, or another record)
  fc.tuple(fc.nat(), fc.integer({ min: 1, max: 0x7e })).map(([at, code]): Mutation => named(`record character ${at} as ${code}`, (r) => {
    const text = String((r as { record?: unknown }).record ?? "");
    if (text === "") return setAt(r, ["record"], String.fromCharCode(code));
    const i = at % text.length;
    const c = String.fromCharCode(code === text.charCodeAt(i) ? code + 1 : code);
    return setAt(r, ["record"], text.slice(0, i) + c + text.slice(i + 1));
  })),
  // the status claimed otherwise
  fc.constantFrom<Json>("pending", "Anchored", "valid", 1).map((status): Mutation => named(`status ${JSON.stringify(status)}`, (r) => setAt(r, ["status"], status))),
);

describe("node/domain/evidence: verifyReceipt under random tampering, properties", function () {
  this.timeout(60_000);

  it("the untouched receipt is valid against the modelled chain (the model is honest)", () => {
    const result = verify({ text: JSON.stringify(F.receipt) });
    expect(result.verdict, JSON.stringify(result.steps)).to.equal("valid");
  });

  it("one to four changes to any field, proof element, size or index are never valid", () => {
    fc.assert(
      fc.property(fc.array(mutationArb, { minLength: 1, maxLength: 4 }), fc.boolean(), (mutations, asValue) => {
        const tampered = mutations.reduce<Json>((r, m) => m(r), ORIGINAL as Json);
        // A receipt equal to the original up to the letter case of its address is the same receipt.
        const same = (x: Json) => JSON.stringify(x).toLowerCase();
        fc.pre(same(tampered) !== same(ORIGINAL as Json));
        const result = verify(asValue ? { value: tampered } : { text: JSON.stringify(tampered) });
        expectWellFormed(result);
        expect(result.verdict, JSON.stringify(tampered)).not.to.equal("valid");
      }),
      propertyParameters(1_000),
    );
  });

  it("a flipped bit anywhere in the receipt's bytes is never valid", () => {
    const bytes = new TextEncoder().encode(JSON.stringify(F.receipt));
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(bytes.length - 1), fc.integer({ min: 0, max: 7 })), { minLength: 1, maxLength: 3 }), (flips) => {
        const tampered = Uint8Array.from(bytes);
        for (const [at, bit] of flips) tampered[at]! ^= 1 << bit;
        let parsed: unknown;
        try {
          parsed = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(tampered));
        } catch {
          parsed = undefined;
        }
        fc.pre(parsed === undefined || JSON.stringify(parsed).toLowerCase() !== JSON.stringify(F.receipt).toLowerCase());
        const result = verify({ bytes: tampered });
        expectWellFormed(result);
        expect(result.verdict).not.to.equal("valid");
      }),
      propertyParameters(1_000),
    );
  });

  it("the genuine receipt with another file (a changed byte, size or SM3) is never valid", () => {
    fc.assert(
      fc.property(fc.nat(63), fc.integer({ min: -5, max: 5 }).filter((d) => d !== 0), fc.boolean(), (at, delta, sizeOnly) => {
        const sha = F.file.sha256;
        const file = sizeOnly ? { sha256: sha, size: F.file.size + delta } : { sha256: sha.slice(0, at) + otherHexDigit(sha[at]!, delta + 5) + sha.slice(at + 1), size: F.file.size };
        const result = verify({ text: JSON.stringify(F.receipt) }, file);
        expect(result.verdict).to.equal("invalid");
        expect(result.failedStep).to.equal("file");
      }),
      propertyParameters(300),
    );
  });

  it("never throws on any JSON value or any bytes given as a receipt, and never calls them valid", () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue().map((value): ReceiptSource => ({ value })), fc.uint8Array({ maxLength: 300 }).map((bytes): ReceiptSource => ({ bytes })), fc.string({ unit: "binary" }).map((text): ReceiptSource => ({ text }))), (source) => {
        const result = verify(source);
        expectWellFormed(result);
        expect(result.verdict).to.equal("invalid");
      }),
      propertyParameters(1_000),
    );
  });
});
