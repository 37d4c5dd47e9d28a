/**
 * Synthetic case lists for the demo (`npm run demo:data`) and the browser test: deterministic, never real
 * people (see synthetic-cases.ts), with rows of every error kind the validator knows and debtors shared by the
 * two demo lenders (so that co-debt keeps them with one agency).
 */
import { idWithCheck, prng } from "./synthetic-cases.js";

export const DEMO_HEADER = "合同编号,姓名,身份证号,手机号,本金,欠款余额,逾期天数,产品";
const SURNAMES = ["赵", "钱", "孙", "李", "周", "吴", "郑", "王", "冯", "陈", "欧阳", "司马"];
const GIVEN = ["测", "试", "样", "例", "甲", "乙", "丙", "丁", "子", "丑", "寅", "卯"];
/** Guangdong, Beijing and Shanghai (the collection agency's regions) more often than the rest. */
const REGIONS = ["440106", "440305", "110101", "110105", "310104", "310115", "320102", "330106", "510104", "650102"];
const PRODUCTS = ["消费贷", "现金贷", "信用卡", "车贷"];

export interface DemoDebtor {
  name: string;
  id: string;
  phone: string;
}

/** The error kinds a demo list holds, one row each at least, then at random. */
export const ERROR_KINDS = [
  "ID_CHECK_DIGIT",
  "ID_BIRTH_DATE",
  "ID_FORMAT",
  "PHONE_INVALID",
  "AMOUNT_NEGATIVE",
  "AMOUNT_NOT_NUMBER",
  "FIELD_MISSING",
  "FIELD_TOO_LONG",
  "DUPLICATE_ROW",
  "REF_CONFLICT",
] as const;

export function makeDebtors(count: number, seed: number): DemoDebtor[] {
  const random = prng(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)] as T;
  return Array.from({ length: count }, () => {
    const year = 1955 + Math.floor(random() * 45);
    const month = String(1 + Math.floor(random() * 12)).padStart(2, "0");
    const day = String(1 + Math.floor(random() * 28)).padStart(2, "0");
    const seq = String(Math.floor(random() * 1000)).padStart(3, "0");
    return {
      name: pick(SURNAMES) + pick(GIVEN) + (random() < 0.5 ? pick(GIVEN) : ""),
      id: idWithCheck(`${pick(REGIONS)}${year}${month}${day}${seq}`),
      phone: `17${random() < 0.5 ? "0" : "1"}${String(Math.floor(random() * 1e8)).padStart(8, "0")}`,
    };
  });
}

export interface DemoListOptions {
  rows: number;
  seed: number;
  refPrefix: string;
  /** Debtors this list shares with another lender's list. */
  shared: DemoDebtor[];
  /** Share of rows drawn from `shared`. */
  sharedRate: number;
  /** Share of rows with an error (besides one row of each kind). */
  errorRate: number;
}

/** CSV text (UTF-8, LF) of a demo list. */
export function demoList(options: DemoListOptions): string {
  const random = prng(options.seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)] as T;
  const own = makeDebtors(Math.max(1, Math.ceil(options.rows * 0.8)), options.seed + 1);
  const lines: string[] = [DEMO_HEADER];
  const plain: string[][] = [];
  for (let i = 0; i < options.rows; i++) {
    const debtor = options.shared.length && random() < options.sharedRate ? pick(options.shared) : pick(own);
    const principal = 1_000 + Math.floor(random() * 120_000);
    const outstanding = Math.floor(principal * (0.2 + random() * 0.8));
    const cells = [
      `${options.refPrefix}-${String(i + 1).padStart(6, "0")}`,
      debtor.name,
      debtor.id,
      random() < 0.05 ? "" : debtor.phone,
      `${principal}.00`,
      `${outstanding}.${String(Math.floor(random() * 100)).padStart(2, "0")}`,
      String(Math.floor(random() * 540)),
      pick(PRODUCTS),
    ];
    // Three clean rows, then one row of each error kind, then errors at random.
    const kind = i >= 3 && i < 3 + ERROR_KINDS.length ? ERROR_KINDS[i - 3] : i >= 3 && random() < options.errorRate ? pick(ERROR_KINDS) : undefined;
    switch (kind) {
      case "ID_CHECK_DIGIT":
        cells[2] = debtor.id.slice(0, 17) + (debtor.id.endsWith("0") ? "1" : "0");
        break;
      case "ID_BIRTH_DATE":
        cells[2] = idWithCheck(`${debtor.id.slice(0, 10)}13${debtor.id.slice(12, 17)}`);
        break;
      case "ID_FORMAT":
        cells[2] = debtor.id.slice(0, 12);
        break;
      case "PHONE_INVALID":
        cells[3] = "12345";
        break;
      case "AMOUNT_NEGATIVE":
        cells[5] = `-${cells[5]}`;
        break;
      case "AMOUNT_NOT_NUMBER":
        cells[5] = "约三千元";
        break;
      case "FIELD_MISSING":
        cells[1] = "";
        break;
      case "FIELD_TOO_LONG":
        cells[0] = `${cells[0]}-${"X".repeat(70)}`;
        break;
      case "DUPLICATE_ROW":
        if (plain.length) {
          lines.push(plain[plain.length - 1]!.join(","));
          continue;
        }
        break;
      case "REF_CONFLICT":
        if (plain.length) cells[0] = plain[plain.length - 1]![0]!;
        break;
      default:
    }
    if (!kind) plain.push(cells);
    lines.push(cells.join(","));
  }
  return `${lines.join("\n")}\n`;
}
