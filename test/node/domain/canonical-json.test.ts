import { expect } from "chai";
import fc from "fast-check";
import { canonicalJson } from "../../../node/domain/canonical-json.js";

describe("node/domain/canonical-json (RFC 8785)", () => {
  it("sorts keys by UTF-16 code units, recursively, with no white space", () => {
    expect(canonicalJson({ b: 1, a: [3, { d: true, c: null }], "€": "x", "\u00e9": 0 })).to.equal('{"a":[3,{"c":null,"d":true}],"b":1,"é":0,"€":"x"}');
    // RFC 8785 §3.2.3 example ordering: code units, not code points ("\ud83d\ude00" sorts before "\uffff")
    expect(canonicalJson({ "\uffff": 1, "\ud83d\ude00": 2 })).to.equal('{"😀":2,"\uffff":1}');
  });

  it("serializes strings and numbers as ECMAScript does, and drops undefined members", () => {
    expect(canonicalJson({ s: 'q"\\\n\u0001', n: [1e21, 0.1, -0, 100] , u: undefined })).to.equal('{"n":[1e+21,0.1,0,100],"s":"q\\"\\\\\\n\\u0001"}');
  });

  it("refuses what has no canonical form", () => {
    for (const bad of [Number.NaN, Infinity, 1n, () => 1, Symbol("x"), [undefined]]) {
      expect(() => canonicalJson({ v: bad }), String(bad)).to.throw(TypeError);
    }
  });

  it("writes any JSON value as the member-by-member reference does (the engine's JSON.stringify path included)", () => {
    // The reference: RFC 8785 written out member by member, as the slow path does.
    const reference = (v: unknown): string => {
      if (v === null || typeof v !== "object") return JSON.stringify(v);
      if (Array.isArray(v)) return `[${v.map(reference).join(",")}]`;
      const o = v as Record<string, unknown>;
      const keys = Object.keys(o).filter((k) => o[k] !== undefined);
      keys.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      return `{${keys.map((k) => `${JSON.stringify(k)}:${reference(o[k])}`).join(",")}}`;
    };
    const key = fc.oneof(fc.string(), fc.constantFrom("__proto__", "10", "9", "0", "toJSON", "constructor", "\ud83d\ude00", "\uffff"));
    const value = fc.letrec((tie) => ({
      json: fc.oneof({ depthSize: "small" }, fc.string(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer(), fc.boolean(), fc.constant(null), tie("array"), tie("object")),
      array: fc.array(tie("json"), { maxLength: 5 }),
      object: fc.dictionary(key, fc.option(tie("json"), { nil: undefined }), { maxKeys: 6 }),
    })).json;
    fc.assert(
      fc.property(value, (v) => {
        // Round-trip through JSON.parse too: __proto__ then is an own key, as in a parsed bundle.
        expect(canonicalJson(v)).to.equal(reference(v));
        const parsed = JSON.parse(JSON.stringify(v)) as unknown;
        expect(canonicalJson(parsed)).to.equal(reference(parsed));
      }),
      { numRuns: 5000 },
    );
  });

  it("writes what JSON.stringify would write differently by the member-by-member path, or refuses it", () => {
    class Point {
      constructor(readonly x: number) {}
    }
    // A class instance, a value with toJSON, a boxed string: written from their own keys, never through toJSON.
    expect(canonicalJson({ p: new Point(1) })).to.equal('{"p":{"x":1}}');
    expect(() => canonicalJson({ d: { toJSON: () => "x", a: 1 } })).to.throw(TypeError);
    expect(canonicalJson(Object.assign(Object.create(null) as object, { b: 1, a: 2 }))).to.equal('{"a":2,"b":1}');
    // An own __proto__ key (as JSON.parse makes it) is written; an object without one is not given its prototype's.
    expect(canonicalJson(JSON.parse('[{"__proto__":{"a":1}},{"b":2}]'))).to.equal('[{"__proto__":{"a":1}},{"b":2}]');
    // Array-index keys, which JavaScript orders first in any object, still in code-unit order; deep values too.
    expect(canonicalJson({ b: 1, a: { "9": 2, "10": 1, x: 0 } })).to.equal('{"a":{"10":1,"9":2,"x":0},"b":1}');
    let deep: unknown = { z: 1, a: 2 };
    for (let i = 0; i < 600; i++) deep = [deep];
    expect(canonicalJson(deep)).to.equal(`${"[".repeat(600)}{"a":2,"z":1}${"]".repeat(600)}`);
    // eslint-disable-next-line no-sparse-arrays -- the hole is the point
    expect(() => canonicalJson([1, , 3])).to.throw(TypeError);
  });
});
