import { expect } from "chai";
import fc from "fast-check";
import { parseToml, stringifyToml, TomlError, type TomlDocument } from "../../../scripts/network/toml.js";

describe("scripts/network/toml", () => {
  it("reads back what it writes: strings with quotes and backslashes, integers, booleans, short and long arrays", () => {
    const doc: TomlDocument = {
      "data-path": "/opt/besu/data",
      odd: 'a "quoted" \\ path',
      "p2p-port": 30303,
      "min-gas-price": 0,
      "revert-reason-enabled": true,
      "rpc-ws-enabled": false,
      "rpc-http-api": ["ETH", "NET"],
      empty: [],
      bootnodes: Array.from({ length: 4 }, (_, i) => `enode://${"ab".repeat(64)}@10.0.0.${i}:30303`),
    };
    const text = stringifyToml([{ comment: "first\n\nsecond", entries: doc }]);
    expect(text).to.match(/^# first\n#\n# second\n/);
    expect(parseToml(text)).to.deep.equal(doc);
  });

  it("round-trips any flat document of the subset", () => {
    const key = fc.stringMatching(/^[a-z][a-z0-9-]{0,15}$/);
    // eslint-disable-next-line no-control-regex -- the strings TOML can hold are those without control characters
    const text = fc.string({ maxLength: 30 }).filter((s) => !/[\u0000-\u001f\u007f]/.test(s));
    const value = fc.oneof(text, fc.integer({ min: -1e9, max: 1e9 }), fc.boolean(), fc.array(text, { maxLength: 6 }));
    fc.assert(
      fc.property(fc.dictionary(key, value, { maxKeys: 8 }), (doc) => {
        expect(parseToml(stringifyToml([{ entries: doc }]))).to.deep.equal(doc);
      }),
      { numRuns: 300 },
    );
  });

  it("refuses what Besu's files never hold, naming the line", () => {
    const cases: Array<[string, RegExp]> = [
      ["a=1\n[table]\nb=2\n", /line 2: tables/],
      ["a=1\na=2\n", /line 2: duplicate key a/],
      ["a=1.5\n", /line 1: a: unsupported value/],
      ['a="open\n', /line 1: unterminated string/],
      ["a=[1, 2]\n", /line 1: a: arrays hold strings only/],
      ['a="x" y\n', /line 1: unexpected "y"/],
      ["= 3\n", /line 1: expected a key/],
      ['a="\\q"\n', /line 1: unsupported escape/],
      ['ok=true\n\n\nb=["x",\n "y" "z"]\n', /line 5: b: expected , or \]/],
    ];
    for (const [text, message] of cases) {
      expect(() => parseToml(text), text).to.throw(TomlError, message);
    }
  });

  it("accepts comments after values and blank lines anywhere", () => {
    expect(parseToml('# head\n\na = "x" # why\nb=[ # list\n  "1", # one\n  "2",\n]\n')).to.deep.equal({ a: "x", b: ["1", "2"] });
  });
});
