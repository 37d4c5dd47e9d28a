import { CaseListFileError } from "../errors.js";

/**
 * The header of a case list: which column holds which canonical field (docs/design.md §8).
 * Names are compared after NFKC, trimming and lower-casing (so `LOAN_REF`, full-width `ｌｏａｎ＿ｒｅｆ` and
 * ` 合同编号 ` all match); the alias lists are exactly those of docs/design.md §8, nothing fuzzy.
 */
export const CASE_FIELDS = [
  "loan_ref",
  "name",
  "id_number",
  "phone",
  "principal",
  "outstanding",
  "overdue_days",
  "region",
  "product",
] as const;

export type CaseField = (typeof CASE_FIELDS)[number];

export const REQUIRED_FIELDS: readonly CaseField[] = ["loan_ref", "name", "id_number", "principal", "outstanding", "overdue_days"];

/** Header names accepted for each field besides the field's own (English) name. */
export const FIELD_ALIASES: Readonly<Record<CaseField, readonly string[]>> = {
  loan_ref: ["合同编号", "借据号", "贷款编号"],
  name: ["姓名", "借款人姓名"],
  id_number: ["身份证号", "证件号码", "身份证号码"],
  phone: ["手机号", "手机号码", "联系电话"],
  principal: ["本金", "贷款本金"],
  outstanding: ["欠款余额", "逾期金额", "剩余应还"],
  overdue_days: ["逾期天数"],
  region: ["省份"],
  product: ["产品"],
};

/** The form in which header names are compared: NFKC, trimmed, lower case. */
export function normalizeHeaderName(name: string): string {
  return name.normalize("NFKC").trim().toLowerCase();
}

const FIELD_BY_NAME: ReadonlyMap<string, CaseField> = new Map(
  CASE_FIELDS.flatMap((field) => [field, ...FIELD_ALIASES[field]].map((alias) => [normalizeHeaderName(alias), field] as const)),
);

/** The canonical field a header name stands for, or null for a column docs/design.md §8 does not name. */
export function fieldOfHeader(name: string): CaseField | null {
  return FIELD_BY_NAME.get(normalizeHeaderName(name)) ?? null;
}

export interface CaseListColumn {
  /** 0-based position in the record. */
  index: number;
  /** The header cell as written in the file. */
  name: string;
  /** The canonical field, or null for a column that is kept under its own name. */
  field: CaseField | null;
  /**
   * Key of this column's value in a row's `values`: the field, else the header cell trimmed, else
   * `column_<position>` (1-based) for a column whose header cell is empty.
   */
  key: string;
}

/**
 * Maps the cells of a header record to columns. Throws CaseListFileError
 * - HEADER_MISSING_COLUMN when a required field has no column: details `{ missing: [field, …] }`;
 * - HEADER_DUPLICATE_COLUMN when two columns stand for the same field (`合同编号` and `借据号`) or two unknown
 *   columns have the same name: details `{ duplicates: [{ key, columns: [1-based positions], names }] }`.
 * Missing columns are judged first: a first line without them is most likely a debtor's row (a file without its
 * header line), and its cells — a phone in two columns, say — must not come back quoted in the duplicate's details.
 */
export function mapHeader(cells: readonly string[]): CaseListColumn[] {
  const columns: CaseListColumn[] = cells.map((name, index) => {
    const field = fieldOfHeader(name);
    const trimmed = name.trim();
    return { index, name, field, key: field ?? (trimmed === "" ? `column_${index + 1}` : trimmed) };
  });

  const present = new Set(columns.map((c) => c.field));
  const missing = REQUIRED_FIELDS.filter((field) => !present.has(field));
  if (missing.length > 0) throw new CaseListFileError("HEADER_MISSING_COLUMN", { missing });

  const byKey = new Map<string, CaseListColumn[]>();
  for (const column of columns) {
    const key = column.field ?? normalizeHeaderName(column.key);
    const same = byKey.get(key);
    if (same) same.push(column);
    else byKey.set(key, [column]);
  }
  const duplicates = [...byKey.entries()]
    .filter(([, same]) => same.length > 1)
    .map(([key, same]) => ({ key, columns: same.map((c) => c.index + 1), names: same.map((c) => c.name) }));
  if (duplicates.length > 0) throw new CaseListFileError("HEADER_DUPLICATE_COLUMN", { duplicates });
  return columns;
}
