import { randomBytes } from "node:crypto";
import { expect } from "chai";
import fc from "fast-check";
import type { StoredCase, StoredReportRow } from "../../../node/store/case-records.js";
import { PiiCipher } from "../../../node/store/pii-cipher.js";
import {
  ByteWriter,
  caseKeyEncoding,
  ReportChunkWriter,
  reportChunkEncoding,
  storedCaseEncoding,
  writeStoredCase,
} from "../../../node/store/record-encodings.js";
import { key, storedCaseFields } from "./helpers.js";

const cipher = new PiiCipher(randomBytes(32));

function storedCase(overrides: Partial<StoredCase> = {}): StoredCase {
  const fields = storedCaseFields(overrides.caseKey === undefined ? {} : { caseKey: overrides.caseKey });
  return {
    ...fields,
    pii: cipher.sealJson({ name: "测试专用", idNumber: "440305195002267140", phone: "17089619749", extra: { 备注: "x" } }, fields.caseKey),
    ...overrides,
  };
}

/** Same members, same order, same values: what a reader of the JSON form saw. */
function expectSame(decoded: unknown, original: unknown): void {
  expect(JSON.stringify(decoded)).to.equal(JSON.stringify(original));
}

const roundTrip = <T>(encoding: { encode(v: unknown): Buffer; decode(b: Uint8Array): unknown }, value: T) => encoding.decode(encoding.encode(value));

describe("node/store/record-encodings", () => {
  describe("cases (StoredCase)", () => {
    it("reads back exactly what was written, in well under half the bytes of JSON, and the PII still opens", () => {
      const value = storedCase();
      const bytes = storedCaseEncoding.encode(value);
      expect(bytes[0]).to.equal(0x01);
      expect(bytes.length).to.be.below(JSON.stringify(value).length / 2);
      const back = storedCaseEncoding.decode(bytes) as StoredCase;
      expectSame(back, value);
      expect(cipher.openJson(back.pii, back.caseKey)).to.deep.equal({ name: "测试专用", idNumber: "440305195002267140", phone: "17089619749", extra: { 备注: "x" } });
    });

    it("falls back to JSON for any value not of the exact shape, and still reads it back exactly", () => {
      const base = storedCase();
      const { pii, ...withoutPii } = base;
      const odd: unknown[] = [
        { ...base, caseKey: base.caseKey.toUpperCase().replace("0X", "0x") },
        { ...base, debtorKey: "0x02bb" },
        { ...base, extraMember: 1 },
        { pii, ...withoutPii },
        { ...base, createdAt: "2026-11-30T08:15:00Z" },
        { ...base, updatedAt: "yesterday" },
        { ...base, pii: `${base.pii}=` },
        { ...base, pii: "v2.abc" },
        { ...base, line: -1 },
        { ...base, overdueDays: 1.5 },
        { ...base, loanRef: "\ud800" },
        { ...base, region: undefined },
        "not an object",
        null,
      ];
      for (const value of odd) {
        const bytes = storedCaseEncoding.encode(value);
        expect(bytes.toString("utf8"), JSON.stringify(value)).to.equal(JSON.stringify(value));
        expectSame(storedCaseEncoding.decode(bytes), value);
      }
    });

    it("reads values stored as JSON before the binary form existed", () => {
      const value = storedCase();
      expectSame(storedCaseEncoding.decode(Buffer.from(JSON.stringify(value))), value);
    });

    it("round-trips any strings and counts", () => {
      fc.assert(
        fc.property(
          fc.record({
            loanRef: fc.string({ unit: "grapheme", maxLength: 80 }),
            region: fc.string({ unit: "grapheme", maxLength: 250 }),
            product: fc.string({ maxLength: 10 }),
            principalFen: fc.bigInt({ min: 0n, max: 10n ** 15n }).map(String),
            overdueDays: fc.nat(),
            line: fc.maxSafeNat(),
            originatorId: fc.integer({ min: 1, max: 0xffff_ffff }),
          }),
          fc.date({ min: new Date(0), max: new Date("9999-12-31"), noInvalidDate: true }),
          (fields, date) => {
            const value = storedCase({ ...fields, createdAt: date.toISOString() });
            expectSame(roundTrip(storedCaseEncoding, value), value);
          },
        ),
      );
    });

    it("writeStoredCase (the ingest's direct path) gives the bytes of the encoding", () => {
      const value = storedCase();
      const { pii, ...rest } = value;
      const [, nonce, body, tag] = pii.split(".") as [string, string, string, string];
      const w = new ByteWriter(8);
      const sealed = { nonce: Buffer.from(nonce, "base64url"), body: Buffer.from(body, "base64url"), tag: Buffer.from(tag, "base64url") };
      expect(writeStoredCase(w, rest, sealed)).to.equal(true);
      expect(w.take().equals(storedCaseEncoding.encode(value))).to.equal(true);
      expect(writeStoredCase(new ByteWriter(), { ...rest, caseKey: "0x1" }, sealed)).to.equal(false);
    });
  });

  describe("loanRefs (a caseKey)", () => {
    it("stores a lowercase key in 33 bytes and anything else as JSON, reading both back", () => {
      const k = key();
      expect(caseKeyEncoding.encode(k).length).to.equal(33);
      expect(caseKeyEncoding.decode(caseKeyEncoding.encode(k))).to.equal(k);
      for (const other of [k.toUpperCase(), "0x02bb", "", 7]) expect(roundTrip(caseKeyEncoding, other)).to.equal(other);
      expect(caseKeyEncoding.decode(Buffer.from(JSON.stringify(k)))).to.equal(k);
    });
  });

  describe("listRows (report chunks)", () => {
    const accepted = (line: number): StoredReportRow => ({ line, loanRef: `R-${line}`, status: "accepted", debtorKey: key(), caseKey: key(), warnings: [], errors: [] });
    const rejected: StoredReportRow = {
      line: 9,
      loanRef: "TR-008",
      status: "rejected",
      warnings: [{ field: "phone", code: "PHONE_EMPTY", message: "手机号为空 / phone is empty" }],
      errors: [{ field: "id_number", code: "ID_CHECK_DIGIT", message: "校验位错误 / wrong check character" }],
    };
    const duplicate: StoredReportRow = { line: 10, loanRef: "R-2", status: "duplicate", warnings: [], errors: [] };

    it("reads back every row shape exactly, with the update mark, in a third of the bytes of JSON", () => {
      const rows = [accepted(2), { ...accepted(3), update: true as const }, rejected, duplicate];
      const bytes = reportChunkEncoding.encode(rows);
      expect(bytes[0]).to.equal(0x02);
      expectSame(reportChunkEncoding.decode(bytes), rows);
      const many = Array.from({ length: 100 }, (_, i) => accepted(i + 2));
      expect(reportChunkEncoding.encode(many).length).to.be.below(JSON.stringify(many).length / 2.5);
    });

    it("keeps a chunk with an odd row as JSON, and reads old JSON chunks", () => {
      const odd = [accepted(2), { ...accepted(3), caseKey: "0xABC" }];
      expect(reportChunkEncoding.encode(odd)[0]).to.equal("[".charCodeAt(0));
      expectSame(roundTrip(reportChunkEncoding, odd), odd);
      expectSame(reportChunkEncoding.decode(Buffer.from(JSON.stringify([rejected]))), [rejected]);
    });

    it("ReportChunkWriter marks updates after the fact, and turns to objects when a row does not fit", () => {
      const writer = new ReportChunkWriter();
      const rows = [accepted(2), rejected, accepted(4)];
      const indexes = rows.map((r) => writer.add(r));
      writer.markUpdate(indexes[2] as number);
      const chunk = writer.take() as Buffer;
      expectSame(reportChunkEncoding.decode(chunk), [rows[0], rows[1], { ...rows[2], update: true }]);

      const odd = { ...accepted(5), extra: 1 } as StoredReportRow;
      const first = accepted(3);
      writer.add(first);
      writer.add(odd);
      writer.markUpdate(0);
      const objects = writer.take();
      expect(Array.isArray(objects)).to.equal(true);
      expectSame(objects, [{ ...first, update: true }, odd]);
      expect(writer.size).to.equal(0);
    });
  });
});
