import { expect } from "chai";
import {
  CaseListDecoder,
  detectEncoding,
  ENCODING_SAMPLE_BYTES,
  firstInvalidByte,
} from "../../../../node/domain/csv/encoding.js";
import { chunksOf, concatBytes, expectFileError, gb18030, utf8 } from "./helpers.js";

const GB_FOUR_BYTE = { "𠀀": [0x95, 0x32, 0x82, 0x36], "€": [0xa2, 0xe3] } as const;

/** Decodes `chunks` with a fresh decoder; throws the decoder's failure like the reader does. */
function decodeAll(chunks: readonly Uint8Array[], sampleBytes?: number): { text: string; encoding: string | undefined } {
  const decoder = new CaseListDecoder(sampleBytes === undefined ? {} : { sampleBytes });
  let text = "";
  for (const chunk of chunks) {
    text += decoder.push(chunk);
    if (decoder.failure) throw decoder.failure;
  }
  text += decoder.end();
  if (decoder.failure) throw decoder.failure;
  return { text, encoding: decoder.encoding };
}

describe("case list encoding", () => {
  describe("test helper: GB18030 bytes from the decoder's own table", () => {
    it("gives the known GBK bytes", () => {
      expect([...gb18030("张三")]).to.deep.equal([0xd5, 0xc5, 0xc8, 0xfd]);
      expect([...gb18030("合同编号")]).to.deep.equal([0xba, 0xcf, 0xcd, 0xac, 0xb1, 0xe0, 0xba, 0xc5]);
      expect([...gb18030("A,1")]).to.deep.equal([0x41, 0x2c, 0x31]);
      expect(new TextDecoder("gb18030").decode(gb18030("𠀀", GB_FOUR_BYTE))).to.equal("𠀀");
    });
  });

  describe("detectEncoding", () => {
    it("UTF-8 without BOM, with Chinese text", () => {
      expect(detectEncoding(utf8("合同编号,姓名\nLN-1,测试甲\n"), true)).to.deep.equal({ encoding: "utf-8", bomLength: 0 });
    });

    it("pure ASCII is UTF-8", () => {
      expect(detectEncoding(utf8("loan_ref,name\nLN-1,Test\n"), true)).to.deep.equal({ encoding: "utf-8", bomLength: 0 });
    });

    it("UTF-8 with BOM", () => {
      const bytes = concatBytes(new Uint8Array([0xef, 0xbb, 0xbf]), utf8("合同编号\n"));
      expect(detectEncoding(bytes, true)).to.deep.equal({ encoding: "utf-8-bom", bomLength: 3 });
    });

    it("GBK / GB18030 text", () => {
      expect(detectEncoding(gb18030("合同编号,姓名,身份证号\nLN-1,张三,11010519491231002X\n"), true)).to.deep.equal({
        encoding: "gb18030",
        bomLength: 0,
      });
    });

    it("GB18030 with its BOM (84 31 95 33)", () => {
      const bytes = concatBytes(new Uint8Array([0x84, 0x31, 0x95, 0x33]), gb18030("姓名\n"));
      expect(detectEncoding(bytes, true)).to.deep.equal({ encoding: "gb18030", bomLength: 4 });
    });

    it("a GBK file with a few rare (GBK-extension) characters in names is still GB18030", () => {
      const rare = "丂丄"; // GBK/3, trail bytes below 0x80
      const text = `姓名,地址\n${rare}测试,北京市海淀区中关村大街一号\n王测试,上海市浦东新区世纪大道二号\n李测试,广州市天河区体育西路三号\n`;
      const bytes = gb18030(text);
      expect(bytes.some((b, i) => i > 0 && b < 0x80 && b >= 0x40 && (bytes[i - 1] as number) >= 0x81)).to.equal(true);
      expect(detectEncoding(bytes, true).encoding).to.equal("gb18030");
    });

    it("a multi-byte character cut by the end of the sample is not an error; cut by the end of the file it is", () => {
      const bytes = utf8("姓名,测试");
      const cut = bytes.subarray(0, bytes.length - 1);
      expect(detectEncoding(cut, false).encoding).to.equal("utf-8");
      // As a whole file the cut bytes are not UTF-8, nor GB18030 (they end in a lone lead byte).
      expect(() => detectEncoding(cut, true)).to.throw().with.property("code", "FILE_ENCODING");
    });

    it("UTF-16 and UTF-32 byte-order marks → FILE_ENCODING with a hint", async () => {
      for (const [bom, detected] of [
        [[0xff, 0xfe], "utf-16le"],
        [[0xfe, 0xff], "utf-16be"],
        [[0xff, 0xfe, 0x00, 0x00], "utf-32le"],
        [[0x00, 0x00, 0xfe, 0xff], "utf-32be"],
      ] as const) {
        const error = await expectFileError(() => detectEncoding(concatBytes(new Uint8Array(bom), utf8("a\0b\0")), true), "FILE_ENCODING");
        expect(error.details.detected).to.equal(detected);
        expect(error.details.hint).to.be.a("string").and.match(/UTF-8/);
      }
    });

    it("UTF-16 without a BOM (NUL on every other byte) → FILE_ENCODING, not 'binary'", async () => {
      const le = new Uint8Array([...utf8("loan_ref,name\n")].flatMap((b) => [b, 0]));
      expect((await expectFileError(() => detectEncoding(le, true), "FILE_ENCODING")).details.detected).to.equal("utf-16le");
      const be = new Uint8Array([...utf8("loan_ref,name\n")].flatMap((b) => [0, b]));
      expect((await expectFileError(() => detectEncoding(be, true), "FILE_ENCODING")).details.detected).to.equal("utf-16be");
    });

    it("binary files → FILE_NOT_CSV (PNG, XLSX/ZIP, XLS, PDF, NUL bytes, control bytes)", async () => {
      const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52]);
      expect((await expectFileError(() => detectEncoding(png, true), "FILE_NOT_CSV")).details.detected).to.equal("png");
      const zip = concatBytes(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0x06, 0]), utf8("[Content_Types].xml"));
      const zipError = await expectFileError(() => detectEncoding(zip, true), "FILE_NOT_CSV");
      expect(zipError.details.detected).to.match(/zip/);
      expect(zipError.details.hint).to.match(/CSV UTF-8/);
      const xls = new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0, 0]);
      expect((await expectFileError(() => detectEncoding(xls, true), "FILE_NOT_CSV")).details.detected).to.match(/xls/);
      expect((await expectFileError(() => detectEncoding(utf8("%PDF-1.7\n%âãÏÓ\n"), true), "FILE_NOT_CSV")).details.detected).to.equal("pdf");
      // A NUL anywhere in otherwise plausible text.
      const nul = await expectFileError(() => detectEncoding(utf8("loan_ref,name\nLN-1,a\0b\n"), true), "FILE_NOT_CSV");
      expect(nul.details.offset).to.equal(20);
      // Many control bytes, no NUL.
      const controls = new Uint8Array(200).map((_, i) => (i % 3 === 0 ? 0x01 + (i % 7) : 0x41));
      await expectFileError(() => detectEncoding(controls, true), "FILE_NOT_CSV");
    });

    it("a stray control character in a cell is tolerated", () => {
      expect(detectEncoding(utf8("loan_ref,name\nLN-1,测试\u0001甲\n"), true).encoding).to.equal("utf-8");
    });

    it("bytes that are neither UTF-8 nor GB18030 → FILE_ENCODING with the offset of the first non-UTF-8 byte", async () => {
      // 0xFF is invalid in both encodings.
      const bytes = concatBytes(utf8("loan_ref,name\nLN-1,"), new Uint8Array([0xff, 0xfe, 0x41]), utf8("\n"));
      const error = await expectFileError(() => detectEncoding(bytes, true), "FILE_ENCODING");
      expect(error.details.offset).to.equal(19);
      expect(error.details.tried).to.deep.equal(["utf-8", "gb18030"]);
    });

    it("Big5 text that happens to decode as GBK is refused, not shown as mojibake", async () => {
      // Big5 codes with trail bytes in both halves, as real Big5 text has (~40% below 0x80).
      const codes: number[] = [];
      for (let i = 0; i < 40; i++) codes.push(0xb0 + (i % 20), i % 2 === 0 ? 0x40 + i : 0xa1 + i);
      const big5 = concatBytes(utf8("id,name\n1,"), new Uint8Array(codes), utf8("\n"));
      const asBig5 = new TextDecoder("big5", { fatal: true }).decode(big5); // really Big5
      expect(asBig5).to.have.length.greaterThan(40);
      // …and it decodes as GB18030 to nothing but Chinese characters: only the trail-byte statistics tell.
      const asGb = new TextDecoder("gb18030", { fatal: true }).decode(big5);
      expect(asGb.slice(10, -1)).to.match(/^\p{Script=Han}+$/u);
      await expectFileError(() => detectEncoding(big5, true), "FILE_ENCODING");
    });

    it("GB18030-decodable bytes that are not text (private use, unrelated scripts) are refused", async () => {
      // Two-byte codes in the user-defined areas decode to private-use characters.
      const pua: number[] = [];
      for (let i = 0; i < 30; i++) pua.push(0xaa, 0xa1 + i);
      await expectFileError(() => detectEncoding(concatBytes(utf8("a,b\n"), new Uint8Array(pua)), true), "FILE_ENCODING");
    });

    it("looks at the first 64 KiB only", () => {
      const big = concatBytes(utf8("a".repeat(ENCODING_SAMPLE_BYTES)), new Uint8Array([0xff]));
      expect(detectEncoding(big, true).encoding).to.equal("utf-8");
    });
  });

  describe("firstInvalidByte", () => {
    it("finds the start of the first invalid or truncated sequence", () => {
      expect(firstInvalidByte("utf-8", utf8("测试"))).to.equal(-1);
      expect(firstInvalidByte("utf-8", new Uint8Array([0x41, 0xe4, 0xb8, 0x41, 0x42]))).to.equal(1);
      expect(firstInvalidByte("utf-8", new Uint8Array([0x41, 0x42, 0xe4, 0xb8]))).to.equal(2);
      expect(firstInvalidByte("utf-8", new Uint8Array([0x41, 0xff]))).to.equal(1);
      expect(firstInvalidByte("gb18030", new Uint8Array([0x41, 0xd5, 0xc5, 0x81, 0x30, 0x81, 0x2c, 0x41]))).to.equal(3);
      expect(firstInvalidByte("gb18030", new Uint8Array([0xd5, 0xc5, 0xd5]))).to.equal(2);
      expect(firstInvalidByte("gb18030", new Uint8Array([0xd5, 0xc5, 0xff]))).to.equal(2);
    });
  });

  describe("CaseListDecoder", () => {
    const UTF8_TEXT = "合同编号,姓名\r\nLN-1,测试𠀀甲\n€,\"引号\"\n";
    const GB_TEXT = "合同编号,姓名\r\nLN-1,测试𠀀甲\n€,\"引号\"\n";

    for (const [label, bytes, encoding] of [
      ["UTF-8", utf8(UTF8_TEXT), "utf-8"],
      ["UTF-8 with BOM", concatBytes(new Uint8Array([0xef, 0xbb, 0xbf]), utf8(UTF8_TEXT)), "utf-8-bom"],
      ["GB18030 (2- and 4-byte characters)", gb18030(GB_TEXT, GB_FOUR_BYTE), "gb18030"],
    ] as const) {
      it(`${label}: the same text whatever the chunk boundaries (every split point, 1-byte chunks, small and full sample)`, () => {
        const expected = UTF8_TEXT;
        for (const sampleBytes of [undefined, 1, 5]) {
          expect(decodeAll([bytes], sampleBytes)).to.deep.equal({ text: expected, encoding });
          expect(decodeAll(chunksOf(bytes, 1), sampleBytes)).to.deep.equal({ text: expected, encoding });
          for (let cut = 0; cut <= bytes.length; cut++) {
            const result = decodeAll([bytes.slice(0, cut), bytes.slice(cut)], sampleBytes);
            expect(result, `cut at ${cut}, sample ${sampleBytes}`).to.deep.equal({ text: expected, encoding });
          }
          for (let a = 1; a < bytes.length; a += 3) {
            for (let b = a + 1; b < bytes.length; b += 2) {
              const chunks = [bytes.slice(0, a), bytes.slice(a, b), bytes.slice(b)];
              expect(decodeAll(chunks, sampleBytes).text, `cuts ${a},${b}`).to.equal(expected);
            }
          }
        }
      });
    }

    it("strips only the first BOM; a second one stays in the text", () => {
      const bom = new Uint8Array([0xef, 0xbb, 0xbf]);
      expect(decodeAll([concatBytes(bom, bom, utf8("a"))]).text).to.equal("\ufeffa");
    });

    it("an empty file → FILE_EMPTY", async () => {
      await expectFileError(() => decodeAll([]), "FILE_EMPTY");
      await expectFileError(() => decodeAll([new Uint8Array(0), new Uint8Array(0)]), "FILE_EMPTY");
    });

    it("an invalid byte after the sample: text before it, then FILE_ENCODING with its file offset", () => {
      const head = utf8("loan_ref,name\n" + "LN-1,测试甲\n".repeat(8000)); // > 64 KiB of valid UTF-8
      expect(head.length).to.be.greaterThan(ENCODING_SAMPLE_BYTES);
      const bad = concatBytes(head, utf8("LN-2,"), gb18030("张三"), utf8("\n"));
      const decoder = new CaseListDecoder();
      let text = "";
      for (const chunk of chunksOf(bad, 10_000)) {
        text += decoder.push(chunk);
        if (decoder.failure) break;
      }
      expect(decoder.encoding).to.equal("utf-8");
      expect(decoder.failure?.code).to.equal("FILE_ENCODING");
      expect(decoder.failure?.details).to.include({ offset: head.length + 5, encoding: "utf-8", reason: "invalid" });
      expect(text.endsWith("LN-1,测试甲\nLN-2,")).to.equal(true);
      expect(() => decoder.push(utf8("x"))).to.throw().with.property("code", "FILE_ENCODING");
    });

    it("a file whose sample is plain ASCII and that turns out to be GBK: FILE_ENCODING saying so", () => {
      const bytes = concatBytes(utf8("loan_ref,name\n" + "LN-1,Test\n".repeat(10)), utf8("LN-2,"), gb18030("张三"));
      const decoder = new CaseListDecoder({ sampleBytes: 16 });
      for (const chunk of chunksOf(bytes, 16)) {
        decoder.push(chunk);
        if (decoder.failure) break;
      }
      expect(decoder.encoding).to.equal("utf-8");
      expect(decoder.failure?.details.offset).to.equal(bytes.length - 4);
      expect(decoder.failure?.details.hint).to.match(/GBK/);
    });

    it("an invalid byte in a GB18030 file after the sample", () => {
      const head = gb18030("合同编号,姓名\n" + "LN-1,测试甲\n".repeat(40));
      const bad = concatBytes(head, new Uint8Array([0x41, 0xff, 0x0a]));
      const decoder = new CaseListDecoder({ sampleBytes: 64 });
      let text = "";
      for (const chunk of chunksOf(bad, 7)) {
        text += decoder.push(chunk);
        if (decoder.failure) break;
      }
      expect(decoder.encoding).to.equal("gb18030");
      expect(decoder.failure?.details).to.include({ offset: head.length + 1 });
      expect(text.endsWith("LN-1,测试甲\nA")).to.equal(true);
    });

    it("a multi-byte character cut off by the end of the file → FILE_ENCODING 'truncated' at its first byte", () => {
      const head = utf8("a,b\n".repeat(20));
      const bytes = concatBytes(head, new Uint8Array([0xe6, 0xb5]));
      const decoder = new CaseListDecoder({ sampleBytes: 16 });
      let text = "";
      for (const chunk of chunksOf(bytes, 5)) text += decoder.push(chunk);
      expect(decoder.failure).to.equal(undefined);
      text += decoder.end();
      expect(text).to.equal("a,b\n".repeat(20));
      expect(decoder.failure?.details).to.include({ offset: head.length, reason: "truncated" });
    });

    it("copies what it buffers: the caller may reuse its chunk buffer", () => {
      const decoder = new CaseListDecoder();
      const buffer = utf8("a,b\n");
      let text = decoder.push(buffer);
      buffer.set(utf8("x,y\n"));
      text += decoder.push(buffer);
      text += decoder.end();
      expect(text).to.equal("a,b\nx,y\n");
    });
  });
});
