/**
 * Synthetic case lists for demos, benchmarks and tests: deterministic (seeded), plausible in shape, and
 * never real people — names are drawn from a fixed syllable list, ID numbers are generated with a valid
 * check character, phones from the 170/171 virtual-operator ranges.
 */
const SURNAMES = ["赵", "钱", "孙", "李", "周", "吴", "郑", "王", "冯", "陈", "欧阳", "司马"];
const GIVEN = ["测", "试", "样", "例", "甲", "乙", "丙", "丁", "子", "丑", "寅", "卯"];
const REGIONS = ["110101", "310104", "440106", "440305", "320102", "330106", "510104", "420102", "650102", "370102"];
const PRODUCTS = ["消费贷", "现金贷", "信用卡", "车贷"];
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

export function prng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 0x1_0000_0000;
  };
}

export function idWithCheck(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * (WEIGHTS[i] as number);
  return first17 + "10X98765432"[sum % 11];
}

export interface SyntheticOptions {
  rows: number;
  seed?: number;
  /** Share of rows with a deliberate error (bad check digit, bad phone, negative amount…). Default 0. */
  errorRate?: number;
  /** Share of rows whose debtor also appears in another row. Default 0.1. */
  sharedDebtorRate?: number;
  /** Loan reference prefix, so that several lenders' lists do not collide. */
  refPrefix?: string;
}

export const SYNTHETIC_HEADER = "合同编号,姓名,身份证号,手机号,本金,欠款余额,逾期天数,产品";

/** Yields CSV lines (without line ends), header first. */
export function* syntheticCaseLines(options: SyntheticOptions): Generator<string> {
  const random = prng(options.seed ?? 42);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)] as T;
  const errorRate = options.errorRate ?? 0;
  const sharedRate = options.sharedDebtorRate ?? 0.1;
  const prefix = options.refPrefix ?? "LN";
  const debtors: Array<{ name: string; id: string; phone: string }> = [];
  yield SYNTHETIC_HEADER;
  for (let i = 0; i < options.rows; i++) {
    let debtor = debtors.length > 0 && random() < sharedRate ? pick(debtors) : undefined;
    if (!debtor) {
      const year = 1950 + Math.floor(random() * 50);
      const month = String(1 + Math.floor(random() * 12)).padStart(2, "0");
      const day = String(1 + Math.floor(random() * 28)).padStart(2, "0");
      const seq = String(Math.floor(random() * 1000)).padStart(3, "0");
      debtor = {
        name: pick(SURNAMES) + pick(GIVEN) + (random() < 0.5 ? pick(GIVEN) : ""),
        id: idWithCheck(`${pick(REGIONS)}${year}${month}${day}${seq}`),
        phone: `17${random() < 0.5 ? "0" : "1"}${String(Math.floor(random() * 1e8)).padStart(8, "0")}`,
      };
      if (debtors.length < 10_000) debtors.push(debtor);
    }
    const principal = 1_000 + Math.floor(random() * 200_000);
    const outstanding = Math.floor(principal * (0.2 + random() * 0.8));
    let { id, phone } = debtor;
    let amount = `${outstanding}.${String(Math.floor(random() * 100)).padStart(2, "0")}`;
    if (random() < errorRate) {
      const kind = Math.floor(random() * 3);
      if (kind === 0) id = id.slice(0, 17) + (id.endsWith("0") ? "1" : "0");
      else if (kind === 1) phone = "12345";
      else amount = `-${amount}`;
    }
    yield `${prefix}-${String(i).padStart(8, "0")},${debtor.name},${id},${phone},${principal}.00,${amount},${Math.floor(random() * 720)},${pick(PRODUCTS)}`;
  }
}
