import { createHmac } from "node:crypto";
import { inspect } from "node:util";
import { expect } from "chai";
import fc from "fast-check";
import { parseIdNumber } from "../../../node/domain/identity/id-number.js";
import {
  caseKey,
  debtorKey,
  isPseudonymKey,
  originatorOfCaseKey,
  parsePepperFile,
  type Pepper,
  pepperVersionOf,
  Pseudonymizer,
} from "../../../node/domain/pseudonyms.js";
import { syntheticId18, syntheticId18WithCheck, toFullWidth } from "./identity/synthetic-ids.js";

/** Test peppers: obviously not secrets. */
const SECRET_A = Uint8Array.from({ length: 32 }, (_, i) => i + 1);
const SECRET_B = Uint8Array.from({ length: 32 }, (_, i) => 0xa0 ^ i);
const PEPPER_1: Pepper = { version: 1, secret: SECRET_A };
const PEPPER_2: Pepper = { version: 2, secret: SECRET_B };
const SECRET_A_HEX = Buffer.from(SECRET_A).toString("hex");

/** The key layout, computed here independently: version byte + the first 31 bytes of HMAC-SHA256. */
function expectedKey(version: number, secret: Uint8Array, message: string): string {
  const mac = createHmac("sha256", secret).update(Buffer.from(message, "utf8")).digest();
  return `0x${version.toString(16).padStart(2, "0")}${mac.subarray(0, 31).toString("hex")}`;
}

/** The caseKey layout, computed here independently: version byte, originator (uint32 BE), 27 bytes of HMAC-SHA256. */
function expectedCaseKey(version: number, secret: Uint8Array, originator: number, loanRef: string): string {
  const mac = createHmac("sha256", secret)
    .update(Buffer.from(`caseledger/case/v1\u0000${originator}\u0000${loanRef}`, "utf8"))
    .digest();
  const id = Buffer.alloc(4);
  id.writeUInt32BE(originator);
  return `0x${version.toString(16).padStart(2, "0")}${id.toString("hex")}${mac.subarray(0, 27).toString("hex")}`;
}

const BYTES32 = /^0x[0-9a-f]{64}$/;

describe("pseudonyms", () => {
  describe("debtorKey", () => {
    const id = syntheticId18("19900101", "123", "110101");

    it("is the version byte then HMAC-SHA256(secret, 'caseledger/debtor/v1\\0' + id18), first 31 bytes", () => {
      expect(debtorKey(PEPPER_1, id)).to.equal(expectedKey(1, SECRET_A, `caseledger/debtor/v1\u0000${id}`));
      expect(debtorKey(PEPPER_2, id)).to.equal(expectedKey(2, SECRET_B, `caseledger/debtor/v1\u0000${id}`));
    });

    it("is a bytes32: 0x + 64 lowercase hex, first byte the pepper version", () => {
      const key = debtorKey(PEPPER_1, id);
      expect(key).to.match(BYTES32);
      expect(key.slice(0, 4)).to.equal("0x01");
      expect(debtorKey({ version: 0x7f, secret: SECRET_A }, id).slice(0, 4)).to.equal("0x7f");
      expect(debtorKey({ version: 255, secret: SECRET_A }, id).slice(0, 4)).to.equal("0xff");
      expect(pepperVersionOf(debtorKey({ version: 200, secret: SECRET_A }, id))).to.equal(200);
    });

    it("gives different keys after a rotation, and different keys for different people", () => {
      const other = syntheticId18("19900101", "124", "110101");
      const keys = new Set([
        debtorKey(PEPPER_1, id),
        debtorKey(PEPPER_2, id),
        debtorKey({ version: 2, secret: SECRET_A }, id),
        debtorKey({ version: 1, secret: SECRET_B }, id),
        debtorKey(PEPPER_1, other),
      ]);
      expect(keys.size).to.equal(5);
      // Same secret, another version: the version byte differs, the HMAC part does not.
      expect(debtorKey({ version: 2, secret: SECRET_A }, id).slice(4)).to.equal(debtorKey(PEPPER_1, id).slice(4));
    });

    it("gives one key for the 15- and 18-digit forms, a lowercase x, full-width digits and padding", () => {
      const fromOld = parseIdNumber("130503670401001");
      const fromNew = parseIdNumber("130503196704010016");
      if (!fromOld.ok || !fromNew.ok) throw new Error("example should parse");
      expect(debtorKey(PEPPER_1, fromOld.id18)).to.equal(debtorKey(PEPPER_1, fromNew.id18));

      const withX = syntheticId18WithCheck("X");
      const forms = [withX, withX.toLowerCase(), ` ${toFullWidth(withX.toLowerCase())}\u3000`, `${withX.slice(0, 6)} ${withX.slice(6)}`];
      const keys = new Set(
        forms.map((form) => {
          const parsed = parseIdNumber(form);
          if (!parsed.ok) throw new Error("synthetic id should parse");
          return debtorKey(PEPPER_1, parsed.id18);
        }),
      );
      expect(keys.size).to.equal(1);
    });

    it("refuses an id that is not canonical 18 characters, without quoting it", () => {
      const withX = syntheticId18WithCheck("X");
      const wrongCheck = `${id.slice(0, 17)}${id.endsWith("0") ? "1" : "0"}`;
      for (const bad of [withX.toLowerCase(), ` ${id}`, "130503670401001", wrongCheck, "", toFullWidth(id)]) {
        let error: unknown;
        try {
          debtorKey(PEPPER_1, bad);
        } catch (caught) {
          error = caught;
        }
        expect(error, bad).to.be.instanceOf(TypeError);
        const message = (error as Error).message;
        expect(message).to.not.include(bad.trim() || "\u0000");
        expect(message).to.not.include(id.slice(6, 14));
        expect(message).to.not.include("130503");
      }
    });
  });

  describe("caseKey", () => {
    it("is the version byte, the originator (uint32 BE), then HMAC-SHA256(secret, 'caseledger/case/v1\\0' + memberId + '\\0' + loanRef)", () => {
      expect(caseKey(PEPPER_1, 7, "TR-001")).to.equal(expectedCaseKey(1, SECRET_A, 7, "TR-001"));
      expect(caseKey(PEPPER_1, 7, "TR-001").slice(0, 12)).to.equal("0x0100000007");
      expect(caseKey(PEPPER_2, 4294967295, "L")).to.equal(expectedCaseKey(2, SECRET_B, 4294967295, "L"));
      expect(caseKey(PEPPER_2, 0x01020304, "L").slice(0, 12)).to.equal("0x0201020304");
    });

    it("encodes the loan reference as UTF-8", () => {
      expect(caseKey(PEPPER_1, 12, "借据-2024-001")).to.equal(expectedCaseKey(1, SECRET_A, 12, "借据-2024-001"));
      expect(caseKey(PEPPER_1, 12, "\u{20000}")).to.equal(expectedCaseKey(1, SECRET_A, 12, "\u{20000}"));
    });

    it("names its originator in bytes 1–4, which originatorOfCaseKey reads back", () => {
      for (const id of [1, 12, 255, 256, 65_536, 0x7fff_ffff, 0xffff_ffff]) {
        expect(originatorOfCaseKey(caseKey(PEPPER_1, id, "TR-001"))).to.equal(id);
        expect(originatorOfCaseKey(new Pseudonymizer(PEPPER_2).caseKey(id, "TR-001"))).to.equal(id);
      }
      expect(() => originatorOfCaseKey("0x1234")).to.throw(TypeError);
    });

    it("separates members and references: (1, '23') and (12, '3') differ, as do other lenders' same refs", () => {
      expect(caseKey(PEPPER_1, 1, "23")).to.not.equal(caseKey(PEPPER_1, 12, "3"));
      expect(caseKey(PEPPER_1, 1, "TR-001")).to.not.equal(caseKey(PEPPER_1, 2, "TR-001"));
      expect(caseKey(PEPPER_1, 1, "TR-001")).to.not.equal(caseKey(PEPPER_1, 1, "TR-002"));
      expect(caseKey(PEPPER_1, 1, "TR-001")).to.not.equal(caseKey(PEPPER_2, 1, "TR-001"));
    });

    it("never equals a debtor key on the same text (domain separation)", () => {
      const id = syntheticId18("19900101");
      expect(caseKey(PEPPER_1, 1, id)).to.not.equal(debtorKey(PEPPER_1, id));
    });

    it("carries the pepper version in its first byte", () => {
      expect(pepperVersionOf(caseKey(PEPPER_2, 1, "TR-001"))).to.equal(2);
      expect(caseKey(PEPPER_2, 1, "TR-001")).to.match(BYTES32);
    });

    it("refuses a member id that is not a uint32 ≥ 1 and an empty or ill-formed reference", () => {
      for (const member of [0, -1, 1.5, 2 ** 32, Number.NaN, Number.POSITIVE_INFINITY]) {
        expect(() => caseKey(PEPPER_1, member, "TR-001"), String(member)).to.throw(TypeError);
      }
      expect(() => caseKey(PEPPER_1, 1, "")).to.throw(TypeError);
      expect(() => caseKey(PEPPER_1, 1, "TR-\ud800")).to.throw(TypeError, /loan reference/);
      expect(() => caseKey(PEPPER_1, 1, "\udc00TR")).to.throw(TypeError);
      try {
        caseKey(PEPPER_1, 1, "SECRET-REF-\ud800");
      } catch (error) {
        expect((error as Error).message).to.not.include("SECRET-REF");
      }
    });
  });

  describe("pepper validation", () => {
    const id = syntheticId18("19900101");

    it("refuses a secret that is not exactly 32 bytes", () => {
      for (const length of [0, 16, 31, 33, 64]) {
        const pepper = { version: 1, secret: new Uint8Array(length).fill(1) };
        expect(() => debtorKey(pepper, id), String(length)).to.throw(TypeError, /32 bytes/);
        expect(() => caseKey(pepper, 1, "TR-001")).to.throw(TypeError, /32 bytes/);
      }
      const hexString = { version: 1, secret: SECRET_A_HEX as unknown as Uint8Array };
      expect(() => debtorKey(hexString, id)).to.throw(TypeError, /32 bytes/);
    });

    it("refuses a version outside 1…255 or not an integer", () => {
      for (const version of [0, 256, -1, 1.5, Number.NaN]) {
        expect(() => debtorKey({ version, secret: SECRET_A }, id), String(version)).to.throw(TypeError, /version/);
      }
      expect(() => debtorKey(null as unknown as Pepper, id)).to.throw(TypeError);
    });

    it("accepts a Buffer as the secret", () => {
      expect(debtorKey({ version: 1, secret: Buffer.from(SECRET_A) }, id)).to.equal(debtorKey(PEPPER_1, id));
    });
  });

  describe("pepperVersionOf and isPseudonymKey", () => {
    it("reads the first byte", () => {
      expect(pepperVersionOf(`0x01${"ab".repeat(31)}`)).to.equal(1);
      expect(pepperVersionOf(`0xFF${"AB".repeat(31)}`)).to.equal(255);
    });

    it("refuses what is not a key", () => {
      for (const bad of [
        "",
        "0x",
        `0x01${"ab".repeat(30)}`,
        `0x01${"ab".repeat(32)}`,
        `01${"ab".repeat(32)}`,
        `0x01${"ag".repeat(31)}`,
        `0x00${"ab".repeat(31)}`, // version 0 does not exist (and keeps zero keys out)
      ]) {
        expect(isPseudonymKey(bad), bad).to.equal(false);
        expect(() => pepperVersionOf(bad), bad).to.throw(TypeError);
      }
      expect(isPseudonymKey(42)).to.equal(false);
    });
  });

  describe("parsePepperFile", () => {
    const fileText = (data: unknown) => JSON.stringify(data);

    it("reads { version, secret } with the secret in hex", () => {
      const pepper = parsePepperFile(fileText({ version: 3, secret: SECRET_A_HEX }));
      expect(pepper.version).to.equal(3);
      expect(Buffer.from(pepper.secret).equals(Buffer.from(SECRET_A))).to.equal(true);
      const id = syntheticId18("19900101");
      expect(debtorKey(pepper, id)).to.equal(debtorKey({ version: 3, secret: SECRET_A }, id));
    });

    it("accepts a 0x prefix, uppercase hex, a comment and surrounding white space", () => {
      const text = `\n  {"version": 1, "secret": "0x${SECRET_A_HEX.toUpperCase()}", "comment": "rotated 2024-06"}\n`;
      const pepper = parsePepperFile(text);
      expect(pepper.version).to.equal(1);
      expect(Buffer.from(pepper.secret).toString("hex")).to.equal(SECRET_A_HEX);
    });

    it("keeps the secret out of util.inspect and JSON.stringify", () => {
      const pepper = parsePepperFile(fileText({ version: 1, secret: SECRET_A_HEX }));
      const printed = inspect(pepper, { depth: 5 });
      expect(printed).to.include("version");
      expect(printed).to.not.include(SECRET_A_HEX.slice(0, 8));
      expect(printed).to.not.match(/\b1, 2, 3, 4\b/);
      expect(JSON.stringify(pepper)).to.not.include(SECRET_A_HEX.slice(0, 8));
      expect(JSON.stringify(pepper)).to.include("redacted");
      expect(Object.keys(pepper)).to.deep.equal(["version", "secret"]);
    });

    it("refuses a bad file with a clear TypeError that never holds the secret", () => {
      const secret = SECRET_A_HEX;
      const cases: [string, RegExp][] = [
        [`{"version": 1, "secret": "${secret}"`, /not valid JSON/],
        [`{"version": 1, "secret": ${secret}}`, /not valid JSON/],
        [`version=1\nsecret=${secret}`, /not valid JSON/],
        [`["${secret}"]`, /one JSON object/],
        ["null", /one JSON object/],
        [`"${secret}"`, /one JSON object/],
        [fileText({ secret }), /"version"/],
        [fileText({ version: 0, secret }), /"version"/],
        [fileText({ version: 256, secret }), /"version"/],
        [fileText({ version: 1.5, secret }), /"version"/],
        [fileText({ version: "1", secret }), /"version"/],
        [fileText({ version: 1 }), /"secret"/],
        [fileText({ version: 1, secret: Array.from(SECRET_A) }), /"secret"/],
        [fileText({ version: 1, secret: secret.slice(1) }), /64 hex characters.*63/],
        [fileText({ version: 1, secret: `${secret}0` }), /64 hex characters.*65/],
        [fileText({ version: 1, secret: `${secret.slice(2)}zz` }), /not hex/],
        [fileText({ version: 1, secret: `${secret.slice(2)} 1` }), /not hex/],
        [fileText({ version: 1, secret: "0".repeat(64) }), /all zeros/],
        [fileText({ version: 1, secret, comment: 5 }), /"comment"/],
        [fileText({ version: 1, secret, [secret]: true }), /member other than/],
        [fileText({ version: 1, secrets: secret }), /member other than/],
      ];
      for (const [text, message] of cases) {
        let error: unknown;
        try {
          parsePepperFile(text);
        } catch (caught) {
          error = caught;
        }
        expect(error, text).to.be.instanceOf(TypeError);
        const err = error as Error;
        expect(err.message, text).to.match(message);
        expect(err.message).to.not.include(secret.slice(0, 8));
        expect(err.message).to.not.include(secret.slice(-8));
        expect(err.cause).to.equal(undefined);
        expect(String(err.stack)).to.not.include(secret.slice(0, 8));
      }
    });
  });

  describe("Pseudonymizer (the ingest's keys: pepper state computed once)", () => {
    it("gives exactly the keys of debtorKey and caseKey", () => {
      const keys = new Pseudonymizer(PEPPER_2);
      fc.assert(
        fc.property(fc.date({ min: new Date("1900-01-01"), max: new Date("2020-12-31"), noInvalidDate: true }), fc.nat(999), (birth, seq) => {
          const id = syntheticId18(birth.toISOString().slice(0, 10).replaceAll("-", ""), String(seq).padStart(3, "0"), "440106");
          expect(keys.debtorKey(id)).to.equal(debtorKey(PEPPER_2, id));
        }),
      );
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 0xffff_ffff }), fc.string({ unit: "grapheme", minLength: 1, maxLength: 70 }), (member, loanRef) => {
          expect(keys.caseKey(member, loanRef)).to.equal(caseKey(PEPPER_2, member, loanRef));
        }),
      );
    });

    it("refuses what debtorKey and caseKey refuse", () => {
      const keys = new Pseudonymizer(PEPPER_1);
      const good = syntheticId18("19900101");
      expect(() => keys.debtorKey(good.slice(0, 17) + (good.endsWith("0") ? "1" : "0"))).to.throw(TypeError);
      expect(() => keys.debtorKey(good.toLowerCase().slice(0, 15))).to.throw(TypeError);
      expect(() => keys.caseKey(0, "A-1")).to.throw(TypeError);
      expect(() => keys.caseKey(1, "")).to.throw(TypeError);
      expect(() => keys.caseKey(1, "\ud800")).to.throw(TypeError);
      expect(() => new Pseudonymizer({ version: 0, secret: SECRET_A })).to.throw(TypeError);
      expect(() => new Pseudonymizer({ version: 1, secret: new Uint8Array(31) })).to.throw(TypeError);
    });
  });
});
