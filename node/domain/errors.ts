/**
 * Stable codes for everything wrong with a case list, with the message a person reads in Chinese and English.
 * Codes are part of the API (reports, CSV downloads, CLI exit codes): never rename one, only add.
 * Messages never contain the offending value when it could be personal data.
 */
export const FIELD_ERRORS = {
  FIELD_MISSING: { zh: "必填字段为空", en: "required field is empty" },
  FIELD_TOO_LONG: { zh: "字段超过最大长度", en: "field is longer than allowed" },
  ID_FORMAT: { zh: "身份证号格式错误（应为 18 位或 15 位）", en: "ID number is not 18 or 15 characters of the right form" },
  ID_CHECK_DIGIT: { zh: "身份证号校验位错误", en: "ID number check character is wrong" },
  ID_BIRTH_DATE: { zh: "身份证号中的出生日期无效", en: "birth date in the ID number is not a real date, before 1900 or in the future" },
  PHONE_INVALID: { zh: "手机号无效（应为 1 开头的 11 位号码）", en: "mobile number is not 11 digits starting with 1[3-9]" },
  AMOUNT_NOT_NUMBER: { zh: "金额不是有效数字", en: "amount is not a number" },
  AMOUNT_NEGATIVE: { zh: "金额不能为负数", en: "amount must not be negative" },
  AMOUNT_TOO_PRECISE: { zh: "金额最多保留两位小数", en: "amount has more than 2 decimals" },
  AMOUNT_TOO_LARGE: { zh: "金额超出上限", en: "amount is too large" },
  INTEGER_INVALID: { zh: "应为非负整数", en: "must be a whole number ≥ 0" },
  DUPLICATE_ROW: { zh: "与本文件中前面的行完全相同，已忽略", en: "identical to an earlier row of this file; ignored" },
  REF_CONFLICT: { zh: "合同编号与前面的行相同但内容不同，以首次出现为准", en: "same loan_ref as an earlier row with different data; the first one stands" },
  ROW_COLUMNS: { zh: "该行的列数与表头不一致", en: "the row has a different number of columns than the header" },
} as const;

export const FIELD_WARNINGS = {
  PHONE_EMPTY: { zh: "未提供手机号", en: "no mobile number" },
  ID_UPGRADED: { zh: "15 位身份证号已升级为 18 位", en: "15-digit ID number upgraded to 18 digits" },
} as const;

export const FILE_ERRORS = {
  FILE_EMPTY: { zh: "文件为空", en: "the file is empty" },
  FILE_NOT_CSV: { zh: "文件不是 CSV 文本", en: "the file is not CSV text" },
  FILE_ENCODING: { zh: "无法识别文件编码（支持 UTF-8 与 GB18030/GBK）", en: "unrecognized encoding (UTF-8 and GB18030/GBK are supported)" },
  HEADER_MISSING_COLUMN: { zh: "表头缺少必需的列", en: "the header lacks a required column" },
  HEADER_DUPLICATE_COLUMN: { zh: "表头有重复的列", en: "the header names a column twice" },
  FILE_TOO_LARGE: { zh: "文件超过大小上限", en: "the file is larger than allowed" },
  QUOTE_UNTERMINATED: { zh: "引号未闭合", en: "a quoted field is never closed" },
} as const;

export type FieldErrorCode = keyof typeof FIELD_ERRORS;
export type FieldWarningCode = keyof typeof FIELD_WARNINGS;
export type FileErrorCode = keyof typeof FILE_ERRORS;

/** "中文 / English", the form every message to a user takes. */
export function bilingual(message: { zh: string; en: string }): string {
  return `${message.zh} / ${message.en}`;
}

/** One problem with one field of one row, as the validation report carries it. */
export interface FieldIssue<Code extends string = FieldErrorCode> {
  field: string;
  code: Code;
  message: string;
}

export function fieldError(field: string, code: FieldErrorCode): FieldIssue {
  return { field, code, message: bilingual(FIELD_ERRORS[code]) };
}

export function fieldWarning(field: string, code: FieldWarningCode): FieldIssue<FieldWarningCode> {
  return { field, code, message: bilingual(FIELD_WARNINGS[code]) };
}

/** A whole-file failure (not CSV, unreadable encoding, header without a required column…). */
export class CaseListFileError extends Error {
  override readonly name = "CaseListFileError";
  constructor(
    readonly code: FileErrorCode,
    readonly details: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(bilingual(FILE_ERRORS[code]), options);
  }
}
