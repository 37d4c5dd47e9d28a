import { expect } from "chai";
import {
  type CaseListEvent,
  CaseListReader,
  type CaseListRowEvent,
  ENCODING_SAMPLE_BYTES,
  readCaseListBatches,
  readCaseRows,
} from "../../../../node/domain/csv/index.js";
import { chunksOf, concatBytes, expectFileError, gb18030, readAll, splitAt, utf8 } from "./helpers.js";

// Synthetic data only: the GB 11643 example ID number and a well-known test phone number.
const ID = "11010519491231002X";
const PHONE = "13800138000";
const HEADER_ZH = "合同编号,姓名,身份证号,手机号,本金,欠款余额,逾期天数,省份,备注";
const SAMPLE = `${HEADER_ZH}\r\nLN-001,测试甲,${ID},${PHONE},"10,000.00",8000,30,北京,首次逾期\r\nLN-002,测试乙,${ID},,5000,4000.5,0,上海,"含""引号""
和换行"\r\n`;

const rows = (events: readonly CaseListEvent[]): CaseListRowEvent[] => events.filter((e): e is CaseListRowEvent => e.type === "row");

describe("readCaseRows", () => {
  it("UTF-8 without BOM: header event, row events with physical lines and raw values, end event", async () => {
    const events = await readAll([utf8(SAMPLE)]);
    expect(events[0]).to.deep.equal({
      type: "header",
      encoding: "utf-8",
      line: 1,
      columns: [
        { index: 0, name: "合同编号", field: "loan_ref", key: "loan_ref" },
        { index: 1, name: "姓名", field: "name", key: "name" },
        { index: 2, name: "身份证号", field: "id_number", key: "id_number" },
        { index: 3, name: "手机号", field: "phone", key: "phone" },
        { index: 4, name: "本金", field: "principal", key: "principal" },
        { index: 5, name: "欠款余额", field: "outstanding", key: "outstanding" },
        { index: 6, name: "逾期天数", field: "overdue_days", key: "overdue_days" },
        { index: 7, name: "省份", field: "region", key: "region" },
        { index: 8, name: "备注", field: null, key: "备注" },
      ],
    });
    expect(events.slice(1)).to.deep.equal([
      {
        type: "row",
        line: 2,
        values: {
          loan_ref: "LN-001",
          name: "测试甲",
          id_number: ID,
          phone: PHONE,
          principal: "10,000.00",
          outstanding: "8000",
          overdue_days: "30",
          region: "北京",
          备注: "首次逾期",
        },
      },
      {
        type: "row",
        line: 3,
        values: {
          loan_ref: "LN-002",
          name: "测试乙",
          id_number: ID,
          phone: "",
          principal: "5000",
          outstanding: "4000.5",
          overdue_days: "0",
          region: "上海",
          备注: '含"引号"\n和换行',
        },
      },
      { type: "end", rows: 2, emptyRows: 0, blankLines: 0, lines: 4, bytes: utf8(SAMPLE).length },
    ]);
  });

  it("UTF-8 with BOM: the BOM is not part of the first header name", async () => {
    const events = await readAll([concatBytes(new Uint8Array([0xef, 0xbb, 0xbf]), utf8(SAMPLE))]);
    expect(events[0]).to.include({ type: "header", encoding: "utf-8-bom" });
    expect(events[0]?.type === "header" && events[0].columns[0]).to.deep.equal({ index: 0, name: "合同编号", field: "loan_ref", key: "loan_ref" });
    expect(rows(events).map((r) => r.values.loan_ref)).to.deep.equal(["LN-001", "LN-002"]);
  });

  it("GB18030/GBK: same events as the UTF-8 file, encoding gb18030", async () => {
    const fromUtf8 = await readAll([utf8(SAMPLE)]);
    const fromGb = await readAll([gb18030(SAMPLE)]);
    expect(fromGb[0]).to.include({ encoding: "gb18030" });
    expect(fromGb.slice(1, -1)).to.deep.equal(fromUtf8.slice(1, -1));
    expect(fromGb.at(-1)).to.deep.equal({ ...fromUtf8.at(-1), bytes: gb18030(SAMPLE).length });
  });

  for (const [label, bytes] of [
    ["UTF-8", utf8(SAMPLE)],
    ["UTF-8 with BOM", concatBytes(new Uint8Array([0xef, 0xbb, 0xbf]), utf8(SAMPLE))],
    ["GB18030", gb18030(SAMPLE)],
  ] as const) {
    it(`${label}: identical events for the file split at every byte position (and in 1-byte chunks)`, async () => {
      for (const sampleBytes of [undefined, 8]) {
        const options = sampleBytes === undefined ? {} : { sampleBytes };
        const expected = await readAll([bytes], options);
        expect(rows(expected)).to.have.length(2);
        for (let cut = 0; cut <= bytes.length; cut++) {
          expect(await readAll(splitAt(bytes, cut), options), `cut at ${cut}`).to.deep.equal(expected);
        }
        expect(await readAll(chunksOf(bytes, 1), options)).to.deep.equal(expected);
        expect(await readAll(chunksOf(bytes, 3), options)).to.deep.equal(expected);
      }
    });
  }

  it("English header, LF only, last line without a line break, Node Buffers, an async source", async () => {
    const text = "loan_ref,NAME,id_number,principal,outstanding,overdue_days,channel\nA-1,Test One,110105194912310029,1,2,3,web\nA-2,Test Two,110105194912310029,4,5,6,app";
    async function* source(): AsyncGenerator<Uint8Array> {
      for (const chunk of chunksOf(Buffer.from(text, "utf8"), 16)) yield chunk;
    }
    const events = await readAll(source());
    expect(rows(events).map((r) => [r.line, r.values.name, r.values.channel])).to.deep.equal([
      [2, "Test One", "web"],
      [3, "Test Two", "app"],
    ]);
    expect(events.at(-1)).to.include({ type: "end", rows: 2, lines: 3 });
  });

  it("LF, CRLF and CR line breaks give the same rows and lines", async () => {
    const lf = SAMPLE.replaceAll("\r\n", "\n");
    const cr = SAMPLE.replaceAll("\r\n", "\r");
    const expected = rows(await readAll([utf8(lf)]));
    expect(rows(await readAll([utf8(cr)]))).to.deep.equal(expected);
    expect(rows(await readAll([utf8(SAMPLE)]))).to.deep.equal(expected);
  });

  it("physical line numbers after multi-line quoted fields, blank lines and empty rows", async () => {
    const text = [
      "", // line 1: blank before the header
      HEADER_ZH, // 2
      'LN-1,测试甲,X,,1,1,1,北京,"第一行', // 3
      "第二行", // 4
      '第三行"', // 5
      "", // 6 blank
      ",,,,,,,,", // 7: an empty row from a spreadsheet
      "LN-2,测试乙,X,,1,1,1,北京,", // 8
      "  ,  ,,,,,,,", // 9: white space only
      "LN-3,测试丙,X,,1,1,1,北京,", // 10
    ].join("\r\n");
    const events = await readAll([utf8(text)]);
    expect(events[0]).to.include({ type: "header", line: 2 });
    expect(rows(events).map((r) => [r.line, r.values.loan_ref])).to.deep.equal([
      [3, "LN-1"],
      [8, "LN-2"],
      [10, "LN-3"],
    ]);
    expect(rows(events)[0]?.values["备注"]).to.equal("第一行\r\n第二行\r\n第三行");
    expect(events.at(-1)).to.include({ rows: 3, emptyRows: 2, blankLines: 2, lines: 10 });
  });

  it("a row with a different number of columns is yielded with a flag; the file goes on", async () => {
    const text = `${HEADER_ZH}\nLN-1,测试甲,X\nLN-2,测试乙,X,,1,1,1,北京,备注,多余\nLN-3,测试丙,X,,1,1,1,北京,ok\n`;
    const [short, long, fine] = rows(await readAll([utf8(text)]));
    expect(short).to.deep.equal({
      type: "row",
      line: 2,
      values: { loan_ref: "LN-1", name: "测试甲", id_number: "X" },
      columnCountMismatch: true,
      columnCount: 3,
    });
    expect(long).to.include({ line: 3, columnCountMismatch: true, columnCount: 10 });
    expect(long?.values["备注"]).to.equal("备注");
    expect(fine).to.not.have.property("columnCountMismatch");
    expect(fine).to.include({ line: 4 });
  });

  it("a header without rows is a valid file with zero rows", async () => {
    const events = await readAll([utf8(`${HEADER_ZH}\r\n`)]);
    expect(events.map((e) => e.type)).to.deep.equal(["header", "end"]);
    expect(events[1]).to.include({ rows: 0, lines: 1 });
  });

  it("empty files → FILE_EMPTY: no bytes, only a BOM, only blank lines or white space", async () => {
    await expectFileError(() => readAll([]), "FILE_EMPTY");
    await expectFileError(() => readAll([new Uint8Array(0)]), "FILE_EMPTY");
    await expectFileError(() => readAll([new Uint8Array([0xef, 0xbb, 0xbf])]), "FILE_EMPTY");
    await expectFileError(() => readAll([utf8("\r\n\n  \n,,,\n")]), "FILE_EMPTY");
  });

  it("header errors fail the whole file", async () => {
    const missing = await expectFileError(() => readAll([utf8("合同编号,姓名\nLN-1,测试甲\n")]), "HEADER_MISSING_COLUMN");
    expect(missing.details.missing).to.deep.equal(["id_number", "principal", "outstanding", "overdue_days"]);
    await expectFileError(() => readAll([utf8(`${HEADER_ZH},借据号\n`)]), "HEADER_DUPLICATE_COLUMN");
  });

  it("binary input fails whole, before any event (PNG, XLSX)", async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 0, 0, 1, 0]);
    const xlsx = concatBytes(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0x06, 0, 0x08, 0]), utf8("[Content_Types].xml"));
    for (const bytes of [png, xlsx]) {
      const seen: CaseListEvent[] = [];
      await expectFileError(async () => {
        for await (const event of readCaseRows(chunksOf(bytes, 4))) seen.push(event);
      }, "FILE_NOT_CSV");
      expect(seen).to.deep.equal([]);
    }
  });

  it("an invalid UTF-8 byte after the 64 KiB sample → FILE_ENCODING with its byte offset and line", async () => {
    const rowText = `LN-0,测试甲,${ID},${PHONE},1,1,1,北京,备注\n`;
    const head = utf8(`${HEADER_ZH}\n${rowText.repeat(1200)}`);
    expect(head.length).to.be.greaterThan(ENCODING_SAMPLE_BYTES);
    const bytes = concatBytes(head, utf8("LN-9,"), gb18030("张三"), utf8(`,${ID},,1,1,1,北京,\n`));
    let seenRows = 0;
    const error = await expectFileError(async () => {
      for await (const event of readCaseRows(chunksOf(bytes, 4096))) if (event.type === "row") seenRows++;
    }, "FILE_ENCODING");
    expect(error.details).to.include({ offset: head.length + 5, line: 1202, encoding: "utf-8" });
    expect(seenRows).to.be.greaterThan(0).and.lessThan(1201);
  });

  it("an unterminated quote → QUOTE_UNTERMINATED with its line", async () => {
    const error = await expectFileError(() => readAll([utf8(`${HEADER_ZH}\nLN-1,测试甲,X,,1,1,1,北京,"open\nLN-2,x\n`)]), "QUOTE_UNTERMINATED");
    expect(error.details).to.deep.equal({ line: 2 });
  });

  it("maxBytes: exactly the limit is fine, one byte more → FILE_TOO_LARGE", async () => {
    const bytes = utf8(SAMPLE);
    expect(rows(await readAll(chunksOf(bytes, 10), { maxBytes: bytes.length }))).to.have.length(2);
    const error = await expectFileError(() => readAll(chunksOf(bytes, 10), { maxBytes: bytes.length - 1 }), "FILE_TOO_LARGE");
    expect(error.details).to.deep.equal({ maxBytes: bytes.length - 1 });
    expect(() => new CaseListReader({ maxBytes: 0 })).to.throw(RangeError);
  });

  it("a header cell named __proto__ is an ordinary key", async () => {
    const events = await readAll([utf8(`${HEADER_ZH},__proto__\nLN-1,测试甲,X,,1,1,1,北京,备注,{"polluted":1}\n`)]);
    const [row] = rows(events);
    expect(Object.getPrototypeOf(row?.values)).to.equal(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(row?.values, "__proto__")?.value).to.equal('{"polluted":1}');
  });

  it("the reader stays failed after an error", () => {
    const reader = new CaseListReader({ sampleBytes: 8 }); // decides as soon as 8 bytes are in
    expect(() => reader.push(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).to.throw().with.property("code", "FILE_NOT_CSV");
    expect(() => reader.push(utf8("a"))).to.throw().with.property("code", "FILE_NOT_CSV");
    expect(() => reader.end()).to.throw().with.property("code", "FILE_NOT_CSV");
  });

  it("readCaseListBatches gives the same events in batches", async () => {
    const batches: CaseListEvent[][] = [];
    for await (const batch of readCaseListBatches(chunksOf(utf8(SAMPLE), 50))) batches.push(batch);
    expect(batches.flat()).to.deep.equal(await readAll([utf8(SAMPLE)]));
  });

  it("readCaseListBatches reads a big chunk a slice at a time, with the same events as small chunks", async () => {
    const rows = Array.from({ length: 4_000 }, (_, i) => `LN-${i},测试,${ID},${PHONE},"1,000.00",5,${i % 365},北京,"多
行"`);
    const bytes = utf8(`${HEADER_ZH}\r\n${rows.join("\r\n")}\r\n`);
    expect(bytes.length).to.be.above(3 * 64 * 1024);
    const batches: CaseListEvent[][] = [];
    for await (const batch of readCaseListBatches([bytes])) batches.push(batch);
    expect(batches.length).to.be.above(3);
    expect(batches.flat()).to.deep.equal(await readAll(chunksOf(bytes, 777)));
  });

  it("50,000 generated rows stream through without the reader holding them (bounded read-ahead)", async () => {
    const ROWS = 50_000;
    const CHUNK_ROWS = 100;
    const rowText = (i: number): string =>
      `LN-${String(i).padStart(7, "0")},测试${i % 100},${ID},${PHONE},"1,${String(i % 1000).padStart(3, "0")}.00",${i % 5000},${i % 365},北京,批次${i % 7}\r\n`;
    let bytesPulled = 0;
    function* source(): Generator<Uint8Array> {
      const header = utf8(`${HEADER_ZH}\r\n`);
      bytesPulled += header.length;
      yield header;
      for (let start = 0; start < ROWS; start += CHUNK_ROWS) {
        let text = "";
        for (let i = start; i < start + CHUNK_ROWS; i++) text += rowText(i);
        const chunk = utf8(text);
        bytesPulled += chunk.length;
        yield chunk; // generated lazily: only what the reader asked for exists
      }
    }
    let count = 0;
    let bytesOfRows = utf8(`${HEADER_ZH}\r\n`).length;
    let maxReadAhead = 0;
    let end: CaseListEvent | undefined;
    for await (const event of readCaseRows(source())) {
      if (event.type === "row") {
        expect(event.line).to.equal(count + 2);
        expect(event.values.loan_ref).to.equal(`LN-${String(count).padStart(7, "0")}`);
        bytesOfRows += utf8(rowText(count)).length;
        maxReadAhead = Math.max(maxReadAhead, bytesPulled - bytesOfRows);
        count++;
      } else if (event.type === "end") {
        end = event;
      }
    }
    expect(count).to.equal(ROWS);
    expect(end).to.include({ rows: ROWS, lines: ROWS + 1, bytes: bytesPulled });
    // The reader never pulls more than the encoding sample plus one chunk ahead of the row it hands out,
    // so memory is bounded by that, not by the file (≈ 5 MB here).
    expect(bytesPulled).to.be.greaterThan(4_000_000);
    expect(maxReadAhead).to.be.lessThan(ENCODING_SAMPLE_BYTES + 2 * 12_000);
  });
});
