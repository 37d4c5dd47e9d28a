import { expect } from "chai";
import fc from "fast-check";
import { type CaseListEvent, type CaseListRowEvent, readCaseRows } from "../../../../node/domain/csv/index.js";
import { CaseListFileError, FILE_ERRORS } from "../../../../node/domain/errors.js";
import { propertyParameters } from "../../../support/property.js";
import { caseListArb, cut, cutsArb, HEADER, hostileBytesArb, layoutArb, writeList } from "./arbitraries.js";
import { utf8 } from "./helpers.js";

/** Everything the reader yields, or the CaseListFileError it ends with; anything else thrown fails the property. */
async function readOrFileError(chunks: Uint8Array[], maxBytes?: number): Promise<{ events: CaseListEvent[]; error?: CaseListFileError }> {
  const events: CaseListEvent[] = [];
  try {
    for await (const event of readCaseRows(chunks, maxBytes === undefined ? {} : { maxBytes })) events.push(event);
    return { events };
  } catch (error) {
    if (!(error instanceof CaseListFileError)) throw error;
    return { events, error };
  }
}

const rowsOf = (events: CaseListEvent[]) => events.filter((e): e is CaseListRowEvent => e.type === "row");

/** A cell of any Unicode text except the control characters that make a file binary (NUL, most C0). */
const cellArb = fc.string({
  unit: fc.oneof(
    { weight: 6, arbitrary: fc.string({ unit: "binary", minLength: 1, maxLength: 1 }).filter((c) => c.codePointAt(0)! >= 0x20) },
    { weight: 2, arbitrary: fc.constantFrom('"', ",", "\r", "\n", "\r\n", '""', " ", "\t") },
    { weight: 1, arbitrary: fc.constantFrom("\u202e", "\u200b", "\ufeff", "Ａ", "e\u0301", "合", "𠀀") },
  ),
  maxLength: 30,
});

describe("node/domain/csv: readCaseRows, properties", function () {
  this.timeout(60_000);

  it("never throws anything but a CaseListFileError, whatever the bytes and however they are cut", async () => {
    await fc.assert(
      fc.asyncProperty(
        hostileBytesArb.chain((bytes) => fc.tuple(fc.constant(bytes), cutsArb(bytes.length), fc.option(fc.integer({ min: 1, max: 700 })))),
        async ([bytes, cuts, maxBytes]) => {
          const { events, error } = await readOrFileError(cut(bytes, cuts), maxBytes ?? undefined);
          if (error) {
            expect(Object.keys(FILE_ERRORS)).to.include(error.code);
            expect(error.message).to.match(/ \/ /);
            return;
          }
          expect(events[0]?.type).to.equal("header");
          const end = events.at(-1);
          expect(end?.type).to.equal("end");
          if (end?.type === "end") {
            expect(end.rows).to.equal(rowsOf(events).length);
            expect(end.bytes).to.equal(bytes.length);
          }
        },
      ),
      propertyParameters(400),
    );
  });

  it("a field of 1 MB, quoted or not, closed or not, is read or refused as a file, never a crash", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 64 * 1024, max: 1024 * 1024 }).map((n) => n - (n % 6)),
        fc.constantFrom("plain", "quoted", "unterminated", "cr-only"),
        fc.integer({ min: 1, max: 8 }),
        async (size, kind, pieces) => {
          const big = kind === "cr-only" ? "x\r".repeat(size / 2) : "界".repeat(size / 3);
          const cell = kind === "plain" ? big : kind === "unterminated" ? `"${big}` : `"${big}"`;
          const bytes = utf8(`${HEADER.join(",")}\nLN-1,${cell},x,x,1,1,1,x\nLN-2,,,,,,,\n`);
          const cuts = Array.from({ length: pieces }, (_, i) => Math.floor(((i + 1) * bytes.length) / (pieces + 1)));
          const { events, error } = await readOrFileError(cut(bytes, cuts));
          if (kind === "unterminated") expect(error?.code).to.equal("QUOTE_UNTERMINATED");
          else {
            expect(rowsOf(events)[0]?.values.name).to.equal(big);
            // A quoted field with a lone CR per "x": the next row starts that many physical lines further down.
            expect(rowsOf(events)[1]?.line).to.equal(kind === "cr-only" ? 3 + size / 2 : 3);
          }
        },
      ),
      propertyParameters(8),
    );
  });

  it("gives every row the physical line it starts on (LF, CRLF, lone CR, blank lines, quoted line breaks; any chunking)", async () => {
    await fc.assert(
      fc.asyncProperty(
        caseListArb.chain((list) => fc.tuple(fc.constant(list), cutsArb(list.written.bytes.length))),
        async ([list, cuts]) => {
          const { events, error } = await readOrFileError(cut(list.written.bytes, cuts));
          expect(error, error && `${error.code} ${JSON.stringify(error.details)}`).to.equal(undefined);
          const rows = rowsOf(events);
          expect(rows.map((r) => r.line)).to.deep.equal(list.written.lines);
          const end = events.at(-1);
          if (end?.type === "end") expect(end.lines).to.equal(list.written.text.split(/\r\n|\r|\n/).length - (/[\r\n]$/.test(list.written.text) ? 1 : 0));
        },
      ),
      propertyParameters(150),
    );
  });

  it("reads back every quoted or unquoted cell exactly as written (quotes, commas, line breaks, RTL marks, zero-width, astral)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(cellArb, { minLength: HEADER.length, maxLength: HEADER.length }), { minLength: 1, maxLength: 12 }),
        layoutArb,
        fc.nat(),
        async (cells, layout, seed) => {
          // The first cell of a row must not be empty or white space only, or an all-blank row would be skipped.
          const rows = cells.map((r, i) => [`LN-${i}`, ...r.slice(1)]);
          const written = writeList(HEADER, rows, { ...layout, gb18030: false });
          const bytes = written.bytes;
          const cuts = [...new Set([seed % bytes.length, (seed * 7) % bytes.length, (seed * 13) % bytes.length])].filter((c) => c > 0).sort((a, b) => a - b);
          const { events, error } = await readOrFileError(cut(bytes, cuts));
          expect(error, error && `${error.code} ${JSON.stringify(error.details)}`).to.equal(undefined);
          const keys = ["loan_ref", "name", "id_number", "phone", "principal", "outstanding", "overdue_days", "备注"];
          expect(rowsOf(events).map((r) => keys.map((k) => r.values[k]))).to.deep.equal(rows);
          expect(rowsOf(events).map((r) => r.line)).to.deep.equal(written.lines);
        },
      ),
      propertyParameters(200),
    );
  });
});
