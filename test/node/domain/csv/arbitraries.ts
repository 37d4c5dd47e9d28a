import fc from "fast-check";
import { FIELD_ERRORS, FIELD_WARNINGS, FILE_ERRORS } from "../../../../node/domain/errors.js";
import { idWithCheck } from "../../../../scripts/lib/synthetic-cases.js";
import { concatBytes, gb18030, utf8 } from "./helpers.js";

/**
 * fast-check generators for case lists: synthetic debtors (names from a pool of characters that no message, header or
 * code of ours contains, so that finding one in a report can only be a leak), rows with and without deliberate
 * errors, CSV text with every quoting, line-end and blank-line choice, and hostile bytes.
 */

export const HEADER = ["合同编号", "姓名", "身份证号", "手机号", "本金", "欠款余额", "逾期天数", "备注"];

const OUR_TEXT = [
  ...Object.values(FIELD_ERRORS),
  ...Object.values(FIELD_WARNINGS),
  ...Object.values(FILE_ERRORS),
]
  .map((m) => m.zh + m.en)
  .join("") + HEADER.join("");
/** Common CJK characters (all in GB18030's two-byte range), minus every character that appears in our own texts. */
export const NAME_CHARS = [..."赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜戚谢邹喻柏水窦章云苏潘葛奚范彭郎鲁韦昌马苗凤花方俞任袁柳鲍史唐费廉岑薛雷贺倪汤滕殷罗毕郝邬安常乐于时傅皮卞齐康伍余元卜顾孟平黄和穆萧尹姚邵湛汪祁毛禹狄米贝明臧计伏成戴谈宋茅庞熊纪舒屈项祝董梁杜阮蓝闵席季麻强贾路娄危江童颜郭梅盛林刁钟徐邱骆高夏蔡田樊胡凌霍虞万支柯昝管卢莫经房裘缪干解应宗丁宣贲邓郁单杭洪包诸左石崔吉钮龚程嵇邢滑裴陆荣翁荀羊於惠甄曲家封芮羿储靳汲邴糜松井段富巫乌焦巴弓牧隗山谷车侯宓蓬全郗班仰秋仲伊宫宁仇栾暴甘钭厉戎祖武符刘景詹束龙叶幸司韶郜黎蓟薄印宿白怀蒲邰从鄂索咸籍赖卓蔺屠蒙池乔阴郁胥能苍双闻莘党翟谭贡劳逄姬申扶堵冉宰郦雍却璩桑桂濮牛寿通边扈燕冀郏浦尚农温别庄晏柴瞿阎充慕连茹习宦艾鱼容向古易慎戈廖庾终暨居衡步都耿满弘匡国文寇广禄阙东欧殳沃利蔚越夔隆师巩厍聂晁勾敖融冷訾辛阚那简饶空曾毋沙乜养鞠须丰巢关蒯相查后荆红游竺权逯盖益桓公"].filter(
  (c, i, all) => !OUR_TEXT.includes(c) && all.indexOf(c) === i,
);

const REGIONS = ["110101", "310104", "440106", "440305", "320102", "330106", "510104", "650102"];

export interface Debtor {
  name: string;
  id: string;
  phone: string;
}

export const debtorArb: fc.Arbitrary<Debtor> = fc
  .record({
    name: fc.string({ unit: fc.constantFrom(...NAME_CHARS), minLength: 2, maxLength: 4 }),
    region: fc.constantFrom(...REGIONS),
    birth: fc.date({ min: new Date(Date.UTC(1940, 0, 1)), max: new Date(Date.UTC(2004, 11, 31)), noInvalidDate: true }),
    seq: fc.integer({ min: 0, max: 999 }),
    phone: fc.tuple(fc.integer({ min: 3, max: 9 }), fc.integer({ min: 0, max: 999_999_999 })),
  })
  .map(({ name, region, birth, seq, phone }) => ({
    name,
    id: idWithCheck(`${region}${birth.toISOString().slice(0, 10).replaceAll("-", "")}${String(seq).padStart(3, "0")}`),
    phone: `1${phone[0]}${String(phone[1]).padStart(9, "0")}`,
  }));

/** What a generated row does on purpose, and the status the validator must give it. */
export type Corruption = "none" | "badCheck" | "badPhone" | "longName" | "negative" | "extraColumn" | "missingColumn" | "repeat" | "conflict";

export interface PlannedRow {
  loanRef: string;
  cells: string[];
  corruption: Corruption;
  expected: "accepted" | "duplicate" | "rejected";
  /** Every piece of personal data the row holds, valid or not. */
  pii: string[];
}

const corruptionArb = fc.oneof(
  { weight: 8, arbitrary: fc.constant<Corruption>("none") },
  { weight: 1, arbitrary: fc.constantFrom<Corruption>("badCheck", "badPhone", "longName", "negative", "extraColumn", "missingColumn", "repeat", "conflict") },
);

const noteArb = fc.oneof(
  fc.constant(""),
  fc.string({ unit: fc.constantFrom(..."abc ,\"'=+-@\t\r\n中文注释"), maxLength: 20 }),
);

export interface RowSeed {
  debtor: number;
  corruption: Corruption;
  principal: number;
  outstanding: number;
  overdue: number;
  note: string;
}

export const rowSeedArb: fc.Arbitrary<RowSeed> = fc.record({
  debtor: fc.nat(),
  corruption: corruptionArb,
  principal: fc.integer({ min: 0, max: 10_000_000 }),
  outstanding: fc.integer({ min: 0, max: 10_000_000 }),
  overdue: fc.integer({ min: 0, max: 2_000 }),
  note: noteArb,
});

const fen = (n: number) => `${Math.floor(n / 100)}.${String(n % 100).padStart(2, "0")}`;

/** Rows with their expected statuses: `repeat` copies an earlier accepted row exactly, `conflict` reuses its loan_ref. */
export function planRows(debtors: Debtor[], seeds: RowSeed[]): PlannedRow[] {
  const rows: PlannedRow[] = [];
  const accepted: PlannedRow[] = [];
  seeds.forEach((seed, i) => {
    const d = debtors[seed.debtor % debtors.length]!;
    const loanRef = `LN-${String(i).padStart(5, "0")}`;
    const cells = [loanRef, d.name, d.id, d.phone, fen(seed.principal), fen(seed.outstanding), String(seed.overdue), seed.note];
    const pii = [d.name, d.id, d.id.slice(0, 17), d.phone];
    let corruption = seed.corruption;
    const earlier = accepted[seed.debtor % Math.max(1, accepted.length)];
    if ((corruption === "repeat" || corruption === "conflict") && !earlier) corruption = "none";
    let expected: PlannedRow["expected"] = "rejected";
    switch (corruption) {
      case "none":
        expected = "accepted";
        break;
      case "badCheck":
        cells[2] = d.id.slice(0, 17) + (d.id.endsWith("0") ? "1" : "0");
        pii.push(cells[2]);
        break;
      case "badPhone":
        cells[3] = `12${d.phone.slice(2)}`;
        pii.push(cells[3]);
        break;
      case "longName":
        cells[1] = d.name.repeat(Math.ceil(5_000 / d.name.length));
        break;
      case "negative":
        cells[5] = `-${cells[5]}`;
        break;
      case "extraColumn":
        cells.push(d.phone);
        break;
      case "missingColumn":
        cells.splice(3, 1);
        break;
      case "repeat":
        cells.splice(0, cells.length, ...earlier!.cells);
        pii.push(...earlier!.pii);
        expected = "duplicate";
        break;
      case "conflict":
        cells.splice(0, cells.length, ...earlier!.cells);
        cells[5] = fen(Math.round(Number(earlier!.cells[5]) * 100) + 1);
        pii.push(...earlier!.pii);
        break;
    }
    const row: PlannedRow = { loanRef: cells[0]!, cells, corruption, expected, pii };
    rows.push(row);
    if (expected === "accepted") accepted.push(row);
  });
  return rows;
}

/** How a list is written: quoting, line ends, blank lines, BOM, encoding. */
export interface Layout {
  quoteAll: boolean;
  quoteSome: boolean[];
  lineEnds: Array<"\n" | "\r\n" | "\r">;
  blankLinesAfter: number[];
  bom: boolean;
  gb18030: boolean;
  finalLineEnd: boolean;
}

export const layoutArb: fc.Arbitrary<Layout> = fc.record({
  quoteAll: fc.boolean(),
  quoteSome: fc.array(fc.boolean(), { minLength: 16, maxLength: 16 }),
  lineEnds: fc.array(fc.constantFrom<"\n" | "\r\n" | "\r">("\n", "\r\n", "\r"), { minLength: 1, maxLength: 8 }),
  blankLinesAfter: fc.array(fc.oneof({ weight: 5, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 3 }) }), { minLength: 1, maxLength: 8 }),
  bom: fc.boolean(),
  gb18030: fc.boolean(),
  finalLineEnd: fc.boolean(),
});

/** RFC 4180 quoting: always when the field needs it, otherwise as the layout says. */
export function quoteField(field: string, quote: boolean): string {
  const needs = /[",\r\n]/.test(field) || field.trim() !== field;
  return needs || quote ? `"${field.replaceAll('"', '""')}"` : field;
}

/** Counts line breaks (LF, CRLF and a lone CR each one) in `text`. */
export function breaksIn(text: string): number {
  return (text.match(/\r\n|\r|\n/g) ?? []).length;
}

export interface WrittenList {
  bytes: Uint8Array;
  text: string;
  /** Physical line on which each data row starts. */
  lines: number[];
}

/** Writes header + rows as the layout says; records the physical line of every row. */
export function writeList(header: string[], rows: string[][], layout: Layout): WrittenList {
  let text = "";
  const lines: number[] = [];
  const all = [header, ...rows];
  all.forEach((cells, r) => {
    if (r > 0) lines.push(1 + breaksIn(text));
    text += cells.map((c, k) => quoteField(c, layout.quoteAll || layout.quoteSome[k % layout.quoteSome.length]!)).join(",");
    if (r < all.length - 1 || layout.finalLineEnd) {
      text += layout.lineEnds[r % layout.lineEnds.length];
      const blanks = layout.blankLinesAfter[r % layout.blankLinesAfter.length]!;
      if (r < all.length - 1) for (let b = 0; b < blanks; b++) text += "\n";
    }
  });
  let bytes: Uint8Array;
  if (layout.gb18030) bytes = gb18030(text);
  else bytes = layout.bom ? concatBytes(Uint8Array.of(0xef, 0xbb, 0xbf), utf8(text)) : utf8(text);
  return { bytes, text, lines };
}

export const caseListArb = fc
  .record({
    debtors: fc.array(debtorArb, { minLength: 1, maxLength: 8 }),
    seeds: fc.array(rowSeedArb, { minLength: 1, maxLength: 40 }),
    layout: layoutArb,
  })
  .map(({ debtors, seeds, layout }) => {
    const rows = planRows(debtors, seeds);
    return { debtors, rows, layout, written: writeList(HEADER, rows.map((r) => r.cells), layout) };
  });

/** Cut points for `length` bytes: chunks of any size, down to one byte, splitting characters and CRLFs. */
export const cutsArb = (length: number) =>
  fc.uniqueArray(fc.integer({ min: 1, max: Math.max(1, length - 1) }), { maxLength: Math.min(12, Math.max(0, length - 1)) }).map((cuts) => cuts.sort((a, b) => a - b));

export function cut(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  let from = 0;
  for (const at of cuts) {
    if (at <= from || at >= bytes.length) continue;
    chunks.push(bytes.subarray(from, at));
    from = at;
  }
  chunks.push(bytes.subarray(from));
  return chunks;
}

/** Bytes that break decoders: invalid UTF-8 (lone continuation, truncated and overlong sequences, surrogates), GB18030 pairs and four-byte forms, NUL, lone quotes, lone CRs. */
const NASTY: readonly number[][] = [
  [0xff],
  [0x80],
  [0xc3],
  [0xe4, 0xb8],
  [0xc0, 0xaf],
  [0xed, 0xa0, 0x80],
  [0xf4, 0x90, 0x80, 0x80],
  [0xd5, 0xc5],
  [0xb2, 0xe2],
  [0x81, 0x30, 0x81, 0x30],
  [0x95, 0x32, 0x82, 0x36],
  [0x00],
  [0x22],
  [0x0d],
  [0x22, 0x22, 0x22],
  [0x2c, 0x22, 0x0d],
  [0xef, 0xbb, 0xbf],
];

/** Arbitrary bytes, and CSV-shaped text with hostile bytes spliced in. */
export const hostileBytesArb: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.uint8Array({ maxLength: 600 }),
  fc
    .tuple(
      fc.array(fc.string({ unit: "binary", maxLength: 12 }), { maxLength: 40 }),
      fc.array(fc.constantFrom(",", '"', "\r", "\n", "\r\n", '""'), { maxLength: 40 }),
      fc.array(fc.tuple(fc.nat(), fc.constantFrom(...NASTY)), { maxLength: 6 }),
      fc.boolean(),
    )
    .map(([pieces, seps, splices, withHeader]) => {
      let text = withHeader ? `${HEADER.join(",")}\r\n` : "";
      pieces.forEach((p, i) => (text += p + (seps[i % Math.max(1, seps.length)] ?? ",")));
      const bytes = [...utf8(text)];
      for (const [at, nasty] of splices) bytes.splice(at % (bytes.length + 1), 0, ...nasty);
      return Uint8Array.from(bytes);
    }),
  fc
    .array(fc.tuple(fc.integer({ min: 0x81, max: 0xfe }), fc.integer({ min: 0x30, max: 0xfe })), { maxLength: 300 })
    .map((pairs) => concatBytes(gb18030(`${HEADER.join(",")}\r\n`), Uint8Array.from(pairs.flat()))),
);
