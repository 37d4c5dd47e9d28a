import { expect } from "chai";
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
});
