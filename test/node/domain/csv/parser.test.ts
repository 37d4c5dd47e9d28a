import { expect } from "chai";
import { CsvParser, type CsvRecord, parseCsv } from "../../../../node/domain/csv/parser.js";
import { expectFileError } from "./helpers.js";

function parseChunks(chunks: readonly string[]): { records: CsvRecord[]; lineCount: number; blankLines: number } {
  const parser = new CsvParser();
  const records: CsvRecord[] = [];
  for (const chunk of chunks) parser.push(chunk, records);
  parser.end(records);
  return { records, lineCount: parser.lineCount, blankLines: parser.blankLines };
}

const rec = (line: number, ...fields: string[]): CsvRecord => ({ line, fields });

describe("CSV parser (RFC 4180)", () => {
  describe("records and line breaks", () => {
    it("LF, CRLF and lone CR, alone or mixed", () => {
      const expected = [rec(1, "a", "b"), rec(2, "c", "d"), rec(3, "e", "f")];
      expect(parseCsv("a,b\nc,d\ne,f\n")).to.deep.equal(expected);
      expect(parseCsv("a,b\r\nc,d\r\ne,f\r\n")).to.deep.equal(expected);
      expect(parseCsv("a,b\rc,d\re,f\r")).to.deep.equal(expected);
      expect(parseCsv("a,b\r\nc,d\re,f\n")).to.deep.equal(expected);
    });

    it("a last line without a line break", () => {
      expect(parseCsv("a,b\nc,d")).to.deep.equal([rec(1, "a", "b"), rec(2, "c", "d")]);
      expect(parseCsv("a")).to.deep.equal([rec(1, "a")]);
      expect(parseCsv("a,")).to.deep.equal([rec(1, "a", "")]);
    });

    it("empty input gives no record", () => {
      expect(parseCsv("")).to.deep.equal([]);
    });

    it("blank lines are skipped but counted for line numbers", () => {
      const { records, blankLines, lineCount } = parseChunks(["\na,b\n\n\r\n\rc,d\n\n"]);
      expect(records).to.deep.equal([rec(2, "a", "b"), rec(6, "c", "d")]);
      expect(blankLines).to.equal(5);
      expect(lineCount).to.equal(7);
    });

    it("empty fields and trailing separators", () => {
      expect(parseCsv(",\n,,x\na,,\n")).to.deep.equal([rec(1, "", ""), rec(2, "", "", "x"), rec(3, "a", "", "")]);
    });

    it("white space around unquoted fields is kept", () => {
      expect(parseCsv(" a , b\t,  \n")).to.deep.equal([rec(1, " a ", " b\t", "  ")]);
    });

    it("a line of only white space is a record (the reader decides), not a blank line", () => {
      expect(parseCsv("a\n \nb\n")).to.deep.equal([rec(1, "a"), rec(2, " "), rec(3, "b")]);
    });
  });

  describe("quoted fields", () => {
    it("commas, doubled quotes and empty quoted fields", () => {
      expect(parseCsv('"a,b","say ""hi""","",x\n')).to.deep.equal([rec(1, "a,b", 'say "hi"', "", "x")]);
      expect(parseCsv('""""\n')).to.deep.equal([rec(1, '"')]);
    });

    it("a line holding only an empty quoted field is a record, not a blank line", () => {
      expect(parseCsv('""\n')).to.deep.equal([rec(1, "")]);
    });

    it("line breaks inside quotes are data, and the next record's line counts them (physical lines)", () => {
      const text = 'h1,h2\n"multi\nline\nvalue",x\nnext,row\n"a\r\nb",y\r\nlast,"c\rd"\nend,z';
      expect(parseCsv(text)).to.deep.equal([
        rec(1, "h1", "h2"),
        rec(2, "multi\nline\nvalue", "x"),
        rec(5, "next", "row"),
        rec(6, "a\r\nb", "y"),
        rec(8, "last", "c\rd"),
        rec(10, "end", "z"),
      ]);
    });

    it("lenient like spreadsheets: text after a closing quote is appended, a quote inside an unquoted field is kept", () => {
      expect(parseCsv('"ab"c,d\n')).to.deep.equal([rec(1, "abc", "d")]);
      expect(parseCsv('a"b,5"\n')).to.deep.equal([rec(1, 'a"b', '5"')]);
      expect(parseCsv(' "a",b\n')).to.deep.equal([rec(1, ' "a"', "b")]);
    });

    it("an unterminated quote at the end → QUOTE_UNTERMINATED with the line of the opening quote", async () => {
      const error = await expectFileError(() => parseCsv('a,b\nc,"d\ne\nf,g\n'), "QUOTE_UNTERMINATED");
      expect(error.details).to.deep.equal({ line: 2 });
      const later = await expectFileError(() => parseCsv('a,"x\ny"\nb,"open'), "QUOTE_UNTERMINATED");
      expect(later.details).to.deep.equal({ line: 3 });
    });
  });

  describe("chunking", () => {
    const TEXT = 'loan_ref,name,note\r\nLN-1,测试甲,"a,""b""\r\nc"\n\nLN-2, 测试乙 ,"x\ry"\rLN-3,"",\n"q""",z,"\r\n"\r\nLN-4,end,"';
    const FULL = TEXT + '"';

    it("the same records for every split point, for 1-character chunks and for every pair of split points", () => {
      const expected = parseChunks([FULL]);
      expect(expected.records.map((r) => r.line)).to.deep.equal([1, 2, 5, 7, 8, 10]);
      expect(expected.records[5]).to.deep.equal(rec(10, "LN-4", "end", ""));
      expect(expected.records[1]).to.deep.equal(rec(2, "LN-1", "测试甲", 'a,"b"\r\nc'));
      for (let cut = 0; cut <= FULL.length; cut++) {
        expect(parseChunks([FULL.slice(0, cut), FULL.slice(cut)]), `cut at ${cut}`).to.deep.equal(expected);
      }
      expect(parseChunks([...FULL])).to.deep.equal(expected);
      for (let a = 1; a < FULL.length; a++) {
        for (let b = a; b < FULL.length; b++) {
          const chunks = [FULL.slice(0, a), FULL.slice(a, b), FULL.slice(b)];
          expect(parseChunks(chunks), `cuts at ${a}, ${b}`).to.deep.equal(expected);
        }
      }
    });

    it("a CRLF split between two chunks is one line break", () => {
      expect(parseChunks(["a\r", "\nb\r", "\n"]).records).to.deep.equal([rec(1, "a"), rec(2, "b")]);
      expect(parseChunks(['"a\r', '\nb"\r', "", "\nc"]).records).to.deep.equal([rec(1, "a\r\nb"), rec(3, "c")]);
    });

    it("an unterminated quote is found whatever the chunking", async () => {
      for (let cut = 0; cut <= TEXT.length; cut++) {
        const error = await expectFileError(() => parseChunks([TEXT.slice(0, cut), TEXT.slice(cut)]), "QUOTE_UNTERMINATED");
        expect(error.details).to.deep.equal({ line: 10 });
      }
    });
  });

  describe("lineCount", () => {
    it("counts physical lines, with or without a final line break", () => {
      expect(parseChunks([""]).lineCount).to.equal(0);
      expect(parseChunks(["a"]).lineCount).to.equal(1);
      expect(parseChunks(["a\n"]).lineCount).to.equal(1);
      expect(parseChunks(["a\r\nb"]).lineCount).to.equal(2);
      expect(parseChunks(["a\n\n"]).lineCount).to.equal(2);
      expect(parseChunks(['"x\ny"\n']).lineCount).to.equal(2);
    });
  });

  it("refuses input after the end", () => {
    const parser = new CsvParser();
    parser.end([]);
    expect(() => parser.push("a", [])).to.throw(/ended/);
  });
});
