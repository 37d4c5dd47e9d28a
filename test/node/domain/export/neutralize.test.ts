import { expect } from "chai";
import { neutralizeCell, toCsvField, toCsvLine } from "../../../../node/domain/export/neutralize.js";
import { prng } from "../identity/synthetic-ids.js";

/** A strict RFC 4180 reader for one record ending in CRLF, to check what toCsvLine writes. */
function readCsvLine(line: string): string[] {
  expect(line.endsWith("\r\n")).to.equal(true);
  const body = line.slice(0, -2);
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    let field = "";
    if (body[i] === '"') {
      i++;
      for (;;) {
        if (i >= body.length) throw new Error("unterminated quote");
        if (body[i] === '"') {
          if (body[i + 1] === '"') {
            field += '"';
            i += 2;
          } else {
            i++;
            break;
          }
        } else {
          field += body[i];
          i++;
        }
      }
    } else {
      while (i < body.length && body[i] !== ",") {
        if (body[i] === '"' || body[i] === "\r" || body[i] === "\n") throw new Error("bare quote or line break");
        field += body[i];
        i++;
      }
    }
    fields.push(field);
    if (i >= body.length) return fields;
    if (body[i] !== ",") throw new Error("text after a closing quote");
    i++;
  }
}

describe("export/neutralize", () => {
  describe("neutralizeCell", () => {
    it("prefixes a single quote to a cell that starts with = + - @ tab or CR", () => {
      expect(neutralizeCell("=1+1")).to.equal("'=1+1");
      expect(neutralizeCell('=HYPERLINK("http://example.invalid","x")')).to.equal('\'=HYPERLINK("http://example.invalid","x")');
      expect(neutralizeCell("+86 138")).to.equal("'+86 138");
      expect(neutralizeCell("-2+3")).to.equal("'-2+3");
      expect(neutralizeCell("@SUM(A1)")).to.equal("'@SUM(A1)");
      expect(neutralizeCell("\t=1")).to.equal("'\t=1");
      expect(neutralizeCell("\r=1")).to.equal("'\r=1");
      expect(neutralizeCell("=")).to.equal("'=");
    });

    it("treats the full-width ＝ ＋ － ＠ the same", () => {
      for (const trigger of ["＝", "＋", "－", "＠"]) {
        expect(neutralizeCell(`${trigger}1+1`), trigger).to.equal(`'${trigger}1+1`);
      }
    });

    it("leaves every other cell alone", () => {
      for (const value of ["", "张三", "TR-001", "1+1", "a=b", " =1", "'=1", "138****5678", "1234.50", "\n=1", "＊"]) {
        expect(neutralizeCell(value), JSON.stringify(value)).to.equal(value);
      }
    });

    it("neutralizes exactly the cells whose first character is a trigger", () => {
      const triggers = new Set(["=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠"]);
      for (let code = 0; code < 0x10000; code++) {
        if (code >= 0xd800 && code <= 0xdfff) continue;
        const first = String.fromCharCode(code);
        const value = `${first}x`;
        expect(neutralizeCell(value)).to.equal(triggers.has(first) ? `'${value}` : value);
      }
    });
  });

  describe("toCsvField", () => {
    it("leaves a plain field unquoted", () => {
      expect(toCsvField("TR-001")).to.equal("TR-001");
      expect(toCsvField("张三")).to.equal("张三");
      expect(toCsvField("")).to.equal("");
      expect(toCsvField(" padded ")).to.equal(" padded ");
    });

    it("quotes a field holding a comma, a double quote, CR or LF, doubling the quotes", () => {
      expect(toCsvField("a,b")).to.equal('"a,b"');
      expect(toCsvField('say "hi"')).to.equal('"say ""hi"""');
      expect(toCsvField("line\nbreak")).to.equal('"line\nbreak"');
      expect(toCsvField("line\r\nbreak")).to.equal('"line\r\nbreak"');
      expect(toCsvField('"')).to.equal('""""');
    });

    it("neutralizes before quoting, so the quote sits inside the quoted field", () => {
      expect(toCsvField("=1,2")).to.equal("\"'=1,2\"");
      expect(toCsvField('=HYPERLINK("x")')).to.equal('"\'=HYPERLINK(""x"")"');
      expect(toCsvField("\r=1")).to.equal("\"'\r=1\"");
      expect(toCsvField("-5")).to.equal("'-5");
    });
  });

  describe("toCsvLine", () => {
    it("joins fields with commas and ends with CRLF", () => {
      expect(toCsvLine(["TR-001", "张*", "1234.50"])).to.equal("TR-001,张*,1234.50\r\n");
      expect(toCsvLine(["a,b", "=cmd", ""])).to.equal("\"a,b\",'=cmd,\r\n");
      expect(toCsvLine([])).to.equal("\r\n");
    });

    it("round-trips through an RFC 4180 reader to the neutralized values", () => {
      const random = prng(4180);
      const alphabet = ["a", "张", ",", '"', "\r", "\n", "=", "+", "-", "@", "\t", " ", "＝", "'", "1"];
      for (let n = 0; n < 5_000; n++) {
        const values = Array.from({ length: 1 + Math.floor(random() * 5) }, () => {
          let value = "";
          const length = Math.floor(random() * 6);
          for (let k = 0; k < length; k++) value += alphabet[Math.floor(random() * alphabet.length)];
          return value;
        });
        const fields = readCsvLine(toCsvLine(values));
        expect(fields).to.deep.equal(values.map(neutralizeCell));
        for (const field of fields) expect(neutralizeCell(field)).to.equal(field); // nothing live comes back
      }
    });
  });
});
